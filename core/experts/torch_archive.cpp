#include "core/experts/torch_archive.h"

#include <fmt/format.h>

#include <cstring>

#include "core/model/load_status.h"

namespace hp::experts {
namespace {

size_t element_size(const std::string& dtype) {
  if (dtype == "int64" || dtype == "float64") return 8;
  if (dtype == "int32" || dtype == "float32") return 4;
  if (dtype == "int16") return 2;
  if (dtype == "int8" || dtype == "uint8" || dtype == "bool") return 1;
  return 0;
}

int64_t element(const char* p, const std::string& dtype) {
  auto get = [p](auto x) {
    std::memcpy(&x, p, sizeof x);
    return static_cast<int64_t>(x);
  };
  if (dtype == "int64") return get(int64_t{});
  if (dtype == "int32") return get(int32_t{});
  if (dtype == "int16") return get(int16_t{});
  if (dtype == "int8") return get(int8_t{});
  return get(uint8_t{});
}

}  // namespace

TorchArchive::TorchArchive(std::string_view bytes, const std::string& file) : zip_(bytes, file) {
  const ZipEntry* pkl = nullptr;
  for (const auto& e : zip_.entries())
    if (e.name == "data.pkl" || e.name.ends_with("/data.pkl")) {
      pkl = &e;
      break;
    }
  if (!pkl) throw ImportError(file, 0, "zip archive has no data.pkl: not a torch.save file");
  prefix_ = pkl->name.substr(0, pkl->name.size() - 8);  // keeps the trailing '/'
  pickle_name_ = file + ":" + pkl->name;
  root_ = read_pickle(zip_.read(*pkl), pickle_name_);
}

std::vector<int64_t> TorchArchive::ints(const PValue& t) const {
  if (t.kind != PKind::Tensor || t.items.empty())
    throw ImportError(pickle_name_, t.offset,
                      fmt::format("expected a tensor, found a {}", to_string(t.kind)));
  const PValue& st = *t.items[0];
  const size_t es = element_size(t.dtype);
  if (es == 0 || t.dtype.starts_with("float"))
    throw ImportError(pickle_name_, t.offset,
                      fmt::format("tensor of dtype {} where counts (integers) belong", t.dtype));
  const std::string name = prefix_ + "data/" + st.text;
  const ZipEntry* e = zip_.find(name);
  if (!e) throw ImportError(pickle_name_, st.offset, fmt::format("storage '{}' is not in the archive", name));
  const std::string raw = zip_.read(*e);
  const uint64_t have = raw.size() / es;
  // Highest element the view touches, with overflow checks (shape and stride come from the file).
  uint64_t n = 1, last = 0;
  if (t.num < 0) throw ImportError(pickle_name_, t.offset, "tensor has a negative storage offset");
  for (size_t d = 0; d < t.shape.size(); ++d) {
    if (t.shape[d] < 0 || t.stride[d] < 0 || t.shape[d] > (int64_t{1} << 40) ||
        t.stride[d] > (int64_t{1} << 40))
      throw ImportError(pickle_name_, t.offset, "tensor has a negative or huge size or stride");
    n *= static_cast<uint64_t>(t.shape[d]);
    if (n > (uint64_t{1} << 26))
      throw ImportError(pickle_name_, t.offset, "tensor has more than 2^26 elements");
    if (t.shape[d]) last += static_cast<uint64_t>(t.shape[d] - 1) * static_cast<uint64_t>(t.stride[d]);
  }
  if (n && static_cast<uint64_t>(t.num) + last >= have)
    throw ImportError(pickle_name_, t.offset,
                      fmt::format("tensor needs element {} of storage '{}', which holds {} {} elements",
                                  static_cast<uint64_t>(t.num) + last, name, have, t.dtype));
  std::vector<int64_t> out;
  out.reserve(n);
  std::vector<int64_t> idx(t.shape.size(), 0);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t at = static_cast<uint64_t>(t.num);
    for (size_t d = 0; d < idx.size(); ++d) at += static_cast<uint64_t>(idx[d] * t.stride[d]);
    out.push_back(element(raw.data() + at * es, t.dtype));
    for (size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace hp::experts
