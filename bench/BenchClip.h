#pragma once
// The 30 s clip the benchmarks use: blues.00000 from the shared data when present
// (GENRESCOPE_GTZAN or ../shared/data/gtzan), else 30 s of uniform noise.

#include "audio/AudioDecoder.h"

#include <QFileInfo>

#include <random>
#include <vector>

namespace benchclip {

inline const std::vector<float>& clip()
{
    static const std::vector<float> y = [] {
        QString dir = qEnvironmentVariable("GENRESCOPE_GTZAN");
        if (dir.isEmpty())
            dir = QStringLiteral(GENRESCOPE_SOURCE_DIR "/../shared/data/gtzan");
        const QString path = dir + QStringLiteral("/audio/blues/blues.00000.wav");
        if (QFileInfo::exists(path))
            return genrescope::decodeAudio(path).samples;
        std::mt19937 gen(1);
        std::uniform_real_distribution<float> d(-0.5f, 0.5f);
        std::vector<float> noise(661794);
        for (float& v : noise)
            v = d(gen);
        return noise;
    }();
    return y;
}

} // namespace benchclip
