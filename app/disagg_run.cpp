#include "app/disagg_run.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "app/cli_load.h"
#include "core/disagg/fit_spec.h"
#include "core/disagg/kv_bytes.h"
#include "core/disagg/whatif_spec.h"
#include "core/serving/latency_stats.h"

namespace hp {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json pctl_json(const disagg::Percentiles& p) {
  return {{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"mean", p.mean}};
}

json layout_json(const disagg::LayoutEval& e, int tp) {
  json j = {{"prefill_gpus", e.layout.prefill * tp},
            {"decode_gpus", e.layout.decode * tp},
            {"label", e.layout.label(tp)},
            {"throughput_rps", e.sim.throughput_rps},
            {"goodput_rps", e.sim.goodput_rps},
            {"max_rate_rps", e.bounds.max_rate_rps},
            {"ttft_ms", pctl_json(e.sim.ttft_ms)},
            {"itl_ms", pctl_json(e.sim.itl_ms)},
            {"e2e_ms", pctl_json(e.sim.e2e_ms)},
            {"kv_transfer_ms", pctl_json(e.sim.kv_transfer_ms)},
            {"utilisation",
             {{"prefill", e.sim.util_prefill}, {"decode", e.sim.util_decode}, {"link", e.sim.util_link}}},
            {"bottleneck", disagg::to_string(e.bounds.bottleneck)}};
  return j;
}

json check_json(const disagg::SelfCheck& c) {
  if (!c.valid) return {{"valid", false}};
  return {{"valid", true},
          {"measured",
           {{"throughput_rps", c.measured_rps},
            {"ttft_ms", pctl_json(c.measured_ttft_ms)},
            {"itl_ms", pctl_json(c.measured_itl_ms)}}},
          {"predicted",
           {{"throughput_rps", c.predicted_rps},
            {"ttft_ms", pctl_json(c.predicted_ttft_ms)},
            {"itl_ms", pctl_json(c.predicted_itl_ms)}}},
          {"max_deviation", c.max_deviation},
          {"low_confidence", c.low_confidence}};
}

// config.json of the run's model in the Hugging Face cache ($HF_HOME/hub, ~/.cache/huggingface/hub).
std::string find_hf_config(const Session& s) {
  const std::string model = run_model(s);
  if (model.empty() || model.find('/') == std::string::npos) return {};
  std::string dir = "models--" + model.substr(0, model.find('/')) + "--" + model.substr(model.find('/') + 1);
  std::vector<fs::path> roots;
  if (const char* h = std::getenv("HF_HOME")) roots.emplace_back(fs::path(h) / "hub");
  if (const char* h = std::getenv("HOME")) roots.emplace_back(fs::path(h) / ".cache/huggingface/hub");
  std::error_code ec;
  for (const auto& r : roots) {
    fs::path snaps = r / dir / "snapshots";
    if (!fs::is_directory(snaps, ec)) continue;
    for (const auto& e : fs::directory_iterator(snaps, ec))
      if (fs::exists(e.path() / "config.json", ec)) return (e.path() / "config.json").string();
  }
  return {};
}

}  // namespace

std::string run_model(const Session& s) {
  std::string model;
  for (const char* k : {"model", "served_model_name", "model_name"})
    if (auto it = s.meta.find(k); it != s.meta.end() && !it->second.empty()) model = it->second;
  return model;
}

