#pragma once
// The text of the Summary panel and of the no-display fallback: hp::info_text for the trace and
// hp::session_text for the serving tables and the clock, or a hint when nothing is loaded.
#include <string>

#include "core/session/session.h"

namespace hp {

std::string summary_text(const Session* session);

}  // namespace hp
