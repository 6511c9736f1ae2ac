#pragma once

namespace hp {

// Parses the command line and runs the chosen command (or the GUI). Returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace hp
