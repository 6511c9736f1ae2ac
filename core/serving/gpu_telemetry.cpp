#include "core/serving/gpu_telemetry.h"

#include <algorithm>

namespace hp::serving {

Labels gpu_labels(std::string_view gpu, std::string_view uuid, std::string_view host) {
  Labels l{{"gpu", std::string(gpu)}};
  if (!host.empty()) l.push_back({"host", std::string(host)});
  if (!uuid.empty()) l.push_back({"uuid", std::string(uuid)});
  sort_labels(l);
  return l;
}

std::vector<std::pair<SeriesKey, Sample>> reading_samples(const GpuReading& r) {
  std::vector<std::pair<SeriesKey, Sample>> out;
  const Labels labels = gpu_labels(r.gpu, r.uuid, r.host);
  const std::pair<std::string_view, double> fields[] = {
      {kGpuSmClock, r.sm_clock_mhz}, {kGpuMemClock, r.mem_clock_mhz},
      {kGpuPower, r.power_w},        {kGpuTemp, r.temp_c},
      {kGpuUtil, r.util_pct},        {kGpuMemUtil, r.mem_util_pct},
      {kGpuMemUsed, r.mem_used_mib}, {kGpuThrottle, r.throttle_reasons}};
  for (const auto& [name, v] : fields)
    if (std::isfinite(v)) out.push_back({SeriesKey{std::string(name), labels}, Sample{r.ts_ns, v}});
  return out;
}

void append_reading(std::vector<MetricSeries>& series, const GpuReading& r, const std::string& source) {
  for (auto& [key, sample] : reading_samples(r)) {
    auto it = std::find_if(series.begin(), series.end(),
                           [&](const MetricSeries& s) { return s.key == key && s.source == source; });
    if (it == series.end()) {
      series.push_back({key, {}, source});
      it = series.end() - 1;
    }
    it->samples.push_back(sample);
  }
}

bool is_gpu_series(std::string_view name) {
  return name.rfind("gpu.", 0) == 0;
}

}  // namespace hp::serving
