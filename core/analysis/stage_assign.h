#pragma once
// Stage of every GPU activity (prefill/extend, decode, mixed, idle) from engine step markers.
//
// Steps: user_annotation / NVTX slices on CPU threads and gpu_user_annotation slices on GPU streams
// whose names parse as step markers (step_markers.h). Nested markers on one track make one step
// (the outermost span; the stage and batch shape of the first marker that knows them). ProfilerStep#N
// counts as a step only where it holds no engine marker; its stage is unknown.
//
// Each GPU activity, in order:
//   1. CpuStep:   its launch (GpuOps::launch_slice) lies inside a CPU step on the launch thread;
//   2. GpuWindow: its start lies inside a GPU-side step window on the same device;
//   (CUDA-graph-launched kernels try 2 before 1: a replay belongs to the step the GPU window says.)
//   3. Source:    the stage of its trace file (TraceSource::stage, else stage_from_path);
//   else Unassigned. A step of unknown stage still groups kernels (gpu_step) but gives no stage.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/analysis/step_markers.h"
#include "core/model/run.h"

namespace hp {

enum class StageMethod : uint8_t { Unassigned, CpuStep, GpuWindow, Source, Count };
const char* to_string(StageMethod m);

struct EngineStep {
  uint32_t slice = kNone;  // the outermost marker slice
  uint32_t track = 0;
  Ns start = 0, end = 0;
  Stage stage = Stage::Unknown;
  MarkerKind kind = MarkerKind::ProfilerStep;
  bool gpu = false;      // a gpu_user_annotation window
  uint32_t markers = 1;  // marker slices merged into this step
  std::optional<int64_t> batch, tokens;
};

struct StageAssignment {
  std::vector<EngineStep> steps;  // CPU steps then GPU windows, each sorted by (track or device, start)
  // Per GpuOps row:
  std::vector<Stage> gpu_stage;  // Unknown when unassigned (and for non-kernels without a stage)
  std::vector<StageMethod> gpu_method;
  std::vector<uint32_t> gpu_step;  // index into steps, kNone when the activity is in no step
  // Kernels (SliceKind::Kernel only) by the method that gave their stage.
  std::array<uint64_t, static_cast<size_t>(StageMethod::Count)> kernels_by{};
  uint64_t kernels_unassigned() const { return kernels_by[0]; }
};

StageAssignment assign_stages(const Run& run);

// Stage of a trace source: its `stage` field, else the words in its path; Unknown if neither.
Stage source_stage(const TraceSource& src);

}  // namespace hp
