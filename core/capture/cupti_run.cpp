#include "core/capture/cupti_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_set>

#include "core/capture/cupti_names.h"
#include "core/import/run_builder.h"

namespace hp::cupti {

namespace {

constexpr uint32_t kNoStream = 0xFFFFFFFFu;  // streamId of context-wide activities

// Names and commands are the target's bytes: invalid UTF-8 is replaced, never thrown on.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct Interval {
  Ns begin, end;  // epoch ns
};

class Converter {
 public:
  Converter(const std::vector<StreamRecords>& streams, const CaptureOptions& opt, CaptureCounts& n)
      : streams_(streams), opt_(opt), n_(n) {}

  std::unique_ptr<Run> run() {
    TraceSource src;
    src.path = opt_.source_name;
    src.format = "cupti-live";
    base_ = std::numeric_limits<Ns>::max();
    for (const auto& s : streams_)
      if (s.has_hello) base_ = std::min(base_, s.hello.epoch_ref);
    if (base_ == std::numeric_limits<Ns>::max()) base_ = 0;
    src.base_time_ns = base_;
    // The records received, by the category their slices get, as an importer counts a file's events.
    for (const auto& s : streams_) {
      const auto driver =
          std::count_if(s.apis.begin(), s.apis.end(), [](const ApiRec& r) { return r.domain == 1; });
      for (auto [cat, n] : {std::pair<const char*, size_t>{"kernel", s.kernels.size()},
                            {"gpu_memcpy", s.memcpys.size()},
                            {"gpu_memset", s.memsets.size()},
                            {"cuda_sync", s.syncs.size()},
                            {"cuda_runtime", s.apis.size() - static_cast<size_t>(driver)},
                            {"cuda_driver", static_cast<size_t>(driver)},
                            {"nvtx", s.markers.size()}})
        if (n) src.by_cat[cat] += n, src.events += n;
    }
    b_.begin_source(std::move(src));
    find_nvtx_windows();
    nlohmann::json procs = nlohmann::json::array();
    for (const auto& s : streams_) {
      if (!s.failure.empty())
        b_.log().warn("capture.stream", opt_.source_name, LogEntry::kNoOffset, s.failure);
      for (const auto& e : s.errors)
        b_.log().error("capture.inject_error", opt_.source_name, LogEntry::kNoOffset,
                       fmt::format("{}: the injection reported: {} (code {})", s.source, e.message, e.code));
      if (!s.has_hello) {
        b_.log().warn("capture.no_hello", opt_.source_name, LogEntry::kNoOffset,
                      fmt::format("{}: no hello frame; its records cannot be placed in time", s.source));
        continue;
      }
      ++n_.processes;
      add_stream(s);
      procs.push_back({{"pid", s.hello.pid},
                       {"command", s.hello.command},
                       {"cupti_version", s.hello.cupti_version},
                       {"ended", s.ended},
                       {"dropped", s.dropped.cupti_dropped},
                       {"buffers_refused", s.dropped.buffers_refused},
                       {"records_lost", s.dropped.records_lost}});
    }
    if (!opt_.nvtx_range.empty() && windows_.empty())
      b_.log().warn("capture.no_range", opt_.source_name, LogEntry::kNoOffset,
                    fmt::format("no NVTX range named \"{}\" in the capture: nothing kept", opt_.nvtx_range));
    if (n_.outside)
      b_.log().info("capture.outside", opt_.source_name,
                    fmt::format("{} records outside the capture window or NVTX range left out", n_.outside));
    b_.source().metadata_json = dump(nlohmann::json{{"capture", {{"processes", procs}}}});
    return b_.finish();
  }

