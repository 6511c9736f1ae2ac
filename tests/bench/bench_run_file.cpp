// Times importing a trace, saving it as a run file, and opening that run file again.
//   bench_run_file <trace> [repeats]     (build in Release without sanitizers)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/bench_util.h"
#include "core/import/registry.h"
#include "core/store/run_file.h"

namespace fs = std::filesystem;
using hp::bench::best_seconds;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <trace> [repeats]\n", argv[0]);
    return 2;
  }
  fs::path trace = argv[1];
  int repeats = argc > 2 ? std::max(1, std::stoi(argv[2])) : 3;
  fs::path out = fs::temp_directory_path() / ("bench_run_file_" + std::to_string(::getpid()) + ".hotpath");
  try {
    std::unique_ptr<hp::Run> run;
    double import_s = best_seconds(repeats, [&] {
      hp::LoadProgress p;
      run = hp::load_inputs({trace}, p);
    });
    double save_s = best_seconds(repeats, [&] { hp::save_run(*run, out); });
    size_t slices = 0;
    double open_s = best_seconds(repeats, [&] { slices = hp::open_run(out)->slices.size(); });
    size_t args_bytes = 0;  // args are decompressed lazily: this is the open plus reading them all
    double open_args_s =
        best_seconds(repeats, [&] { args_bytes = hp::open_run(out)->raw_args.all().size(); });
    std::printf("trace:   %s (%ju bytes)\n", trace.c_str(), static_cast<uintmax_t>(fs::file_size(trace)));
    std::printf("run:     %zu slices, %zu strings, %ju bytes on disk\n", slices, run->strings.size(),
                static_cast<uintmax_t>(fs::file_size(out)));
    std::printf("import:  %.3f s\nsave:    %.3f s\nopen:    %.3f s\nimport/open ratio: %.1fx\n", import_s,
                save_s, open_s, import_s / open_s);
    std::printf("open, then read all %zu bytes of args: %.3f s (import/that ratio %.1fx)\n", args_bytes,
                open_args_s, import_s / open_args_s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_run_file: %s\n", e.what());
    fs::remove(out);
    return 1;
  }
  fs::remove(out);
  return 0;
}
