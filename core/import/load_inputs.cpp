#include <system_error>

#include "core/import/nsys_sqlite.h"
#include "core/import/registry.h"
#include "core/store/run_file.h"

namespace hp {

void register_builtin_importers() {
  register_nsys_importer();
  register_run_file_importer();
}

std::unique_ptr<Run> load_inputs(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress) {
  register_builtin_importers();
  RunBuilder builder;
  for (const auto& p : inputs) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw ImportError(p.string(), 0, "no such file or directory");
    const Importer* imp = ImporterRegistry::instance().find(p);
    if (!imp) throw ImportError(p.string(), 0, "unsupported file type");
    if (imp->open && inputs.size() == 1) return imp->open(p, progress);
    imp->load(p, builder, progress);
  }
  return builder.finish();
}

}  // namespace hp
