#include "core/serving/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace hp::serving {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Go's ParseFloat spellings: +Inf, -Inf, Inf, NaN (any case), decimal and exponent forms.
bool parse_float(std::string_view s, double& out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (iequals(body, "inf") || iequals(body, "infinity")) {
    out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(body, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return false;
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || p != body.data() + body.size()) return false;
  out = neg ? -v : v;
  return true;
}

bool parse_timestamp(std::string_view s, int64_t& ns) {
  bool integer = !s.empty() && s.find_first_not_of("-0123456789") == std::string_view::npos;
  if (integer) {  // milliseconds
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc() || p != s.data() + s.size()) return false;
    if (ms > std::numeric_limits<int64_t>::max() / 1000000 ||
        ms < std::numeric_limits<int64_t>::min() / 1000000)
      return false;
    ns = ms * 1000000;
    return true;
  }
  double sec = 0;  // OpenMetrics seconds
  if (!parse_float(s, sec) || !std::isfinite(sec) || std::fabs(sec) > 9.2e9) return false;
  ns = static_cast<int64_t>(std::llround(sec * 1e9));
  return true;
}

std::optional<MetricType> parse_type(std::string_view s) {
  if (s == "counter") return MetricType::Counter;
  if (s == "gauge") return MetricType::Gauge;
  if (s == "histogram") return MetricType::Histogram;
  if (s == "summary") return MetricType::Summary;
  if (s == "untyped" || s == "unknown") return MetricType::Untyped;
  if (s == "gaugehistogram") return MetricType::GaugeHistogram;
  if (s == "info") return MetricType::Info;
  if (s == "stateset") return MetricType::StateSet;
  return std::nullopt;
}

