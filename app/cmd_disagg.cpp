// `hotpath disagg RUN|SPEC.json [--emit-spec F] [--gpus N] [--tp N] [--rate R] [--bandwidth GBps]
// [--slo ttft=..,itl=..] [--model-config PATH] [--requests N] [--format text|json]`: the disaggregation
// advisor. A run (or server log) is fitted into a what-if spec (core/disagg/fit_spec) and self-checked;
// a spec file is taken as written. Monolithic and every P:D split are simulated and ranked.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/cli_load.h"
#include "app/commands.h"
#include "core/disagg/advise.h"
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
  std::string model;
  for (const char* k : {"model", "served_model_name", "model_name"})
    if (auto it = s.meta.find(k); it != s.meta.end() && !it->second.empty()) model = it->second;
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

void print_text(const disagg::Evaluation& ev, const disagg::SelfCheck* check,
                const std::vector<std::string>& warnings) {
  const auto& s = ev.spec;
  std::cout << fmt::format(
      "Disaggregation what-if: {} GPUs, tp {} ({} instances), {:.2f} req/s, {} simulated requests\n", s.gpus,
      s.tp, s.instances(), s.arrival.rate_rps, s.requests);
  std::cout << fmt::format("{:<20} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>9} {:>8}  {}\n", "layout",
                           "max r/s", "tput", "goodput", "TTFT p50", "TTFT p99", "ITL p50", "ITL p99",
                           "E2E p99", "KV ms", "bottleneck");
  for (size_t i = 0; i < ev.layouts.size(); ++i) {
    const auto& e = ev.layouts[i];
    std::cout << fmt::format(
        "{:<20} {:>8.2f} {:>8.2f} {:>8.2f} {:>9.1f} {:>9.1f} {:>8.2f} {:>8.2f} {:>9.0f} {:>8.1f}  {}{}\n",
        e.layout.label(s.tp), e.bounds.max_rate_rps, e.sim.throughput_rps, e.sim.goodput_rps,
        e.sim.ttft_ms.p50, e.sim.ttft_ms.p99, e.sim.itl_ms.p50, e.sim.itl_ms.p99, e.sim.e2e_ms.p99,
        e.sim.kv_transfer_ms.mean, disagg::to_string(e.bounds.bottleneck),
        i == ev.best ? "  <- recommended" : "");
  }
  std::cout << "\nRecommendation: " << ev.advice.label
            << (ev.advice.low_confidence ? " (low confidence)" : "") << '\n';
  for (const auto& r : ev.advice.reasons) std::cout << "  - " << r << '\n';
  if (check && check->valid) {
    auto pair = [](double pred, double meas, const char* unit) {
      return meas > 0 ? fmt::format("{:.2f} vs {:.2f}{}", pred, meas, unit)
                      : fmt::format("{:.2f}{} (not measured)", pred, unit);
    };
    std::cout
        << "\nSelf-check (monolithic prediction vs the measured run; measured ITL = per-request TPOT):\n";
    std::cout << "  throughput " << pair(check->predicted_rps, check->measured_rps, " req/s") << "; TTFT p50 "
              << pair(check->predicted_ttft_ms.p50, check->measured_ttft_ms.p50, " ms") << ", p99 "
              << pair(check->predicted_ttft_ms.p99, check->measured_ttft_ms.p99, " ms") << "\n  ITL p50 "
              << pair(check->predicted_itl_ms.p50, check->measured_itl_ms.p50, " ms") << ", p99 "
              << pair(check->predicted_itl_ms.p99, check->measured_itl_ms.p99, " ms") << '\n';
    std::cout << fmt::format(
        "  largest deviation {:.0f}%{}\n", check->max_deviation * 100,
        check->low_confidence ? " > 25%: split predictions are low-confidence" : " (within 25%)");
  }
  std::cout << "\nInputs:\n";
  std::cout << fmt::format(
      "  prefill ms = {:.4g} + {:.4g} x tokens + {:.3g} x tokens^2; decode ms = {:.4g} + {:.4g} x batch + "
      "{:.3g} x ctx tokens\n",
      s.prefill_ms.base, s.prefill_ms.per_token, s.prefill_ms.per_token2, s.decode_ms.base,
      s.decode_ms.per_seq, s.decode_ms.per_ctx_token);
  std::cout << fmt::format(
      "  KV {:.0f} B/token + {:.0f} B/request over {:.3g} GB/s (+{:.3g} ms setup); KV capacity {:.0f} "
      "tokens, max batch {}\n",
      s.kv.bytes_per_token, s.kv.fixed_bytes_per_request, s.kv.bandwidth_GBps, s.kv.setup_ms,
      s.kv_capacity_tokens, s.decode_max_batch);
  for (const auto& [k, v] : s.sources) std::cout << "  " << k << ": " << v << '\n';
  for (const auto& w : warnings) std::cout << "  warning: " << w << '\n';
}

}  // namespace

