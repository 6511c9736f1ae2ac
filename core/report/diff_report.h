#pragma once
// `hotpath diff A B`: the trace diff (core/analysis/trace_diff.h) as text (100 columns),
// markdown, JSON or CSV.
#include <nlohmann/json.hpp>
#include <string>

#include "core/analysis/trace_diff.h"

namespace hp {

std::string diff_text(const TraceDiff& d, const std::string& a, const std::string& b, size_t top = 20);
std::string diff_markdown(const TraceDiff& d, const std::string& a, const std::string& b, size_t top = 50);
nlohmann::json diff_json(const TraceDiff& d, const std::string& a, const std::string& b);
// One row per category and per name:
// level,key,category,count_a,count_b,time_a_ns,time_b_ns,delta_ns,delta_pct
std::string diff_csv(const TraceDiff& d);

}  // namespace hp
