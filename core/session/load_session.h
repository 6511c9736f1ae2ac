#pragma once
// Opens any mix of inputs into one Session: .hotpath run files (trace and serving tables), trace
// files and directories (one Run together), vLLM / SGLang / TensorRT-LLM server logs, Prometheus
// text dumps (one scrape: one sample per series) and the predecessor's serve_profile.db.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/load_status.h"
#include "core/session/session.h"

namespace hp {

// Source name -> the user's clock shift in ns (over any a run file saved as clock.shift_ns.<name>).
using ClockShifts = std::map<std::string, Ns>;

// Throws ImportError naming the input that could not be read or recognised.
std::shared_ptr<const Session> load_session(const std::vector<std::filesystem::path>& inputs,
                                            LoadProgress& progress, const ClockShifts& shifts = {});

// Saves a source's shift in a run file (meta clock.shift_ns.<source>), so that it opens shifted.
void save_clock_shift(const std::filesystem::path& run_file, const std::string& source, Ns shift_ns);

// A Session around a trace Run alone (tests, the CLI's trace commands).
std::shared_ptr<const Session> session_of(std::shared_ptr<const Run> run, std::string name = {});

}  // namespace hp
