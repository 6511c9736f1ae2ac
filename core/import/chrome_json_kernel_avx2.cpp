// The same kernel built for x86-64-v3 (AVX2, BMI, LZCNT; plus PCLMUL for simdjson's haswell
// implementation) -- see core/CMakeLists.txt. Selected at run time by best_kernel().
#define HP_KERNEL_NS avx2
#define HP_KERNEL_NAME "avx2"
#include "core/import/chrome_json_kernel.cpp"  // NOLINT(bugprone-suspicious-include)
