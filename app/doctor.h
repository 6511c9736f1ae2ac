#pragma once
// `hotpath doctor`: what this machine has, and what each missing piece disables.
#include <string>
#include <vector>

namespace hp {

struct DoctorCheck {
  std::string name;
  bool ok = false;
  std::string detail;   // what was found, or why not
  std::string without;  // what does not work when this is missing
  bool core = false;    // loading/analysis/CLI depend on it
};

std::vector<DoctorCheck> run_doctor_checks();
std::string format_doctor_table(const std::vector<DoctorCheck>& checks);
// 0 when every core check passed (the GPU and display may be missing), else 1.
int doctor_exit_code(const std::vector<DoctorCheck>& checks);

}  // namespace hp
