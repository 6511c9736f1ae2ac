// Import benchmark: tiles a real vLLM trace (tracelens_vllm_b200_tp8_eager_rank0) into N MB of
// uncompressed Kineto JSON in /tmp, then measures in one run:
//   1. hotpath's import to a ready Run (file -> Run), MB/s, peak RSS, bytes per event;
//   2. a raw simdjson On-Demand pass touching every field of every event (the baseline);
//   3. python3 json.load of the same file (peer).
// Usage: bench_import [MB=1024] [path=/tmp/hotpath_bench_<MB>MB.json | -] [full|import-only] [rounds=5]
// Rounds alternate 1 and 2 (the machine may be shared); figures are medians of per-round values.
#include <simdjson.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/import/registry.h"
#include "core/util/input_file.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

size_t current_rss() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// CPU seconds (user + system) of this process, or of its waited-for children.
double cpu_seconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

size_t peak_rss() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<size_t>(u.ru_maxrss) * 1024;
}

// Ids are shifted per tile by their own span in the fixture, as a longer capture would number
// them; groups that must stay equal (flow id = correlation) share one stride.
enum IdGroup { kFlowCorrelation, kExternal, kPython, kEvIdx, kGroups };
struct IdKey {
  const char* key;
  IdGroup group;
};
constexpr IdKey kIdKeys[] = {{"correlation", kFlowCorrelation},
                             {"External id", kExternal},
                             {"Python id", kPython},
                             {"Python parent id", kPython},
                             {"Ev Idx", kEvIdx}};

template <class F>
void for_each_id(nlohmann::json& e, F f) {
  if (e.contains("id") && e["id"].is_number_integer()) f(e["id"], kFlowCorrelation);
  if (!e.contains("args") || !e["args"].is_object()) return;
  for (const IdKey& k : kIdKeys) {
    auto it = e["args"].find(k.key);
    if (it != e["args"].end() && it->is_number_integer() && it->get<int64_t>() > 0) f(*it, k.group);
  }
}

// Shift ts and every id so that tiles do not collide.
void shift(nlohmann::json& e, double dt, int64_t tile, const int64_t* stride) {
  // ts keeps Kineto's 3 decimals: written as a placeholder, replaced by exact text in generate().
  if (e.contains("ts") && e["ts"].is_number())
    e["ts"] = fmt::format("@TS{:.3f}@", e["ts"].get<double>() + dt);
  for_each_id(e, [&](nlohmann::json& v, IdGroup g) { v = v.get<int64_t>() + tile * stride[g]; });
}

void generate(const std::string& out_path, size_t target_mb) {
  hp::LoadProgress p;
  auto src = std::filesystem::path(HOTPATH_SHARED_FIXTURES) /
             "kineto_traces/tracelens_vllm_b200_tp8_eager_rank0.json.gz";
  auto buf = hp::read_input_file(src, p);
  nlohmann::json j = nlohmann::json::parse(buf.view());
  nlohmann::json events = std::move(j["traceEvents"]);
  j.erase("traceEvents");
  double lo = 1e300, hi = -1e300;
  for (auto& e : events)
    if (e.contains("ts") && e["ts"].is_number()) {
      lo = std::min(lo, e["ts"].get<double>());
      hi = std::max(hi, e["ts"].get<double>() + (e.contains("dur") ? e["dur"].get<double>() : 0.0));
    }
  int64_t id_lo[kGroups], id_hi[kGroups], stride[kGroups];
  std::fill(id_lo, id_lo + kGroups, INT64_MAX);
  std::fill(id_hi, id_hi + kGroups, INT64_MIN);
  for (auto& e : events)
    for_each_id(e, [&](nlohmann::json& v, IdGroup g) {
      id_lo[g] = std::min(id_lo[g], v.get<int64_t>());
      id_hi[g] = std::max(id_hi[g], v.get<int64_t>());
    });
  for (int g = 0; g < kGroups; ++g) stride[g] = id_hi[g] >= id_lo[g] ? id_hi[g] - id_lo[g] + 1 : 0;
  std::ofstream out(out_path, std::ios::binary);
  std::string head = j.dump();
  head.pop_back();  // '}'
  out << head << ",\"traceEvents\":[\n";
  size_t written = head.size(), target = target_mb << 20;
  bool first = true;
  for (int64_t tile = 0; written < target; ++tile) {
    for (const auto& e0 : events) {
      nlohmann::json e = e0;
      shift(e, static_cast<double>(tile) * (hi - lo + 1000.0), tile, stride);
      std::string s = e.dump();
      if (size_t a = s.find("\"@TS"); a != std::string::npos) {
        size_t b = s.find("@\"", a + 4);
        s = s.substr(0, a) + s.substr(a + 4, b - a - 4) + s.substr(b + 2);
      }
      if (!first) out << ",\n";
      first = false;
      out << s;
      written += s.size() + 2;
    }
  }
  out << "\n]}\n";
}