 private:
  // Epoch ns of a CUPTI timestamp, or nothing (counted) for one more than kMaxOffset from the clock pair
  // or off the Run's axis: a damaged or uninitialised field, never an overflow.
  static constexpr Ns kMaxOffset = Ns{1000000000} * 86400 * 30;
  std::optional<Ns> epoch(const StreamRecords& s, uint64_t ts) {
    const Ns diff = static_cast<Ns>(ts - s.hello.cupti_ref);  // modular: ts < ref is negative
    Ns e = 0, rel = 0;
    if (diff > kMaxOffset || diff < -kMaxOffset || __builtin_add_overflow(s.hello.epoch_ref, diff, &e) ||
        __builtin_sub_overflow(e, base_, &rel)) {
      b_.log().warn(
          "capture.bad_time", opt_.source_name, LogEntry::kNoOffset,
          fmt::format("{}: timestamp {} is far from the process's clock reference {}; record left out",
                      s.source, ts, s.hello.cupti_ref));
      return std::nullopt;
    }
    return e;
  }
  std::string_view text(const StreamRecords& s, uint32_t id) const {
    auto it = s.strings.find(id);
    return it == s.strings.end() ? std::string_view() : std::string_view(it->second);
  }

  // Epoch intervals of every range named opt_.nvtx_range (all processes).
  void find_nvtx_windows() {
    if (opt_.nvtx_range.empty()) return;
    for (const auto& s : streams_) {
      if (!s.has_hello) continue;
      std::map<uint32_t, Ns> open;
      for (const auto& m : s.markers)
        if ((m.flags & kMarkerStart) && text(s, m.name) == opt_.nvtx_range)
          if (auto t = epoch(s, m.ts)) open[m.id] = *t;
      for (const auto& m : s.markers)
        if (m.flags & kMarkerEnd)
          if (auto it = open.find(m.id); it != open.end())
            if (auto t = epoch(s, m.ts)) windows_.push_back({it->second, std::max(it->second, *t)});
    }
  }
  bool keep_time(Ns begin, Ns end) const {
    if (end < opt_.window_begin || begin >= opt_.window_end) return false;
    if (opt_.nvtx_range.empty()) return true;
    for (const auto& w : windows_)
      if (begin <= w.end && end >= w.begin) return true;
    return false;
  }
  // Start and duration (Run time) of [start, end]; an end before its start becomes 0 long, counted.
  std::optional<std::pair<Ns, Ns>> span(const StreamRecords& s, uint64_t start, uint64_t end,
                                        const char* what) {
    auto oa = epoch(s, start), oe = oa ? epoch(s, end) : std::nullopt;
    if (!oe) return std::nullopt;
    Ns a = *oa, e = *oe;
    if (e < a) {
      b_.log().warn(
          "capture.negative_duration", opt_.source_name, LogEntry::kNoOffset,
          fmt::format("{}: {} with end {} before start {}; duration set to 0", s.source, what, end, start));
      e = a;
    }
    return std::pair{a, e};
  }

  uint32_t gpu_track(uint32_t pid, int64_t device, uint32_t stream, bool sync) {
    int64_t st = stream == kNoStream ? -1 : stream;
    // A tid outside the OS tid range keeps GPU tracks apart from the thread tracks (as the nsys importer).
    int64_t tid = (int64_t{1} << 56) | (int64_t{sync} << 55) | ((device & 0xFFFF) << 32) | stream;
    uint32_t t = b_.track(pid, tid, TrackKind::GpuStream);
    Track& tr = b_.track_at(t);
    if (!tr.thread_name) {
      tr.device = static_cast<int32_t>(device);
      tr.stream = st;
      std::string name = st < 0 ? fmt::format("GPU {} context", device) : fmt::format("stream {}", st);
      tr.thread_name = b_.intern(sync ? name + " sync" : name);
      tr.process_name = process_name_;
    }
    return t;
  }
  uint32_t cpu_track(uint32_t pid, uint32_t tid) {
    uint32_t t = b_.track(pid, tid, TrackKind::CpuThread);
    Track& tr = b_.track_at(t);
    if (!tr.thread_name) {
      tr.thread_name = b_.intern(fmt::format("thread {}", tid));
      tr.process_name = process_name_;
    }
    return t;
  }
  // Returns the provisional slice index.
  uint32_t slice(Ns a, Ns e, StrId name, StrId cat, SliceKind kind, uint32_t track, ArgsRef args = {}) {
    SliceIn in;
    in.start = a - base_;
    in.dur = e - a;
    in.name = name;
    in.cat = cat;
    in.kind = kind;
    in.track = track;
    in.args = args;
    return b_.add_slice(in);
  }
  ArgsRef graph_args(uint32_t graph_id, uint64_t node) {
    if (!graph_id) return {};
    return b_.add_args(nlohmann::json{{"graph id", graph_id}, {"graph node id", node}}.dump());
  }
  // GPU work: kept with its launching call, or by time when no call of this process has its id.
  bool keep_gpu(uint32_t correlation, Ns a, Ns e) {
    if (correlation && kept_api_.count(correlation)) return true;
    if (correlation && all_api_.count(correlation)) return ++n_.outside, false;
    if (keep_time(a, e)) return true;
    return ++n_.outside, false;
  }

