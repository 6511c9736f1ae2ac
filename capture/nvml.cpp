#include "capture/nvml.h"

#include <dlfcn.h>

#include <cstdlib>
#include <type_traits>

#include "capture/replay_client.h"

namespace hp::capture {

namespace {
using Dev = void*;
struct Utilization {
  unsigned gpu, memory;
};
struct Memory {
  unsigned long long total, free, used;
};
constexpr int kClockSm = 1, kClockMem = 2, kTempGpu = 0;
}  // namespace

struct Nvml::Api {
  int (*init)();
  int (*shutdown)();
  const char* (*error_string)(int);
  int (*count)(unsigned*);
  int (*handle)(unsigned, Dev*);
  int (*name)(Dev, char*, unsigned);
  int (*uuid)(Dev, char*, unsigned);
  int (*driver)(char*, unsigned);
  int (*clock)(Dev, int, unsigned*);
  int (*max_clock)(Dev, int, unsigned*);
  int (*power)(Dev, unsigned*);
  int (*temp)(Dev, int, unsigned*);
  int (*util)(Dev, Utilization*);
  int (*memory)(Dev, Memory*);
  int (*throttle)(Dev, unsigned long long*);
  int (*persistence)(Dev, int*);
  int (*auto_boost)(Dev, int*, int*);  // optional
  int (*lock_gpu)(Dev, unsigned, unsigned);
  int (*reset_gpu)(Dev);
  int (*lock_mem)(Dev, unsigned, unsigned);  // optional (newer drivers)
  int (*reset_mem)(Dev);                     // optional
  std::string err(int rc) const {
    const char* s = error_string ? error_string(rc) : nullptr;
    return (s ? std::string(s) : std::string("NVML error")) + " (code " + std::to_string(rc) + ")";
  }
};

std::string nvml_library_path() {
  const char* env = std::getenv("HOTPATH_NVML_LIBRARY");
  return env && *env ? env : "libnvidia-ml.so.1";
}

std::unique_ptr<Nvml> Nvml::open(std::string* error) {
  const std::string path = nvml_library_path();
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    if (error) *error = "NVML not available: " + (why ? std::string(why) : path + ": cannot open");
    return nullptr;
  }
  std::unique_ptr<Nvml> n(new Nvml);
  n->lib_ = lib;
  n->api_ = std::make_unique<Api>();
  Api& a = *n->api_;
  std::string missing;
  auto sym = [&](auto& fn, const char* name, bool required = true) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    if (!fn && required) missing += missing.empty() ? name : std::string(", ") + name;
  };
  sym(a.init, "nvmlInit_v2");
  sym(a.shutdown, "nvmlShutdown");
  sym(a.error_string, "nvmlErrorString");
  sym(a.count, "nvmlDeviceGetCount_v2");
  sym(a.handle, "nvmlDeviceGetHandleByIndex_v2");
  sym(a.name, "nvmlDeviceGetName");
  sym(a.uuid, "nvmlDeviceGetUUID");
  sym(a.driver, "nvmlSystemGetDriverVersion");
  sym(a.clock, "nvmlDeviceGetClockInfo");
  sym(a.max_clock, "nvmlDeviceGetMaxClockInfo");
  sym(a.power, "nvmlDeviceGetPowerUsage");
  sym(a.temp, "nvmlDeviceGetTemperature");
  sym(a.util, "nvmlDeviceGetUtilizationRates");
  sym(a.memory, "nvmlDeviceGetMemoryInfo");
  sym(a.throttle, "nvmlDeviceGetCurrentClocksThrottleReasons");
  sym(a.persistence, "nvmlDeviceGetPersistenceMode");
  sym(a.auto_boost, "nvmlDeviceGetAutoBoostedClocksEnabled", false);
  sym(a.lock_gpu, "nvmlDeviceSetGpuLockedClocks");
  sym(a.reset_gpu, "nvmlDeviceResetGpuLockedClocks");
  sym(a.lock_mem, "nvmlDeviceSetMemoryLockedClocks", false);
  sym(a.reset_mem, "nvmlDeviceResetMemoryLockedClocks", false);
  if (!missing.empty()) {
    if (error) *error = "NVML not available: " + path + " lacks " + missing;
    return nullptr;
  }
  if (int rc = a.init(); rc != 0) {
    if (error) *error = "NVML not available: nvmlInit failed: " + a.err(rc);
    return nullptr;
  }
  n->initialized_ = true;
  return n;
}

Nvml::~Nvml() {
  if (initialized_) api_->shutdown();
  if (lib_) dlclose(lib_);
}

