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

#include "app/commands.h"
#include "app/disagg_run.h"
#include "core/disagg/advise.h"
#include "core/serving/latency_stats.h"

namespace hp {

namespace {

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
      DisaggArgs a;
      a.input = o->input;
      a.emit_spec = o->emit;
      a.slo = o->slo;
      a.model_config = o->model_config;
      a.gpus = o->gpus;
      a.tp = o->tp;
      a.rate = o->rate;
      a.bandwidth = o->bandwidth;
      a.requests = o->requests;
      const DisaggResult r = run_disagg(a);
      if (o->format == "json")
        std::cout << disagg_json(r).dump(2) << '\n';
      else
        print_text(r.ev, r.check.valid ? &r.check : nullptr, r.warnings);
    } catch (const std::exception& e) {
      std::cerr << "hotpath: " << o->input << ": " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace hp