  void add_stream(const StreamRecords& s) {
    const uint32_t pid = s.hello.pid;
    std::string_view cmd = s.hello.command;
    cmd = cmd.substr(0, cmd.find(' '));
    if (auto slash = cmd.rfind('/'); slash != std::string_view::npos) cmd.remove_prefix(slash + 1);
    process_name_ = b_.intern(fmt::format("{} (pid {})", cmd.empty() ? "process" : cmd, pid));
    if (uint64_t lost = s.dropped.cupti_dropped + s.dropped.records_lost; lost || s.dropped.buffers_refused) {
      n_.dropped += lost;
      b_.log().warn("capture.dropped", opt_.source_name, LogEntry::kNoOffset,
                    fmt::format("{}: {} activity records lost in the target ({} dropped by CUPTI, {} not "
                                "sent; {} buffer requests refused at the memory bound)",
                                s.source, lost, s.dropped.cupti_dropped, s.dropped.records_lost,
                                s.dropped.buffers_refused));
    }
    if (!s.ended)
      b_.log().warn("capture.no_end", opt_.source_name, LogEntry::kNoOffset,
                    fmt::format("{}: the stream stopped without its end frame (the process was killed or "
                                "crashed); records not yet flushed are missing",
                                s.source));
    kept_api_.clear(), all_api_.clear();
    add_apis(s, pid);
    add_markers(s, pid);
    add_gpu(s, pid);
  }

  void add_apis(const StreamRecords& s, uint32_t pid) {
    const StrId rt = b_.intern("cuda_runtime"), drv = b_.intern("cuda_driver");
    std::unordered_map<uint32_t, StrId> names;
    // A driver call made by a runtime call can carry the runtime call's id: the runtime call is the
    // launch (as in Kineto traces), the driver call a slice only.
    std::unordered_set<uint32_t> runtime_ids;
    for (const auto& r : s.apis)
      if (r.domain == 0 && r.correlation) runtime_ids.insert(r.correlation);
    for (const auto& r : s.apis) {
      auto sp = span(s, r.start, r.end, "API call");
      if (!sp) continue;
      auto [a, e] = *sp;
      if (r.correlation) all_api_.insert(r.correlation);
      if (!keep_time(a, e)) {
        ++n_.outside;
        continue;
      }
      if (r.correlation) kept_api_.insert(r.correlation);
      auto [it, added] = names.try_emplace(r.name, 0);
      if (added) {
        std::string n = api_base_name(text(s, r.name));
        it->second =
            b_.intern(n.empty() ? fmt::format("(API {} {})", r.domain ? "driver" : "runtime", r.cbid) : n);
      }
      const bool driver = r.domain == 1;
      uint32_t i = slice(a, e, it->second, driver ? drv : rt, driver ? SliceKind::Driver : SliceKind::Runtime,
                         cpu_track(r.pid ? r.pid : pid, r.tid));
      if (r.correlation && !(driver && runtime_ids.count(r.correlation))) b_.add_api(i, r.correlation, pid);
      ++n_.api_calls;
    }
  }

