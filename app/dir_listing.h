#pragma once
// The file-system side of the Open dialog (views/file_browser.h stays free of I/O).
#include "views/file_browser.h"

namespace hp {

// Lists state.dir into state.entries (sorted) and clears needs_listing. When state.dir names a
// regular file, sets state.chosen to it instead. Errors go to state.list_error.
void list_directory(FileBrowserState& state);

}  // namespace hp
