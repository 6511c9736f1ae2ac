#include "app/doctor.h"

#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/display.h"
#include "app/fonts.h"
#include "app/settings.h"
#include "capture/gpu_probe.h"
#include "capture/nvml.h"
#include "core/import/registry.h"

namespace hp {

namespace {

namespace fs = std::filesystem;

DoctorCheck check_core() {
  register_builtin_importers();
  std::string names;
  for (const auto& imp : ImporterRegistry::instance().all()) names += (names.empty() ? "" : ", ") + imp.name;
  return {"core", true,
          "loading, analysis and CLI; importers: " + (names.empty() ? "none in this build" : names),
          "everything", true};
}

DoctorCheck check_display() {
  DoctorCheck c{"display", false, "",
                "the workbench window and 'hotpath screenshot' (use 'xvfb-run -a hotpath')", false};
  std::string why;
  if (!init_display(&why)) {
    c.detail = why;
    return c;
  }
  GLFWwindow* w = create_gl_window(64, 64, "hotpath doctor", /*visible=*/false, &why);
  if (!w) {
    c.detail = why;
  } else {
    c.ok = true;
    c.detail = gl_description();
    glfwDestroyWindow(w);
  }
  glfwTerminate();
  return c;
}

DoctorCheck check_font() {
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::error_code ec;
  bool ok = fs::exists(path, ec);
  std::string detail = ok ? std::string(path) : std::string(path) + " missing (package fonts-dejavu-core)";
  std::string fallback;
  for (const auto& s : scripts_without_font()) fallback += (fallback.empty() ? "" : ", ") + s;
  detail += "; drawn as '?': " + fallback;
  return {"font", ok, detail, "the DejaVu Sans UI font (falls back to ImGui's small built-in font)", false};
}

DoctorCheck check_cuda_toolkit() {
  std::error_code ec;
  const fs::path root = "/usr/local/cuda";
  DoctorCheck c{"CUDA toolkit", fs::exists(root, ec), "", "building the CUPTI capture library", false};
  if (!c.ok) {
    c.detail = "/usr/local/cuda not found";
    return c;
  }
  c.detail = fs::canonical(root, ec).string();
  std::ifstream v(root / "version.json");
  std::stringstream ss;
  ss << v.rdbuf();
  const std::string text = ss.str();
  // version.json: {"cuda": {"name": ..., "version": "12.4.1"}, ...}
  auto pos = text.find("\"cuda\"");
  if (pos != std::string::npos) pos = text.find("\"version\"", pos);
  if (pos != std::string::npos) {
    auto q1 = text.find('"', text.find(':', pos) + 1);
    auto q2 = q1 == std::string::npos ? q1 : text.find('"', q1 + 1);
    if (q2 != std::string::npos) c.detail += " (CUDA " + text.substr(q1 + 1, q2 - q1 - 1) + ")";
  }
  return c;
}

DoctorCheck check_cupti(const GpuProbe& p) {
  return {"CUPTI", p.cupti_built,
          p.cupti_built ? "built with CUPTI (HOTPATH_HAVE_CUPTI)" : "this binary was built without CUPTI",
          "'hotpath capture' of CUDA kernels, memcpys and NVTX ranges", false};
}

DoctorCheck check_driver(const GpuProbe& p) {
  DoctorCheck c{"GPU driver", p.driver_loaded, "", "live GPU capture (trace files still load)", false};
  if (!p.driver_loaded)
    c.detail = p.error;
  else
    c.detail = fmt::format("libcuda.so.1, driver API {}.{}", p.driver_version / 1000,
                           (p.driver_version % 1000) / 10);
  return c;
}

DoctorCheck check_devices(const GpuProbe& p) {
  DoctorCheck c{"GPU devices", !p.devices.empty(), "", "live GPU capture on this machine", false};
  if (p.devices.empty()) {
    c.detail = p.error.empty() ? "no CUDA devices" : p.error;
  } else {
    c.detail = fmt::format("{}: ", p.devices.size());
    for (size_t i = 0; i < p.devices.size(); ++i) c.detail += (i ? ", " : "") + p.devices[i];
  }
  return c;
}

// NVML (loaded at run time) and each GPU's clock policy: timings are comparable only at known clocks.
DoctorCheck check_clock_policy() {
  DoctorCheck c{"NVML clocks", false, "", "GPU tracks (clocks, power, temperature) and lock-clocks", false};
  std::string err;
  auto nvml = capture::Nvml::open(&err);
  if (!nvml) {
    c.detail = err;
    return c;
  }
  c.ok = true;
  c.detail = "driver " + nvml->driver_version();
  for (unsigned i = 0; i < nvml->device_count(); ++i) {
    serving::GpuReading r;
    nvml->read(i, &r);
    const bool locked = std::isfinite(r.throttle_reasons) &&
                        (static_cast<uint64_t>(r.throttle_reasons) & serving::kThrottleAppClocks);
    c.detail += fmt::format("; GPU {}: {}, clocks {}, SM {:.0f} of max {} MHz, persistence {}", i,
                            nvml->clock_policy(i), locked ? "locked" : "not locked", r.sm_clock_mhz,
                            nvml->max_sm_clock(i), nvml->persistence(i));
  }
  return c;
}

DoctorCheck check_xvfb() {
  DoctorCheck c{"xvfb-run", false, "not on PATH (package xvfb)", "headless screenshots and the GUI tests",
                false};
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    fs::path p = fs::path(dir.empty() ? "." : dir) / "xvfb-run";
    if (::access(p.c_str(), X_OK) == 0) {
      c.ok = true;
      c.detail = p.string();
      break;
    }
  }
  return c;
}

DoctorCheck check_config_dir() {
  DoctorCheck c{"config directory", false, "", "saving window layout, open panels and recent files", false};
  const fs::path dir = config_dir();
  if (dir.empty()) {
    c.detail = "neither XDG_CONFIG_HOME nor HOME is set";
    return c;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = dir / (".doctor." + std::to_string(::getpid()));
  {
    std::ofstream out(probe);
    out << "ok\n";
    c.ok = static_cast<bool>(out);
  }
  fs::remove(probe, ec);
  c.detail = dir.string() + (c.ok ? " (writable)" : " is not writable");
  return c;
}

}  // namespace

std::vector<DoctorCheck> run_doctor_checks() {
  const GpuProbe gpu = probe_gpu();
  return {check_core(),     check_display(),   check_font(),       check_cuda_toolkit(),
          check_cupti(gpu), check_driver(gpu), check_devices(gpu), check_clock_policy(),
          check_xvfb(),     check_config_dir()};
}

std::string format_doctor_table(const std::vector<DoctorCheck>& checks) {
  size_t wn = 5, wd = 6;
  for (const auto& c : checks) {
    wn = std::max(wn, c.name.size());
    wd = std::max(wd, std::min<size_t>(c.detail.size(), 60));
  }
  std::string out =
      fmt::format("{:<{}}  {:<7}  {:<{}}  {}\n", "check", wn, "status", "found", wd, "without it");
  for (const auto& c : checks)
    out += fmt::format("{:<{}}  {:<7}  {:<{}}  {}\n", c.name, wn, c.ok ? "ok" : "MISSING", c.detail, wd,
                       c.ok ? "-" : c.without);
  return out;
}

int doctor_exit_code(const std::vector<DoctorCheck>& checks) {
  for (const auto& c : checks)
    if (c.core && !c.ok) return 1;
  return 0;
}

}  // namespace hp
