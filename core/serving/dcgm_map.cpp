#include "core/serving/dcgm_map.h"

#include <cctype>
#include <cmath>
#include <string_view>

#include "core/serving/gpu_telemetry.h"

namespace hp::serving {
namespace {

std::optional<std::string> gpu_name_of(std::string_view dcgm) {
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"DCGM_FI_DEV_SM_CLOCK", kGpuSmClock},
      {"DCGM_FI_DEV_MEM_CLOCK", kGpuMemClock},
      {"DCGM_FI_DEV_POWER_USAGE", kGpuPower},
      {"DCGM_FI_DEV_GPU_TEMP", kGpuTemp},
      {"DCGM_FI_DEV_GPU_UTIL", kGpuUtil},
      {"DCGM_FI_DEV_MEM_COPY_UTIL", kGpuMemUtil},
      {"DCGM_FI_DEV_FB_USED", kGpuMemUsed},
      {"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", kGpuThrottle},
      {"DCGM_FI_DEV_CLOCKS_EVENT_REASONS", kGpuThrottle},
  };
  for (const auto& [from, to] : kMap)
    if (dcgm == from) return std::string(to);
  constexpr std::string_view kProf = "DCGM_FI_PROF_";
  if (dcgm.size() > kProf.size() && dcgm.substr(0, kProf.size()) == kProf) {
    std::string out = "gpu.prof.";
    for (char c : dcgm.substr(kProf.size()))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  return std::nullopt;
}

std::string host_of(const Labels& l) {
  std::string_view h = label_value(l, "Hostname");
  return std::string(h.empty() ? label_value(l, "hostname") : h);
}

}  // namespace

std::optional<SeriesKey> dcgm_key(const SeriesKey& key) {
  auto name = gpu_name_of(key.name);
  std::string_view gpu = label_value(key.labels, "gpu");
  if (!name || gpu.empty()) return std::nullopt;
  return SeriesKey{*name, gpu_labels(gpu, label_value(key.labels, "UUID"), host_of(key.labels))};
}

DcgmScrape dcgm_from_scrape(const Scrape& scrape, int64_t ts_ns) {
  DcgmScrape out;
  for (const auto& s : scrape.samples) {
    if (s.name.rfind("DCGM_", 0) != 0) continue;
    std::string_view drv = label_value(s.labels, "DCGM_FI_DRIVER_VERSION");
    if (!drv.empty()) out.driver = std::string(drv);
    std::string_view gpu = label_value(s.labels, "gpu"), model = label_value(s.labels, "modelName");
    if (!gpu.empty() && !model.empty()) {
      std::string host = host_of(s.labels);
      out.gpu_names[host.empty() ? std::string(gpu) : host + "/" + std::string(gpu)] = std::string(model);
    }
    auto key = dcgm_key({s.name, s.labels});
    if (!key) {
      ++out.unmapped;
      continue;
    }
    if (!std::isfinite(s.value) || s.value >= 9223372036854775792.0) {  // DCGM's blank int64 values
      ++out.blank;
      continue;
    }
    out.series.push_back({*key, {{s.has_timestamp ? s.ts_ns : ts_ns, s.value}}, "dcgm"});
  }
  return out;
}

}  // namespace hp::serving
