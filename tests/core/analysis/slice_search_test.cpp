#include <catch2/catch.hpp>

#include "core/analysis/slice_search.h"
#include "support/run_maker.h"

using namespace hp;

TEST_CASE("search by substring (case-insensitive) and by regex, with bad regexes reported") {
  Run run = test::make_run({{0, 0, 10, "aten::mm"},
                            {0, 20, 10, "ampere_sgemm_128x64_nn"},
                            {0, 40, 10, "aten::addmm"},
                            {1, 0, 5, "ncclKernel_AllReduce"}});
  SearchResult r = search_slices(run, "MM", false);
  CHECK(r.slices == std::vector<uint32_t>{0, 1, 2});
  CHECK(r.names_matched == 3);
  r = search_slices(run, "^aten::(add)?mm$", true);
  CHECK(r.slices == std::vector<uint32_t>{0, 2});
  r = search_slices(run, "allreduce", false);
  CHECK(r.slices == std::vector<uint32_t>{3});
  r = search_slices(run, "(", true);
  CHECK(r.slices.empty());
  CHECK_FALSE(r.error.empty());
  CHECK(search_slices(run, "", false).slices.empty());
}
