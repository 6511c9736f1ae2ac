#include "app/doctor.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

TEST_CASE("doctor exit code depends only on core checks", "[doctor]") {
  std::vector<hp::DoctorCheck> checks = {{"core", true, "ok", "everything", true},
                                         {"display", false, "no display", "the window", false},
                                         {"GPU driver", false, "none", "capture", false}};
  CHECK(hp::doctor_exit_code(checks) == 0);
  checks[0].ok = false;
  CHECK(hp::doctor_exit_code(checks) == 1);
}

TEST_CASE("doctor table: one aligned row per check, with what a lack disables", "[doctor]") {
  std::vector<hp::DoctorCheck> checks = {
      {"core", true, "loading", "everything", true},
      {"display", false, "no display: DISPLAY is not set", "the window", false}};
  const std::string t = hp::format_doctor_table(checks);
  CHECK(t ==
        "check    status   found                           without it\n"
        "core     ok       loading                         -\n"
        "display  MISSING  no display: DISPLAY is not set  the window\n");
}

TEST_CASE("doctor checks cover every area", "[doctor]") {
  auto checks = hp::run_doctor_checks();
  std::vector<std::string> names;
  for (const auto& c : checks) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"core", "display", "font", "CUDA toolkit", "CUPTI", "GPU driver",
                                          "GPU devices", "NVML clocks", "xvfb-run", "config directory"});
  CHECK(checks[0].ok);
#ifdef HOTPATH_HAVE_CUPTI
  CHECK(checks[4].ok);
#else
  CHECK_FALSE(checks[4].ok);
#endif
}

TEST_CASE("doctor reports NVML's clock policy per GPU, or why NVML is missing", "[doctor]") {
  setenv("HOTPATH_NVML_LIBRARY", HOTPATH_NVML_STUB, 1);
  auto checks = hp::run_doctor_checks();
  unsetenv("HOTPATH_NVML_LIBRARY");
  REQUIRE(checks.size() == 10);
  CHECK(checks[7].ok);
  CHECK(checks[7].detail ==
        "driver 550.54.15; GPU 0: auto boost on (default), clocks not locked, SM 1980 of max 1980 MHz, "
        "persistence on; GPU 1: auto boost on (default), clocks not locked, SM 1410 of max 1410 MHz, "
        "persistence on");
  setenv("HOTPATH_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  checks = hp::run_doctor_checks();
  unsetenv("HOTPATH_NVML_LIBRARY");
  CHECK_FALSE(checks[7].ok);
  CHECK(checks[7].detail.rfind("NVML not available: /nonexistent/libnvidia-ml.so.1: ", 0) == 0);
}