unsigned Nvml::device_count() const {
  unsigned n = 0;
  return api_->count(&n) == 0 ? n : 0;
}

std::string Nvml::driver_version() const {
  char buf[96] = {};
  return api_->driver(buf, sizeof buf) == 0 ? std::string(buf) : std::string();
}

std::string Nvml::name(unsigned gpu) const {
  Dev d = nullptr;
  char buf[96] = {};
  return api_->handle(gpu, &d) == 0 && api_->name(d, buf, sizeof buf) == 0 ? std::string(buf) : std::string();
}

std::string Nvml::uuid(unsigned gpu) const {
  Dev d = nullptr;
  char buf[96] = {};
  return api_->handle(gpu, &d) == 0 && api_->uuid(d, buf, sizeof buf) == 0 ? std::string(buf) : std::string();
}

std::string Nvml::persistence(unsigned gpu) const {
  Dev d = nullptr;
  int on = 0;
  if (api_->handle(gpu, &d) != 0 || api_->persistence(d, &on) != 0) return "unknown";
  return on ? "on" : "off";
}

std::string Nvml::clock_policy(unsigned gpu) const {
  Dev d = nullptr;
  int on = 0, def = 0;
  if (!api_->auto_boost || api_->handle(gpu, &d) != 0 || api_->auto_boost(d, &on, &def) != 0)
    return "unknown";
  return std::string("auto boost ") + (on ? "on" : "off") + (on == def ? " (default)" : " (not the default)");
}

unsigned Nvml::max_sm_clock(unsigned gpu) const {
  Dev d = nullptr;
  unsigned v = 0;
  return api_->handle(gpu, &d) == 0 && api_->max_clock(d, kClockSm, &v) == 0 ? v : 0;
}

bool Nvml::read(unsigned gpu, serving::GpuReading* out) const {
  Dev d = nullptr;
  if (api_->handle(gpu, &d) != 0) return false;
  serving::GpuReading r;
  r.ts_ns = epoch_now_ns();
  r.gpu = std::to_string(gpu);
  r.uuid = uuid(gpu);
  unsigned v = 0;
  if (api_->clock(d, kClockSm, &v) == 0) r.sm_clock_mhz = v;
  if (api_->clock(d, kClockMem, &v) == 0) r.mem_clock_mhz = v;
  if (api_->power(d, &v) == 0) r.power_w = v / 1000.0;  // NVML reports milliwatts
  if (api_->temp(d, kTempGpu, &v) == 0) r.temp_c = v;
  Utilization u{};
  if (api_->util(d, &u) == 0) r.util_pct = u.gpu, r.mem_util_pct = u.memory;
  Memory m{};
  if (api_->memory(d, &m) == 0) r.mem_used_mib = static_cast<double>(m.used) / (1024.0 * 1024.0);
  unsigned long long bits = 0;
  if (api_->throttle(d, &bits) == 0) r.throttle_reasons = static_cast<double>(bits);
  *out = std::move(r);
  return true;
}

bool Nvml::lock_clocks(unsigned gpu, unsigned sm_mhz, unsigned mem_mhz, std::string* error) const {
  Dev d = nullptr;
  if (int rc = api_->handle(gpu, &d); rc != 0) {
    if (error) *error = "GPU " + std::to_string(gpu) + ": " + api_->err(rc);
    return false;
  }
  if (int rc = api_->lock_gpu(d, sm_mhz, sm_mhz); rc != 0) {
    if (error) *error = "locking SM clocks of GPU " + std::to_string(gpu) + ": " + api_->err(rc);
    return false;
  }
  if (mem_mhz == 0) return true;
  int rc = api_->lock_mem ? api_->lock_mem(d, mem_mhz, mem_mhz) : 3;  // 3: NVML_ERROR_NOT_SUPPORTED
  if (rc != 0 && error) *error = "locking memory clocks of GPU " + std::to_string(gpu) + ": " + api_->err(rc);
  return rc == 0;
}

bool Nvml::reset_clocks(unsigned gpu, std::string* error) const {
  Dev d = nullptr;
  int rc = api_->handle(gpu, &d);
  if (rc == 0) rc = api_->reset_gpu(d);
  if (rc == 0 && api_->reset_mem) {
    int m = api_->reset_mem(d);
    if (m != 3) rc = m;  // not supported: nothing was locked
  }
  if (rc != 0 && error) *error = "resetting clocks of GPU " + std::to_string(gpu) + ": " + api_->err(rc);
  return rc == 0;
}

}  // namespace hp::capture
