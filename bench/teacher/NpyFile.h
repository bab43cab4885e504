#pragma once
// Reads a NumPy .npy file of float32 values (little-endian, C order), as the
// teacher's weights are stored. Throws genrescope::Error naming the file.

#include <QString>

#include <vector>

namespace genrescope::teacher {

struct NpyArray {
    std::vector<int> shape;
    std::vector<float> values;  // row-major
};

NpyArray readNpy(const QString& path);

} // namespace genrescope::teacher
