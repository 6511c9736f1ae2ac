// `hotpath bench` without what it needs: it says so and exits 1 (never a crash, never a partial JSON file).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

TEST_CASE("bench: without python, PyTorch or a GPU it says which and exits 1", "[bench]") {
  const std::string out = (std::filesystem::temp_directory_path() / "hotpath_bench_test.json").string();
  std::filesystem::remove(out);
  auto r = run_hotpath("bench -o " + out, true, "env HOTPATH_PYTHON=/nonexistent/python3");
  CHECK(r.code == 1);
  CHECK(contains(r.out, "hotpath: bench: cannot run /nonexistent/python3 ("));
  CHECK(contains(r.out, "bench needs python3 with PyTorch and a GPU"));

  // The harness itself, with the machine's python3: on a machine without a usable GPU it exits 1 naming why.
  if (std::system("python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' "
                  ">/dev/null 2>&1") == 0) {
    WARN("PyTorch sees a GPU here: the no-GPU path is not exercised");
    return;
  }
  r = run_hotpath("bench --iters 1 --repeats 1 -o " + out);
  CHECK(r.code == 1);
  CHECK((contains(r.out, "hotpath bench: PyTorch is not installed") ||
         contains(r.out, "hotpath bench: PyTorch sees no CUDA GPU") ||
         contains(r.out, "cannot run python3")));
  CHECK_FALSE(std::filesystem::exists(out));

  r = run_hotpath("bench --shapes 3x3 -o " + out);
  CHECK(r.code == 2);  // the harness rejects the shape before looking for PyTorch
  CHECK(contains(r.out, "shape needs positive sizes and an even column count"));
}
