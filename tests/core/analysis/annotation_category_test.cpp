#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/analysis/annotation_category.h"
#include "core/analysis/kernel_table.h"
#include "core/analysis/slice_parents.h"
#include "support/analysis_fixtures.h"
#include "support/fixture_run.h"
#include "support/gpu_run_maker.h"

using namespace hp;
using test::GpuSpec;
using test::RangeSpec;

namespace {

GpuSpec launched(Ns start, const std::string& name, Ns launch_at,
                 const std::string& launch = "cudaLaunchKernel") {
  GpuSpec g(start, 10, name);
  g.launch_start = launch_at;
  g.launch_dur = 2;
  g.launch_name = launch;
  return g;
}

// Forced category per kernel slice name + start (the GPU row order is the slice order).
std::map<std::pair<std::string, Ns>, std::string> forced_by_kernel(const Run& run,
                                                                   const AnnotationCategories& a) {
  std::map<std::pair<std::string, Ns>, std::string> out;
  for (uint32_t r = 0; r < run.gpu.size(); ++r) {
    uint32_t i = run.gpu.slice[r];
    out[{std::string(run.str(run.slices.name[i])), run.slices.start[i]}] = std::string(a.of(r));
  }
  return out;
}

KernelCategorizer with_user_rules(const std::string& json) {
  auto c = test::builtin_categorizer();
  c.prepend_rules(KernelCategorizer::from_json_text(json, "user.json"));
  return c;
}

}  // namespace

TEST_CASE("annotation categories: CPU ranges around the launch, GPU windows, innermost wins",
          "[analysis][annotation_category]") {
  std::vector<GpuSpec> k{
      launched(1000, "gemm_a", 20),                    // in "layer0 hotpath:cat=attention"
      launched(1100, "gemm_a", 60),                    // in "moe" inside it: the innermost wins
      launched(1200, "gemm_a", 310),                   // only a cpu_op named "attention": not an annotation
      launched(1300, "ncclDevKernel_AllReduce", 510),  // "nccl:all_reduce": the built-in annotation rule
      launched(1400, "copy_kernel_x", 520),            // ... also for what the name rules call memory
      GpuSpec(5050, 10, "mystery_kernel"),             // no launch: GPU window "hotpath:category=norm"
      GpuSpec(5150, 10, "mystery_kernel"),             // in the nested window "quant"
      launched(5500, "mystery_kernel", 540, "cudaGraphLaunch"),  // graph replay: the GPU window first
      launched(5600, "mystery_kernel", 70),  // ordinary launch: the CPU side first ("moe")
      GpuSpec(7000, 10, "mystery_kernel"),   // outside everything: the name rules
  };
  k[2].cpu_op = "attention";
  GpuSpec copy(1500, 10, "Memcpy DtoD", 7, SliceKind::Memcpy);  // not a kernel: never forced
  copy.launch_start = 530;
  copy.launch_dur = 2;
  k.push_back(copy);
  GpuSpec other_device(5050, 10, "mystery_kernel", 7, SliceKind::Kernel, 0, 1);  // windows are per device
  k.push_back(other_device);
  std::vector<RangeSpec> ranges{
      {0, 1000, "ProfilerStep#1"},
      {10, 190, "layer0 hotpath:cat=attention"},
      {50, 50, "moe"},
      {500, 100, "nccl:all_reduce"},
      {5000, 1000, "hotpath:category=norm", SliceKind::GpuAnnotation, true},
      {5100, 100, "quant", SliceKind::GpuAnnotation, true},
      {5500, 600, "hotpath:cat=nonsense", SliceKind::GpuAnnotation, true},  // unknown category: ignored
  };
  auto run = test::make_gpu_run(k, ranges);
  const auto& cats = test::builtin_categorizer();
  AnnotationCategories a = annotation_categories(*run, cats, slice_parents(*run));

  auto f = forced_by_kernel(*run, a);
  CHECK(f[{"gemm_a", 1000}] == "attention");
  CHECK(f[{"gemm_a", 1100}] == "moe");
  CHECK(f[{"gemm_a", 1200}] == "");
  CHECK(f[{"ncclDevKernel_AllReduce", 1300}] == "comm");
  CHECK(f[{"copy_kernel_x", 1400}] == "comm");
  CHECK(f[{"Memcpy DtoD", 1500}] == "");
  CHECK(f[{"mystery_kernel", 5150}] == "quant");
  CHECK(f[{"mystery_kernel", 5500}] == "norm");
  CHECK(f[{"mystery_kernel", 5600}] == "moe");
  CHECK(f[{"mystery_kernel", 7000}] == "");
  // Two kernels start at 5050: device 0 is in the norm window, device 1 has no window.
  uint64_t norm_at_5050 = 0, none_at_5050 = 0;
  for (uint32_t r = 0; r < run->gpu.size(); ++r)
    if (run->slices.start[run->gpu.slice[r]] == 5050) (a.of(r) == "norm" ? norm_at_5050 : none_at_5050) += 1;
  CHECK(norm_at_5050 == 1);
  CHECK(none_at_5050 == 1);

  CHECK(a.annotations == 5);  // attention, moe, nccl:all_reduce, norm, quant
  CHECK(a.kernels == 8);
  CHECK(a.from_cpu == 5);
  CHECK(a.from_gpu == 3);
  CHECK(a.changed == 7);  // all but the NCCL kernel, which the name rules call comm too

  // The kernel table splits gemm_a and mystery_kernel by category; the sums per name stay whole.
  KernelTable t = kernel_table(
      *run, {}, [&](std::string_view n) { return std::string(cats.categorize(n)); }, &a);
  std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>> rows;  // launches, forced
  std::map<std::string, Ns> per_name;
  for (const auto& r : t.rows) {
    rows[{std::string(run->str(r.name)), r.category}] = {r.launches, r.forced_launches};
    per_name[std::string(run->str(r.name))] += r.gpu_time;
  }
  CHECK(rows.size() == 9);
  CHECK(rows[{"gemm_a", "attention"}] == std::pair<uint64_t, uint64_t>{1, 1});
  CHECK(rows[{"gemm_a", "moe"}] == std::pair<uint64_t, uint64_t>{1, 1});
  CHECK(rows[{"gemm_a", "gemm"}] == std::pair<uint64_t, uint64_t>{1, 0});
  CHECK(rows[{"mystery_kernel", "norm"}] == std::pair<uint64_t, uint64_t>{2, 2});
  CHECK(rows[{"mystery_kernel", "other"}] == std::pair<uint64_t, uint64_t>{2, 0});
  CHECK(rows[{"copy_kernel_x", "comm"}] == std::pair<uint64_t, uint64_t>{1, 1});
  CHECK(per_name["gemm_a"] == 30);
  CHECK(per_name["mystery_kernel"] == 60);
  std::map<std::string, std::pair<Ns, uint64_t>> roll;  // time, distinct names
  for (const auto& c : t.categories) roll[c.category] = {c.gpu_time, c.kernels};
  CHECK(roll["comm"] == std::pair<Ns, uint64_t>{20, 2});
  CHECK(roll["moe"] == std::pair<Ns, uint64_t>{20, 2});
  CHECK(roll["gemm"] == std::pair<Ns, uint64_t>{10, 1});
  CHECK(t.launches == 11);  // kernels only, not the memcpy

  // Without overrides: one row per name, as before.
  KernelTable plain =
      kernel_table(*run, {}, [&](std::string_view n) { return std::string(cats.categorize(n)); });
  CHECK(plain.rows.size() == 4);
}

