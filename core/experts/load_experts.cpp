#include "core/experts/load_experts.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/experts/balance_log.h"
#include "core/experts/counter_pkl.h"
#include "core/experts/eplb_metrics.h"
#include "core/experts/run_experts.h"
#include "core/experts/sglang_dump.h"
#include "core/experts/trtllm_stats.h"
#include "core/experts/zip_reader.h"
#include "core/model/load_status.h"
#include "core/store/sqlite_db.h"

namespace hp::experts {
namespace {

std::vector<std::filesystem::path> rank_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.starts_with("rank") && n.ends_with(".safetensors")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp_head(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string h(16, '\0');
  in.read(h.data(), 16);
  h.resize(static_cast<size_t>(in.gcount()));
  return h;
}

// A sample line (at a line start) of SGLang's eplb series.
bool is_eplb_prom_head(std::string_view head) {
  for (std::string_view name : {"sglang:eplb_gpu_physical_count", "sglang:eplb_balancedness"})
    for (size_t at = head.find(name); at != std::string_view::npos; at = head.find(name, at + 1))
      if (at == 0 || head[at - 1] == '\n') return true;
  return false;
}

int64_t mtime_ns(const std::filesystem::path& p) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(p, ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::file_clock::to_sys(t).time_since_epoch())
      .count();
}

bool is_csv_head(std::string_view head) {
  return head.starts_with("layer_id,expert_id,count");
}

ExpertLoad trtllm_dir(const std::filesystem::path& dir, uint32_t experts) {
  std::vector<std::filesystem::path> ranks = rank_files(dir);
  if (ranks.empty()) throw ImportError(dir.string(), 0, "directory holds no rank<R>.safetensors");
  std::error_code ec;
  if (std::filesystem::exists(dir / "meta_info.json", ec))
    experts = std::max(experts, read_trtllm_meta(read_expert_file(dir / "meta_info.json"),
                                                 (dir / "meta_info.json").string()));
  ExpertLoad out = read_trtllm_safetensors(read_expert_file(ranks[0]), ranks[0].string(), experts);
  for (size_t i = 1; i < ranks.size(); ++i) {
    try {
      add_into(out, read_trtllm_safetensors(read_expert_file(ranks[i]), ranks[i].string(), experts));
    } catch (const std::invalid_argument& e) {
      throw ImportError(ranks[i].string(), 0, e.what());
    }
  }
  out.source = dir.filename().string() + " (" + std::to_string(ranks.size()) + " ranks)";
  return out;
}

}  // namespace

bool is_expert_input(const std::filesystem::path& p, std::string_view head) {
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return !rank_files(p).empty();
  const std::string ext = p.extension().string();
  if (ext == ".safetensors") return true;
  if (is_zip(head) && (ext == ".pt" || ext == ".pth")) return true;
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0x80 && head[1] >= 2 && head[1] <= 5) return true;
  if (is_csv_head(head)) return true;
  if (is_eplb_prom_head(head)) return true;
  return has_balance_lines(head);
}

ExpertLoad load_expert_input(const std::filesystem::path& p, uint32_t experts) {
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return trtllm_dir(p, experts);
  const std::string name = p.string();
  if (p.extension() == ".safetensors") {
    std::error_code e2;
    const auto meta = p.parent_path() / "meta_info.json";
    if (std::filesystem::exists(meta, e2))
      experts = std::max(experts, read_trtllm_meta(read_expert_file(meta), meta.string()));
    return read_trtllm_safetensors(read_expert_file(p), name, experts);
  }
  return load_expert_bytes(read_expert_file(p), name, experts, mtime_ns(p));
}

ExpertLoad load_expert_bytes(const std::string& bytes, const std::string& name, uint32_t experts,
                             int64_t mtime_ns) {
  if (is_zip(bytes)) return read_sglang_pt(bytes, name);
  if (bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x80)
    return read_counter_pkl(bytes, name, experts);
  if (is_csv_head(bytes)) return read_sglang_csv(bytes, name);
  if (is_eplb_prom_head(bytes)) return read_eplb_prom(bytes, name, mtime_ns);
  if (has_balance_lines(bytes)) return read_balance_log(bytes, name);
  throw ImportError(name, 0,
                    "not an expert-load file (expected a pickled Counter list, an SGLang .pt or CSV dump, "
                    "TensorRT-LLM rank safetensors, SGLang eplb Prometheus series, or EPLB / Expert "
                    "Balancedness log lines)");
}

std::vector<ExpertLoad> load_expert_inputs(const std::vector<std::filesystem::path>& inputs,
                                           uint32_t experts) {
  std::vector<ExpertLoad> out;
  for (const auto& p : inputs) {
    if (std::filesystem::is_regular_file(p) && has_sqlite_header(slurp_head(p))) {  // a hotpath run file
      std::vector<ExpertLoad> r = run_expert_inputs(p);
      if (r.empty())
        throw ImportError(p.string(), 0, "run file holds no expert dumps and no sglang:eplb_* series");
      for (auto& l : r) out.push_back(std::move(l));
      continue;
    }
    ExpertLoad l = load_expert_input(p, experts);
    const bool per_rank = l.format == "sglang-csv" || l.format == "trtllm-safetensors";
    if (per_rank && !out.empty() && out.back().format == l.format) {
      try {
        add_into(out.back(), l);
      } catch (const std::invalid_argument& e) {
        throw ImportError(p.string(), 0, e.what());
      }
    } else {
      out.push_back(std::move(l));
    }
  }
  return out;
}

std::string read_expert_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ImportError(p.string(), 0, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace hp::experts
