#pragma once
// The loader registry: which importer takes which input, and the one entry point that loads a
// list of inputs (files or trace directories) into a single Run.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/import/run_builder.h"
#include "core/model/run.h"

namespace hp {

// A failure that stops a whole load. The message names the file, the byte offset and the problem.
class ImportError : public std::runtime_error {
 public:
  ImportError(const std::string& file, uint64_t offset, const std::string& what);
  const std::string& file() const { return file_; }
  uint64_t offset() const { return offset_; }

 private:
  std::string file_;
  uint64_t offset_;
};

// Progress shared with the UI thread: bytes done of total, and a cancel flag.
struct LoadProgress {
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> cancel{false};
  double fraction() const {
    uint64_t t = total.load();
    return t ? static_cast<double>(done.load()) / static_cast<double>(t) : 0.0;
  }
};

struct Importer {
  std::string name;  // "kineto-json", "nsys-sqlite", "hotpath-run", ...
  // Decides from the path and the first bytes (decompressed when the file is gzip/zstd).
  std::function<bool(const std::filesystem::path&, std::string_view head)> sniff;
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
std::unique_ptr<Run> load_inputs(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress);

}  // namespace hp
