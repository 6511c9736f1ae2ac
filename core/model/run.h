#pragma once
// The columnar Run: everything hotpath loads, as struct-of-arrays tables with int64 ns times.
// A Run is built once (by RunBuilder or the run-file reader) and then only read; live capture
// publishes new snapshots instead of mutating one that views hold.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/args_column.h"
#include "core/model/args_text.h"
#include "core/model/dict_column.h"
#include "core/model/import_log.h"
#include "core/model/narrow_column.h"
#include "core/model/string_pool.h"

namespace hp {

using Ns = int64_t;
constexpr uint32_t kNone = UINT32_MAX;  // "no row" in any u32 index column

// What a duration event is. Derived from the trace's `cat` (current and legacy names).
enum class SliceKind : uint8_t {
  CpuOp,           // cpu_op, Operator
  UserAnnotation,  // user_annotation (record_function, ProfilerStep#N, engine step markers)
  PythonFunction,  // python_function (with_stack)
  Runtime,         // cuda_runtime, Runtime (cudaLaunchKernel, hipGraphLaunch, ...)
  Driver,          // cuda_driver (cuLaunchKernel, ...)
  Kernel,          // kernel, Kernel
  Memcpy,          // gpu_memcpy, Memcpy
  Memset,          // gpu_memset, Memset
  Sync,            // cuda_sync
  GpuAnnotation,   // gpu_user_annotation
  Nvtx,            // NVTX ranges (nsys)
  Trace,           // the profiler's own span ("PyTorch Profiler (0)")
  Other,           // any other category, kept as-is
  Count
};
const char* to_string(SliceKind k);
SliceKind slice_kind_from_category(std::string_view cat);
inline bool is_gpu_activity(SliceKind k) {
  return k == SliceKind::Kernel || k == SliceKind::Memcpy || k == SliceKind::Memset || k == SliceKind::Sync;
}

enum class TrackKind : uint8_t { CpuThread, GpuStream, Other };

// A timeline row: one CPU thread or one GPU stream of one process of one rank.
struct Track {
  uint32_t rank = 0;
  TrackKind kind = TrackKind::CpuThread;
  int64_t pid = 0;  // as in the trace; string pids are interned and hashed into pid_name
  int64_t tid = 0;
  StrId pid_name = 0;  // the original pid/tid text when the trace used strings ("Spans")
  StrId tid_name = 0;
  StrId process_name = 0;  // from M process_name / process_labels
  StrId thread_name = 0;   // from M thread_name ("stream 7 ", "thread 1102 (pt_main_thread)")
  int64_t process_sort = 0;
  int64_t thread_sort = 0;
  int32_t device = -1;  // GPU tracks
  int64_t stream = -1;  // GPU tracks
  // Rows [slice_begin, slice_end) of Run::slices belong to this track, sorted by (lane, start).
  uint32_t slice_begin = 0, slice_end = 0;
  uint8_t lanes = 1;             // 1 + number of overflow lanes
  uint32_t overflow_slices = 0;  // slices placed on overflow lanes (partially overlapping X)
  uint8_t max_depth = 0;
};

// Every duration event (X, matched B/E, nsys activity rows), sorted by (track, lane, start, -dur).
struct Slices {
  TimeColumn start;
  NarrowColumn<Ns, uint32_t> dur;          // u32 ns; longer (or negative) durations in its side table
  IdColumn name;                           // u16 rows until a name id needs more
  NarrowColumn<uint32_t, uint16_t> track;  // u16 rows: more than 65534 tracks go to the side table
  NarrowColumn<StrId, uint16_t> cat;       // the raw `cat` string (interned early, so a small id)
  std::vector<SliceKind> kind;
  std::vector<uint8_t> depth;         // nesting depth within its lane
  std::vector<uint8_t> lane;          // 0 = main lane, >0 = overflow lane
  BlockColumn<uint32_t> external_id;  // `External id` / `external id`, 0 when absent
  ArgsColumn args;
  size_t size() const { return start.size(); }
  Ns end(size_t i) const { return start[i] + dur[i]; }
};

// How a GPU op ran: a kernel's launch configuration, or a copy's or set's size. Few distinct
// values repeat across a run's ops, so GpuOps keeps each once (DictColumn compares the bytes, so
// the struct has no padding).
struct GpuLaunch {
  uint64_t bytes = 0;  // memcpy/memset
  std::array<uint32_t, 3> grid{0, 0, 0};
  std::array<uint32_t, 3> block{0, 0, 0};
  uint32_t shared_memory = 0;
  float occupancy_pct = __builtin_nanf("");  // `est. achieved occupancy %`, NaN when absent
  uint16_t registers_per_thread = 0;
  uint16_t unused[3] = {0, 0, 0};
};
static_assert(sizeof(GpuLaunch) == 48);

// Typed columns of GPU activities (one row per Kernel/Memcpy/Memset/Sync slice, sorted by slice).
struct GpuOps {
  std::vector<uint32_t> slice;
  // Narrow columns, as the slices': ids grow with time, devices and streams are few.
  BlockColumn<uint32_t> correlation;  // 0 when absent
  NarrowColumn<int32_t, int8_t> device;
  NarrowColumn<int64_t, int16_t> stream;
  DictColumn<GpuLaunch> launch;
  std::vector<uint32_t> launch_slice;  // the runtime/driver call that launched it (by correlation), kNone
  size_t size() const { return slice.size(); }
};

// Runtime and driver calls (cudaLaunchKernel, cuLaunchKernelEx, hipGraphLaunch, ...).
struct ApiCalls {
  std::vector<uint32_t> slice;
  BlockColumn<uint32_t> correlation;
  size_t size() const { return slice.size(); }
};

// python_function frames with their `Python id` and `Python parent id`.
struct PythonFrames {
  std::vector<uint32_t> slice;
  BlockColumn<uint16_t> python_id;  // ids close to their neighbours': u16 offsets per block
  BlockColumn<uint16_t> parent_id;  // -1 when absent
  size_t size() const { return slice.size(); }
};

enum class FlowKind : uint8_t { Ac2g, FwdBwd, Other };

// Flow links (s -> f), bound to slices; unmatched ends are counted in the import log.
struct Flows {
  std::vector<uint64_t> id;
  std::vector<StrId> cat;
  std::vector<FlowKind> kind;
  std::vector<uint32_t> from_slice;  // kNone when the start did not bind to a slice
  std::vector<uint32_t> to_slice;
  size_t size() const { return id.size(); }
};

struct Instants {
  std::vector<Ns> ts;
  std::vector<uint32_t> track;
  std::vector<StrId> name;
  std::vector<StrId> cat;
  std::vector<char> scope;  // 'g', 'p' or 't'
  ArgsColumn args;
  size_t size() const { return ts.size(); }
};

// Counter series: trace `C` events (one series per args key) and, later, metric series.
struct CounterSeries {
  uint32_t rank = 0;
  int64_t pid = 0;
  StrId name = 0;  // "<event name>.<args key>" or a canonical metric name
  StrId unit = 0;
  uint32_t sample_begin = 0, sample_end = 0;  // rows of Counters::ts/value, sorted by ts
};
struct Counters {
  std::vector<CounterSeries> series;
  std::vector<Ns> ts;
  std::vector<double> value;
};

// Per input file (one per rank and stage).
struct TraceSource {
  std::string path;
  std::string format;  // "kineto-json", "nsys-sqlite", ...
  // The rank slot: the rank the file claims, unless an earlier file of the load already claimed
  // that (stage, rank); such a file is another capture (a second tensorboard_trace_handler file
  // of worker0, an unrelated single-rank trace) and gets a slot of its own above every claimed
  // rank, so that every per-rank analysis keeps the captures apart.
  uint32_t rank = 0;
  uint32_t claimed_rank = 0;  // what the file said (equal to rank unless it is another capture)
  int32_t world_size = -1;
  std::string stage;    // "", "prefill", "decode", "extend" from directory or file name
  Ns base_time_ns = 0;  // absolute time of Run time 0 for this source (ns since epoch when known)
  std::string display_time_unit;
  int64_t schema_version = -1;
  std::string device_properties_json;  // raw JSON, credentials redacted
  std::string distributed_info_json;
  std::string metadata_json;               // other top-level keys, credentials redacted
  std::map<std::string, uint64_t> by_cat;  // every traceEvents entry by `cat` ("(none)" if missing)
  std::map<std::string, uint64_t> by_ph;   // ... and by `ph`
  uint64_t events = 0;
};

struct Run {
  StringPool strings;
  std::vector<Track> tracks;  // sorted by (rank, process_sort, pid, kind, thread_sort, tid)
  Slices slices;
  GpuOps gpu;
  ApiCalls api;
  PythonFrames python;
  Flows flows;
  Instants instants;
  Counters counters;
  ArgsText raw_args;  // all ArgsRef point into this
  std::vector<TraceSource> sources;
  ImportLog log;
  uint64_t redactions = 0;

  std::string_view str(StrId id) const { return strings.view(id); }
  std::string_view args_text(ArgsRef a) const;
  // Time span over all slices, instants and counter samples: [begin, end). {0,0} when empty.
  std::pair<Ns, Ns> span() const;
  uint32_t rank_count() const;
};

}  // namespace hp
