#pragma once
// SGLang expert-distribution recorder dumps (python/sglang/srt/eplb/expert_distribution.py):
//  - `.pt` (torch.save zip + pickle subset + raw little-endian storages), mode `stat`
//    {rank, logical_count [passes, layers, experts], ...} and modes `per_pass`/`per_token`
//    {records: [{forward_pass_id, global_physical_count [layers, physical]}...],
//     last_physical_to_logical_map [layers, physical]};
//  - the older per-rank CSV `expert_distribution_rank<R>_timestamp<T>.csv` (layer_id,expert_id,count).
#include <string>
#include <string_view>

#include "core/experts/expert_load.h"

namespace hp::experts {

ExpertLoad read_sglang_pt(std::string_view bytes, const std::string& file);
ExpertLoad read_sglang_csv(std::string_view text, const std::string& file);

}  // namespace hp::experts
