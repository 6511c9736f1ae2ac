// Import benchmark over every trace shape users bring. Each shape is a real fixture tiled to the
// same size in /tmp (tests/bench/tile_trace.h): every Kineto fixture of shared/fixtures/kineto_traces,
// and an nsys export whose activity tables are tiled. Per shape, in one run:
//   1. hotpath's import to a ready Run (file -> Run) in a fresh child process: wall, CPU, the
//      importer's phases (CPU / wall of the event phase = cores kept busy), model bytes per event
//      by column, peak RSS;
//   2. the baseline: a simdjson On-Demand load + pass touching every field of every event (nsys: a
//      SQLite pass reading every column of the imported tables), alternating with 1 per round;
//   3. the peer: python3 json.load of the file (nsys: sqlite3 fetchall of the tables), its wall and
//      peak RSS (cached beside the file in <file>.python, it does not change between builds).
// Usage: bench_import [MB=300] [what=matrix] [full|import-only] [rounds=3]
//   what: "matrix" (every shape), "matrix:TEXT" (shapes whose fixture name contains TEXT), or a
//   trace path (generated from the vLLM B200 fixture when missing, as this benchmark used to do).
// Figures are medians of per-round values; the ratio is taken per round (the machine may be shared).
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "bench/tile_trace.h"
#include "core/import/registry.h"
#include "core/store/sqlite_db.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Model bytes by column group (raw args text excluded; the ArgsRef columns are counted).
constexpr const char* kCols[] = {"start", "dur",   "name", "track",    "cat",     "kind",
                                 "depth", "lane",  "ext",  "argsref",  "gpu",     "api",
                                 "py",    "flows", "inst", "counters", "strings", "tracks"};
constexpr size_t kNCols = std::size(kCols);

template <class C>
size_t col_bytes(const C& col) {
  if constexpr (requires { col.bytes(); })
    return col.bytes();  // NarrowColumn, TimeColumn
  else
    return col.capacity() * sizeof(col[0]);
}

std::array<double, kNCols> model_bytes(const hp::Run& r) {
  auto v = [](const auto&... cols) { return static_cast<double>((col_bytes(cols) + ... + 0)); };
  const auto& s = r.slices;
  const auto& g = r.gpu;
  return {
      v(s.start),
      v(s.dur),
      v(s.name),
      v(s.track),
      v(s.cat),
      v(s.kind),
      v(s.depth),
      v(s.lane),
      v(s.external_id),
      v(s.args),
      v(g.slice, g.correlation, g.device, g.stream, g.launch, g.launch_slice),
      v(r.api.slice, r.api.correlation),
      v(r.python.slice, r.python.python_id, r.python.parent_id),
      v(r.flows.id, r.flows.cat, r.flows.kind, r.flows.from_slice, r.flows.to_slice),
      v(r.instants.ts, r.instants.track, r.instants.name, r.instants.cat, r.instants.scope, r.instants.args),
      v(r.counters.ts, r.counters.value),
      static_cast<double>(r.strings.bytes()),
      v(r.tracks)};
}

// What an import child sends back.
struct ImportReport {
  double wall = 0, cpu = 0, peak_rss = 0;
  double events_wall = 0, events_cpu = 0, scan_wall = 0, finish_wall = 0, finish_cpu = 0, read_wall = 0;
  double parse_cpu = 0, build_cpu = 0;  // CPU of the event phase's two steps, whichever thread ran them
  double events = 0;
  std::array<double, kNCols> cols{};
};

