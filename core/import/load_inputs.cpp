#include <system_error>

#include "core/import/chrome_json.h"
#include "core/import/nsys_sqlite.h"
#include "core/import/registry.h"
#include "core/import/trace_dir.h"
#include "core/store/run_file.h"

namespace hp {
namespace {

// A run file opens whole (open_run), never merged into a builder with other traces.
void register_run_file_importer() {
  ImporterRegistry::instance().add(Importer{
      .name = "hotpath-run",
      .sniff = sniff_run_file,
      .by_name = [](const std::filesystem::path& p) { return p.extension() == ".hotpath"; },
      .load =
          [](const std::filesystem::path& p, RunBuilder&, LoadProgress&) {
            throw ImportError(p.string(), 0, "a run file opens on its own, not with other inputs");
          },
      .open = [](const std::filesystem::path& p, LoadProgress& progress) { return open_run(p, &progress); }});
}

}  // namespace

void register_builtin_importers() {
  static const bool once = [] {
    register_chrome_json_importer();
    register_nsys_importer();
    register_run_file_importer();
    return true;
  }();
  (void)once;
}

std::unique_ptr<Run> load_inputs(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress,
                                 const std::map<std::string, std::string>& stages) {
  register_builtin_importers();
  std::vector<std::filesystem::path> files;
  std::vector<std::pair<std::filesystem::path, std::string>> skipped;  // sidecars found in directories
  for (const auto& p : inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw ImportError(p.string(), 0, "no such file or directory");
    if (std::filesystem::is_directory(p, ec)) {
      size_t before = files.size();
      for (auto& f : expand_trace_dir(p)) {
        std::string why = not_a_trace_reason(f);
        if (why.empty())
          files.push_back(std::move(f));
        else
          skipped.emplace_back(std::move(f), std::move(why));
      }
      if (files.size() == before) throw ImportError(p.string(), 0, "directory holds no trace files");
    } else {
      files.push_back(p);
    }
  }
  RunBuilder builder;
  builder.set_stage_hints(stages);
  for (const auto& [f, why] : skipped)
    builder.log().info("import.not_a_trace", f.string(), "skipped: not a trace (" + why + ")");
  for (const auto& p : files) {
    if (progress.cancel) throw ImportError(p.string(), 0, "cancelled");
    const Importer* imp = ImporterRegistry::instance().find(p);
    if (!imp) throw ImportError(p.string(), 0, "unsupported file type");
    if (imp->open && files.size() == 1) return imp->open(p, progress);
    imp->load(p, builder, progress);
  }
  PhaseTimer finish(&progress, "finish");
  return builder.finish();
}

}  // namespace hp
