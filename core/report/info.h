#pragma once
// `hotpath info`: what was loaded. The JSON form is one object with by_cat, by_ph, kernels,
// kernel_time_ns, span_ns, ranks, gpu_tracks, cpu_tracks, warnings and redactions.
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/run.h"

namespace hp {

nlohmann::json info_json(const Run& run);
std::string info_text(const Run& run);  // the human summary (also shown in the GUI's Summary panel)

}  // namespace hp
