// TEMPORARY (shell branch): a minimal info_text so that the app links before the import branch
// lands the real core/report/info.cpp. On merge, take the import branch's file and drop this one.
#include "core/report/info.h"

#include <fmt/format.h>

namespace hp {

std::string info_text(const Run& run) {
  return fmt::format("sources: {}\ntracks: {}\nslices: {}\nwarnings: {}\nerrors: {}\n", run.sources.size(),
                     run.tracks.size(), run.slices.size(), run.log.count(Severity::Warning),
                     run.log.count(Severity::Error));
}

}  // namespace hp
