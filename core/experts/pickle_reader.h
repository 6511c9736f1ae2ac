#pragma once
// A safe reader for the subset of Python pickle that expert-load files use (pickle protocols 2-5:
// lists, dicts, tuples, ints, floats, strings, bytes, and a short whitelist of globals such as
// collections.Counter, numpy int scalars and torch's tensor rebuild hooks). Nothing is executed: a
// global is a name, and REDUCE of a whitelisted global builds a plain value. Any other opcode or
// global is an ImportError naming the file, the byte offset and the opcode or global.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hp::experts {

struct PValue;
using PRef = std::shared_ptr<const PValue>;

enum class PKind : uint8_t {
  None,
  Bool,
  Int,
  Float,
  Str,
  Bytes,
  List,
  Tuple,
  Dict,     // items = key, value, key, value, ... (insertion order)
  Global,   // text = "module.name", a whitelisted callable not yet applied
  DType,    // numpy.dtype: text = its code ("i8", "<f4", ...)
  Storage,  // torch storage by persistent id: text = key, dtype = element type name, num = numel
  Tensor,   // torch tensor: items[0] = its Storage, shape/stride/offset in ints
};

struct PValue {
  PKind kind = PKind::None;
  int64_t num = 0;    // Int, Bool; Storage numel; Tensor storage offset
  double real = 0;    // Float
  std::string text;   // Str, Bytes, Global, DType, Storage key
  std::string dtype;  // Storage, Tensor: "int32", "int64", "float32", ...
  std::vector<PRef> items;
  std::vector<int64_t> shape, stride;  // Tensor
  uint64_t offset = 0;                 // byte where the value was made (for error messages)
  uint32_t depth = 0;                  // nesting below this value (capped, so freeing never runs deep)
};

// Reads one pickle from `bytes`; `file` names it in errors. Throws ImportError.
PRef read_pickle(std::string_view bytes, const std::string& file);

// The value of a dict entry with string key `key`, or null.
const PValue* dict_get(const PValue& dict, std::string_view key);

const char* to_string(PKind k);

}  // namespace hp::experts
