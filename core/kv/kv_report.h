#pragma once
// The figures of `hotpath kv RUN`: per-replica usage (peak, time-weighted mean, seconds above 90 %),
// capacity, preemptions, the prefix hit rate (Σhits/Σqueries) with its per-bin series, residency
// quantiles and the verdict. The same numbers the KV panel shows. Pure.
#include <string>

#include <nlohmann/json.hpp>

#include "core/kv/kv_series.h"
#include "core/kv/kv_verdict.h"

namespace hp::kv {

// `bins`: columns of the prefix hit-rate series over the window.
nlohmann::json kv_report_json(const KvSeries& s, const KvVerdict& v, int bins = 20);
std::string kv_report_text(const nlohmann::json& report);

}  // namespace hp::kv
