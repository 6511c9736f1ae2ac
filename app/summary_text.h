#pragma once
// The text of the Summary panel and of the no-display fallback: hp::info_text, or a hint when
// nothing is loaded.
#include <string>

#include "core/model/run.h"

namespace hp {

std::string summary_text(const Run* run);

}  // namespace hp
