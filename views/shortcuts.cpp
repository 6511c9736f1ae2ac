#include "views/shortcuts.h"

namespace hp {

const std::vector<Shortcut>& workbench_shortcuts() {
  static const std::vector<Shortcut> kList = {
      {"zoom around the cursor", "mouse wheel (Ctrl: fine); W / S"},
      {"pan", "drag; A / D; Shift+wheel scrolls tracks vertically"},
      {"zoom to fit the whole session", "0; View > Zoom to fit"},
      {"select a slice / zoom to it", "click / double-click"},
      {"select a time range (statistics in the details pane)", "drag on the ruler"},
      {"search (substring or regex), next / previous", "the search box, Enter / Shift+Enter"},
      {"a kernel's occurrences", "click its row in the Kernels panel, then Enter walks them"},
      {"clear selection and range", "Esc"},
      {"open a file", "Ctrl+O; File > Open...; drop it on the window"},
      {"quit", "Ctrl+Q"},
      {"resize the panels", "drag the bar above the bottom tabs"},
  };
  return kList;
}

}  // namespace hp
