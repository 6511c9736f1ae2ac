#include "core/disagg/parallelism.h"

#include <catch2/catch.hpp>

#include "core/serving/sglang_log.h"
#include "core/serving/vllm_log.h"

using namespace hp;

// The two vLLM lines that carry the sizes, as the shared v0.15 log writes them (shortened): the
// non-default args give only what was set; the engine config line gives all three.
TEST_CASE("parallel sizes from the vLLM and SGLang startup lines", "[disagg][parallelism]") {
  const std::string vllm =
      "(APIServer pid=1) INFO 02-01 13:17:26 [utils.py:261] non-default args: {'model': 'm', "
      "'tensor_parallel_size': 4, 'enable_log_requests': True}\n"
      "(EngineCore_DP0 pid=2) INFO 02-01 13:17:41 [core.py:96] Initializing a V1 LLM engine (v0.15.0) with "
      "config: model='m', tensor_parallel_size=8, pipeline_parallel_size=2, data_parallel_size=3, "
      "disable_custom_all_reduce=False\n";
  serving::VllmLog v = serving::parse_vllm_log(vllm);
  CHECK(v.capacity.tensor_parallel_size == 4);  // the first line that gives it
  CHECK(v.capacity.pipeline_parallel_size == 2);
  CHECK(v.capacity.data_parallel_size == 3);
  CHECK(v.capacity.model == "m");
  serving::VllmLog none = serving::parse_vllm_log("INFO 02-01 13:17:26 [x.py:1] nothing here\n");
  CHECK(none.capacity.tensor_parallel_size == -1);

  const std::string sglang =
      "[2026-08-01 23:37:40] server_args=ServerArgs(model_path='m', moe_dense_tp_size=None, tp_size=2, "
      "pp_size=1, dp_size=4, attn_tp_size=9)\n";
  serving::SglangLog g = serving::parse_sglang_log(sglang);
  CHECK(g.tp_size == 2);
  CHECK(g.pp_size == 1);
  CHECK(g.dp_size == 4);
}

TEST_CASE("parallelism of a session: meta first, then TP rank labels", "[disagg][parallelism]") {
  Session s;
  s.run = std::make_shared<const Run>();
  s.meta["parallel.tp"] = "2";
  s.meta["parallel.dp"] = "3";
  disagg::Parallelism p = disagg::detect_parallelism(s);
  CHECK(p.tp == 2);
  CHECK(p.pp == 1);
  CHECK(p.dp == 3);
  CHECK(p.gpus_per_instance() == 2);
  CHECK(p.gpus() == 6);
  CHECK(p.source == "server log startup line (tp 2, pp 1, dp 3)");

  Session r;
  r.run = std::make_shared<const Run>();
  for (const char* l : {R"(dp="0",tp="0")", R"(dp="0",tp="1")", R"(tp="1")", R"(attn_tp="5")"}) {
    r.series.info.push_back({});
    r.series.info.back().labels = r.strings.intern(l);
  }
  disagg::Parallelism q = disagg::detect_parallelism(r);
  CHECK(q.tp == 2);
  CHECK(q.source == "2 TP ranks in the log lines");
}
