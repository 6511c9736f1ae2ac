#include "app/summary_text.h"

#include "core/report/info.h"

namespace hp {

std::string summary_text(const Session* session) {
  if (!session)
    return "Nothing loaded.\n\nOpen a trace, a run file or a server log with File > Open... (Ctrl+O) or drop "
           "files onto this window.\n";
  const Run& run = *session->run;
  const bool trace = !run.sources.empty() || run.slices.size();
  std::string out;
  if (trace || !session->has_serving()) out = info_text(run);
  if (session->has_serving() || session->sources.size() > 1)
    out += (trace ? "\n" : "") + session_text(*session);
  return out;
}

}  // namespace hp
