#pragma once
// The workbench's keyboard and mouse controls, one list: Help > Keyboard shortcuts shows it and a
// test checks that the README's table says the same.
#include <string>
#include <vector>

namespace hp {

struct Shortcut {
  std::string action, how;
};

const std::vector<Shortcut>& workbench_shortcuts();

}  // namespace hp
