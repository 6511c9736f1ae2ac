#pragma once
// Opens any mix of inputs into one Session: .hotpath run files (trace and serving tables), trace
// files and directories (one Run together), vLLM / SGLang / TensorRT-LLM server logs, Prometheus
// text dumps (one scrape: one sample per series) and the predecessor's serve_profile.db.
#include <filesystem>
#include <memory>
#include <vector>

#include "core/model/load_status.h"
#include "core/session/session.h"

namespace hp {

// Throws ImportError naming the input that could not be read or recognised.
std::shared_ptr<const Session> load_session(const std::vector<std::filesystem::path>& inputs,
                                            LoadProgress& progress);

// A Session around a trace Run alone (tests, the CLI's trace commands).
std::shared_ptr<const Session> session_of(std::shared_ptr<const Run> run, std::string name = {});

}  // namespace hp
