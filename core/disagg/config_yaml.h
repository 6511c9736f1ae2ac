#pragma once
// Block-style YAML text of a JSON document (key order kept), for the Kubernetes / Helm / TRT-LLM
// files of `hotpath disagg-config`. Strings that YAML 1.1 would read as another type (numbers,
// yes/no/on/off, null) or that hold indicators are quoted, so every value reads back as written.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace hp::disagg {

std::string to_yaml(const nlohmann::ordered_json& doc);
// One scalar as YAML writes it: plain when safe, else single- or double-quoted.
std::string yaml_scalar(const nlohmann::ordered_json& v);
std::string yaml_string(std::string_view s);

}  // namespace hp::disagg