DisaggResult run_disagg(const DisaggArgs& a) {
  DisaggResult r;
  disagg::WhatIfSpec spec;
  disagg::SelfCheck& check = r.check;
  std::vector<std::string>& warnings = r.warnings;
  const bool is_spec = a.input.ends_with(".json");
  if (is_spec) {
    spec = disagg::read_spec_file(a.input);
    if (a.gpus) spec.gpus = a.gpus;
    if (a.tp) spec.tp = a.tp;
    if (a.bandwidth > 0) spec.kv.bandwidth_GBps = a.bandwidth;
    if (!a.model_config.empty()) {
      auto kv = disagg::kv_bytes_from_file(a.model_config);
      spec.kv.bytes_per_token = kv.per_token;
      spec.kv.fixed_bytes_per_request = kv.fixed_per_request;
    }
  } else {
    auto session = load_session_for_cli({a.input});
    if (!session) throw std::runtime_error("the run did not load");
    r.model = run_model(*session);
    disagg::FitOptions fo;
    fo.gpus = a.gpus;
    fo.tp = a.tp;
    fo.bandwidth_GBps = a.bandwidth;
    fo.kv_source = a.model_config.empty() ? find_hf_config(*session) : a.model_config;
    if (!fo.kv_source.empty()) fo.kv = disagg::kv_bytes_from_file(fo.kv_source);
    disagg::FitResult fit = disagg::fit_spec(*session, fo);
    spec = fit.spec;
    warnings = fit.warnings;
    if (a.requests) spec.requests = a.requests;
    // The self-check predicts the run as measured: its own instance count and rate.
    disagg::WhatIfSpec measured = spec;
    measured.gpus = std::max(measured.tp, fit.measured_gpus - fit.measured_gpus % measured.tp);
    check = disagg::self_check(measured, *session);
  }
  if (a.rate > 0) spec.arrival.rate_rps = a.rate;
  if (a.requests) spec.requests = a.requests;
  if (spec.gpus < spec.tp) throw std::runtime_error("--gpus is smaller than one instance's tp");
  if (!a.emit_spec.empty()) {
    std::ofstream out(a.emit_spec);
    out << disagg::spec_to_json(spec).dump(2) << '\n';
    if (!out) throw std::runtime_error(a.emit_spec + ": cannot be written");
  }
  disagg::Slo slo;
  if (!a.slo.empty()) {
    auto s = serving::parse_slo(a.slo);
    slo.ttft_ms = s.ttft_ms.value_or(0);
    slo.itl_ms = s.itl_ms ? *s.itl_ms : s.tpot_ms.value_or(0);
  }
  r.ev = disagg::evaluate(spec, slo, check.valid ? &check : nullptr);
  return r;
}

json disagg_json(const DisaggResult& r) {
  const disagg::Evaluation& ev = r.ev;
  const disagg::WhatIfSpec& spec = ev.spec;
  const disagg::SelfCheck& check = r.check;
  const std::vector<std::string>& warnings = r.warnings;
  json j;
  j["monolithic"] = layout_json(ev.layouts[0], spec.tp);
  j["splits"] = json::array();
  for (size_t i = 1; i < ev.layouts.size(); ++i) j["splits"].push_back(layout_json(ev.layouts[i], spec.tp));
  const auto& a = ev.advice;
  j["recommendation"] = {{"layout", a.label},
                         {"monolithic", a.monolithic},
                         {"prefill_gpus", a.prefill_gpus},
                         {"decode_gpus", a.decode_gpus},
                         {"tp", a.tp},
                         {"goodput_rps", a.goodput_rps},
                         {"max_rate_rps", a.max_rate_rps},
                         {"gain", a.gain},
                         {"low_confidence", a.low_confidence},
                         {"reasons", a.reasons}};
  j["self_check"] = check_json(check);
  j["spec"] = disagg::spec_to_json(spec);
  j["spec"].erase("prompt_tokens");
  j["spec"].erase("output_tokens");
  j["warnings"] = warnings;
  return j;
}

std::vector<std::string> save_config_files(const disagg::ConfigFiles& files, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot be created (" + ec.message() + ")");
  std::vector<std::string> paths;
  for (const auto& [name, text] : files) {
    fs::path path = fs::path(dir) / name;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) throw std::runtime_error(path.string() + ": cannot be written");
    f.close();
    if (path.extension() == ".sh")
      fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add);
    paths.push_back(path.string());
  }
  return paths;
}

}  // namespace hp