std::string unescape_help(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == 'n')) {
      out += s[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Parser {
  Scrape& out;
  std::map<std::string, int32_t, std::less<>> index;
  uint32_t line = 0;
  uint64_t line_start = 0;

  void bad(size_t col, std::string reason) {
    out.bad_lines.push_back({line, line_start + col, std::move(reason)});
  }

  int32_t family_slot(std::string_view name) {
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    out.families.push_back(MetricFamily{std::string(name), MetricType::Untyped, {}, {}});
    int32_t slot = static_cast<int32_t>(out.families.size() - 1);
    index.emplace(std::string(name), slot);
    return slot;
  }

  int32_t family_of(std::string_view sample_name) const {
    auto it = index.find(sample_name);
    if (it != index.end()) return it->second;
    auto base = strip_metric_suffix(sample_name);
    if (base.size() != sample_name.size()) {
      it = index.find(base);
      if (it != index.end()) return it->second;
    }
    return -1;
  }

  // "# HELP", "# TYPE", "# UNIT", "# EOF"; other comments are ignored.
  void comment(std::string_view l) {
    std::string_view rest = l.substr(1);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    auto kw_end = rest.find_first_of(" \t");
    std::string_view kw = rest.substr(0, kw_end);
    if (kw == "EOF" && kw_end == std::string_view::npos) {
      out.saw_eof = true;
      return;
    }
    if (kw != "HELP" && kw != "TYPE" && kw != "UNIT") return;
    rest = kw_end == std::string_view::npos ? std::string_view() : rest.substr(kw_end + 1);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && is_name_char(rest[n])) ++n;
    std::string_view name = rest.substr(0, n);
    size_t col = static_cast<size_t>(rest.data() - l.data());
    if (name.empty() || !is_name_start(name[0]))
      return bad(col, fmt::format("# {} without a metric name", kw));
    std::string_view arg = rest.substr(n);
    if (!arg.empty() && !is_space(arg.front()))
      return bad(col + n, fmt::format("bad metric name on # {} line", kw));
    while (!arg.empty() && is_space(arg.front())) arg.remove_prefix(1);
    if (kw == "HELP") {
      ++out.help_lines;
      out.families[family_slot(name)].help = unescape_help(arg);
    } else if (kw == "TYPE") {
      while (!arg.empty() && is_space(arg.back())) arg.remove_suffix(1);
      auto t = parse_type(arg);
      if (!t) return bad(col + n, fmt::format("unknown metric type '{}'", arg));
      ++out.type_lines;
      out.families[family_slot(name)].type = *t;
    } else {
      out.families[family_slot(name)].unit = std::string(arg);
    }
  }

  void sample(std::string_view l) {
    size_t i = 0;
    while (i < l.size() && is_name_char(l[i])) ++i;
    if (i == 0 || !is_name_start(l[0])) return bad(0, "expected a metric name");
    PromSample s;
    s.name = std::string(l.substr(0, i));
    s.line = line;
    s.offset = line_start;
    if (i < l.size() && l[i] == '{') {
      ++i;
      while (true) {
        while (i < l.size() && is_space(l[i])) ++i;
        if (i < l.size() && l[i] == '}') {
          ++i;
          break;
        }
        size_t b = i;
        while (i < l.size() && is_name_char(l[i]) && l[i] != ':') ++i;
        if (i == b || (l[b] >= '0' && l[b] <= '9')) return bad(b, "expected a label name");
        Label lab{std::string(l.substr(b, i - b)), {}};
        while (i < l.size() && is_space(l[i])) ++i;
        if (i >= l.size() || l[i] != '=') return bad(i, fmt::format("expected '=' after label {}", lab.name));
        ++i;
        while (i < l.size() && is_space(l[i])) ++i;
        if (i >= l.size() || l[i] != '"')
          return bad(i, fmt::format("expected '\"' to open label {}", lab.name));
        ++i;
        bool closed = false;
        while (i < l.size()) {
          char c = l[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c != '\\') {
            lab.value += c;
            continue;
          }
          if (i >= l.size()) break;
          char e = l[i++];
          if (e == '\\')
            lab.value += '\\';
          else if (e == '"')
            lab.value += '"';
          else if (e == 'n')
            lab.value += '\n';
          else
            return bad(i - 2, fmt::format("invalid escape '\\{}' in label {}", e, lab.name));
        }
        if (!closed) return bad(l.size(), fmt::format("unterminated value of label {}", lab.name));
        for (const auto& prev : s.labels)
          if (prev.name == lab.name) return bad(i, fmt::format("duplicate label {}", lab.name));
        s.labels.push_back(std::move(lab));
        while (i < l.size() && is_space(l[i])) ++i;
        if (i < l.size() && l[i] == ',') {
          ++i;
          continue;
        }
        if (i < l.size() && l[i] == '}') {
          ++i;
          break;
        }
        return bad(i, "expected ',' or '}' in label set");
      }
    }
    if (i >= l.size() || !is_space(l[i])) return bad(i, "expected a space before the value");
    std::vector<std::pair<size_t, std::string_view>> tokens;  // (column, text)
    while (i < l.size()) {
      while (i < l.size() && is_space(l[i])) ++i;
      if (i >= l.size()) break;
      if (l[i] == '#') break;  // OpenMetrics exemplar
      size_t b = i;
      while (i < l.size() && !is_space(l[i])) ++i;
      tokens.emplace_back(b, l.substr(b, i - b));
    }
    if (tokens.empty()) return bad(l.size(), "missing value");
    if (tokens.size() > 2) return bad(tokens[2].first, "unexpected text after the timestamp");
    if (!parse_float(tokens[0].second, s.value))
      return bad(tokens[0].first, fmt::format("bad value '{}'", tokens[0].second));
    if (tokens.size() == 2) {
      if (!parse_timestamp(tokens[1].second, s.ts_ns))
        return bad(tokens[1].first, fmt::format("bad timestamp '{}'", tokens[1].second));
      s.has_timestamp = true;
    }
    sort_labels(s.labels);
    s.family = family_of(s.name);
    out.samples.push_back(std::move(s));
  }

  void run(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      size_t end = nl == std::string_view::npos ? text.size() : nl;
      std::string_view l = text.substr(pos, end - pos);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      ++line;
      line_start = pos;
      size_t lead = 0;
      while (lead < l.size() && is_space(l[lead])) ++lead;
      if (lead == l.size()) {
        // blank line: allowed in Prometheus text
      } else if (out.saw_eof) {
        bad(0, "content after # EOF");
      } else if (l[lead] == '#') {
        comment(l.substr(lead));
      } else {
        if (lead)
          bad(0, "leading whitespace before a sample");
        else
          sample(l);
      }
      pos = end + 1;
    }
    out.line_count = line;
  }
};

}  // namespace

