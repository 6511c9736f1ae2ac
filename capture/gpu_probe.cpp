#include "capture/gpu_probe.h"

#include <dlfcn.h>

namespace hp {

GpuProbe probe_gpu() {
  GpuProbe p;
#ifdef HOTPATH_HAVE_CUPTI
  p.cupti_built = true;
#endif
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    p.error = "no CUDA driver (libcuda.so.1 not found)";
    return p;
  }
  p.driver_loaded = true;
  using InitFn = int (*)(unsigned);
  using IntFn = int (*)(int*);
  using GetFn = int (*)(int*, int);
  using NameFn = int (*)(char*, int, int);
  auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
  auto version = reinterpret_cast<IntFn>(dlsym(lib, "cuDriverGetVersion"));
  auto count = reinterpret_cast<IntFn>(dlsym(lib, "cuDeviceGetCount"));
  auto get = reinterpret_cast<GetFn>(dlsym(lib, "cuDeviceGet"));
  auto name = reinterpret_cast<NameFn>(dlsym(lib, "cuDeviceGetName"));
  if (!init || !version || !count || !get || !name) {
    p.error = "CUDA driver lacks the expected entry points";
    return p;
  }
  version(&p.driver_version);
  if (int rc = init(0); rc != 0) {
    p.error = "cuInit failed with code " + std::to_string(rc);
    return p;
  }
  int n = 0;
  count(&n);
  for (int i = 0; i < n; ++i) {
    int dev = 0;
    char buf[256] = {};
    if (get(&dev, i) == 0 && name(buf, sizeof buf, dev) == 0) p.devices.emplace_back(buf);
  }
  if (p.devices.empty()) p.error = "driver present but no CUDA devices";
  return p;
}

}  // namespace hp
