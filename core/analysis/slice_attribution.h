#pragma once
// What the details pane says about where a slice came from, beside its fields: for a kernel, its
// launching call, the Python frames around that call on its thread, the chosen source site, the
// cpu_op and the engine stage. Shared by the workbench and `hotpath details`.
#include <string>
#include <vector>

#include "core/analysis/slice_details.h"
#include "core/analysis/stage_assign.h"

namespace hp {

struct SliceAttribution {
  uint32_t launch = kNone;  // the kernel's runtime/driver call
  std::string site, cpu_op, stage;
  std::vector<std::string> python_stack;  // every frame around the launch, outermost first
};

// parents: slice_parents(run); stages may be null.
SliceAttribution slice_attribution(const Run& run, const std::vector<uint32_t>& parents,
                                   const StageAssignment* stages, uint32_t slice);

// The first slice named `name` exactly (else whose name contains it), the nth (1-based) by start
// time; kNone when there are fewer. `matches` gets how many slices matched.
uint32_t find_slice_by_name(const Run& run, std::string_view name, size_t nth, size_t* matches = nullptr);

}  // namespace hp
