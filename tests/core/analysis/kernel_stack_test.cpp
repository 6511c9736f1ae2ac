// Every kernel's Python stack against a brute-force computation, on every trace fixture: the frames
// are the python_function slices that enclose the kernel's launching call on the call's own thread
// (else those around the cpu_op with the kernel's External id), outermost first (issue 22, item 2).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include "core/analysis/kernel_sites.h"
#include "core/analysis/python_site.h"
#include "core/analysis/slice_parents.h"
#include "support/analysis_fixtures.h"

using namespace hp;

namespace {

std::vector<std::string> trace_fixtures() {
  std::vector<std::string> out;
  auto add_dir = [&](const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      const std::string n = e.path().filename().string();
      if (n.find(".json") != std::string::npos || n.ends_with(".sqlite")) out.push_back(e.path().string());
    }
  };
  add_dir(HOTPATH_TEST_DATA "/kineto");
  add_dir(HOTPATH_TEST_DATA "/nsys");
  add_dir(HOTPATH_SHARED_FIXTURES "/kineto_traces");
  out.push_back(HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz");
  std::sort(out.begin(), out.end());
  return out;
}

// Per (track, kind): the slices of that kind on the track (any lane), sorted by start.
using ByTrack = std::map<std::pair<uint32_t, SliceKind>, std::vector<uint32_t>>;
ByTrack slices_by_track(const Run& run) {
  const Slices& s = run.slices;
  ByTrack out;
  for (uint32_t i = 0; i < s.size(); ++i)
    if (s.kind[i] == SliceKind::PythonFunction || s.kind[i] == SliceKind::CpuOp)
      out[{s.track[i], s.kind[i]}].push_back(i);
  for (auto& [k, v] : out)
    std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) { return s.start[a] < s.start[b]; });
  return out;
}

// The slices of `kind` on `anchor`'s track (any lane) whose interval encloses the anchor's, outermost first.
std::vector<uint32_t> enclosing(const Run& run, const ByTrack& by, uint32_t anchor, SliceKind kind) {
  const Slices& s = run.slices;
  std::vector<uint32_t> out;
  auto it = by.find({s.track[anchor], kind});
  if (it == by.end()) return out;
  for (uint32_t i : it->second) {
    if (s.start[i] > s.start[anchor]) break;
    if (i != anchor && s.end(i) >= s.end(anchor)) out.push_back(i);
  }
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
    return std::make_tuple(s.start[a], -s.dur[a], s.depth[a]) <
           std::make_tuple(s.start[b], -s.dur[b], s.depth[b]);
  });
  return out;
}

// (rank, External id) -> the first cpu_op carrying it: one linear pass, by hand.
std::map<std::pair<uint32_t, int64_t>, uint32_t> cpu_ops_by_external_id(const Run& run) {
  const Slices& s = run.slices;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> out;
  for (uint32_t i = 0; i < s.size(); ++i)
    if (s.kind[i] == SliceKind::CpuOp && s.external_id[i] != 0)
      out.try_emplace({run.tracks[s.track[i]].rank, s.external_id[i]}, i);
  return out;
}

}  // namespace

TEST_CASE("every kernel's Python stack is the frames around its own launch (brute force)",
          "[analysis][kernel_sites]") {
  register_builtin_importers();
  size_t fixtures = 0, with_frames = 0;
  for (const std::string& path : trace_fixtures()) {
    std::unique_ptr<Run> run;
    try {
      run = test::load_trace({path});
    } catch (const std::exception&) {
      continue;  // fixtures of formats no importer takes (tested elsewhere)
    }
    ++fixtures;
    INFO(path);
    const Slices& s = run->slices;
    const auto parents = slice_parents(*run);
    const KernelSites ks = resolve_kernel_sites(*run, parents);
    const auto ext_ops = cpu_ops_by_external_id(*run);
    const ByTrack by = slices_by_track(*run);
    auto cpu_op_by_external_id = [&](const Run& r, uint32_t slice) {
      if (r.slices.external_id[slice] == 0) return kNone;
      auto it = ext_ops.find({r.tracks[r.slices.track[slice]].rank, r.slices.external_id[slice]});
      return it == ext_ops.end() ? kNone : it->second;
    };
    for (uint32_t row = 0; row < run->gpu.size(); ++row) {
      const uint32_t k = run->gpu.slice[row];
      uint32_t anchor = run->gpu.launch_slice[row];
      const uint32_t ext = cpu_op_by_external_id(*run, anchor != kNone ? anchor : k);
      uint32_t cpu = s.kind[anchor != kNone ? anchor : k] == SliceKind::CpuOp ? anchor : ext;
      if (anchor == kNone) anchor = ext;
      if (anchor == kNone) {
        CHECK(ks.gpu_record[row] == kNone);
        continue;
      }
      if (cpu == kNone) {
        auto around = enclosing(*run, by, anchor, SliceKind::CpuOp);
        if (!around.empty()) cpu = around.back();
      }
      std::vector<uint32_t> frames = enclosing(*run, by, anchor, SliceKind::PythonFunction);
      if (s.kind[anchor] == SliceKind::PythonFunction) frames.push_back(anchor);
      if (frames.empty() && cpu != kNone) frames = enclosing(*run, by, cpu, SliceKind::PythonFunction);
      std::vector<std::string_view> names;
      for (uint32_t f : frames) names.push_back(run->str(s.name[f]));
      with_frames += !frames.empty();

      INFO("kernel slice " << k << " " << run->str(s.name[k]));
      const SliceSite got = slice_site(*run, parents, k);
      CHECK(got.frames == frames);
      REQUIRE(ks.gpu_record[row] != kNone);
      const SiteRecord& rec = ks.records[ks.gpu_record[row]];
      CHECK(rec.stack == site_stack(names));
      const SourceSite site = choose_source_site(names);
      CHECK(rec.site == (site.frame >= 0 ? std::string(names[static_cast<size_t>(site.frame)]) : ""));
      CHECK(got.site == rec.site);
      CHECK(rec.cpu_op == std::string(run->str(s.name[cpu != kNone ? cpu : anchor])));
    }
  }
  CHECK(fixtures >= 15);
  CHECK(with_frames > 1000);  // the check saw real stacks, not only empty ones
}

TEST_CASE("two launches with one site and cpu_op keep their own stacks", "[analysis][kernel_sites]") {
  // The sample's MoE GEMM: mxfp4.py(889) apply is the site of both the quantize and the MoE op.
  auto run = test::load_trace({HOTPATH_ASSETS_DIR "/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz"});
  const auto parents = slice_parents(*run);
  const KernelSites ks = resolve_kernel_sites(*run, parents);
  size_t moe_op = 0, quantize = 0;
  for (uint32_t row = 0; row < run->gpu.size(); ++row) {
    const std::string_view n = run->str(run->slices.name[run->gpu.slice[row]]);
    if (!n.starts_with("bmm_MxE4m3_MxE2m1MxE4m3") || ks.gpu_record[row] == kNone) continue;
    const SiteRecord& r = ks.records[ks.gpu_record[row]];
    CHECK(r.site == "vllm/model_executor/layers/quantization/mxfp4.py(889): apply");
    moe_op += r.stack.find("trtllm_fp4_block_scale_moe_op") != std::string::npos;
    quantize += r.stack.find("mxfp8_quantize") != std::string::npos;
  }
  CHECK(moe_op == 36);
  CHECK(quantize == 0);
}
