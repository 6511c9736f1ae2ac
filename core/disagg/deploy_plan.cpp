#include "core/disagg/deploy_plan.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <set>
#include <stdexcept>

namespace hp::disagg {

namespace {

int parse_count(std::string_view s, std::string_view what, std::string_view whole) {
  int v = -1;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < 0 || v > 4096)
    throw std::invalid_argument(fmt::format(
        "--pd '{}': {} '{}' is not a count 0..4096 (expected P:D, e.g. 1:3, or mono[:N])", whole, what, s));
  return v;
}

bool dns1123(const std::string& s) {
  if (s.empty() || s.size() > 63 || !std::isalnum(static_cast<unsigned char>(s.front())) ||
      !std::isalnum(static_cast<unsigned char>(s.back())))
    return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-'))
      return false;
  return true;
}

// A number from `j[key]` (or j[key][sub]) when present and numeric.
const nlohmann::json* num(const nlohmann::json& j, const char* key, const char* sub = nullptr) {
  if (!j.is_object() || !j.contains(key)) return nullptr;
  const nlohmann::json* v = &j[key];
  if (sub) {
    if (!v->is_object() || !v->contains(sub)) return nullptr;
    v = &(*v)[sub];
  }
  return v->is_number() ? v : nullptr;
}

std::string g4(double v) {
  return fmt::format("{:.4g}", v);
}

std::string gain(double now, double base) {
  if (base == 0) return "";
  return fmt::format(" ({:+.1f}% vs monolithic)", (now - base) / base * 100.0);
}

// "12.3 req/s, max rate 15 req/s, TTFT p50/p99 120/450 ms, ITL p50/p99 20/35 ms" (+ gains vs `mono`).
std::string figures(const nlohmann::json& r, const nlohmann::json* mono) {
  std::vector<std::string> parts;
  auto metric = [&](const char* key, const char* label, const char* unit, const char* sub) {
    const nlohmann::json* v = num(r, key, sub);
    if (!v) return;
    const nlohmann::json* b = mono ? num(*mono, key, sub) : nullptr;
    parts.push_back(fmt::format("{} {} {}{}", label, g4(v->get<double>()), unit,
                                b ? gain(v->get<double>(), b->get<double>()) : ""));
  };
  metric("throughput_rps", "throughput", "req/s", nullptr);
  metric("max_rate_rps", "max rate", "req/s", nullptr);
  metric("ttft_ms", "TTFT p50", "ms", "p50");
  metric("ttft_ms", "TTFT p99", "ms", "p99");
  metric("itl_ms", "ITL p50", "ms", "p50");
  metric("itl_ms", "ITL p99", "ms", "p99");
  if (const nlohmann::json* k = num(r, "kv_transfer_ms", "p99"))
    parts.push_back(fmt::format("KV transfer p99 {} ms", g4(k->get<double>())));
  if (r.contains("bottleneck") && r["bottleneck"].is_string())
    parts.push_back("bottleneck " + r["bottleneck"].get<std::string>());
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "no figures" : out;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return g4(v.get<double>());
  return v.dump();
}

}  // namespace