std::string_view metric_type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
    case MetricType::Summary:
      return "summary";
    case MetricType::GaugeHistogram:
      return "gaugehistogram";
    case MetricType::Info:
      return "info";
    case MetricType::StateSet:
      return "stateset";
    case MetricType::Untyped:
      break;
  }
  return "untyped";
}

std::string_view strip_metric_suffix(std::string_view n) {
  for (std::string_view suf :
       {"_bucket", "_sum", "_count", "_created", "_total", "_gsum", "_gcount", "_info"}) {
    if (n.size() > suf.size() && n.substr(n.size() - suf.size()) == suf)
      return n.substr(0, n.size() - suf.size());
  }
  return n;
}

const MetricFamily* Scrape::family(std::string_view name) const {
  for (const auto& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

std::map<std::string, uint32_t> Scrape::type_counts() const {
  std::map<std::string, uint32_t> out;
  for (const auto& f : families)
    if (f.type != MetricType::Untyped) ++out[std::string(metric_type_name(f.type))];
  return out;
}

std::vector<std::string> Scrape::distinct_sample_names() const {
  std::set<std::string> names;
  for (const auto& s : samples) names.insert(s.name);
  return {names.begin(), names.end()};
}

const PromSample* Scrape::find(std::string_view name, const Labels& match) const {
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool ok = std::all_of(match.begin(), match.end(),
                          [&](const Label& m) { return label_value(s.labels, m.name) == m.value; });
    if (ok) return &s;
  }
  return nullptr;
}

std::vector<HistogramSnapshot> Scrape::histograms() const {
  std::vector<HistogramSnapshot> out;
  std::map<SeriesKey, size_t> slot;
  for (const auto& s : samples) {
    if (s.family < 0) continue;
    const auto& fam = families[s.family];
    if (fam.type != MetricType::Histogram && fam.type != MetricType::GaugeHistogram) continue;
    std::string_view suffix = std::string_view(s.name).substr(std::min(fam.name.size(), s.name.size()));
    SeriesKey key{fam.name, without_label(s.labels, "le")};
    auto [it, fresh] = slot.emplace(key, out.size());
    if (fresh) out.push_back(HistogramSnapshot{key, {}, {}, {}, false});
    auto& h = out[it->second];
    if (suffix == "_bucket") {
      double le = 0;
      if (parse_float(label_value(s.labels, "le"), le)) h.buckets.push_back({le, s.value});
    } else if (suffix == "_sum" || suffix == "_gsum") {
      h.sum = s.value;
    } else if (suffix == "_count" || suffix == "_gcount") {
      h.count = s.value;
    }
  }
  for (auto& h : out) {
    std::stable_sort(h.buckets.begin(), h.buckets.end(),
                     [](const HistogramBucket& a, const HistogramBucket& b) { return a.le < b.le; });
    h.partial = !h.buckets.empty() && !std::isinf(h.buckets.back().le);
  }
  return out;
}

Scrape parse_prometheus_text(std::string_view text) {
  Scrape out;
  Parser p{out, {}};
  p.run(text);
  // Validate histograms once every sample is in: a missing +Inf bucket means a truncated scrape.
  for (const auto& h : out.histograms()) {
    std::string name = format_series(h.key);
    if (h.partial)
      out.warnings.push_back(
          {0, 0,
           fmt::format("histogram {} has no +Inf bucket (truncated scrape?); treated as partial", name)});
    if (!h.buckets.empty() && !h.count)
      out.warnings.push_back({0, 0, fmt::format("histogram {} has buckets but no _count", name)});
    for (size_t i = 1; i < h.buckets.size(); ++i)
      if (h.buckets[i].count < h.buckets[i - 1].count) {
        out.warnings.push_back(
            {0, 0, fmt::format("histogram {} buckets are not cumulative at le={}", name, h.buckets[i].le)});
        break;
      }
    if (!h.partial && h.count && !h.buckets.empty() && h.buckets.back().count != *h.count)
      out.warnings.push_back(
          {0, 0,
           fmt::format("histogram {}: +Inf bucket {} != _count {}", name, h.buckets.back().count, *h.count)});
  }
  return out;
}

}  // namespace hp::serving
