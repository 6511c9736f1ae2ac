#pragma once
// Everything known about one slice, for the details panel: typed fields, its args decoded from
// the raw JSON (only now, on selection), its enclosing slice and its launch links.
#include <string>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct DetailField {
  std::string key, value;
};

struct SliceDetails {
  std::vector<DetailField> fields;
  std::vector<DetailField> args;
  std::string args_error;          // when the raw args are not valid JSON
  uint32_t parent = kNone;         // the enclosing slice on the same lane
  uint32_t launched_by = kNone;    // GPU op -> its runtime/driver call
  std::vector<uint32_t> launches;  // runtime/driver call -> the GPU ops it launched
};

SliceDetails slice_details(const Run& run, uint32_t slice);

}  // namespace hp
