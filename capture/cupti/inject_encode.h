#pragma once
// CUPTI activity records -> capture-stream frames (core/capture/cupti_frames.h), inside the traced
// process. Names (kernels, API callbacks, NVTX) are interned per process: a String frame precedes the
// first record that uses one. Not thread-safe: the injection holds its lock around it.
#include <cupti.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace hp::cupti {

class RecordEncoder {
 public:
  // Appends the record's frame to `out`; false for kinds the stream does not carry (counted).
  bool add(const CUpti_Activity* record, std::string& out);
  uint64_t records() const { return records_; }
  uint64_t skipped() const { return skipped_; }

 private:
  uint32_t intern(const char* s, std::string& out);
  uint32_t api_name(CUpti_CallbackDomain domain, uint32_t cbid, std::string& out);
  std::unordered_map<std::string, uint32_t> strings_;
  std::map<std::pair<int, uint32_t>, uint32_t> api_names_;
  uint64_t records_ = 0, skipped_ = 0;
};

}  // namespace hp::cupti