void add_disagg_command(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string input, emit, slo, model_config, format = "text";
    int gpus = 0, tp = 0;
    double rate = 0, bandwidth = 0;
    size_t requests = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand(
      "disagg",
      "Prefill/decode disaggregation advisor: monolithic vs every P:D split, from a run or a what-if spec");
  sub->add_option("input", o->input, "A run file or server log (fitted), or a what-if spec (.json)")
      ->required();
  sub->add_option("--emit-spec", o->emit, "Write the what-if spec (fitted, with overrides) to this file");
  sub->add_option("--gpus", o->gpus, "Total GPUs to lay out")->check(CLI::PositiveNumber);
  sub->add_option("--tp", o->tp, "GPUs per engine instance (tensor parallel)")->check(CLI::PositiveNumber);
  sub->add_option("--rate", o->rate, "Arrival rate, requests/s")->check(CLI::PositiveNumber);
  sub->add_option("--bandwidth", o->bandwidth, "Effective KV transfer bandwidth per prefill instance, GB/s")
      ->check(CLI::PositiveNumber);
  sub->add_option("--slo", o->slo, "Goodput SLOs, e.g. ttft=500,itl=50 (ms; 's' suffix for seconds)")
      ->check(slo_validator());
  sub->add_option("--model-config", o->model_config,
                  "The model's Hugging Face config.json, for KV bytes per token");
  sub->add_option("--requests", o->requests, "Simulated requests per layout")->check(CLI::PositiveNumber);
  sub->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  sub->callback([o, &ctx] {
    if ((ctx.exit_code = check_inputs_exist({o->input}))) return;
    try {
      disagg::WhatIfSpec spec;
      disagg::SelfCheck check;
      std::vector<std::string> warnings;
      const bool is_spec = o->input.ends_with(".json");
      if (is_spec) {
        spec = disagg::read_spec_file(o->input);
        if (o->gpus) spec.gpus = o->gpus;
        if (o->tp) spec.tp = o->tp;
        if (o->bandwidth > 0) spec.kv.bandwidth_GBps = o->bandwidth;
        if (!o->model_config.empty()) {
          auto kv = disagg::kv_bytes_from_file(o->model_config);
          spec.kv.bytes_per_token = kv.per_token;
          spec.kv.fixed_bytes_per_request = kv.fixed_per_request;
        }
      } else {
        auto session = load_session_for_cli({o->input});
        if (!session) {
          ctx.exit_code = 1;
          return;
        }
        disagg::FitOptions fo;
        fo.gpus = o->gpus;
        fo.tp = o->tp;
        fo.bandwidth_GBps = o->bandwidth;
        fo.kv_source = o->model_config.empty() ? find_hf_config(*session) : o->model_config;
        if (!fo.kv_source.empty()) fo.kv = disagg::kv_bytes_from_file(fo.kv_source);
        disagg::FitResult fit = disagg::fit_spec(*session, fo);
        spec = fit.spec;
        warnings = fit.warnings;
        if (o->requests) spec.requests = o->requests;
        // The self-check predicts the run as measured: its own instance count and rate.
        disagg::WhatIfSpec measured = spec;
        measured.gpus = measured.tp;
        check = disagg::self_check(measured, *session);
      }
      if (o->rate > 0) spec.arrival.rate_rps = o->rate;
      if (o->requests) spec.requests = o->requests;
      if (spec.gpus < spec.tp) throw std::runtime_error("--gpus is smaller than one instance's tp");
      if (!o->emit.empty()) {
        std::ofstream out(o->emit);
        out << disagg::spec_to_json(spec).dump(2) << '\n';
        if (!out) throw std::runtime_error(o->emit + ": cannot be written");
      }
      disagg::Slo slo;
      if (!o->slo.empty()) {
        auto s = serving::parse_slo(o->slo);
        slo.ttft_ms = s.ttft_ms.value_or(0);
        slo.itl_ms = s.itl_ms ? *s.itl_ms : s.tpot_ms.value_or(0);
      }
      disagg::Evaluation ev = disagg::evaluate(spec, slo, check.valid ? &check : nullptr);
      if (o->format == "json") {
        json j;
        j["monolithic"] = layout_json(ev.layouts[0], spec.tp);
        j["splits"] = json::array();
        for (size_t i = 1; i < ev.layouts.size(); ++i)
          j["splits"].push_back(layout_json(ev.layouts[i], spec.tp));
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
        std::cout << j.dump(2) << '\n';
      } else {
        print_text(ev, check.valid ? &check : nullptr, warnings);
      }
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << o->input << ": " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
