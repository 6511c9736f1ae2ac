#pragma once
// The flags of a serving capture, shared by `serve-profile` and `attach`.
#include <CLI/CLI.hpp>

#include "capture/serve_options.h"

namespace hp {

// Adds every capture flag to `sub`; `traffic_required`: serve-profile needs --traffic, attach
// may --watch instead.
void add_serve_flags(CLI::App* sub, capture::ServeOpts& o, bool traffic_required);

}  // namespace hp
