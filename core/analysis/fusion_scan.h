#pragma once
// Fusion opportunities over a Run: the fuse catalog's matcher (fuse_catalog.h) runs over each GPU
// stream's kernel sequence, one engine step at a time (kernels adjacent on one stream within one
// step; steps never join into one sequence), and the detections are summed per pattern.
//
// Related GPU time: all time, in the selection, of the kernel names seen as evidence (fused kernels
// for Confirmed, the unfused sequence's kernels for Candidate). The same kernel may count for two
// patterns.
#include <string>
#include <vector>

#include "core/analysis/fuse_catalog.h"
#include "core/analysis/kernel_category.h"
#include "core/analysis/kernel_sites.h"
#include "core/analysis/stage_assign.h"
#include "core/model/run.h"

namespace hp {

// "vllm", "sglang", "trtllm" or "" from Python frame paths, cpu_op namespaces (vllm::, sgl_kernel::,
// trtllm::) and step-marker names; the Python frames win when they are present.
std::string detect_framework(const Run& run);

// The model file most Python frames run in ("vllm/model_executor/models/gpt_oss.py" -> "gpt_oss gpt-oss"),
// "" when there is none; for FuseContext::model.
std::string detect_model(const Run& run);

struct FusionEvidence {
  std::string name;
  Ns time = 0;
  double share_pct = 0;  // of the selection's kernel time
};

struct FusionRow {
  std::string id, title, origin, candidate, rationale;
  std::vector<std::string> references;
  FuseStatus status = FuseStatus::Candidate;
  uint64_t occurrences = 0;
  Ns related_time = 0;
  double share_pct = 0;
  std::vector<FusionEvidence> evidence;  // by time, descending
  std::string site;                      // the top evidence kernel's site (filled by triage)
};

// Rows sorted Confirmed first, then by related time. `include` selects the kernels (one stage).
std::vector<FusionRow> fusion_scan(const Run& run, const FuseCatalog& catalog,
                                   const KernelCategorizer& categories, const StageAssignment& stages,
                                   const GpuRowFilter& include, const FuseContext& ctx);

}  // namespace hp
