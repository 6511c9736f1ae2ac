// A stand-in for libnvidia-ml.so.1 with the same entry points and fixed, known values, built as a shared
// library for the NVML tests (HOTPATH_NVML_LIBRARY points at it). Two GPUs:
//   GPU 0 "Stub GPU A": SM 1980 MHz (the locked SM clock once locked), mem 2619 MHz, 350.5 W, 45 C,
//     util 87 %, mem util 40 %, 40960 MiB used, throttle reasons 0x4 (software power cap; | 0x2 when locked).
//   GPU 1 "Stub GPU B": SM 1410 MHz, mem 1593 MHz, 70.3 W, 38 C, util 0 %, 512 MiB used, throttle 0x1 (idle).
// Driver "550.54.15", persistence on, auto boost on (default). Environment switches:
//   HOTPATH_NVML_STUB_INIT_FAIL: nvmlInit_v2 answers 9 (Driver Not Loaded);
//   HOTPATH_NVML_STUB_NO_PERMISSION: the clock setters answer 4 (Insufficient Permissions).
#include <cstdlib>
#include <cstring>

extern "C" {

struct StubDevice {
  unsigned sm, mem, power_mw, temp, util, mem_util;
  unsigned long long used, throttle;
  const char *name, *uuid;
  unsigned locked_sm, locked_mem;
};
static StubDevice g_dev[2] = {
    {1980, 2619, 350500, 45, 87, 40, 40ULL << 30, 0x4, "Stub GPU A", "GPU-stub-0000", 0, 0},
    {1410, 1593, 70300, 38, 0, 0, 512ULL << 20, 0x1, "Stub GPU B", "GPU-stub-0001", 0, 0},
};

static int dev_of(void* d, StubDevice** out) {
  for (auto& g : g_dev)
    if (d == &g) return *out = &g, 0;
  return 2;  // NVML_ERROR_INVALID_ARGUMENT
}
static int copy(const char* s, char* buf, unsigned n) {
  if (!buf || std::strlen(s) + 1 > n) return 7;  // NVML_ERROR_INSUFFICIENT_SIZE
  std::memcpy(buf, s, std::strlen(s) + 1);
  return 0;
}

int nvmlInit_v2() {
  return std::getenv("HOTPATH_NVML_STUB_INIT_FAIL") ? 9 : 0;
}
int nvmlShutdown() {
  return 0;
}
const char* nvmlErrorString(int rc) {
  switch (rc) {
    case 2:
      return "Invalid Argument";
    case 3:
      return "Not Supported";
    case 4:
      return "Insufficient Permissions";
    case 9:
      return "Driver Not Loaded";
    default:
      return "Unknown Error";
  }
}
int nvmlSystemGetDriverVersion(char* buf, unsigned n) {
  return copy("550.54.15", buf, n);
}
int nvmlDeviceGetCount_v2(unsigned* n) {
  *n = 2;
  return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned i, void** d) {
  if (i >= 2) return 2;
  *d = &g_dev[i];
  return 0;
}
int nvmlDeviceGetName(void* d, char* buf, unsigned n) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : copy(g->name, buf, n);
}
int nvmlDeviceGetUUID(void* d, char* buf, unsigned n) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : copy(g->uuid, buf, n);
}
int nvmlDeviceGetClockInfo(void* d, int type, unsigned* v) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  if (type == 1)
    *v = g->locked_sm ? g->locked_sm : g->sm;
  else if (type == 2)
    *v = g->locked_mem ? g->locked_mem : g->mem;
  else
    return 3;
  return 0;
}
int nvmlDeviceGetMaxClockInfo(void* d, int type, unsigned* v) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  *v = type == 1 ? g->sm : g->mem;
  return 0;
}
int nvmlDeviceGetPowerUsage(void* d, unsigned* mw) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*mw = g->power_mw, 0);
}
int nvmlDeviceGetTemperature(void* d, int, unsigned* c) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*c = g->temp, 0);
}
struct StubUtil {
  unsigned gpu, memory;
};
int nvmlDeviceGetUtilizationRates(void* d, StubUtil* u) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*u = {g->util, g->mem_util}, 0);
}
struct StubMemory {
  unsigned long long total, free, used;
};
int nvmlDeviceGetMemoryInfo(void* d, StubMemory* m) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  *m = {80ULL << 30, (80ULL << 30) - g->used, g->used};
  return 0;
}
int nvmlDeviceGetCurrentClocksThrottleReasons(void* d, unsigned long long* bits) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*bits = g->throttle | (g->locked_sm ? 0x2ULL : 0), 0);
}
int nvmlDeviceGetPersistenceMode(void* d, int* on) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*on = 1, 0);
}
int nvmlDeviceGetAutoBoostedClocksEnabled(void* d, int* on, int* def) {
  StubDevice* g = nullptr;
  return dev_of(d, &g) ? 2 : (*on = 1, *def = 1, 0);
}
int nvmlDeviceSetGpuLockedClocks(void* d, unsigned lo, unsigned) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  if (std::getenv("HOTPATH_NVML_STUB_NO_PERMISSION")) return 4;
  g->locked_sm = lo;
  return 0;
}
int nvmlDeviceResetGpuLockedClocks(void* d) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  if (std::getenv("HOTPATH_NVML_STUB_NO_PERMISSION")) return 4;
  g->locked_sm = 0;
  return 0;
}
int nvmlDeviceSetMemoryLockedClocks(void* d, unsigned lo, unsigned) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  if (std::getenv("HOTPATH_NVML_STUB_NO_PERMISSION")) return 4;
  g->locked_mem = lo;
  return 0;
}
int nvmlDeviceResetMemoryLockedClocks(void* d) {
  StubDevice* g = nullptr;
  if (dev_of(d, &g)) return 2;
  g->locked_mem = 0;
  return 0;
}

}  // extern "C"
