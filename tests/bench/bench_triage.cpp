// Times `hotpath triage` end to end (load + every analysis + the Markdown report) against a load-only
// run of the same input, and each analysis on its own.
//   bench_triage [trace or trace directory] [repeats]     (build in Release without sanitizers)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/bench_util.h"
#include "core/analysis/annotation_category.h"
#include "core/analysis/cuda_graphs.h"
#include "core/analysis/fusion_scan.h"
#include "core/analysis/kernel_sites.h"
#include "core/analysis/slice_parents.h"
#include "core/analysis/stage_assign.h"
#include "core/analysis/triage.h"
#include "core/import/registry.h"
#include "core/report/triage_report.h"

namespace fs = std::filesystem;
using hp::bench::best_seconds;

int main(int argc, char** argv) {
  fs::path trace = argc > 1 ? fs::path(argv[1])
                            : fs::path(HOTPATH_SHARED_FIXTURES) / "kineto_traces" /
                                  "hta_v100_df_index_resolver_rank1_LARGE.json.gz";
  int repeats = argc > 2 ? std::max(1, std::stoi(argv[2])) : 5;
  try {
    auto cats = hp::KernelCategorizer::load_builtin(HOTPATH_ASSETS_DIR);
    auto fuses = hp::FuseCatalog::load_builtin(HOTPATH_ASSETS_DIR);
    std::unique_ptr<hp::Run> run;
    double load_s = best_seconds(repeats, [&] {
      hp::LoadProgress p;
      run = hp::load_inputs({trace}, p);
    });
    size_t out_bytes = 0;
    double total_s = best_seconds(repeats, [&] {
      hp::LoadProgress p;
      auto r = hp::load_inputs({trace}, p);
      out_bytes = hp::triage_markdown(hp::triage(*r, cats, fuses)).size();
    });
    double triage_s = best_seconds(repeats, [&] { hp::triage(*run, cats, fuses); });
    std::vector<uint32_t> parents;
    double parents_s = best_seconds(repeats, [&] { parents = hp::slice_parents(*run); });
    double stages_s = best_seconds(repeats, [&] { hp::assign_stages(*run); });
    double sites_s = best_seconds(repeats, [&] { hp::resolve_kernel_sites(*run, parents); });
    double graphs_s = best_seconds(repeats, [&] { hp::find_cuda_graphs(*run, parents); });
    double annotations_s = best_seconds(repeats, [&] { hp::annotation_categories(*run, cats, parents); });
    auto st = hp::assign_stages(*run);
    double fusion_s = best_seconds(repeats, [&] { hp::fusion_scan(*run, fuses, cats, st, {}, {}); });
    uintmax_t bytes = 0;  // a trace directory (one file per rank): all its files
    if (fs::is_directory(trace)) {
      for (const auto& e : fs::recursive_directory_iterator(trace))
        if (fs::is_regular_file(e.path())) bytes += fs::file_size(e.path());
    } else {
      bytes = fs::file_size(trace);
    }
    std::printf("trace:        %s (%ju bytes)\n", trace.c_str(), bytes);
    std::printf("ranks:        %u\n", run->rank_count());
    std::printf("run:          %zu slices, %zu GPU ops\n", run->slices.size(), run->gpu.size());
    std::printf("load only:    %.3f s\nload+triage:  %.3f s (Markdown %zu bytes)\nratio:        %.3f\n",
                load_s, total_s, out_bytes, total_s / load_s);
    std::printf("triage alone: %.3f s (%.1f%% of load)\n", triage_s, 100.0 * triage_s / load_s);
    std::printf(
        "  parents %.3f s, stages %.3f s, sites %.3f s, graphs %.3f s, annotations %.3f s, fusion scan %.3f "
        "s\n",
        parents_s, stages_s, sites_s, graphs_s, annotations_s, fusion_s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_triage: %s\n", e.what());
    return 1;
  }
  return 0;
}