// Baseline: every field of every event touched (strings read, numbers' tokens read, args walked).
size_t simdjson_pass(const std::string& path, size_t& events, double& pass_alone_s) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return 0;
  auto t0 = Clock::now();
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(text);
  size_t sum = 0;
  events = 0;
  for (auto field : doc.get_object()) {
    if (field.unescaped_key().value() != "traceEvents") continue;
    for (auto ev : field.value().get_array()) {
      ++events;
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
  pass_alone_s = seconds_since(t0);
  return sum;
}

size_t model_bytes(const hp::Run& r) {
  auto v = [](const auto& col) {
    if constexpr (requires { col.bytes(); })
      return col.bytes();  // NarrowColumn
    else
      return col.capacity() * sizeof(col[0]);
  };
  const auto& s = r.slices;
  size_t b = v(s.start) + v(s.dur) + v(s.name) + v(s.track) + v(s.cat) + v(s.kind) + v(s.depth) + v(s.lane) +
             v(s.external_id) + v(s.args);
  const auto& g = r.gpu;
  b += v(g.slice) + v(g.correlation) + v(g.device) + v(g.stream) + v(g.grid) + v(g.block) +
       v(g.registers_per_thread) + v(g.shared_memory) + v(g.bytes) + v(g.occupancy_pct) + v(g.launch_slice);
  b += v(r.api.slice) + v(r.api.correlation) + v(r.python.slice) + v(r.python.python_id) +
       v(r.python.parent_id);
  b += v(r.flows.id) + v(r.flows.cat) + v(r.flows.kind) + v(r.flows.from_slice) + v(r.flows.to_slice);
  b += v(r.instants.ts) + v(r.instants.track) + v(r.instants.name) + v(r.instants.cat) + v(r.instants.scope) +
       v(r.instants.args);
  b += v(r.counters.ts) + v(r.counters.value) + v(r.tracks) + r.strings.bytes();
  if (std::getenv("HOTPATH_BENCH_BREAKDOWN")) {  // bytes per column, to see where memory goes
    std::printf(
        "  slices: start %zu dur %zu name %zu track %zu cat %zu kind %zu depth %zu lane %zu ext %zu args "
        "%zu\n",
        v(s.start), v(s.dur), v(s.name), v(s.track), v(s.cat), v(s.kind), v(s.depth), v(s.lane),
        v(s.external_id), v(s.args));
    std::printf(
        "  gpu %zu api %zu python %zu flows %zu instants %zu strings %zu tracks %zu\n",
        v(g.slice) + v(g.correlation) + v(g.device) + v(g.stream) + v(g.grid) + v(g.block) +
            v(g.registers_per_thread) + v(g.shared_memory) + v(g.bytes) + v(g.occupancy_pct) +
            v(g.launch_slice),
        v(r.api.slice) + v(r.api.correlation),
        v(r.python.slice) + v(r.python.python_id) + v(r.python.parent_id),
        v(r.flows.id) + v(r.flows.cat) + v(r.flows.kind) + v(r.flows.from_slice) + v(r.flows.to_slice),
        v(r.instants.ts), r.strings.bytes(), v(r.tracks));
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = argc > 1 ? std::stoul(argv[1]) : 1024;
  std::string path = argc > 2 && std::string(argv[2]) != "-"
                         ? argv[2]
                         : "/tmp/hotpath_bench_" + std::to_string(mb) + "MB.json";
  const bool import_only = argc > 3 && std::string(argv[3]) == "import-only";
  const int n_rounds = argc > 4 ? std::max(1, std::atoi(argv[4])) : 5;
  if (!std::filesystem::exists(path)) {
    std::printf("generating %zu MB into %s ...\n", mb, path.c_str());
    pid_t child = fork();  // keep the generator's memory out of this process's peak RSS
    if (child == 0) {
      generate(path, mb);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
  }
  double file_mb = static_cast<double>(std::filesystem::file_size(path)) / (1 << 20);
  std::printf("file: %s, %.1f MB\n", path.c_str(), file_mb);
  {  // warm the page cache
    std::ifstream in(path, std::ios::binary);
    std::vector<char> tmp(1 << 24);
    while (in.read(tmp.data(), static_cast<std::streamsize>(tmp.size()))) {
    }
  }
  // Rounds alternate our import and the simdjson baseline, so that the shared machine's slow and
  // fast phases hit both alike; the ratio is taken per round and reported at the median.
  struct Round {
    double ours, ours_cpu, base, base_cpu, pass_alone;
  };
  std::vector<Round> rounds;
  size_t base_events = 0, sum = 0;
  for (int round = 0; round < n_rounds; ++round) {
    Round r{};
    // Each import runs in a fresh child process, as `hotpath info` would: a warm allocator (glibc
    // raises its mmap threshold after large frees) would make later rounds look faster.
    int fds[2];
    std::fflush(stdout);  // or the child's copy of the buffer prints twice
    if (pipe(fds) != 0) return 1;
    if (fork() == 0) {
      close(fds[0]);
      size_t rss0 = current_rss();
      auto t0 = Clock::now();
      double c0 = cpu_seconds();
      hp::LoadProgress progress;
      auto run = hp::load_inputs({path}, progress);
      double times[2] = {seconds_since(t0), cpu_seconds() - c0};
      if (round == 0) {
        size_t rss1 = current_rss(), peak = peak_rss();
        uint64_t events = run->sources[0].events;
        size_t args = run->raw_args.size();  // written bytes (untouched capacity is not resident)
        size_t model = model_bytes(*run);
        std::printf("hotpath import: %llu events; slices %zu, flows %zu, gpu ops %zu, warnings %llu\n",
                    static_cast<unsigned long long>(events), run->slices.size(), run->flows.size(),
                    run->gpu.size(), static_cast<unsigned long long>(run->log.count(hp::Severity::Warning)));
        std::printf("  peak RSS %.0f MB; resident after import %.0f MB (raw args %.0f MB)\n",
                    peak / 1048576.0, (rss1 - rss0) / 1048576.0, args / 1048576.0);
        std::printf("  bytes/event excluding raw args: model %.1f, RSS delta %.1f\n",
                    static_cast<double>(model) / events,
                    (static_cast<double>(rss1 - rss0) - static_cast<double>(args)) / events);
        std::fflush(stdout);
      }
      if (write(fds[1], times, sizeof times) != sizeof times) _exit(1);
      _exit(0);
    }
    close(fds[1]);
    double times[2] = {0, 0};
    bool got = read(fds[0], times, sizeof times) == sizeof times;
    close(fds[0]);
    int status = 0;
    wait(&status);
    if (!got) {
      std::fprintf(stderr, "the import child failed\n");
      return 1;
    }
    r.ours = times[0], r.ours_cpu = times[1];
    if (!import_only) {
      auto t1 = Clock::now();
      double c1 = cpu_seconds();
      sum = simdjson_pass(path, base_events, r.pass_alone);
      r.base = seconds_since(t1), r.base_cpu = cpu_seconds() - c1;
    }
    std::printf("  round %d: hotpath %.3f s = %.0f MB/s (CPU %.3f s)", round + 1, r.ours, file_mb / r.ours,
                r.ours_cpu);
    if (!import_only)
      std::printf(" | simdjson load + pass %.3f s = %.0f MB/s (pass alone %.3f s = %.0f MB/s)", r.base,
                  file_mb / r.base, r.pass_alone, file_mb / r.pass_alone);
    std::printf("\n");
    rounds.push_back(r);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> ours, ours_cpu, ratio, ratio_cpu;
  for (const Round& r : rounds) {
    ours.push_back(r.ours), ours_cpu.push_back(r.ours_cpu);
    ratio.push_back(r.base / r.ours), ratio_cpu.push_back(r.base_cpu / r.ours_cpu);
  }
  std::printf(
      "hotpath import to a ready Run, median of %d: %.3f s = %.0f MB/s (best %.0f MB/s); CPU %.3f s\n",
      n_rounds, median(ours), file_mb / median(ours), file_mb / *std::min_element(ours.begin(), ours.end()),
      median(ours_cpu));
  if (import_only) return 0;
  std::printf("simdjson baseline: %zu events (checksum %zu)\n", base_events, sum);
  std::printf("ratio hotpath/simdjson (load + pass), median per round: wall %.2f, CPU %.2f\n", median(ratio),
              median(ratio_cpu));

  std::string cmd = "python3 -c \"import json; json.load(open('" + path + "'))\"";
  auto t2 = Clock::now();
  double c2 = cpu_seconds(RUSAGE_CHILDREN);
  int rc = std::system(cmd.c_str());
  double py = seconds_since(t2), py_cpu = cpu_seconds(RUSAGE_CHILDREN) - c2;
  std::printf("python3 json.load: %.3f s = %.0f MB/s; CPU %.3f s (rc %d)\n", py, file_mb / py, py_cpu, rc);
  std::printf("ratio hotpath vs python (median import): wall %.1fx, CPU %.1fx\n", py / median(ours),
              py_cpu / median(ours_cpu));
  return 0;
}
