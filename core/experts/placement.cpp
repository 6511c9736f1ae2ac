#include "core/experts/placement.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/experts/load_experts.h"
#include "core/experts/sglang_dump.h"
#include "core/experts/zip_reader.h"
#include "core/model/load_status.h"

namespace hp::experts {
namespace {

constexpr int64_t kMaxSlots = 1 << 16, kMaxLayers = 1 << 12;

}  // namespace

bool is_placement_json(std::string_view head) {
  const size_t first = head.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && head[first] == '{' &&
         head.find("\"physical_to_logical_map\"") != std::string_view::npos;
}

PlacementMap read_placement_json(std::string_view text, const std::string& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ImportError(file, e.byte, fmt::format("placement JSON does not parse: {}", e.what()));
  }
  if (!j.is_object() || !j.contains("physical_to_logical_map")) {
    const bool counts = j.is_object() && j.contains("logical_count");
    throw ImportError(file, 0,
                      counts ? "holds logical_count (a load), not physical_to_logical_map (a placement)"
                             : "expected an object with physical_to_logical_map [layer][slot]");
  }
  const nlohmann::json& m = j["physical_to_logical_map"];
  if (!m.is_array() || m.empty() || m.size() > kMaxLayers)
    throw ImportError(file, 0, "physical_to_logical_map should be a non-empty [layer][slot] array");
  PlacementMap out;
  out.source = std::filesystem::path(file).filename().string();
  for (size_t l = 0; l < m.size(); ++l) {
    const nlohmann::json& row = m[l];
    if (!row.is_array() || row.empty() || row.size() > kMaxSlots)
      throw ImportError(file, 0, fmt::format("physical_to_logical_map[{}] is not a list of slots", l));
    if (!out.layers.empty() && row.size() != out.layers[0].size())
      throw ImportError(file, 0,
                        fmt::format("physical_to_logical_map[{}] has {} slots, layer 0 has {}", l, row.size(),
                                    out.layers[0].size()));
    std::vector<int32_t> slots;
    for (size_t s = 0; s < row.size(); ++s) {
      if (!row[s].is_number_integer() || row[s].get<int64_t>() < 0 || row[s].get<int64_t>() >= kMaxSlots)
        throw ImportError(
            file, 0,
            fmt::format("physical_to_logical_map[{}][{}] is not an expert id in 0..{}", l, s, kMaxSlots - 1));
      slots.push_back(static_cast<int32_t>(row[s].get<int64_t>()));
    }
    out.layers.push_back(std::move(slots));
  }
  return out;
}

PlacementMap read_placement(const std::filesystem::path& p) {
  const std::string bytes = read_expert_file(p);
  if (is_zip(bytes)) {
    ExpertLoad l = read_sglang_pt(bytes, p.string());
    if (l.physical_to_logical.empty())
      throw ImportError(p.string(), 0, "this dump has no last_physical_to_logical_map (a stat-mode dump?)");
    return {p.filename().string(), std::move(l.physical_to_logical)};
  }
  return read_placement_json(bytes, p.string());
}

void apply_placement(ExpertLoad& load, const PlacementMap& map) {
  const size_t n = load.layers();
  std::vector<std::vector<int32_t>> rows;
  if (map.layers.size() == 1 || map.layers.size() == n) {
    for (size_t i = 0; i < n; ++i) rows.push_back(map.layers[map.layers.size() == 1 ? 0 : i]);
  } else {
    for (size_t i = 0; i < n; ++i) {
      const int64_t id = load.layer_ids[i];
      if (id < 0 || static_cast<size_t>(id) >= map.layers.size())
        throw ImportError(map.source, 0,
                          fmt::format("the placement has {} layers; {} has {} layers and model layer {} is "
                                      "not among the placement's",
                                      map.layers.size(), load.source, n, id));
      rows.push_back(map.layers[static_cast<size_t>(id)]);
    }
  }
  size_t unplaced = 0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<bool> seen(load.experts, false);
    for (size_t s = 0; s < rows[i].size(); ++s) {
      if (static_cast<uint32_t>(rows[i][s]) >= load.experts)
        throw ImportError(map.source, 0,
                          fmt::format("layer {} slot {} names expert {}, but {} has experts 0..{}",
                                      load.layer_ids[i], s, rows[i][s], load.source, load.experts - 1));
      seen[static_cast<size_t>(rows[i][s])] = true;
    }
    for (uint32_t e = 0; e < load.experts; ++e)
      if (!seen[e] && load.has_counts() && load.at(i, e) > 0) ++unplaced;
  }
  if (unplaced)
    load.warnings.push_back(
        fmt::format("{} (layer, expert) pairs with load have no slot in {}: their load is on no rank",
                    unplaced, map.source));
  load.physical_to_logical = std::move(rows);
  load.placement_source = map.source;
}

size_t placement_slots(const ExpertLoad& load) {
  return load.physical_to_logical.empty() ? load.experts : load.physical_to_logical[0].size();
}

uint32_t default_placement_ranks(const ExpertLoad& load) {
  if (load.columns_are_ranks) return std::max<uint32_t>(1, load.experts);
  const size_t slots = placement_slots(load);
  for (uint32_t r = 8; r > 1; --r)
    if (slots % r == 0) return r;
  return 1;
}

std::vector<std::vector<int32_t>> placement_for(const ExpertLoad& load, uint32_t ranks) {
  if (load.physical_to_logical.empty() || load.physical_to_logical.size() != load.layers() || ranks == 0)
    return {};
  const size_t slots = load.physical_to_logical[0].size();
  if (slots % ranks == 0) return load.physical_to_logical;
  if (load.placement_source != "dump")
    throw std::invalid_argument(fmt::format("the {} slots per layer of {} do not split evenly over {} ranks",
                                            slots, load.placement_source, ranks));
  return {};
}

std::string placement_label(const ExpertLoad& load, bool used) {
  if (!used) return "contiguous";
  if (load.placement_source == "dump") return "the dump's placement";
  return "placement " + load.placement_source;
}

}  // namespace hp::experts
