#pragma once
// The loader registry: which importer takes which input, and the one entry point that loads a
// list of inputs (files or trace directories) into a single Run.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/import/run_builder.h"
#include "core/model/load_status.h"
#include "core/model/run.h"

namespace hp {

struct Importer {
  std::string name;  // "kineto-json", "nsys-sqlite", "hotpath-run", ...
  // Decides from the content: the first bytes (decompressed when the file is gzip/zstd), or what
  // opening the file shows (SQLite tables).
  std::function<bool(const std::filesystem::path&, std::string_view head)> sniff;
  // Claims a file by its last suffix when no importer recognised its content ("x.json" that is
  // broken JSON), so that the user gets this importer's precise error instead of "unsupported".
  std::function<bool(const std::filesystem::path&)> by_name;
  // Appends the file's events to the builder. Throws ImportError on a fatal problem.
  std::function<void(const std::filesystem::path&, RunBuilder&, LoadProgress&)> load;
  // Optional: loads a complete Run directly (run files). When set, `load` is not used.
  std::function<std::unique_ptr<Run>(const std::filesystem::path&, LoadProgress&)> open;
};

class ImporterRegistry {
 public:
  static ImporterRegistry& instance();
  void add(Importer imp);
  const Importer* find(const std::filesystem::path& p) const;
  const std::vector<Importer>& all() const { return importers_; }

 private:
  std::vector<Importer> importers_;
};

// Registers the built-in importers once (idempotent).
void register_builtin_importers();

// Loads every input into one Run. Directories expand to their per-rank trace files.
// Throws ImportError("unsupported file type") when no importer takes an input.
// `stages` names the stage of files whose paths do not say it (serve-profile knows which probe each
// trace captured), so that a prefill and a decode capture of one rank are not taken for a repeat.
std::unique_ptr<Run> load_inputs(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress,
                                 const std::map<std::string, std::string>& stages = {});

}  // namespace hp