// Imports in a fresh child process, as `hotpath info` would: a warm allocator would flatter later rounds.
bool import_in_child(const std::string& path, ImportReport& rep, bool print) {
  int fds[2];
  std::fflush(stdout);
  if (pipe(fds) != 0) return false;
  if (fork() == 0) {
    close(fds[0]);
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    hp::LoadProgress progress;
    auto run = hp::load_inputs({path}, progress);
    ImportReport r;
    r.wall = seconds_since(t0), r.cpu = cpu_seconds() - c0;
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    r.peak_rss = static_cast<double>(u.ru_maxrss) * 1024;
    for (const auto& p : progress.phases) {
      if (!std::strcmp(p.name, "events")) r.events_wall += p.wall_s, r.events_cpu += p.cpu_s;
      if (!std::strcmp(p.name, "scan")) r.scan_wall += p.wall_s;
      if (!std::strcmp(p.name, "read")) r.read_wall += p.wall_s;
      if (!std::strcmp(p.name, "finish")) r.finish_wall += p.wall_s, r.finish_cpu += p.cpu_s;
      if (!std::strcmp(p.name, "events.parse")) r.parse_cpu += p.cpu_s;
      if (!std::strcmp(p.name, "events.build")) r.build_cpu += p.cpu_s;
    }
    r.events = static_cast<double>(run->sources[0].events);
    r.cols = model_bytes(*run);
    if (print) {
      std::printf("  import: %.0f events; slices %zu, flows %zu, gpu ops %zu, python %zu, warnings %zu\n",
                  r.events, run->slices.size(), run->flows.size(), run->gpu.size(), run->python.size(),
                  static_cast<size_t>(run->log.count(hp::Severity::Warning)));
      std::printf("  phases:");
      for (const auto& p : progress.phases)
        if (p.wall_s > 0)
          std::printf(" %s %.3f s (CPU/wall %.2f)", p.name, p.wall_s, p.cpu_s / p.wall_s);
        else
          std::printf(" %s CPU %.3f s", p.name, p.cpu_s);
      std::printf("\n  model bytes/event by column:");
      for (size_t k = 0; k < kNCols; ++k)
        if (r.cols[k] / r.events >= 0.05) std::printf(" %s %.1f", kCols[k], r.cols[k] / r.events);
      std::printf("  (raw args text %.1f, not counted)\n",
                  static_cast<double>(run->raw_args.size()) / r.events);
      std::fflush(stdout);
    }
    if (write(fds[1], &r, sizeof r) != sizeof r) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  bool got = read(fds[0], &rep, sizeof rep) == sizeof rep;
  close(fds[0]);
  int status = 0;
  wait(&status);
  return got;
}

// Baseline: every field of every event touched (strings read, numbers' tokens read, args walked).
size_t simdjson_pass(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return 0;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(text);
  size_t sum = 0;
  for (auto field : doc.get_object()) {
    if (field.unescaped_key().value() != "traceEvents") continue;
    for (auto ev : field.value().get_array()) {
      for (auto f : ev.get_object()) {
        sum += f.key().value().raw()[0];
        simdjson::ondemand::value v = f.value();
        switch (v.type().value()) {
          case simdjson::ondemand::json_type::string:
            sum += v.get_string().value().size();
            break;
          case simdjson::ondemand::json_type::object:
            for (auto a : v.get_object()) {
              sum += a.key().value().raw()[0];
              sum += a.value().raw_json_token().value().size();
            }
            break;
          default:
            sum += v.raw_json_token().size();
        }
      }
    }
  }
  return sum;
}

// Baseline for nsys: every column of every row of the tables the importer reads.
size_t sqlite_pass(const std::string& path) {
  hp::SqliteDb db(path, hp::SqliteDb::Mode::Immutable);
  size_t sum = 0;
  for (const auto& t : hp::bench::nsys_activity_tables()) {
    if (!db.has_table(t)) continue;
    hp::SqliteStmt st = db.prepare("SELECT * FROM " + t);
    const int n = st.column_count();
    while (st.step())
      for (int c = 0; c < n; ++c) sum += st.is_int(c) ? static_cast<size_t>(st.int64(c)) : st.text(c).size();
  }
  return sum;
}

struct Peer {
  double wall = 0, peak_rss = 0;
};

// python3 json.load (nsys: sqlite3 fetchall), wall and peak RSS; cached in <path>.python.
Peer python_peer(const std::string& path, bool nsys) {
  Peer p;
  std::string cache = path + ".python";
  if (std::ifstream in(cache); in >> p.wall >> p.peak_rss) return p;
  std::string code =
      nsys ? fmt::format(
                 "import sqlite3; db = sqlite3.connect('{}'); names = [r[0] for r in db.execute("
                 "\"select name from sqlite_master where type='table'\")]; "
                 "rows = [db.execute('select * from ' + t).fetchall() for t in {} if t in names]",
                 path, "['" + fmt::format("{}", fmt::join(hp::bench::nsys_activity_tables(), "','")) + "']")
           : fmt::format("import json; json.load(open('{}'))", path);
  auto t0 = Clock::now();
  pid_t child = fork();
  if (child == 0) {
    execlp("python3", "python3", "-c", code.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage u{};
  wait4(child, &status, 0, &u);
  p.wall = seconds_since(t0);
  p.peak_rss = static_cast<double>(u.ru_maxrss) * 1024;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    std::ofstream(cache) << p.wall << " " << p.peak_rss << "\n";
  return p;
}

struct Row {
  std::string shape;
  double mb = 0, events = 0, wall = 0, ratio = 0, cpu_wall = 0, ev_cpu_wall = 0, bytes_ev = 0, rss_mb = 0;
  double py_rss_mb = 0, py_wall = 0;
  double build_share = 0;  // build CPU / (parse + build) CPU in the event phase: <= 0.5 lets both cores work
};

Row measure(const std::string& shape, const std::string& path, bool nsys, int n_rounds, bool import_only) {
  Row row;
  row.shape = shape;
  row.mb = static_cast<double>(fs::file_size(path)) / (1 << 20);
  std::printf("== %s: %s, %.1f MB\n", shape.c_str(), path.c_str(), row.mb);
  {  // warm the page cache
    std::ifstream in(path, std::ios::binary);
    std::vector<char> tmp(1 << 24);
    while (in.read(tmp.data(), static_cast<std::streamsize>(tmp.size()))) {
    }
  }
  std::vector<double> walls, ratios, cpu_wall, ev_cpu_wall;
  ImportReport first;
  for (int round = 0; round < n_rounds; ++round) {
    ImportReport r;
    if (!import_in_child(path, r, round == 0)) {
      std::printf("  the import child failed\n");
      return row;
    }
    if (round == 0) first = r;
    walls.push_back(r.wall), cpu_wall.push_back(r.cpu / r.wall);
    ev_cpu_wall.push_back(r.events_wall > 0 ? r.events_cpu / r.events_wall : 0);
    std::printf(
        "  round %d: hotpath %.3f s = %.0f MB/s (CPU %.3f s; read %.3f scan %.3f events %.3f finish %.3f)",
        round + 1, r.wall, row.mb / r.wall, r.cpu, r.read_wall, r.scan_wall, r.events_wall, r.finish_wall);
    if (!import_only) {
      auto t1 = Clock::now();
      size_t sum = nsys ? sqlite_pass(path) : simdjson_pass(path);
      double base = seconds_since(t1);
      ratios.push_back(base / r.wall);
      std::printf(" | %s %.3f s = %.0f MB/s (checksum %zu)", nsys ? "sqlite pass" : "simdjson load + pass",
                  base, row.mb / base, sum);
    }
    std::printf("\n");
  }
  row.events = first.events;
  row.wall = median(walls);
  row.ratio = median(ratios);
  row.cpu_wall = median(cpu_wall);
  row.ev_cpu_wall = median(ev_cpu_wall);
  if (first.parse_cpu + first.build_cpu > 0)
    row.build_share = first.build_cpu / (first.parse_cpu + first.build_cpu);
  double total = 0;
  for (double b : first.cols) total += b;
  row.bytes_ev = total / first.events;
  row.rss_mb = first.peak_rss / 1048576.0;
  if (!import_only) {
    Peer p = python_peer(path, nsys);
    row.py_wall = p.wall, row.py_rss_mb = p.peak_rss / 1048576.0;
  }
  std::printf(
      "  median of %d: %.3f s = %.0f MB/s, ratio to baseline %.2f, CPU/wall %.2f (events phase %.2f), "
      "%.1f model bytes/event, peak RSS %.0f MB (python %.0f MB, %.1f s)\n",
      n_rounds, row.wall, row.mb / row.wall, row.ratio, row.cpu_wall, row.ev_cpu_wall, row.bytes_ev,
      row.rss_mb, row.py_rss_mb, row.py_wall);
  std::fflush(stdout);
  return row;
}

std::string tiled_path(size_t mb, const std::string& stem, const char* ext) {
  return fmt::format("/tmp/hotpath_bench_{}MB_{}{}", mb, stem, ext);
}

// Generates in a child, so that the generator's memory stays out of this process.
void generate(const std::function<void()>& gen) {
  std::fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    gen();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t mb = argc > 1 ? std::stoul(argv[1]) : 300;
  const std::string what = argc > 2 ? argv[2] : "matrix";
  const bool import_only = argc > 3 && std::string(argv[3]) == "import-only";
  const int n_rounds = argc > 4 ? std::max(1, std::atoi(argv[4])) : 3;
  const fs::path fixtures = fs::path(HOTPATH_SHARED_FIXTURES);
  std::vector<Row> rows;
  if (!what.starts_with("matrix")) {
    std::string path = what == "-" ? fmt::format("/tmp/hotpath_bench_{}MB.json", mb) : what;
    if (!fs::exists(path)) {
      std::printf("generating %zu MB into %s ...\n", mb, path.c_str());
      generate([&] {
        hp::bench::tile_kineto(fixtures / "kineto_traces/tracelens_vllm_b200_tp8_eager_rank0.json.gz", path,
                               mb);
      });
    }
    rows.push_back(measure(fs::path(path).filename().string(), path, false, n_rounds, import_only));
  } else {
    const std::string filter = what.size() > 7 ? what.substr(7) : "";
    std::vector<fs::path> traces;
    for (const auto& e : fs::directory_iterator(fixtures / "kineto_traces")) traces.push_back(e.path());
    std::sort(traces.begin(), traces.end());
    const fs::path nsys_src =
        fixtures / "nsys_sqlite/GindaChen_nsys-ai__387e5a5d__tests_fixtures_mfu_2gpu_before.sqlite";
    traces.push_back(nsys_src);
    for (const fs::path& src : traces) {
      std::string stem = src.filename().string();
      stem = stem.substr(0, stem.find('.'));
      if (!filter.empty() && stem.find(filter) == std::string::npos) continue;
      const bool nsys = src == nsys_src;
      std::string path = tiled_path(mb, stem, nsys ? ".sqlite" : ".json");
      if (!fs::exists(path)) {
        std::printf("generating %zu MB of %s into %s ...\n", mb, stem.c_str(), path.c_str());
        generate([&] { nsys ? hp::bench::tile_nsys(src, path, mb) : hp::bench::tile_kineto(src, path, mb); });
      }
      rows.push_back(measure(nsys ? "nsys: " + stem : stem, path, nsys, n_rounds, import_only));
    }
  }
  std::printf(
      "\n| shape (tiled to %zu MB) | events | MB/s | vs baseline | CPU/wall (events phase) | build share | "
      "model "
      "B/event | peak RSS MB (vs python) |\n|---|---|---|---|---|---|---|---|\n",
      mb);
  for (const Row& r : rows)
    std::printf("| `%s` | %.2f M | %.0f | %.2f | %.2f (%.2f) | %.2f | %.1f | %.0f (%.2f) |\n",
                r.shape.c_str(), r.events / 1e6, r.mb / r.wall, r.ratio, r.cpu_wall, r.ev_cpu_wall,
                r.build_share, r.bytes_ev, r.rss_mb, r.py_rss_mb > 0 ? r.rss_mb / r.py_rss_mb : 0);
  return 0;
}
