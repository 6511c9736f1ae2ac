#pragma once
// `hotpath triage` output: Markdown (per stage a summary paragraph, then the kernel table, the
// category roll-up, the fusion table and the CUDA-graph summary), JSON and CSV (one row per kernel
// per stage). The JSON shape:
//   {"framework","site_source","min_share_pct","stage_assignment":{...},"steps":[...],
//    "stages":[{"stage","gpu_time_ns","busy_time_ns","unassigned_kernels","launches",...,
//               "kernels":[{"name","category","gpu_time_ns","launches","share_sum_pct",
//                           "share_busy_pct","site","cpu_op",...}],
//               "categories":[...],"overlap":[],"fusions":[...],"graphs":{...}}]}
#include <nlohmann/json.hpp>
#include <string>

#include "core/analysis/triage.h"

namespace hp {

std::string triage_markdown(const Triage& t, const std::string& title = "");
nlohmann::json triage_json(const Triage& t);
std::string triage_csv(const Triage& t);

// For Markdown tables: "void ns::k<T>(args)" loses "void " and the parameter list, and names still
// longer than max_chars keep their head and tail around "…".
std::string elide_kernel_name(const std::string& name, size_t max_chars = 72);

}  // namespace hp
