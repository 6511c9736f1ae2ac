#include "core/serving/gpu_context.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "core/serving/gpu_telemetry.h"
#include "core/serving/serving_data.h"

namespace hp::serving {
namespace {

std::string meta_of(const ServingData& d, const std::string& key) {
  auto it = d.meta.find(key);
  return it == d.meta.end() ? std::string() : it->second;
}

void add_range(RangeStats& r, const std::vector<Sample>& samples) {
  double sum = std::isfinite(r.avg) ? r.avg * static_cast<double>(r.samples) : 0;
  for (const auto& s : samples) {
    r.min = r.samples ? std::min(r.min, s.value) : s.value;
    r.max = r.samples ? std::max(r.max, s.value) : s.value;
    sum += s.value;
    ++r.samples;
  }
  if (r.samples) r.avg = sum / static_cast<double>(r.samples);
}

std::string mhz(const RangeStats& r) {
  return fmt::format("{:.0f}/{:.1f}/{:.0f} MHz", r.min, r.avg, r.max);
}

}  // namespace

MeasurementContext measurement_context(const ServingData& d) {
  MeasurementContext m;
  m.source = meta_of(d, "measurement.source");
  m.driver = meta_of(d, "measurement.driver_version");
  if (m.driver.empty()) m.driver = meta_of(d, "measurement.dcgm_driver_version");
  m.persistence = meta_of(d, "measurement.persistence_mode");
  m.clock_policy = meta_of(d, "measurement.clock_policy");
  m.note = meta_of(d, "measurement.note");
  for (const auto& s : d.metrics) {
    if (!is_gpu_series(s.key.name) || s.samples.empty()) continue;
    if (m.source.empty() || (m.source != s.source && m.source.find('+') == std::string::npos))
      m.source = m.source.empty() ? s.source : m.source + "+" + s.source;
    const std::string gpu(label_value(s.key.labels, "gpu")), host(label_value(s.key.labels, "host"));
    auto it = std::find_if(m.gpus.begin(), m.gpus.end(),
                           [&](const GpuContextRow& g) { return g.gpu == gpu && g.host == host; });
    if (it == m.gpus.end()) {
      m.gpus.push_back({});
      it = m.gpus.end() - 1;
      it->gpu = gpu;
      it->host = host;
      it->uuid = std::string(label_value(s.key.labels, "uuid"));
      it->name = meta_of(d, "measurement.gpu." + (host.empty() ? gpu : host + "/" + gpu) + ".name");
    }
    const std::string& n = s.key.name;
    if (n == kGpuSmClock) add_range(it->sm_clock, s.samples);
    if (n == kGpuMemClock) add_range(it->mem_clock, s.samples);
    if (n == kGpuTemp) add_range(it->temp, s.samples);
    if (n == kGpuPower) add_range(it->power, s.samples);
    if (n == kGpuUtil) add_range(it->util, s.samples);
    if (n != kGpuThrottle) continue;
    for (const auto& smp : s.samples) {
      const auto bits = static_cast<uint64_t>(std::max(0.0, smp.value));
      ++it->throttle_samples;
      it->locked_samples += (bits & kThrottleAppClocks) != 0;
      it->power_capped += (bits & kThrottleSwPowerCap) != 0;
      it->thermal_slowdown += (bits & (kThrottleHwSlowdown | kThrottleSwThermal | kThrottleHwThermal)) != 0;
    }
  }
  std::sort(m.gpus.begin(), m.gpus.end(), [](const GpuContextRow& a, const GpuContextRow& b) {
    auto idx = [](const std::string& g) { return std::make_tuple(g.size(), g); };
    return std::tuple(a.host, idx(a.gpu)) < std::tuple(b.host, idx(b.gpu));
  });
  size_t with_mask = 0, locked = 0;
  for (const auto& g : m.gpus)
    with_mask += g.throttle_samples > 0,
        locked += g.throttle_samples > 0 && g.locked_samples == g.throttle_samples;
  if (with_mask) m.clocks_locked = locked == with_mask ? "yes" : "no";
  if (m.clock_policy.empty() && with_mask)
    m.clock_policy =
        m.clocks_locked == "yes" ? "locked (clock setting held on every sample)" : "default (boost)";
  return m;
}

std::vector<std::string> measurement_context_lines(const MeasurementContext& m) {
  std::vector<std::string> out;
  if (m.empty()) return {"No GPU telemetry in this run (NVML or dcgm-exporter)."};
  auto or_unknown = [](const std::string& s) { return s.empty() ? std::string("unknown") : s; };
  out.push_back(fmt::format("Driver {}, persistence {}, clock policy {}, clocks locked: {}{}",
                            or_unknown(m.driver), or_unknown(m.persistence), or_unknown(m.clock_policy),
                            m.clocks_locked, m.source.empty() ? "" : " (from " + m.source + ")"));
  for (const auto& g : m.gpus) {
    std::string s = fmt::format("GPU {}{}{}:", g.host.empty() ? "" : g.host + "/", g.gpu,
                                g.name.empty() ? "" : " " + g.name);
    if (g.sm_clock.samples) s += " SM " + mhz(g.sm_clock) + " (min/avg/max)";
    if (g.mem_clock.samples) s += ", mem " + mhz(g.mem_clock);
    if (g.temp.samples) s += fmt::format(", temp {:.0f}-{:.0f} C", g.temp.min, g.temp.max);
    if (g.power.samples) s += fmt::format(", power avg {:.1f} W peak {:.1f} W", g.power.avg, g.power.max);
    if (g.power_capped || g.thermal_slowdown)
      s += fmt::format(", {} power-capped and {} thermal-slowdown samples", g.power_capped,
                       g.thermal_slowdown);
    out.push_back(s);
  }
  if (!m.note.empty()) out.push_back(m.note);
  return out;
}

nlohmann::json measurement_context_json(const MeasurementContext& m) {
  using nlohmann::json;
  auto text = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  auto range = [](const RangeStats& r) {
    return r.samples ? json{{"min", r.min}, {"avg", r.avg}, {"max", r.max}, {"samples", r.samples}}
                     : json(nullptr);
  };
  json gpus = json::array();
  for (const auto& g : m.gpus)
    gpus.push_back({{"gpu", g.gpu},
                    {"host", text(g.host)},
                    {"uuid", text(g.uuid)},
                    {"name", text(g.name)},
                    {"sm_clock_mhz", range(g.sm_clock)},
                    {"mem_clock_mhz", range(g.mem_clock)},
                    {"temp_c", range(g.temp)},
                    {"power_w", range(g.power)},
                    {"util_pct", range(g.util)},
                    {"throttle",
                     {{"samples", g.throttle_samples},
                      {"locked", g.locked_samples},
                      {"power_capped", g.power_capped},
                      {"thermal_slowdown", g.thermal_slowdown}}}});
  return {{"source", text(m.source)},
          {"driver", text(m.driver)},
          {"persistence", text(m.persistence)},
          {"clock_policy", text(m.clock_policy)},
          {"clocks_locked", m.clocks_locked},
          {"note", text(m.note)},
          {"gpus", gpus}};
}

}  // namespace hp::serving
