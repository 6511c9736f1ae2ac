#include "core/report/diff_report.h"

#include <cmath>

#include <fmt/format.h>

#include "core/util/time_format.h"

namespace hp {
namespace {

std::string dur(Ns ns) {
  return format_duration(ns, 1);
}

std::string signed_dur(Ns ns) {
  return ns > 0 ? "+" + dur(ns) : dur(ns);
}

std::string delta_pct(const DiffRow& r) {
  double p = r.delta_pct();
  if (std::isnan(p)) return "new";
  return fmt::format("{:+.1f}%", p);
}

std::string fit(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n - 3)) + "...";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

DiffRow totals(const TraceDiff& d) {
  DiffRow t;
  t.key = "total";
  t.count_a = d.count_a, t.count_b = d.count_b, t.time_a = d.time_a, t.time_b = d.time_b;
  return t;
}

}  // namespace

std::string diff_text(const TraceDiff& d, const std::string& a, const std::string& b, size_t top) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + '\n'; };
  line("hotpath diff (GPU kernels, memcpys, memsets; delta = B - A)");
  line("  A: " + fit(a, 95));
  line("  B: " + fit(b, 95));
  if (!d.stage.empty()) line("  stage: " + d.stage);
  line("");
  auto header = [&](const char* what) {
    line(fmt::format("{:<38}{:>8}{:>8}{:>12}{:>12}{:>12}{:>10}", what, "n A", "n B", "time A", "time B",
                     "delta", "delta%"));
  };
  auto row = [&](const DiffRow& r, size_t width) {
    line(fmt::format("  {:<{}}{:>8}{:>8}{:>12}{:>12}{:>12}{:>10}", fit(r.key, width), width, r.count_a,
                     r.count_b, dur(r.time_a), dur(r.time_b), signed_dur(r.delta()), delta_pct(r)));
  };
  header("By category");
  for (const auto& r : d.categories) row(r, 36);
  row(totals(d), 36);
  line("");
  header(fmt::format("Top {} names by |delta|", top).c_str());
  for (size_t i = 0; i < d.names.size() && i < top; ++i) row(d.names[i], 36);
  line("");
  line(fmt::format("New in B ({}):", d.new_in_b.size()));
  for (const auto& n : d.new_in_b) line("  + " + fit(n, 96));
  line(fmt::format("Gone from B ({}):", d.gone_from_b.size()));
  for (const auto& n : d.gone_from_b) line("  - " + fit(n, 96));
  return o;
}

std::string diff_markdown(const TraceDiff& d, const std::string& a, const std::string& b, size_t top) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + '\n'; };
  line("# hotpath diff");
  line("");
  line("A: `" + a + "`  ");
  line("B: `" + b + "`" + (d.stage.empty() ? "" : "  \nstage: " + d.stage));
  auto table = [&](const char* title, const std::vector<DiffRow>& rows, size_t n, bool code) {
    line("");
    line(std::string("## ") + title);
    line("");
    line("| key | n A | n B | time A | time B | delta | delta% |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (size_t i = 0; i < rows.size() && i < n; ++i) {
      const DiffRow& r = rows[i];
      line(fmt::format("| {} | {} | {} | {} | {} | {} | {} |", code ? "`" + r.key + "`" : r.key, r.count_a,
                       r.count_b, dur(r.time_a), dur(r.time_b), signed_dur(r.delta()), delta_pct(r)));
    }
  };
  std::vector<DiffRow> cats = d.categories;
  cats.push_back(totals(d));
  table("By category", cats, cats.size(), false);
  table("By name", d.names, top, true);
  line("");
  line(fmt::format("## New in B ({})", d.new_in_b.size()));
  line("");
  for (const auto& n : d.new_in_b) line("- `" + n + "`");
  line("");
  line(fmt::format("## Gone from B ({})", d.gone_from_b.size()));
  line("");
  for (const auto& n : d.gone_from_b) line("- `" + n + "`");
  return o;
}

nlohmann::json diff_json(const TraceDiff& d, const std::string& a, const std::string& b) {
  using nlohmann::json;
  auto rows = [](const std::vector<DiffRow>& rs, bool names) {
    json arr = json::array();
    for (const auto& r : rs) {
      json j = {{"key", r.key},          {"count_a", r.count_a},  {"count_b", r.count_b},
                {"time_a_ns", r.time_a}, {"time_b_ns", r.time_b}, {"delta_ns", r.delta()}};
      double p = r.delta_pct();
      j["delta_pct"] = std::isnan(p) ? json(nullptr) : json(p);
      if (names) j["category"] = r.category;
      arr.push_back(j);
    }
    return arr;
  };
  return {{"a", a},
          {"b", b},
          {"stage", d.stage},
          {"count_a", d.count_a},
          {"count_b", d.count_b},
          {"time_a_ns", d.time_a},
          {"time_b_ns", d.time_b},
          {"categories", rows(d.categories, false)},
          {"names", rows(d.names, true)},
          {"new_in_b", d.new_in_b},
          {"gone_from_b", d.gone_from_b}};
}

std::string diff_csv(const TraceDiff& d) {
  std::string o = "level,key,category,count_a,count_b,time_a_ns,time_b_ns,delta_ns,delta_pct\n";
  auto row = [&](const char* level, const DiffRow& r, const std::string& cat) {
    double p = r.delta_pct();
    o += fmt::format("{},{},{},{},{},{},{},{},{}\n", level, csv_field(r.key), csv_field(cat), r.count_a,
                     r.count_b, r.time_a, r.time_b, r.delta(),
                     std::isnan(p) ? std::string() : fmt::format("{:.3f}", p));
  };
  for (const auto& r : d.categories) row("category", r, r.key);
  for (const auto& r : d.names) row("name", r, r.category);
  return o;
}

}  // namespace hp
