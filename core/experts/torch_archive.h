#pragma once
// A torch.save archive read without torch: the zip's `<prefix>/data.pkl` through the safe pickle
// subset, and tensors' elements from the raw little-endian storages `<prefix>/data/<key>`.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/experts/pickle_reader.h"
#include "core/experts/zip_reader.h"

namespace hp::experts {

class TorchArchive {
 public:
  // Throws ImportError (file, byte offset, what) when it is no torch.save zip.
  TorchArchive(std::string_view bytes, const std::string& file);
  const PValue& root() const { return *root_; }
  // A tensor's elements in row-major order of its shape, as int64 (integer and bool dtypes only).
  // Throws ImportError when the storage is missing or too small for the shape and stride.
  std::vector<int64_t> ints(const PValue& tensor) const;
  // Where pickle errors point: "<file>:<prefix>/data.pkl".
  const std::string& pickle_name() const { return pickle_name_; }

 private:
  ZipReader zip_;
  std::string prefix_, pickle_name_;
  PRef root_;
};

}  // namespace hp::experts
