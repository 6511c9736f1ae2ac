// The fleet query's label selector.
#include "capture/serve_finish.h"

#include <catch2/catch.hpp>

using hp::capture::with_selector;

TEST_CASE("fleet selector: matchers join the name's selector, braces optional", "[capture][fleet]") {
  CHECK(with_selector("{__name__=\"vllm:num_requests_running\"}", "job=\"vllm\"") ==
        "{__name__=\"vllm:num_requests_running\",job=\"vllm\"}");
  CHECK(with_selector("{__name__=~\"DCGM_FI_PROF_.*\"}", "{ job=\"dcgm\",namespace=~\"prod|canary\" }") ==
        "{__name__=~\"DCGM_FI_PROF_.*\",job=\"dcgm\",namespace=~\"prod|canary\"}");
  CHECK(with_selector("{__name__=\"x\"}", "") == "{__name__=\"x\"}");
  CHECK(with_selector("{__name__=\"x\"}", "{}") == "{__name__=\"x\"}");
}
