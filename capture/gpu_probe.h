#pragma once
// Probes the CUDA driver at run time (dlopen), so the binary runs on machines without a GPU.
#include <string>
#include <vector>

namespace hp {

struct GpuProbe {
  bool driver_loaded = false;  // libcuda.so.1 could be opened
  bool cupti_built = false;    // this binary was built with CUPTI
  int driver_version = 0;      // e.g. 13000
  std::vector<std::string> devices;
  std::string error;  // why no devices, when none
};

GpuProbe probe_gpu();

}  // namespace hp
