#include "audio/Resampler.h"

#include "audio/Decimator.h"
#include "common/Error.h"

#include <samplerate.h>

#include <cmath>

namespace genrescope {

struct Resampler::State {
    SRC_STATE* src = nullptr;
    std::unique_ptr<Decimator> decimator;  // for whole-number ratios such as 44100 -> 22050
};

Resampler::Resampler(int inputRate, int outputRate)
    : state_(std::make_unique<State>()), ratio_(double(outputRate) / double(inputRate))
{
    if (outputRate > 0 && inputRate % outputRate == 0 && inputRate / outputRate >= 2 && inputRate / outputRate <= 16) {
        state_->decimator = std::make_unique<Decimator>(inputRate / outputRate);
        return;
    }
    int err = 0;
    state_->src = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err);
    if (!state_->src)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Cannot create resampler: %1").arg(QString::fromUtf8(src_strerror(err))));
    if (!src_is_valid_ratio(ratio_))
        throw Error(ErrorCode::BadHeader,
                    QStringLiteral("Cannot resample from %1 Hz to %2 Hz.").arg(inputRate).arg(outputRate));
}

Resampler::~Resampler()
{
    if (state_ && state_->src)
        src_delete(state_->src);
}

void Resampler::process(const float* input, long count, std::vector<float>& out)
{
    if (state_->decimator)
        state_->decimator->process(input, count, out);
    else
        run(input, count, false, out);
}

void Resampler::finish(std::vector<float>& out)
{
    if (state_->decimator)
        state_->decimator->finish(out);
    else
        run(nullptr, 0, true, out);
}

void Resampler::run(const float* input, long count, bool last, std::vector<float>& out)
{
    static const float kNothing = 0.0f;
    SRC_DATA data{};
    data.data_in = input ? input : &kNothing;
    data.input_frames = count;
    data.src_ratio = ratio_;
    data.end_of_input = last ? 1 : 0;

    const long chunk = long(std::ceil(double(count) * ratio_)) + 4096;
    for (;;) {
        const size_t offset = out.size();
        out.resize(offset + size_t(chunk));
        data.data_out = out.data() + offset;
        data.output_frames = chunk;
        const int err = src_process(state_->src, &data);
        if (err)
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Resampling failed: %1").arg(QString::fromUtf8(src_strerror(err))));
        out.resize(offset + size_t(data.output_frames_gen));
        data.data_in += data.input_frames_used;
        data.input_frames -= data.input_frames_used;
        // Done when all input is consumed and, at the end, the tail is drained.
        if (data.input_frames == 0 && (!last || data.output_frames_gen == 0))
            break;
    }
}

long resampledLength(long inputFrames, int inputRate, int outputRate)
{
    return long(std::ceil(double(inputFrames) * double(outputRate) / double(inputRate)));
}

} // namespace genrescope
