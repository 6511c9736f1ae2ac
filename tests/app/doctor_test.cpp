#include "app/doctor.h"

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
                                          "GPU devices", "xvfb-run", "config directory"});
  CHECK(checks[0].ok);
#ifdef HOTPATH_HAVE_CUPTI
  CHECK(checks[4].ok);
#else
  CHECK_FALSE(checks[4].ok);
#endif
}
