#pragma once
// The Kernels panel: a sortable, filterable table of GPU kernels with a stage selector and a
// category roll-up. Selecting a row highlights its occurrences on the timeline; Enter walks them.
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/kernel_table.h"
#include "core/analysis/stage_assign.h"
#include "views/kernels_model.h"
#include "views/view_state.h"

namespace hp {

class KernelsPanel {
 public:
  void set_run(std::shared_ptr<const Run> run, CategoryFn categorize, const StageAssignment& stages);
  void draw(ViewState& vs);
  const KernelTable& table() const { return table_; }
  const KernelTotals& totals() const { return totals_; }  // of the rows shown (filter, stage)
  // Test hooks: the filter text, and selecting a row as a click does.
  void set_filter(std::string f) {
    filter_ = std::move(f);
    dirty_ = true;
  }
  const std::vector<uint32_t>& shown_rows() const { return order_; }
  float first_row_y() const { return row0_y_; }  // screen y of the first row's centre (state dump)

 private:
  void rebuild();
  std::shared_ptr<const Run> run_;
  CategoryFn categorize_;
  std::vector<std::string> stages_;      // "All" first, then the stages present among the kernels
  std::vector<uint8_t> stage_of_slice_;  // index into stages_ per slice (0 = none), kernels only
  int stage_ = 0;
  KernelTable table_;
  std::string filter_;
  KernelColumn sort_col_ = KernelColumn::GpuTime;
  bool sort_asc_ = false;
  std::vector<uint32_t> order_;
  KernelTotals totals_;
  float row0_y_ = 0;
  uint32_t selected_row_ = kNone;
  bool dirty_ = true;
};

}  // namespace hp