TEST_CASE("annotation categories: nothing forced without a matching annotation, NVTX ranges count",
          "[analysis][annotation_category]") {
  auto plain = test::make_gpu_run({launched(1000, "gemm_a", 20)}, {{0, 1000, "ProfilerStep#1"}});
  AnnotationCategories a = annotation_categories(*plain, test::builtin_categorizer(), slice_parents(*plain));
  CHECK(a.forced.empty());
  CHECK(a.kernels == 0);
  CHECK(a.of(0).empty());

  auto nvtx = test::make_gpu_run({launched(1000, "gemm_a", 20)}, {{0, 1000, "attention", SliceKind::Nvtx}});
  AnnotationCategories b = annotation_categories(*nvtx, test::builtin_categorizer(), slice_parents(*nvtx));
  CHECK(b.of(0) == "attention");
  CHECK(b.from_cpu == 1);
}

TEST_CASE("annotation categories: real traces", "[analysis][annotation_category][fixtures]") {
  // hta_mi250_minitoy_rocm62: one kernel (the SGD update, multi_tensor_apply_kernel, 8.481 µs) is
  // launched inside the record_function "Optimizer.step#SGD.step"; the raw trace says so (its
  // hipLaunchKernel lies within the annotation on the same thread).
  auto mi250 = test::load_fixture(test::kineto_fixture("hta_mi250_minitoy_rocm62.json.gz"));
  auto parents = slice_parents(*mi250);
  CHECK(annotation_categories(*mi250, test::builtin_categorizer(), parents).kernels == 0);
  auto user =
      with_user_rules(R"({"annotation_rules": [{"category": "optimizer", "regex": "^Optimizer\\.step#"}]})");
  AnnotationCategories a = annotation_categories(*mi250, user, parents);
  CHECK(a.kernels == 1);
  CHECK(a.from_cpu == 1);
  CHECK(a.changed == 1);
  KernelTable t = kernel_table(
      *mi250, {}, [&](std::string_view n) { return std::string(user.categorize(n)); }, &a);
  bool found = false;
  for (const auto& c : t.categories)
    if (c.category == "optimizer") {
      found = true;
      CHECK(c.gpu_time == 8481);
      CHECK(c.launches == 1);
    }
  CHECK(found);

  // Shared fixtures (skipped where absent). Counts from the raw JSON: kernels whose runtime call lies
  // within an annotation on its thread.
  struct Case {
    const char* file;
    const char* rules;  // user rules, "" = built-in only
    uint64_t kernels, changed;
    Ns time;
  };
  for (const Case& c : {
           // c10d wraps the all-gather in "nccl:_all_gather_base"; its one kernel is comm by name too.
           Case{"tracelens_vllm_b200_tp8_eager_rank0.json.gz", "", 1, 0, 21953},
           // 45 SGD updates (two multi_tensor_apply_kernel variants) inside Optimizer.step#SGD.step.
           Case{"hta_v100_ns_resolution_rank0.pt.trace.json.gz",
                R"({"annotation_rules": [{"category": "optimizer", "regex": "^Optimizer\\.step#"}]})", 45, 45,
                5532802},
       }) {
    auto path = test::kineto_fixture(c.file);
    if (path.empty()) {
      WARN("shared fixture absent: " << c.file);
      continue;
    }
    INFO(c.file);
    auto run = test::load_fixture(path);
    auto cats = *c.rules ? with_user_rules(c.rules) : test::builtin_categorizer();
    AnnotationCategories r = annotation_categories(*run, cats, slice_parents(*run));
    CHECK(r.kernels == c.kernels);
    CHECK(r.from_cpu == c.kernels);
    CHECK(r.changed == c.changed);
    Ns time = 0;
    for (uint32_t row = 0; row < run->gpu.size(); ++row)
      if (!r.of(row).empty()) time += run->slices.dur[run->gpu.slice[row]];
    CHECK(time == c.time);
  }
}