  void add_markers(const StreamRecords& s, uint32_t pid) {
    const StrId cat = b_.intern("nvtx");
    std::map<uint32_t, const MarkerRec*> open;
    auto args = [&](const MarkerRec& m) {
      std::string_view d = text(s, m.domain);
      return d.empty() ? ArgsRef{} : b_.add_args(dump(nlohmann::json{{"domain", d}}));
    };
    auto instant = [&](const MarkerRec& m) {
      auto ot = epoch(s, m.ts);
      if (!ot) return;
      Ns t = *ot;
      if (!keep_time(t, t)) return void(++n_.outside);
      b_.add_instant({.ts = t - base_,
                      .track = cpu_track(m.pid ? m.pid : pid, m.tid),
                      .name = b_.intern(text(s, m.name)),
                      .cat = cat,
                      .scope = 't',
                      .args = args(m)});
      ++n_.nvtx_marks;
    };
    // Buffers may arrive out of order: pair by id over the whole stream, in time order.
    std::vector<const MarkerRec*> order;
    for (const auto& m : s.markers) order.push_back(&m);
    std::stable_sort(order.begin(), order.end(), [](auto* x, auto* y) { return x->ts < y->ts; });
    for (const MarkerRec* m : order) {
      if (m->flags & kMarkerInstant) {
        instant(*m);
      } else if (m->flags & kMarkerStart) {
        if (!open.emplace(m->id, m).second)
          b_.log().warn("capture.nvtx_id", opt_.source_name, LogEntry::kNoOffset,
                        fmt::format("{}: NVTX range id {} started twice; the second start is ignored",
                                    s.source, m->id));
      } else if (m->flags & kMarkerEnd) {
        auto it = open.find(m->id);
        if (it == open.end()) {
          b_.log().warn("capture.nvtx_unmatched_end", opt_.source_name, LogEntry::kNoOffset,
                        fmt::format("{}: NVTX range end (id {}) without its start", s.source, m->id));
          continue;
        }
        const MarkerRec& st = *it->second;
        open.erase(it);
        auto sp = span(s, st.ts, m->ts, "NVTX range");
        if (!sp) continue;
        auto [a, e] = *sp;
        if (!keep_time(a, e)) {
          ++n_.outside;
          continue;
        }
        slice(a, e, b_.intern(text(s, st.name)), cat, SliceKind::Nvtx,
              cpu_track(st.pid ? st.pid : pid, st.tid), args(st));
        ++n_.nvtx_ranges;
      }
    }
    for (const auto& [id, m] : open) {
      b_.log().warn("capture.nvtx_unterminated", opt_.source_name, LogEntry::kNoOffset,
                    fmt::format("{}: NVTX range \"{}\" (id {}) has no end; kept as an instant", s.source,
                                text(s, m->name), id));
      instant(*m);
    }
  }

