#include "core/import/registry.h"

#include <fmt/format.h>

#include <fstream>

namespace hp {

ImporterRegistry& ImporterRegistry::instance() {
  static ImporterRegistry r;
  return r;
}

void ImporterRegistry::add(Importer imp) {
  for (auto& existing : importers_)
    if (existing.name == imp.name) {
      existing = std::move(imp);
      return;
    }
  importers_.push_back(std::move(imp));
}

static std::string read_head(const std::filesystem::path& p, size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

const Importer* ImporterRegistry::find(const std::filesystem::path& p) const {
  std::string head = read_head(p, 4096);
  // Content first (a run file named "trace.json.hotpath" is SQLite, not JSON), then the name.
  for (const auto& imp : importers_)
    if (imp.sniff && imp.sniff(p, head)) return &imp;
  for (const auto& imp : importers_)
    if (imp.by_name && imp.by_name(p)) return &imp;
  return nullptr;
}

}  // namespace hp
