#include "core/util/redact.h"

#include <algorithm>
#include <cctype>

namespace hp {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Start of the next hf_ token at or after `from` (npos if none); `len` receives its length.
size_t find_hf(std::string_view s, size_t from, size_t* len) {
  for (size_t p = s.find("hf_", from); p != std::string_view::npos; p = s.find("hf_", p + 1)) {
    size_t e = p + 3;
    while (e < s.size() && is_alnum(s[e])) ++e;
    if (e - p - 3 >= 20) {
      *len = e - p;
      return p;
    }
  }
  return std::string_view::npos;
}

// Redacts inside one raw string body (between quotes).
std::string redact_string_body(std::string_view body, std::vector<std::string>* what) {
  std::string out(body);
  // KEY=value pairs (environment lists such as "HF_TOKEN=hf_...").
  for (size_t eq = out.find('='); eq != std::string::npos; eq = out.find('=', eq + 1)) {
    // "SecretStorage==3.3.1", "keyring>=23": a package requirement, not an assignment.
    bool op_before = eq > 0 && std::string_view("=<>!~").find(out[eq - 1]) != std::string_view::npos;
    if (op_before || (eq + 1 < out.size() && out[eq + 1] == '=')) {
      while (eq + 1 < out.size() && out[eq + 1] == '=') ++eq;
      continue;
    }
    size_t b = eq;
    while (b > 0 && (is_alnum(out[b - 1]) || out[b - 1] == '_')) --b;
    if (b == eq || !is_sensitive_key(std::string_view(out).substr(b, eq - b))) continue;
    size_t e = eq + 1;
    while (e < out.size() && out[e] != ' ' && out[e] != ',' && out[e] != ';' && out[e] != '&' &&
           out[e] != '\\')
      ++e;
    if (what) what->push_back(out.substr(b, eq - b));
    out.replace(eq + 1, e - eq - 1, kRedacted);
    eq += kRedacted.size();
  }
  size_t n = redact_hf_tokens(out);
  if (what)
    for (size_t i = 0; i < n; ++i) what->push_back("hf_token");
  return out;
}

}  // namespace

bool is_sensitive_key(std::string_view key) {
  std::string u = upper(key);
  return u == "HF_TOKEN" || ends_with(u, "_API_KEY") || ends_with(u, "_TOKEN") ||
         u.find("SECRET") != std::string::npos || u.find("PASSWORD") != std::string::npos;
}

bool contains_hf_token(std::string_view s) {
  size_t len;
  return find_hf(s, 0, &len) != std::string_view::npos;
}

size_t redact_hf_tokens(std::string& s) {
  size_t n = 0, len = 0;
  for (size_t p = find_hf(s, 0, &len); p != std::string::npos; p = find_hf(s, p + kRedacted.size(), &len)) {
    s.replace(p, len, kRedacted);
    ++n;
  }
  return n;
}

std::string redact_json(std::string_view j, std::vector<std::string>* what) {
  std::string out;
  out.reserve(j.size());
  std::string last_key;
  bool expect_value_of_key = false;  // the previous token was `"key":`
  size_t i = 0;
  auto skip_ws = [&](size_t p) {
    while (p < j.size() && (j[p] == ' ' || j[p] == '\n' || j[p] == '\r' || j[p] == '\t')) ++p;
    return p;
  };
  while (i < j.size()) {
    char c = j[i];
    if (c == '"') {
      size_t e = i + 1;
      while (e < j.size() && j[e] != '"') e += (j[e] == '\\') ? 2 : 1;
      std::string_view body = j.substr(i + 1, std::min(e, j.size()) - i - 1);
      size_t after = skip_ws(std::min(e + 1, j.size()));
      bool is_key = after < j.size() && j[after] == ':';
      if (is_key) {
        last_key = std::string(body);
        out += '"';
        out += redact_string_body(body, what);
        out += '"';
        expect_value_of_key = true;
      } else if (expect_value_of_key && is_sensitive_key(last_key)) {
        if (what) what->push_back(last_key);
        out += '"';
        out += kRedacted;
        out += '"';
        expect_value_of_key = false;
      } else {
        out += '"';
        out += redact_string_body(body, what);
        out += '"';
        expect_value_of_key = false;
      }
      i = std::min(e + 1, j.size());
      continue;
    }
    if (expect_value_of_key && c != ':' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      bool scalar = c != '{' && c != '[';
      if (scalar && is_sensitive_key(last_key)) {
        size_t e = i;
        while (e < j.size() && j[e] != ',' && j[e] != '}' && j[e] != ']' && j[e] != ' ' && j[e] != '\n') ++e;
        if (what) what->push_back(last_key);
        out += '"';
        out += kRedacted;
        out += '"';
        i = e;
        expect_value_of_key = false;
        continue;
      }
      expect_value_of_key = false;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace hp
