#include "app/summary_text.h"

#include "core/report/info.h"

namespace hp {

std::string summary_text(const Run* run) {
  if (!run)
    return "No trace loaded.\n\nOpen one with File > Open... (Ctrl+O) or drop files onto this window.\n";
  return info_text(*run);
}

}  // namespace hp
