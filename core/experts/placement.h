#pragma once
// Expert placement maps (physical slot -> logical expert, per layer) for the per-rank view:
//  - SGLang `--init-expert-location` JSON: {"physical_to_logical_map": [[slot...] per layer]}
//    (a JSON that only holds `logical_count` is a load, not a placement);
//  - the `last_physical_to_logical_map` of an SGLang per_pass / per_token `.pt` dump.
// Slots are numbered rank by rank (slots / ranks per rank). A logical expert with several slots
// (redundant replicas) has its load split evenly over them: the sources do not say otherwise.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/experts/expert_load.h"

namespace hp::experts {

struct PlacementMap {
  std::string source;                        // file name
  std::vector<std::vector<int32_t>> layers;  // [layer][slot] -> logical expert
};

// True when `head` (the first bytes of a file) is a JSON object naming physical_to_logical_map.
bool is_placement_json(std::string_view head);
PlacementMap read_placement_json(std::string_view text, const std::string& file);
// A JSON placement or a `.pt` dump with a map. Throws ImportError (file, byte offset, problem).
PlacementMap read_placement(const std::filesystem::path& p);

// Gives `load` the map's placement: row i for layer i when the map has as many rows as the load,
// row layer_ids[i] when the map covers the whole model (the load holds some of its layers), one row
// for every layer. Throws ImportError naming the map when its rows do not fit or name an expert
// outside 0..E-1; a logical expert with load but no slot is a counted warning on the load.
void apply_placement(ExpertLoad& load, const PlacementMap& map);

// Slots per layer of the load's placement (E when it has none).
size_t placement_slots(const ExpertLoad& load);
// Ranks when the user gives none: 8 when it divides the slots per layer, else the largest divisor
// below 8.
uint32_t default_placement_ranks(const ExpertLoad& load);
// The per-layer placement for `ranks` ranks: the load's map when its slots split over the ranks,
// else none (contiguous blocks). A map the user gave (not the dump's own) that does not split is
// std::invalid_argument.
std::vector<std::vector<int32_t>> placement_for(const ExpertLoad& load, uint32_t ranks);
// "contiguous", "the dump's placement" or "placement NAME" for what placement_for gave.
std::string placement_label(const ExpertLoad& load, bool used);
// What the per-rank figures assume about replicas, for the output.
inline constexpr const char* kReplicaNote =
    "a logical expert on several slots has its load split evenly over them (the source does not say "
    "otherwise)";

}  // namespace hp::experts
