#pragma once
// Import log panel: every ImportLog entry (severity, code, file, offset, message), the count of
// each code, and a filter by severity (and by code, by clicking it in the counts table).
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/import_log.h"
#include "core/model/run.h"

namespace hp {

struct ImportLogFilter {
  bool show[3] = {true, true, true};  // indexed by Severity
  std::string code;                   // empty: every code
};

struct CodeCount {
  std::string code;
  Severity severity = Severity::Info;  // the worst severity seen among the kept entries
  uint64_t count = 0;                  // every add(), including entries beyond kKeepPerCode
  uint64_t kept = 0;                   // entries with their full text
};

// Pure layout: the indices of the entries the filter lets through, in log order.
std::vector<size_t> visible_entries(const ImportLog& log, const ImportLogFilter& filter);
// Pure layout: one row per code, errors first, then by count (descending), then by code.
std::vector<CodeCount> code_counts(const ImportLog& log);
const char* severity_label(Severity s);

// Pure: the slice an entry names ("'NAME' [START ns, +DUR ns] ..." as slice.overlap writes), kNone
// when it names none or no slice of the run matches.
uint32_t slice_named_by(const Run& run, const LogEntry& e);

struct ImportLogPanelState {
  ImportLogFilter filter;
  size_t clicked = SIZE_MAX;   // the entry a click chose this frame (the host selects what it names)
  size_t selected = SIZE_MAX;  // the entry last clicked (highlighted)
  size_t rows_drawn = 0;       // entries the last draw submitted (after clipping)
  size_t rows_visible = 0;     // entries the filter let through in the last draw
};

// Draws into the current window.
void draw_import_log_panel(const ImportLog& log, ImportLogPanelState& state);

}  // namespace hp
