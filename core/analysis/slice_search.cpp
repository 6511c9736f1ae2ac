#include "core/analysis/slice_search.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace hp {

SearchResult search_slices(const Run& run, std::string_view query, bool regex) {
  SearchResult out;
  if (query.empty()) return out;
  std::vector<bool> hit(run.strings.size(), false);
  if (regex) {
    RE2::Options opt;
    opt.set_log_errors(false);
    opt.set_case_sensitive(false);
    RE2 re(re2::StringPiece(query.data(), query.size()), opt);
    if (!re.ok()) {
      out.error = re.error();
      return out;
    }
    for (StrId i = 1; i < run.strings.size(); ++i) {
      std::string_view s = run.str(i);
      hit[i] = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
    }
  } else {
    auto eq = [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    };
    for (StrId i = 1; i < run.strings.size(); ++i) {
      std::string_view s = run.str(i);
      hit[i] = std::search(s.begin(), s.end(), query.begin(), query.end(), eq) != s.end();
    }
  }
  std::vector<bool> counted(run.strings.size(), false);
  for (uint32_t i = 0; i < run.slices.size(); ++i) {
    StrId n = run.slices.name[i];
    if (!hit[n]) continue;
    out.slices.push_back(i);
    if (!counted[n]) counted[n] = true, ++out.names_matched;
  }
  return out;
}

}  // namespace hp