  void add_gpu(const StreamRecords& s, uint32_t pid) {
    std::unordered_map<uint32_t, uint32_t> ctx_device;
    for (const auto& c : s.contexts) ctx_device[c.context] = c.device;
    for (const auto& k : s.kernels) ctx_device.emplace(k.context, k.device);
    for (const auto& m : s.memcpys) ctx_device.emplace(m.context, m.device);
    for (const auto& m : s.memsets) ctx_device.emplace(m.context, m.device);
    const StrId kcat = b_.intern("kernel"), ccat = b_.intern("gpu_memcpy"), scat = b_.intern("gpu_memset"),
                ycat = b_.intern("cuda_sync");
    std::unordered_map<uint32_t, StrId> knames;
    for (const auto& k : s.kernels) {
      auto sp = span(s, k.start, k.end, "kernel");
      if (!sp) continue;
      auto [a, e] = *sp;
      if (!keep_gpu(k.correlation, a, e)) continue;
      auto [it, added] = knames.try_emplace(k.name, 0);
      if (added) {
        std::string n = demangle_kernel(text(s, k.name));
        it->second = b_.intern(n.empty() ? "(unnamed kernel)" : n);
      }
      GpuIn g;
      g.correlation = k.correlation;
      g.process = pid;
      g.device = static_cast<int32_t>(k.device);
      g.stream = k.stream;
      g.launch.grid = {static_cast<uint32_t>(k.grid_x), static_cast<uint32_t>(k.grid_y),
                       static_cast<uint32_t>(k.grid_z)};
      g.launch.block = {static_cast<uint32_t>(k.block_x), static_cast<uint32_t>(k.block_y),
                        static_cast<uint32_t>(k.block_z)};
      g.launch.registers_per_thread = k.registers;
      g.launch.shared_memory = static_cast<uint32_t>(k.static_smem) + static_cast<uint32_t>(k.dynamic_smem);
      b_.add_gpu(slice(a, e, it->second, kcat, SliceKind::Kernel, gpu_track(pid, k.device, k.stream, false),
                       graph_args(k.graph_id, k.graph_node)),
                 g);
      ++n_.kernels;
      n_.graph_kernels += k.graph_id != 0;
    }
    for (const auto& m : s.memcpys) {
      auto sp = span(s, m.start, m.end, "memcpy");
      if (!sp) continue;
      auto [a, e] = *sp;
      // By the driver call's id, else the runtime call's (when only the runtime call was recorded).
      const uint32_t corr =
          m.runtime_correlation && !all_api_.count(m.correlation) ? m.runtime_correlation : m.correlation;
      if (!keep_gpu(corr, a, e)) continue;
      GpuIn g{.correlation = corr,
              .process = pid,
              .device = static_cast<int32_t>(m.device),
              .stream = m.stream,
              .launch = {.bytes = m.bytes}};
      std::string name = memcpy_name(m.copy_kind, m.src_kind, m.dst_kind);
      b_.add_gpu(slice(a, e, b_.intern(name), ccat, SliceKind::Memcpy,
                       gpu_track(pid, m.device, m.stream, false), graph_args(m.graph_id, m.graph_node)),
                 g);
      ++n_.memcpys;
    }
    for (const auto& m : s.memsets) {
      auto sp = span(s, m.start, m.end, "memset");
      if (!sp) continue;
      auto [a, e] = *sp;
      if (!keep_gpu(m.correlation, a, e)) continue;
      GpuIn g{.correlation = m.correlation,
              .process = pid,
              .device = static_cast<int32_t>(m.device),
              .stream = m.stream,
              .launch = {.bytes = m.bytes}};
      b_.add_gpu(slice(a, e, b_.intern(memset_name(m.mem_kind)), scat, SliceKind::Memset,
                       gpu_track(pid, m.device, m.stream, false), graph_args(m.graph_id, m.graph_node)),
                 g);
      ++n_.memsets;
    }
    for (const auto& y : s.syncs) {
      auto sp = span(s, y.start, y.end, "synchronization");
      if (!sp) continue;
      auto [a, e] = *sp;
      if (!keep_gpu(y.correlation, a, e)) continue;
      auto d = ctx_device.find(y.context);
      int64_t device = d == ctx_device.end() ? -1 : d->second;
      GpuIn g{.correlation = y.correlation,
              .process = pid,
              .device = static_cast<int32_t>(device),
              .stream = y.stream == kNoStream ? -1 : int64_t{y.stream}};
      b_.add_gpu(slice(a, e, b_.intern(sync_name(y.type)), ycat, SliceKind::Sync,
                       gpu_track(pid, device, y.stream, true)),
                 g);
      ++n_.syncs;
    }
  }

  const std::vector<StreamRecords>& streams_;
  const CaptureOptions& opt_;
  CaptureCounts& n_;
  RunBuilder b_;
  Ns base_ = 0;
  StrId process_name_ = 0;
  std::vector<Interval> windows_;
  std::unordered_set<uint32_t> kept_api_, all_api_;  // correlation ids of this process's API calls
};

}  // namespace

std::unique_ptr<Run> build_capture_run(const std::vector<StreamRecords>& streams, const CaptureOptions& opt,
                                       CaptureCounts* counts) {
  CaptureCounts local;
  return Converter(streams, opt, counts ? *counts : local).run();
}

}  // namespace hp::cupti
