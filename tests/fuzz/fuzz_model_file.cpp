// libFuzzer target: any bytes as a model file. In fuzzing builds the SHA-256 check is
// skipped (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), so mutations reach the header and
// weight parsing; a model that loads is also run once on a zero input.

#include "common/Error.h"
#include "ml/ModelFile.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const genrescope::ml::Model model =
            genrescope::ml::deserializeModel(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)),
                                             QStringLiteral("fuzz.gsm"));
        std::vector<int> shape{1};
        for (int d : model.network->inputShape())
            shape.push_back(d);
        model.predict(genrescope::ml::Tensor(shape));
    } catch (const genrescope::Error&) {
    }
    return 0;
}
