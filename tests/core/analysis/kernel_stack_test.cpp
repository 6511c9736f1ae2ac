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

// For each anchor: the slices of `kind` on its track (any lane) whose interval encloses the anchor's,
// outermost first. A sweep in start order: a slice joins the open set when an anchor starts at or
// after it, and leaves for good once it ends before an anchor starts; the enclosing ones are the open
// slices that end at or after the anchor's end.
std::map<uint32_t, std::vector<uint32_t>> enclosing(const Run& run, const ByTrack& by,
                                                    std::vector<uint32_t> anchors, SliceKind kind) {
  const Slices& s = run.slices;
  std::sort(anchors.begin(), anchors.end(), [&](uint32_t a, uint32_t b) { return s.start[a] < s.start[b]; });
  anchors.erase(std::unique(anchors.begin(), anchors.end()), anchors.end());
  std::map<uint32_t, std::vector<uint32_t>> out;
  std::map<uint32_t, std::pair<size_t, std::multimap<Ns, uint32_t>>> sweep;  // track -> next, open by end
  for (uint32_t anchor : anchors) {
    std::vector<uint32_t>& found = out[anchor];
    auto it = by.find({s.track[anchor], kind});
    if (it == by.end()) continue;
    auto& [next, open] = sweep[s.track[anchor]];
    const std::vector<uint32_t>& list = it->second;
    for (; next < list.size() && s.start[list[next]] <= s.start[anchor]; ++next)
      open.emplace(s.end(list[next]), list[next]);
    open.erase(open.begin(), open.lower_bound(s.start[anchor]));
    for (auto o = open.lower_bound(s.end(anchor)); o != open.end(); ++o)
      if (o->second != anchor) found.push_back(o->second);
    std::sort(found.begin(), found.end(), [&](uint32_t a, uint32_t b) {
      return std::make_tuple(s.start[a], -s.dur[a], s.depth[a]) <
             std::make_tuple(s.start[b], -s.dur[b], s.depth[b]);
    });
  }
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
    // The launching anchor and cpu_op of every kernel, then their enclosing frames in one sweep each.
    std::vector<uint32_t> anchor(run->gpu.size(), kNone), cpu(run->gpu.size(), kNone), no_cpu, all;
    for (uint32_t row = 0; row < run->gpu.size(); ++row) {
      const uint32_t k = run->gpu.slice[row];
      uint32_t a = run->gpu.launch_slice[row];
      const uint32_t ext = cpu_op_by_external_id(*run, a != kNone ? a : k);
      cpu[row] = s.kind[a != kNone ? a : k] == SliceKind::CpuOp ? a : ext;
      anchor[row] = a != kNone ? a : ext;
      if (anchor[row] != kNone && cpu[row] == kNone) no_cpu.push_back(anchor[row]);
    }
    const auto around_cpu = enclosing(*run, by, no_cpu, SliceKind::CpuOp);
    for (uint32_t row = 0; row < run->gpu.size(); ++row) {
      if (anchor[row] == kNone) continue;
      if (cpu[row] == kNone && !around_cpu.at(anchor[row]).empty())
        cpu[row] = around_cpu.at(anchor[row]).back();
      all.push_back(anchor[row]);
      if (cpu[row] != kNone) all.push_back(cpu[row]);
    }
    const auto around = enclosing(*run, by, all, SliceKind::PythonFunction);
    // One CHECK per fixture (a CHECK per kernel costs minutes under the sanitizers); the first
    // mismatch is named.
    size_t mismatches = 0;
    std::string first;
    auto expect = [&](bool ok, uint32_t k, const char* what) {
      if (ok) return;
      if (mismatches++ == 0)
        first = "kernel slice " + std::to_string(k) + " " + std::string(run->str(s.name[k])) + ": " + what;
    };
    for (uint32_t row = 0; row < run->gpu.size(); ++row) {
      const uint32_t k = run->gpu.slice[row];
      if (anchor[row] == kNone) {
        expect(ks.gpu_record[row] == kNone, k, "a site without a launch");
        continue;
      }
      std::vector<uint32_t> frames = around.at(anchor[row]);
      if (s.kind[anchor[row]] == SliceKind::PythonFunction) frames.push_back(anchor[row]);
      if (frames.empty() && cpu[row] != kNone) frames = around.at(cpu[row]);
      std::vector<std::string_view> names;
      for (uint32_t f : frames) names.push_back(run->str(s.name[f]));
      with_frames += !frames.empty();

      // slice_site serves one selection (a scan of the run per call): every kernel of the bulk path,
      // an even sample of at most ~2,000 per fixture of the single-selection one.
      const bool sample = row % std::max<size_t>(1, run->gpu.size() / 2000) == 0;
      const SliceSite got = sample ? slice_site(*run, parents, k) : SliceSite{};
      if (sample) expect(got.frames == frames, k, "slice_site frames");
      if (ks.gpu_record[row] == kNone) {
        expect(false, k, "no site record");
        continue;
      }
      const SiteRecord& rec = ks.records[ks.gpu_record[row]];
      expect(rec.stack == site_stack(names), k, "record stack");
      const SourceSite site = choose_source_site(names);
      expect(rec.site == (site.frame >= 0 ? std::string(names[static_cast<size_t>(site.frame)]) : ""), k,
             "record site");
      if (sample) expect(got.site == rec.site, k, "slice_site site");
      expect(rec.cpu_op == std::string(run->str(s.name[cpu[row] != kNone ? cpu[row] : anchor[row]])), k,
             "record cpu_op");
    }
    INFO(first);
    CHECK(mismatches == 0);
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
