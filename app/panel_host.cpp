#include "app/panel_host.h"

#include "app/panel_registry.h"
#include "core/util/assets.h"

namespace hp {

std::string PanelServices::categorize(std::string_view kernel) const {
  return categorizer ? std::string(categorizer->categorize(kernel)) : std::string();
}

PanelHost::PanelHost(const std::string* summary, const ImportLog* import_log) {
  services_.summary = summary;
  services_.import_log = import_log;
  try {
    services_.categorizer = KernelCategorizer::load_builtin(assets_dir());
    services_.fuses = FuseCatalog::load_builtin(assets_dir());
  } catch (const std::exception& e) {
    services_.categorizer_error = e.what();  // kernels stay uncategorized; shown in the Kernels panel
  }
  std::string map_error;
  services_.metric_map = serving::MetricMap::load((assets_dir() / "metric_map.json").string(), &map_error);
  for (const PanelEntry& e : panel_registry()) panels_.push_back(e.make(services_, e));
}

void PanelHost::use_categorizer(std::unique_ptr<KernelCategorizer> c) {
  if (c) services_.categorizer = std::move(*c);
}

void PanelHost::set_snapshot(const Snapshot& snap, bool same_document) {
  snap_ = snap;
  for (auto& p : panels_) p->on_session(snap_, same_document);
}

Panel* PanelHost::find(std::string_view key) const {
  for (const auto& p : panels_)
    if (p->key() == key) return p.get();
  return nullptr;
}

bool PanelHost::wants_frames() const {
  for (const auto& p : panels_)
    if (p->wants_frames()) return true;
  return false;
}

bool PanelHost::busy() const {
  for (const auto& p : panels_)
    if (p->busy()) return true;
  return false;
}

std::string PanelHost::state_lines() const {
  const Run* run = snap_ ? snap_.session->run.get() : nullptr;
  std::string out = describe(services_.vs, run);
  for (const auto& p : panels_) out += p->dump_state();
  return out;
}

std::string PanelHost::frame_summary() const {
  return timeline_frame_summary(find("timeline"));
}

}  // namespace hp
