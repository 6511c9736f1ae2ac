#pragma once
// `hotpath info`: what was loaded. The JSON form is one object with by_cat, by_ph, kernels,
// kernel_time_ns, span_ns, ranks, gpu_tracks, cpu_tracks, warnings and redactions.
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/run.h"
#include "core/session/session.h"

namespace hp {

nlohmann::json info_json(const Run& run);
std::string info_text(const Run& run);  // the human summary (also shown in the GUI's Summary panel)
// The Run's object plus "sources" (every input on the session clock), "epoch_base_ns" and "serving":
// requests by status, every metric series with its sample count, engine iterations by kind.
nlohmann::json info_json(const Session& session);
std::string session_text(const Session& session);  // the serving part of the summary

}  // namespace hp
