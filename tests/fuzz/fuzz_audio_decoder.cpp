// libFuzzer target: any bytes, saved under the audio extension the first byte picks, go
// through the decoder as a user's file does (probe, decode, downmix, resample to 22050 Hz).
// A clear genrescope::Error is the expected outcome; crashes, leaks and UB are findings.

#include "FuzzScratch.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const char* const extensions[] = {"wav", "flac", "ogg", "opus", "mp3", "aiff", "au", "caf"};
    if (size < 1)
        return 0;
    const QString path = fuzzScratchFile(data + 1, size - 1, QLatin1String(extensions[data[0] % 8]));
    try {
        genrescope::decodeAudio(path);
    } catch (const genrescope::Error&) {
    }
    return 0;
}