void parse_pd(std::string_view text, DeployPlan& plan) {
  std::string_view t = text;
  if (t.substr(0, 4) == "mono") {
    std::string_view rest = t.substr(4);
    if (!rest.empty() && rest.front() != ':')
      throw std::invalid_argument(fmt::format("--pd '{}': expected mono or mono:N", text));
    plan.prefill = 0;
    plan.decode = rest.empty() ? 1 : parse_count(rest.substr(1), "N", text);
    if (plan.decode == 0) throw std::invalid_argument(fmt::format("--pd '{}': N must be at least 1", text));
    return;
  }
  size_t colon = t.find(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument(
        fmt::format("--pd '{}': expected P:D (prefill:decode instances, e.g. 1:3) or mono[:N]", text));
  int p = parse_count(t.substr(0, colon), "P", text);
  int d = parse_count(t.substr(colon + 1), "D", text);
  if (d == 0)
    throw std::invalid_argument(fmt::format("--pd '{}': at least one decode instance is needed", text));
  plan.prefill = p;
  plan.decode = d;
}

void check_plan(const DeployPlan& p) {
  if (p.tp < 1 || p.tp > 64) throw std::invalid_argument(fmt::format("--tp {}: must be 1..64", p.tp));
  if (p.decode < 1) throw std::invalid_argument("the plan has no decode instance");
  if (p.prefill < 0) throw std::invalid_argument("the plan has a negative prefill count");
  if (p.model.empty()) throw std::invalid_argument("--model is empty");
  if (!dns1123(p.name))
    throw std::invalid_argument(fmt::format(
        "--name '{}': must be a DNS-1123 label (lower-case letters, digits, '-', 1-63 chars)", p.name));
  bool host_ok = !p.host.empty();
  for (char c : p.host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' || c == '_'))
      host_ok = false;
  if (!host_ok)
    throw std::invalid_argument(fmt::format("--host '{}': expected a host name or IP address", p.host));
  std::set<int> ports;
  auto take = [&](int port, const std::string& what) {
    if (port < 1 || port > 65535)
      throw std::invalid_argument(fmt::format("{} port {} is outside 1..65535", what, port));
    if (!ports.insert(port).second)
      throw std::invalid_argument(fmt::format("{} port {} is used twice; move a base port", what, port));
  };
  take(p.router_port, "router");
  for (int i = 0; i < p.prefill; ++i) {
    take(prefill_port(p, i), fmt::format("prefill {}", i));
    take(p.bootstrap_port + i, fmt::format("prefill {} bootstrap", i));
    take(side_channel_port(p, true, i), fmt::format("prefill {} side-channel", i));
  }
  for (int i = 0; i < p.decode; ++i) {
    take(decode_port(p, i), fmt::format("decode {}", i));
    take(side_channel_port(p, false, i), fmt::format("decode {} side-channel", i));
  }
}

int prefill_port(const DeployPlan& p, int i) {
  return p.prefill_port + i;
}
int decode_port(const DeployPlan& p, int i) {
  return p.decode_port + i;
}
int side_channel_port(const DeployPlan& p, bool prefill_role, int i) {
  return p.side_channel_port + ((prefill_role ? 0 : p.prefill) + i) * p.tp;
}
int first_gpu(const DeployPlan& p, bool prefill_role, int i) {
  return ((prefill_role ? 0 : p.prefill) + i) * p.tp;
}
std::string gpu_list(int first, int tp) {
  std::string s;
  for (int g = first; g < first + tp; ++g) s += (s.empty() ? "" : ",") + std::to_string(g);
  return s;
}

std::string kv_transfer_json(const DeployPlan& p) {
  nlohmann::ordered_json j;
  j["kv_connector"] = p.kv_connector;
  j["kv_role"] = "kv_both";  // NIXL ignores the role (the proxy decides); as the upstream examples
  return j.dump();
}

std::string header_comment(const DeployPlan& p, std::string_view what, std::string_view prefix) {
  // A line break inside a basis reason, the model name or the version must not end the comment (a
  // shell script would run the rest): control characters become spaces.
  auto clean = [](std::string_view s) {
    std::string c(s);
    for (char& ch : c)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
    return c;
  };
  std::string layout =
      p.monolithic() ? fmt::format("monolithic, {} instance(s) x TP{} = {} GPUs", p.decode, p.tp, p.gpus())
                     : fmt::format("P:D = {}:{} instances x TP{} = {} prefill + {} decode GPUs", p.prefill,
                                   p.decode, p.tp, p.prefill * p.tp, p.decode * p.tp);
  std::string out =
      fmt::format("{}{} -- generated by hotpath disagg-config {}\n", prefix, clean(what), HOTPATH_VERSION);
  out += fmt::format("{}model {}; {}", prefix, clean(p.model), layout);
  out += p.version.empty() ? "\n" : fmt::format("; target version {}\n", clean(p.version));
  if (p.basis.empty())
    out += fmt::format("{}basis: none given (pass --basis with the JSON of `hotpath disagg --format json`)\n",
                       prefix);
  for (const auto& line : p.basis) out += fmt::format("{}{}\n", prefix, clean(line));
  return out;
}

std::vector<std::string> basis_from_advice(const nlohmann::json& a, const DeployPlan& p) {
  if (!a.is_object() || (!a.contains("monolithic") && !a.contains("splits")))
    throw std::invalid_argument(
        "expected the JSON of `hotpath disagg --format json` (an object with monolithic and splits)");
  std::vector<std::string> out;
  const nlohmann::json* mono =
      a.contains("monolithic") && a["monolithic"].is_object() ? &a["monolithic"] : nullptr;
  if (mono) out.push_back("baseline, monolithic on the same GPUs: " + figures(*mono, nullptr));
  int pg = p.prefill * p.tp, dg = p.decode * p.tp;
  if (!p.monolithic()) {
    const nlohmann::json* split = nullptr;
    if (a.contains("splits") && a["splits"].is_array())
      for (const auto& s : a["splits"]) {
        const nlohmann::json* sp = num(s, "prefill_gpus");
        const nlohmann::json* sd = num(s, "decode_gpus");
        if (sp && sd && sp->get<double>() == pg && sd->get<double>() == dg) split = &s;
      }
    if (split)
      out.push_back(
          fmt::format("predicted for {} prefill + {} decode GPUs: {}", pg, dg, figures(*split, mono)));
    else
      out.push_back(
          fmt::format("no prediction for {} prefill + {} decode GPUs in the advisor's output", pg, dg));
  }
  if (a.contains("recommendation") && a["recommendation"].is_object()) {
    const auto& r = a["recommendation"];
    const nlohmann::json* rp = num(r, "prefill_gpus");
    const nlohmann::json* rd = num(r, "decode_gpus");
    std::string line = "advisor recommends: ";
    if (rp && rd && rp->get<double>() > 0)
      line += fmt::format("{} prefill + {} decode GPUs", g4(rp->get<double>()), g4(rd->get<double>()));
    else
      line += "monolithic";
    bool same = rp && rd && rp->get<double>() == pg && rd->get<double>() == dg;
    if (rp && rd && !same && !(p.monolithic() && rp->get<double>() == 0))
      line += " (this file is a different layout)";
    out.push_back(line);
    for (const char* k : {"reason", "reasons"}) {
      if (!r.contains(k)) continue;
      if (r[k].is_string()) out.push_back("  reason: " + r[k].get<std::string>());
      if (r[k].is_array())
        for (const auto& s : r[k])
          if (s.is_string()) out.push_back("  reason: " + s.get<std::string>());
    }
  }
  if (a.contains("self_check") && a["self_check"].is_object()) {
    std::string line;
    for (const auto& [k, v] : a["self_check"].items())
      if (v.is_primitive() && !v.is_null()) line += (line.empty() ? "" : ", ") + k + "=" + scalar_text(v);
    if (!line.empty()) out.push_back("self-check, monolithic prediction vs the measured run: " + line);
  }
  return out;
}

std::string shell_quote(std::string_view w) {
  if (w.rfind("${", 0) == 0 && w.find_first_of("\"`\\") == std::string_view::npos)
    return "\"" + std::string(w) + "\"";  // a variable reference stays expandable
  bool plain = !w.empty();
  for (char c : w)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("-_./:=,@+%").find(c) != std::string_view::npos))
      plain = false;
  if (plain) return std::string(w);
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_command(const std::vector<std::pair<std::string, std::string>>& env,
                          const std::vector<std::string>& argv, bool background) {
  std::vector<std::string> words;
  for (const auto& [k, v] : env) words.push_back(k + "=" + shell_quote(v));
  for (const auto& a : argv) words.push_back(shell_quote(a));
  std::string out, line;
  for (size_t i = 0; i < words.size(); ++i) {
    // Keep a flag with its value: break before a word starting with "--" or before argv, or anywhere
    // once the line would pass 110 columns (long host / port lists).
    bool breakable = i > 0 && (words[i].rfind("--", 0) == 0 || i == env.size());
    size_t width = line.size() + 1 + words[i].size();
    if (i > 0 && ((breakable && width > 96) || width > 110)) {
      out += line + " \\\n";
      line = "    ";
    } else if (i > 0) {
      line += ' ';
    }
    line += words[i];
  }
  return out + line + (background ? " &\n" : "\n");
}

}  // namespace hp::disagg
