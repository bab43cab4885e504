// libFuzzer target: any bytes as a Kaggle features CSV, through the loader the Train
// tab and `genrescope-cli train/evaluate` use (parse, labels, dataset).

#include "FuzzScratch.h"

#include "common/Error.h"
#include "data/Dataset.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString path = fuzzScratchFile(data, size, QStringLiteral("csv"));
    try {
        genrescope::data::loadFeaturesCsv(path);
    } catch (const genrescope::Error&) {
    }
    return 0;
}
