// The build stage shared by every importer: events arrive in file order and are appended straight
// into the Run's columns (plus a few temporary columns); finish() sorts through index permutations,
// assigns depth and overflow lanes, binds flows and joins GPU activities to their launches.
#include "core/import/run_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "core/util/nearly_sorted.h"
#include "core/util/pipeline.h"

namespace hp {
namespace {

struct TrackKey {
  uint32_t rank;
  int64_t pid, tid;
  bool operator==(const TrackKey&) const = default;
};
struct TrackKeyHash {
  size_t operator()(const TrackKey& k) const {
    uint64_t h = k.rank * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<uint64_t>(k.pid) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h ^= static_cast<uint64_t>(k.tid) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

struct FlowTmp {
  uint64_t id;
  Ns ts;
  uint32_t track;
  StrId cat;
  uint16_t source;
  char phase;
  bool enclosing;
};

struct CounterTmp {
  Ns ts;
  double value;
  uint32_t series;
};

struct ProcMeta {
  StrId name = 0;
  int64_t sort = 0;
  bool has_sort = false;
};

// Reorders `v` so that v_new[i] = v_old[order[i]].
template <class T>
void apply_order(std::vector<T>& v, const std::vector<uint32_t>& order) {
  if (v.empty()) return;
  std::vector<T> out;
  out.reserve(v.size());
  for (uint32_t o : order) out.push_back(v[o]);
  v.swap(out);
}

// Narrow, block and dictionary columns reorder themselves.
template <class C>
requires requires(C c, const std::vector<uint32_t>& o) {
  c.permute(o);
}
void apply_order(C& v, const std::vector<uint32_t>& order) {
  if (!v.empty()) v.permute(order);
}

template <class T>
void free_vec(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

FlowKind flow_kind(std::string_view cat) {
  if (cat == "ac2g" || cat == "async" || cat == "async_gpu") return FlowKind::Ac2g;
  if (cat == "fwdbwd") return FlowKind::FwdBwd;
  return FlowKind::Other;
}

}  // namespace

struct RunBuilder::Impl {
  std::unique_ptr<Run> run = std::make_unique<Run>();
  std::unordered_map<TrackKey, uint32_t, TrackKeyHash> track_index;
  std::vector<uint16_t> track_source;  // source that created each track (for messages)
  std::vector<uint64_t> slice_offset;  // byte offset of each slice's event
  std::vector<uint16_t> gpu_source, api_source;
  std::vector<int64_t> gpu_process, api_process;            // launching process (nsys), 0 for Kineto
  std::unordered_map<uint32_t, std::vector<SliceIn>> open;  // B events by track
  std::vector<FlowTmp> flows;
  std::vector<CounterTmp> counter_rows;
  std::map<std::tuple<uint32_t, int64_t, StrId>, uint32_t> counter_series;
  std::map<std::pair<uint32_t, int64_t>, ProcMeta> procs;
  // Files with their own absolute base (Kineto baseTimeNanoseconds, relative ts) are moved onto the
  // first such file's base, so that traces of one capture line up: times += base - first_base.
  Ns first_base = 0, shift = 0;
  std::map<std::string, std::string> stage_hints;  // path -> stage
  uint16_t source_index() const {
    return static_cast<uint16_t>(run->sources.empty() ? 0 : run->sources.size() - 1);
  }
  uint32_t rank() const { return run->sources.empty() ? 0 : run->sources.back().rank; }
  const std::string& file_of_track(uint32_t t) const {
    static const std::string kNoFile;
    if (t >= track_source.size() || track_source[t] >= run->sources.size()) return kNoFile;
    return run->sources[track_source[t]].path;
  }

  static constexpr uint32_t kCaptureSlot = 0x80000000u;
  uint32_t extra_captures = 0;
  uint32_t slot_base = 0;  // where the provisional capture slots start after assign_capture_slots
  static uint32_t final_rank(uint32_t r, uint32_t top) {
    return r >= kCaptureSlot ? top + 1 + (r - kCaptureSlot) : r;
  }

  void close_open_slices();
  void apply_process_meta();
  void assign_capture_slots();
  void sort_tracks();
  void sort_slices(std::vector<uint32_t>& parent);
  void depth_and_lanes(uint32_t t, const std::vector<uint32_t>& order, const std::vector<uint32_t>& bucket,
                       std::vector<uint8_t>& depth, std::vector<uint8_t>& lane,
                       std::vector<uint32_t>& parent_old, std::vector<std::vector<uint32_t>>& stacks,
                       ImportLog& log);
  std::string overlap_message(const Track& tr, uint32_t i, uint32_t overlapped, size_t lane) const;
  void link_gpu();
  void bind_flows(const std::vector<uint32_t>& parent, ImportLog& log);
  void sort_instants();
  void build_counters();
};

RunBuilder::RunBuilder() : impl_(std::make_unique<Impl>()) {}
RunBuilder::~RunBuilder() = default;

StrId RunBuilder::intern(std::string_view s) {
  return impl_->run->strings.intern(s);
}

StrId RunBuilder::intern(std::string_view s, uint64_t hash) {
  return impl_->run->strings.intern(s, hash);
}

ArgsRef RunBuilder::add_args(std::string_view raw) {
  if (raw.empty()) return {};
  ArgsText& text = impl_->run->raw_args;
  ArgsRef a;
  a.offset = text.size();
  if (raw.size() < ArgsRef::kLongArgs) {
    a.length = raw.size();
  } else {  // stored behind its 8-byte length; Run::args_text reads it
    a.length = ArgsRef::kLongArgs;
    uint64_t n = raw.size();
    text.append(std::string_view(reinterpret_cast<const char*>(&n), sizeof(n)));
  }
  text.append(raw);
  return a;
}

ImportLog& RunBuilder::log() {
  return impl_->run->log;
}

void RunBuilder::set_stage_hints(std::map<std::string, std::string> stages) {
  impl_->stage_hints = std::move(stages);
}

uint32_t RunBuilder::begin_source(TraceSource src) {
  Impl& m = *impl_;
  if (auto hint = m.stage_hints.find(src.path); hint != m.stage_hints.end() && src.stage.empty())
    src.stage = hint->second;
  m.shift = 0;
  if (src.base_time_ns != 0) {
    if (m.first_base == 0) m.first_base = src.base_time_ns;
    m.shift = src.base_time_ns - m.first_base;
    src.base_time_ns = m.first_base;  // Run time 0 of this source, after the shift
  }
  src.claimed_rank = src.rank;
  for (const TraceSource& earlier : m.run->sources)
    if (earlier.claimed_rank == src.rank && earlier.stage == src.stage) {
      // Provisional slot; finish() renumbers it above every claimed rank.
      src.rank = Impl::kCaptureSlot + m.extra_captures++;
      m.run->log.warn(
          "import.same_rank", src.path, LogEntry::kNoOffset,
          fmt::format("{} and {} both claim rank {}{}{}; kept apart as separate captures", src.path,
                      earlier.path, src.claimed_rank, src.stage.empty() ? "" : " of stage ", src.stage));
      break;
    }
  m.run->sources.push_back(std::move(src));
  return static_cast<uint32_t>(m.run->sources.size() - 1);
}

TraceSource& RunBuilder::source() {
  if (impl_->run->sources.empty()) impl_->run->sources.emplace_back();
  return impl_->run->sources.back();
}

uint32_t RunBuilder::track(int64_t pid, int64_t tid, TrackKind kind) {
  Impl& m = *impl_;
  uint32_t rank = m.rank();
  auto [it, added] =
      m.track_index.try_emplace(TrackKey{rank, pid, tid}, static_cast<uint32_t>(m.run->tracks.size()));
  if (added) {
    Track t;
    t.rank = rank;
    t.kind = kind;
    t.pid = pid;
    t.tid = tid;
    if (kind == TrackKind::GpuStream) t.device = static_cast<int32_t>(pid), t.stream = tid;
    m.run->tracks.push_back(t);
    m.track_source.push_back(m.source_index());
  } else if (kind == TrackKind::GpuStream && m.run->tracks[it->second].kind != TrackKind::GpuStream) {
    Track& t = m.run->tracks[it->second];
    t.kind = TrackKind::GpuStream;
    t.device = static_cast<int32_t>(pid);
    t.stream = tid;
  }
  return it->second;
}

Track& RunBuilder::track_at(uint32_t i) {
  return impl_->run->tracks[i];
}

void RunBuilder::reserve_slices(size_t n) {
  Slices& s = impl_->run->slices;
  s.start.reserve(n), s.dur.reserve(n), s.name.reserve(n), s.track.reserve(n), s.cat.reserve(n);
  s.kind.reserve(n), s.external_id.reserve(n), s.args.reserve(n);
  impl_->slice_offset.reserve(n);
}

void RunBuilder::reserve_args(size_t more) {
  ArgsText& a = impl_->run->raw_args;
  if (a.capacity() < a.size() + more) a.reserve(a.size() + more);
}

size_t RunBuilder::slice_count() const {
  return impl_->run->slices.size();
}

uint32_t RunBuilder::add_slice(const SliceIn& in) {
  Slices& s = impl_->run->slices;
  uint32_t idx = static_cast<uint32_t>(s.start.size());
  s.start.push_back(in.start + impl_->shift);
  s.dur.push_back(in.dur < 0 ? 0 : in.dur);
  s.name.push_back(in.name);
  s.track.push_back(in.track);
  s.cat.push_back(in.cat);
  s.kind.push_back(in.kind);
  s.external_id.push_back(in.external_id);
  s.args.push_back(in.args);
  impl_->slice_offset.push_back(in.offset);
  return idx;
}

void RunBuilder::add_gpu(uint32_t slice, const GpuIn& g) {
  GpuOps& o = impl_->run->gpu;
  o.slice.push_back(slice);
  o.correlation.push_back(g.correlation);
  o.device.push_back(g.device);
  o.stream.push_back(g.stream);
  o.launch.push_back(g.launch);
  impl_->gpu_source.push_back(impl_->source_index());
  impl_->gpu_process.push_back(g.process);
}

void RunBuilder::add_api(uint32_t slice, int64_t correlation, int64_t process) {
  impl_->run->api.slice.push_back(slice);
  impl_->run->api.correlation.push_back(correlation);
  impl_->api_source.push_back(impl_->source_index());
  impl_->api_process.push_back(process);
}

void RunBuilder::add_python(uint32_t slice, int64_t python_id, int64_t parent_id) {
  PythonFrames& p = impl_->run->python;
  p.slice.push_back(slice);
  p.python_id.push_back(python_id);
  p.parent_id.push_back(parent_id);
}

void RunBuilder::begin_slice(const SliceIn& s) {
  impl_->open[s.track].push_back(s);
}

void RunBuilder::end_slice(uint32_t track, Ns ts, uint64_t offset) {
  auto it = impl_->open.find(track);
  if (it == impl_->open.end() || it->second.empty()) {
    log().warn("slice.unmatched_end", impl_->file_of_track(track), offset,
               "E event without a matching B on its thread");
    return;
  }
  SliceIn s = it->second.back();
  it->second.pop_back();
  s.dur = ts - s.start;
  if (s.dur < 0) {
    log().warn("slice.negative_duration", impl_->file_of_track(track), offset,
               "E event before its B; duration set to 0");
    s.dur = 0;
  }
  add_slice(s);
}

void RunBuilder::add_flow_end(const FlowEndIn& f) {
  impl_->flows.push_back(
      FlowTmp{f.id, f.ts + impl_->shift, f.track, f.cat, impl_->source_index(), f.phase, f.bind_enclosing});
}

uint32_t RunBuilder::add_instant(const InstantIn& i) {
  Instants& in = impl_->run->instants;
  const auto idx = static_cast<uint32_t>(in.ts.size());
  in.ts.push_back(i.ts + impl_->shift);
  in.track.push_back(i.track);
  in.name.push_back(i.name);
  in.cat.push_back(i.cat);
  in.scope.push_back(i.scope);
  in.args.push_back(i.args);
  return idx;
}

void RunBuilder::set_slice_args(uint32_t slice, ArgsRef args) {
  impl_->run->slices.args.set(slice, args);
}

void RunBuilder::set_instant_args(uint32_t instant, ArgsRef args) {
  impl_->run->instants.args.set(instant, args);
}

void RunBuilder::add_counter(int64_t pid, std::string_view series_name, Ns ts, double value) {
  Impl& m = *impl_;
  StrId name = intern(series_name);
  auto [it, added] =
      m.counter_series.try_emplace({m.rank(), pid, name}, static_cast<uint32_t>(m.counter_series.size()));
  m.counter_rows.push_back(CounterTmp{ts + m.shift, value, it->second});
}

void RunBuilder::note_redaction(std::string_view file, std::string_view what) {
  ++impl_->run->redactions;
  log().warn("redacted", std::string(file), LogEntry::kNoOffset,
             fmt::format("credential-like value redacted ({})", what));
}

void RunBuilder::set_process_name(int64_t pid, StrId name) {
  impl_->procs[{impl_->rank(), pid}].name = name;
}

void RunBuilder::set_process_sort(int64_t pid, int64_t sort_index) {
  ProcMeta& p = impl_->procs[{impl_->rank(), pid}];
  p.sort = sort_index;
  p.has_sort = true;
}

// Unclosed B events become slices that end at the last timestamp seen on their track.
void RunBuilder::Impl::close_open_slices() {
  bool any = false;
  for (auto& [t, stack] : open) any = any || !stack.empty();
  if (!any) return;
  std::vector<Ns> last(run->tracks.size(), INT64_MIN);
  const Slices& s = run->slices;
  for (size_t i = 0; i < s.size(); ++i) last[s.track[i]] = std::max(last[s.track[i]], s.end(i));
  for (size_t i = 0; i < run->instants.size(); ++i)
    last[run->instants.track[i]] = std::max(last[run->instants.track[i]], run->instants.ts[i]);
  std::vector<std::pair<uint32_t, std::vector<SliceIn>>> sorted(open.begin(), open.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [t, stack] : sorted) {
    for (SliceIn& b : stack) last[t] = std::max(last[t], b.start);
    while (!stack.empty()) {
      SliceIn b = stack.back();
      stack.pop_back();
      b.dur = last[t] - b.start;
      run->log.warn(
          "slice.unclosed_begin", file_of_track(t), b.offset,
          fmt::format("B event '{}' never ended; closed at the thread's last timestamp", run->str(b.name)));
      // add_slice equivalent (this is Impl, not the builder)
      Slices& out = run->slices;
      out.start.push_back(b.start), out.dur.push_back(b.dur), out.name.push_back(b.name);
      out.track.push_back(b.track), out.cat.push_back(b.cat), out.kind.push_back(b.kind);
      out.external_id.push_back(b.external_id), out.args.push_back(b.args);
      slice_offset.push_back(b.offset);
    }
  }
  open.clear();
}

// Extra captures of a claimed rank take the slots right above the highest claimed rank.
void RunBuilder::Impl::assign_capture_slots() {
  if (extra_captures == 0) return;
  uint32_t top = 0;
  for (const TraceSource& s : run->sources) top = std::max(top, s.claimed_rank);
  for (TraceSource& s : run->sources) s.rank = final_rank(s.rank, top);
  for (Track& t : run->tracks) t.rank = final_rank(t.rank, top);
  slot_base = top + 1;
}

void RunBuilder::Impl::apply_process_meta() {
  for (Track& t : run->tracks) {
    auto it = procs.find({t.rank, t.pid});
    if (it == procs.end()) continue;
    if (it->second.name) t.process_name = it->second.name;
    if (it->second.has_sort) t.process_sort = it->second.sort;
  }
}

// Tracks sorted by (rank, process_sort, pid, kind, thread_sort, tid); every track index is remapped.
void RunBuilder::Impl::sort_tracks() {
  auto& tracks = run->tracks;
  std::vector<uint32_t> order(tracks.size());
  std::iota(order.begin(), order.end(), 0u);
  auto key = [&](uint32_t i) {
    const Track& t = tracks[i];
    return std::make_tuple(t.rank, t.process_sort, t.pid, static_cast<int>(t.kind), t.thread_sort, t.tid);
  };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  std::vector<uint32_t> remap(tracks.size());
  for (uint32_t n = 0; n < order.size(); ++n) remap[order[n]] = n;
  apply_order(tracks, order);
  apply_order(track_source, order);
  for (size_t i = 0; i < run->slices.track.size(); ++i) run->slices.track.set(i, remap[run->slices.track[i]]);
  for (uint32_t& t : run->instants.track) t = remap[t];
  for (FlowTmp& f : flows) f.track = remap[f.track];
}

// Depth, lane and enclosing slice of each slice of track t, whose rows order[bucket[t], bucket[t+1])
// are sorted by (start, -dur).
void RunBuilder::Impl::depth_and_lanes(uint32_t t, const std::vector<uint32_t>& order,
                                       const std::vector<uint32_t>& bucket, std::vector<uint8_t>& depth,
                                       std::vector<uint8_t>& lane, std::vector<uint32_t>& parent_old,
                                       std::vector<std::vector<uint32_t>>& stacks, ImportLog& log) {
  const Slices& s = run->slices;
  Track& tr = run->tracks[t];
  for (auto& st : stacks) st.clear();
  uint32_t lanes_used = 1, overflow = 0, max_depth = 0;
  for (uint32_t p = bucket[t]; p < bucket[t + 1]; ++p) {
    uint32_t i = order[p];
    Ns start = s.start[i], end = s.end(i);
    size_t l = 0;
    uint32_t overlapped = kNone;  // the slice of the lane before that this one outlasts
    for (;; ++l) {
      if (l == stacks.size()) stacks.emplace_back();
      auto& st = stacks[l];
      while (!st.empty() && s.end(st.back()) <= start) st.pop_back();
      if (st.empty() || end <= s.end(st.back()) || l == 254) break;
      overlapped = st.back();
    }
    auto& st = stacks[l];
    parent_old[i] = st.empty() ? kNone : st.back();
    size_t d = st.size();
    st.push_back(i);
    if (d > 255) {
      if (d == 256)
        log.warn("slice.depth_saturated", file_of_track(t), slice_offset[i],
                 "nesting deeper than 255 levels; depth saturates at 255");
      d = 255;
    }
    depth[i] = static_cast<uint8_t>(d);
    lane[i] = static_cast<uint8_t>(l);
    max_depth = std::max<uint32_t>(max_depth, static_cast<uint32_t>(d));
    if (l > 0) {
      ++overflow;
      lanes_used = std::max<uint32_t>(lanes_used, static_cast<uint32_t>(l + 1));
      // Only the first kKeepPerCode messages are kept: the rest are counted, not formatted.
      log.warn("slice.overlap", file_of_track(t), slice_offset[i],
               log.count("slice.overlap") >= ImportLog::kKeepPerCode ? std::string()
                                                                     : overlap_message(tr, i, overlapped, l));
    }
  }
  tr.lanes = static_cast<uint8_t>(lanes_used);
  tr.overflow_slices = overflow;
  tr.max_depth = static_cast<uint8_t>(max_depth);
  tr.slice_begin = bucket[t];
  tr.slice_end = bucket[t + 1];
}

// Kernels on one GPU stream do not nest: one that starts before the previous ends is a programmatic
// dependent launch (Hopper and later let a kernel start early) or a clock artefact, not a broken stack.
std::string RunBuilder::Impl::overlap_message(const Track& tr, uint32_t i, uint32_t overlapped,
                                              size_t lane) const {
  const Slices& s = run->slices;
  std::string head = fmt::format("'{}' [{} ns, +{} ns]", run->str(s.name[i]), s.start[i], s.dur[i]);
  if (tr.kind != TrackKind::GpuStream || overlapped == kNone)
    return fmt::format("{} partially overlaps its enclosing slice; moved to overflow lane {}", head, lane);
  std::string_view prev = run->str(s.name[overlapped]);
  size_t cut = std::min<size_t>(prev.size(), 80);
  while (cut < prev.size() && cut > 0 && (static_cast<unsigned char>(prev[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format(
      "{} starts {} ns before '{}{}' ends on the same GPU stream (a programmatic dependent "
      "launch, or clock skew); drawn on lane {}",
      head, s.end(overlapped) - s.start[i], prev.substr(0, cut), cut < prev.size() ? "…" : "", lane);
}

// Sorts slices by (track, lane, start, -dur), assigning depth and overflow lanes per track.
// `parent` receives each slice's enclosing slice in its lane (final indices, kNone at depth 0).
void RunBuilder::Impl::sort_slices(std::vector<uint32_t>& parent) {
  Slices& s = run->slices;
  const size_t n = s.size();
  const size_t nt = run->tracks.size();
  // 1. Counting sort by track (stable), then sort each track's range by (start, -dur) unless sorted.
  std::vector<uint32_t> bucket(nt + 1, 0);
  for (size_t i = 0; i < n; ++i) ++bucket[s.track[i] + 1];
  for (size_t t = 0; t < nt; ++t) bucket[t + 1] += bucket[t];
  std::vector<uint32_t> order(n);
  {
    std::vector<uint32_t> fill(bucket.begin(), bucket.end() - 1);
    for (uint32_t i = 0; i < n; ++i) order[fill[s.track[i]]++] = i;
  }
  auto before = [&](uint32_t a, uint32_t b) {
    if (s.start[a] != s.start[b]) return s.start[a] < s.start[b];
    return s.dur[a] > s.dur[b];
  };
  // 2. Depth and lanes, per track, with one stack per lane. Tracks are independent: two halves of
  // the slices, split at a track boundary, go to the two cores; the second half's warnings are
  // appended after the first's, as a serial pass would log them.
  std::vector<uint8_t> depth(n, 0), lane(n, 0);
  std::vector<uint32_t> parent_old(n, kNone);
  auto tracks_in = [&](size_t t_begin, size_t t_end, ImportLog& log) {
    std::vector<std::vector<uint32_t>> stacks;
    for (size_t t = t_begin; t < t_end; ++t) {
      auto b = order.begin() + bucket[t], e = order.begin() + bucket[t + 1];
      stable_sort_nearly_sorted(b, e, before);
      depth_and_lanes(static_cast<uint32_t>(t), order, bucket, depth, lane, parent_old, stacks, log);
    }
  };
  size_t mid = 0;
  for (size_t t = 1; t <= nt; ++t)
    if (std::max(bucket[t], static_cast<uint32_t>(n) - bucket[t]) <
        std::max(bucket[mid], static_cast<uint32_t>(n) - bucket[mid]))
      mid = t;
  ImportLog second_half;
  run_both([&] { tracks_in(mid, nt, second_half); }, [&] { tracks_in(0, mid, run->log); });
  run->log.merge(second_half);
  // 3. Within each track, stable by lane (order is already by start, -dur): a counting sort.
  std::vector<uint32_t> by_lane;
  for (size_t t = 0; t < nt; ++t) {
    if (run->tracks[t].lanes == 1) continue;
    std::array<uint32_t, 257> at{};
    for (uint32_t p = bucket[t]; p < bucket[t + 1]; ++p) ++at[lane[order[p]] + 1];
    for (size_t l = 1; l < at.size(); ++l) at[l] += at[l - 1];
    by_lane.resize(bucket[t + 1] - bucket[t]);
    for (uint32_t p = bucket[t]; p < bucket[t + 1]; ++p) by_lane[at[lane[order[p]]]++] = order[p];
    std::copy(by_lane.begin(), by_lane.end(), order.begin() + bucket[t]);
  }
  free_vec(by_lane);
  std::vector<uint32_t> inv(n);
  for (uint32_t p = 0; p < n; ++p) inv[order[p]] = p;
  parent.assign(n, kNone);
  for (uint32_t p = 0; p < n; ++p)
    parent[p] = parent_old[order[p]] == kNone ? kNone : inv[parent_old[order[p]]];
  free_vec(parent_old);
  run_both(  // the columns are independent: half of them on a second core
      [&] {
        apply_order(s.start, order), apply_order(s.dur, order), apply_order(s.name, order);
        apply_order(s.kind, order);
      },
      [&] {
        apply_order(s.track, order), apply_order(s.cat, order), apply_order(s.external_id, order);
        apply_order(s.args, order), apply_order(depth, order), apply_order(lane, order);
      });
  s.depth.swap(depth), s.lane.swap(lane);
  free_vec(slice_offset);
  auto remap_rows = [&](std::vector<uint32_t>& rows) {
    for (uint32_t& r : rows) r = inv[r];
  };
  remap_rows(run->gpu.slice), remap_rows(run->api.slice), remap_rows(run->python.slice);
}

// GPU/API/Python rows sorted by slice; launch_slice joins on (source, correlation).
void RunBuilder::Impl::link_gpu() {
  auto by_slice = [](const std::vector<uint32_t>& slice) {
    std::vector<uint32_t> order(slice.size());
    std::iota(order.begin(), order.end(), 0u);
    if (!std::is_sorted(slice.begin(), slice.end()))
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return slice[a] < slice[b]; });
    return order;
  };
  {
    ApiCalls& a = run->api;
    auto o = by_slice(a.slice);
    apply_order(a.slice, o), apply_order(a.correlation, o), apply_order(api_source, o);
    apply_order(api_process, o);
  }
  {
    PythonFrames& p = run->python;
    auto o = by_slice(p.slice);
    apply_order(p.slice, o), apply_order(p.python_id, o), apply_order(p.parent_id, o);
  }
  GpuOps& g = run->gpu;
  {
    auto o = by_slice(g.slice);
    apply_order(g.slice, o), apply_order(g.correlation, o), apply_order(g.device, o),
        apply_order(g.stream, o);
    apply_order(g.launch, o);
    apply_order(gpu_source, o), apply_order(gpu_process, o);
  }
  struct Key {
    uint16_t source;
    int64_t process;
    int64_t corr;
    uint32_t slice;
  };
  std::vector<Key> keys;
  keys.reserve(run->api.size());
  for (size_t i = 0; i < run->api.size(); ++i)
    if (run->api.correlation[i] != 0)
      keys.push_back({api_source[i], api_process[i], run->api.correlation[i], run->api.slice[i]});
  auto lt = [](const Key& a, const Key& b) {
    return std::tie(a.source, a.process, a.corr) < std::tie(b.source, b.process, b.corr);
  };
  std::stable_sort(keys.begin(), keys.end(), lt);
  g.launch_slice.assign(g.size(), kNone);
  std::vector<uint64_t> unlinked(run->sources.size() + 1, 0);
  for (size_t i = 0; i < g.size(); ++i) {
    Key k{gpu_source[i], gpu_process[i], g.correlation[i], 0};
    auto it = std::lower_bound(keys.begin(), keys.end(), k, lt);
    if (g.correlation[i] != 0 && it != keys.end() && it->source == k.source && it->process == k.process &&
        it->corr == k.corr)
      g.launch_slice[i] = it->slice;
    else
      ++unlinked[std::min<size_t>(gpu_source[i], run->sources.size())];
  }
  for (size_t src = 0; src < run->sources.size(); ++src)
    if (unlinked[src])
      run->log.info("flow.unlinked_gpu", run->sources[src].path,
                    fmt::format("{} GPU activities have no launching runtime/driver call (by correlation)",
                                unlinked[src]));
  free_vec(api_source), free_vec(gpu_source), free_vec(api_process), free_vec(gpu_process);
}

void RunBuilder::Impl::bind_flows(const std::vector<uint32_t>& parent, ImportLog& log) {
  const Slices& s = run->slices;
  // Slices of [b, e) (one lane of one track), sorted by start. Deepest slice containing ts.
  auto enclosing_in = [&](uint32_t b, uint32_t e, Ns ts) -> uint32_t {
    auto it = std::upper_bound(s.start.begin() + b, s.start.begin() + e, ts);
    if (it == s.start.begin() + b) return kNone;
    uint32_t c = static_cast<uint32_t>(it - s.start.begin()) - 1;
    while (c != kNone && s.end(c) < ts) c = parent[c];
    return c;
  };
  // Lane boundaries per track: bounds[lane_first[t] .. lane_first[t+1]] are the lanes' row ranges.
  std::vector<uint32_t> lane_first(run->tracks.size() + 1, 0), bounds;
  for (uint32_t t = 0; t < run->tracks.size(); ++t) {
    const Track& tr = run->tracks[t];
    lane_first[t] = static_cast<uint32_t>(bounds.size());
    bounds.push_back(tr.slice_begin);
    for (uint32_t i = tr.slice_begin + 1; i < tr.slice_end; ++i)
      if (s.lane[i] != s.lane[i - 1]) bounds.push_back(i);
    bounds.push_back(tr.slice_end);
  }
  lane_first[run->tracks.size()] = static_cast<uint32_t>(bounds.size());
  auto lane_ranges = [&](uint32_t track, auto&& fn) {
    for (uint32_t k = lane_first[track]; k + 1 < lane_first[track + 1]; ++k)
      if (bounds[k] < bounds[k + 1] && fn(bounds[k], bounds[k + 1])) return;
  };
  auto bind = [&](const FlowTmp& f) -> uint32_t {
    uint32_t found = kNone;
    if (f.phase != 'f' || f.enclosing) {
      lane_ranges(f.track,
                  [&](uint32_t b, uint32_t e) { return (found = enclosing_in(b, e, f.ts)) != kNone; });
    } else {
      lane_ranges(f.track, [&](uint32_t b, uint32_t e) {
        auto it = std::lower_bound(s.start.begin() + b, s.start.begin() + e, f.ts);
        if (it != s.start.begin() + e) {
          uint32_t c = static_cast<uint32_t>(it - s.start.begin());
          if (found == kNone || s.start[c] < s.start[found]) found = c;
        }
        return false;
      });
    }
    return found;
  };
  auto phase_rank = [](char p) { return p == 's' ? 0 : p == 't' ? 1 : 2; };
  std::sort(flows.begin(), flows.end(), [&](const FlowTmp& a, const FlowTmp& b) {
    return std::make_tuple(a.source, a.cat, a.id, a.ts, phase_rank(a.phase)) <
           std::make_tuple(b.source, b.cat, b.id, b.ts, phase_rank(b.phase));
  });
  Flows& out = run->flows;
  std::vector<uint64_t> orphans(run->sources.size() + 1, 0);
  std::unordered_map<StrId, FlowKind> kinds;
  for (size_t i = 0; i < flows.size();) {
    size_t j = i;
    while (j < flows.size() && flows[j].source == flows[i].source && flows[j].cat == flows[i].cat &&
           flows[j].id == flows[i].id)
      ++j;
    auto kit = kinds.find(flows[i].cat);
    if (kit == kinds.end()) kit = kinds.emplace(flows[i].cat, flow_kind(run->str(flows[i].cat))).first;
    uint64_t& orphan = orphans[std::min<size_t>(flows[i].source, run->sources.size())];
    bool have_start = false, used = false;
    uint32_t from = kNone;
    for (size_t k = i; k < j; ++k) {
      const FlowTmp& f = flows[k];
      if (f.phase == 's') {
        if (have_start && !used) ++orphan;
        from = bind(f), have_start = true, used = false;
        continue;
      }
      if (!have_start) {
        ++orphan;
        continue;
      }
      uint32_t to = bind(f);
      out.id.push_back(f.id), out.cat.push_back(f.cat), out.kind.push_back(kit->second);
      out.from_slice.push_back(from), out.to_slice.push_back(to);
      used = true;
      if (f.phase == 't') from = to, used = false;
    }
    if (have_start && !used) ++orphan;
    i = j;
  }
  for (size_t src = 0; src < run->sources.size(); ++src)
    if (orphans[src])
      log.warn("flow.orphan", run->sources[src].path, LogEntry::kNoOffset,
               fmt::format("{} flow events (s/t/f) have no matching end", orphans[src]));
  free_vec(flows);
  // Pairs are appended as found: trim the doubling slack, the Run keeps these for its lifetime.
  out.id.shrink_to_fit(), out.cat.shrink_to_fit(), out.kind.shrink_to_fit();
  out.from_slice.shrink_to_fit(), out.to_slice.shrink_to_fit();
}

void RunBuilder::Impl::sort_instants() {
  Instants& in = run->instants;
  std::vector<uint32_t> order(in.size());
  std::iota(order.begin(), order.end(), 0u);
  auto lt = [&](uint32_t a, uint32_t b) {
    return std::tie(in.track[a], in.ts[a]) < std::tie(in.track[b], in.ts[b]);
  };
  if (std::is_sorted(order.begin(), order.end(), lt)) return;
  std::stable_sort(order.begin(), order.end(), lt);
  apply_order(in.ts, order), apply_order(in.track, order), apply_order(in.name, order);
  apply_order(in.cat, order), apply_order(in.scope, order), apply_order(in.args, order);
}

void RunBuilder::Impl::build_counters() {
  Counters& c = run->counters;
  std::vector<std::tuple<uint32_t, int64_t, StrId>> keys(counter_series.size());
  for (const auto& [k, idx] : counter_series) keys[idx] = k;
  std::stable_sort(counter_rows.begin(), counter_rows.end(), [](const CounterTmp& a, const CounterTmp& b) {
    return std::tie(a.series, a.ts) < std::tie(b.series, b.ts);
  });
  c.ts.reserve(counter_rows.size());
  c.value.reserve(counter_rows.size());
  c.series.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    c.series[i].rank = final_rank(std::get<0>(keys[i]), slot_base - 1);
    c.series[i].pid = std::get<1>(keys[i]);
    c.series[i].name = std::get<2>(keys[i]);
  }
  size_t r = 0;
  for (uint32_t si = 0; si < keys.size(); ++si) {
    c.series[si].sample_begin = static_cast<uint32_t>(c.ts.size());
    for (; r < counter_rows.size() && counter_rows[r].series == si; ++r) {
      c.ts.push_back(counter_rows[r].ts);
      c.value.push_back(counter_rows[r].value);
    }
    c.series[si].sample_end = static_cast<uint32_t>(c.ts.size());
  }
  // Series in a stable, readable order: (rank, pid, name).
  std::sort(c.series.begin(), c.series.end(), [&](const CounterSeries& a, const CounterSeries& b) {
    return std::make_tuple(a.rank, a.pid, run->str(a.name)) <
           std::make_tuple(b.rank, b.pid, run->str(b.name));
  });
  free_vec(counter_rows);
}

std::unique_ptr<Run> RunBuilder::finish() {
  Impl& m = *impl_;
  m.close_open_slices();
  m.apply_process_meta();
  m.assign_capture_slots();
  m.sort_tracks();
  std::vector<uint32_t> parent;
  m.sort_slices(parent);
  ImportLog flow_log;  // independent steps, one per core; the log keeps the serial order
  run_both([&] { m.bind_flows(parent, flow_log); }, [&] { m.link_gpu(); });
  m.run->log.merge(flow_log);
  free_vec(parent);
  m.sort_instants();
  m.build_counters();
  std::unique_ptr<Run> out = std::move(m.run);
  impl_ = std::make_unique<Impl>();
#if defined(__GLIBC__)
  malloc_trim(0);  // hand the sort temporaries back to the OS: the Run lives long, they do not
#endif
  return out;
}

}  // namespace hp
