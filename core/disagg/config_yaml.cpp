#include "core/disagg/config_yaml.h"

#include <array>
#include <cctype>

namespace hp::disagg {

namespace {

bool plain_ok(std::string_view s) {
  if (s.empty()) return false;
  static constexpr std::array<std::string_view, 22> kSpecial = {
      "y",    "Y",    "yes", "Yes", "YES", "n",   "N",   "no",  "No",   "NO",   "true",
      "True", "TRUE", "on",  "On",  "ON",  "off", "Off", "OFF", "null", "Null", "NULL"};
  for (auto w : kSpecial)
    if (s == w) return false;
  if (s == "false" || s == "False" || s == "FALSE" || s == "~") return false;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (std::isdigit(c0) || c0 == '.' || c0 == '+') return false;  // number-like
  if (c0 == '-' && (s.size() == 1 || std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == '.'))
    return false;
  if (!(std::isalpha(c0) || c0 == '_' || c0 == '/' || c0 == '-')) return false;
  if (s.back() == ':') return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_./:=,@+-").find(c) != std::string_view::npos))
      return false;
  return true;
}

bool printable(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

bool is_scalar(const nlohmann::ordered_json& v) {
  return !v.is_structured() || v.empty();
}

void emit(const nlohmann::ordered_json& v, int indent, std::string& out);

std::string inline_scalar(const nlohmann::ordered_json& v) {
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  return yaml_scalar(v);
}

void emit(const nlohmann::ordered_json& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      out += pad + yaml_string(k) + ":";
      if (is_scalar(child)) {
        out += " " + inline_scalar(child) + "\n";
      } else {
        out += "\n";
        emit(child, indent + 2, out);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v) {
      if (is_scalar(child)) {
        out += pad + "- " + inline_scalar(child) + "\n";
      } else {
        std::string sub;
        emit(child, indent + 2, sub);
        out += pad + "- " + sub.substr(static_cast<size_t>(indent) + 2);  // first line joins the dash
      }
    }
  } else {
    out += pad + inline_scalar(v) + "\n";
  }
}

}  // namespace

std::string yaml_string(std::string_view s) {
  if (plain_ok(s)) return std::string(s);
  if (printable(s)) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  return nlohmann::json(std::string(s)).dump();  // JSON escapes are valid in YAML double quotes
}

std::string yaml_scalar(const nlohmann::ordered_json& v) {
  if (v.is_string()) return yaml_string(v.get<std::string>());
  if (v.is_null()) return "null";
  std::string t = v.dump();  // numbers and booleans read back as the same type
  // YAML 1.1 floats need a dot before the exponent ("1e-09" would read back as a string).
  if (v.is_number_float() && t.find('.') == std::string::npos) {
    size_t e = t.find_first_of("eE");
    t.insert(e == std::string::npos ? t.size() : e, ".0");
  }
  return t;
}

std::string to_yaml(const nlohmann::ordered_json& doc) {
  std::string out;
  if (is_scalar(doc)) return inline_scalar(doc) + "\n";
  emit(doc, 0, out);
  return out;
}

}  // namespace hp::disagg
