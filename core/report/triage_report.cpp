#include "core/report/triage_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "core/util/time_format.h"

namespace hp {
namespace {

std::string pct(double v) {
  return fmt::format("{:.1f}%", v);
}

// A Markdown table cell in a code span: '|' escaped, newlines dropped, backticks swapped.
std::string code(const std::string& s) {
  if (s.empty()) return "—";
  std::string out = "`";
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '`')
      out += '\'';
    else
      out += c;
  }
  return out + "`";
}

std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string site_cell(const TriageKernel& k) {
  if (k.sites.empty() || k.site.empty()) return "—";
  std::string out;
  for (const auto& s : k.sites) {
    if (s.site.empty()) continue;
    if (!out.empty()) out += "<br>";
    out += code(s.site);
    if (s.share_pct < 99.95) out += " (" + pct(s.share_pct) + ")";
  }
  return out;
}

std::string cpu_op_cell(const TriageKernel& k) {
  std::string out;
  for (const auto& s : k.sites) {
    if (s.cpu_op.empty() || out.find(code(s.cpu_op)) != std::string::npos) continue;
    if (!out.empty()) out += "<br>";
    out += code(s.cpu_op);
  }
  return out.empty() ? "—" : out;
}

// The category, and where an enclosing annotation moved it away from the name rules, both.
std::string category_cell(const TriageKernel& k) {
  if (k.forced_launches == 0 || k.rule_category == k.category) return k.category;
  return fmt::format("{} (annotation; rules: {})", k.category, k.rule_category);
}

void summary(std::string& md, const TriageStage& s) {
  if (s.launches == 0) return;
  std::string text;
  if (!s.categories.empty()) {
    const auto& c0 = s.categories[0];
    text += fmt::format("**{}** kernels take {} of {} kernel time ({})", c0.category, pct(c0.share_sum_pct),
                        s.stage, format_duration(c0.gpu_time));
    for (size_t i = 1; i < s.categories.size() && i < 3; ++i)
      text += fmt::format("{} **{}** {}", i + 1 == std::min<size_t>(s.categories.size(), 3) ? ", then" : ",",
                          s.categories[i].category, pct(s.categories[i].share_sum_pct));
    text += ". ";
  }
  if (!s.kernels.empty()) {
    const auto& k = s.kernels[0];
    text += fmt::format("The top kernel is {} ({}, {}, {} launches", code(elide_kernel_name(k.name, 60)),
                        pct(k.share_sum_pct), format_duration(k.gpu_time), k.launches);
    if (!k.site.empty()) text += fmt::format(", from {}", code(k.site));
    text += ")";
    if (s.kernels.size() > 1)
      text += fmt::format("; the top {} rows cover {}", std::min<size_t>(s.kernels.size(), 5), [&] {
        double sum = 0;
        for (size_t i = 0; i < s.kernels.size() && i < 5; ++i) sum += s.kernels[i].share_sum_pct;
        return pct(sum);
      }());
    text += ". ";
  }
  text += fmt::format("GPU busy {} of summed kernel time {}", format_duration(s.busy_time),
                      format_duration(s.gpu_time));
  if (s.busy_time > 0 && s.gpu_time > s.busy_time)
    text += fmt::format(" (streams overlap: sums exceed busy by {})",
                        pct(100.0 * (s.gpu_time - s.busy_time) / static_cast<double>(s.busy_time)));
  text += ". ";
  if (s.graphs.graph_kernels > 0)
    text += fmt::format("CUDA graphs replay {} of the kernel time. ", pct(s.graphs.coverage_pct));
  size_t confirmed = std::count_if(s.fusions.begin(), s.fusions.end(),
                                   [](const FusionRow& f) { return f.status == FuseStatus::Confirmed; });
  if (!s.fusions.empty())
    text += fmt::format("{} fusion pattern{} matched ({} Confirmed, {} Candidate).", s.fusions.size(),
                        s.fusions.size() == 1 ? "" : "s", confirmed, s.fusions.size() - confirmed);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  md += text + "\n\n";
}

void kernel_table_md(std::string& md, const TriageStage& s, double min_share) {
  md += "### Kernels\n\n";
  if (s.kernels.empty()) {
    md += fmt::format("No kernel row at or above {:.1f}% of the stage's kernel time.\n\n", min_share);
  } else {
    md +=
        "| Kernel | Category | GPU time | Share (sum) | Share (busy) | Launches | Avg | P99 | Python site "
        "(site "
        "share) | CPU op |\n";
    md += "|---|---|--:|--:|--:|--:|--:|--:|---|---|\n";
    for (const auto& k : s.kernels)
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                        code(elide_kernel_name(k.name)), category_cell(k), format_duration(k.gpu_time),
                        pct(k.share_sum_pct), pct(k.share_busy_pct), k.launches, format_duration(k.avg),
                        format_duration(k.p99), site_cell(k), cpu_op_cell(k));
    md += "\n";
  }
  if (s.hidden_kernels > 0)
    md += fmt::format(
        "{} more kernel{} under {:.1f}% each ({}, {} of the stage) not listed; `--min-share 0` "
        "lists all.\n\n",
        s.hidden_kernels, s.hidden_kernels == 1 ? "" : "s", min_share, format_duration(s.hidden_time),
        pct(s.gpu_time ? 100.0 * s.hidden_time / static_cast<double>(s.gpu_time) : 0));
}

void categories_md(std::string& md, const TriageStage& s) {
  md +=
      "### Categories\n\n| Category | GPU time | Share (sum) | Share (busy) | Kernels | Launches |\n"
      "|---|--:|--:|--:|--:|--:|\n";
  for (const auto& c : s.categories)
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", c.category, format_duration(c.gpu_time),
                      pct(c.share_sum_pct), pct(c.share_busy_pct), c.kernels, c.launches);
  md += "\n";
}

std::string rationale(const FusionRow& f) {
  std::string lead =
      f.status == FuseStatus::Confirmed
          ? fmt::format("The fused kernel is present ({} launches, {} of the stage).", f.occurrences,
                        pct(f.share_pct))
          : fmt::format("The unfused sequence occurs {} times; its kernels take {} of the stage.",
                        f.occurrences, pct(f.share_pct));
  if (f.origin == "upstream") lead += " Upstream path, not in every release.";
  if (f.origin == "inflight") lead += " Open upstream PR.";
  return lead + " " + f.rationale;
}

void fusions_md(std::string& md, const TriageStage& s) {
  md += "### Fusion opportunities\n\n";
  if (s.fusions.empty()) {
    md += "No fuse-catalog pattern matched this stage's kernel sequences.\n\n";
    return;
  }
  md +=
      "| Pattern | Confidence | Related GPU time | Share | Evidence kernels | Current site | Candidate fused "
      "path | "
      "Rationale |\n|---|---|--:|--:|---|---|---|---|\n";
  for (const auto& f : s.fusions) {
    std::string ev;
    for (size_t i = 0; i < f.evidence.size() && i < 3; ++i) {
      if (!ev.empty()) ev += "<br>";
      ev += code(elide_kernel_name(f.evidence[i].name, 48)) + " (" + pct(f.evidence[i].share_pct) + ")";
    }
    if (f.evidence.size() > 3) ev += fmt::format("<br>+{} more", f.evidence.size() - 3);
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", cell(f.title), to_string(f.status),
                      format_duration(f.related_time), pct(f.share_pct), ev, code(f.site), code(f.candidate),
                      cell(rationale(f)));
  }
  md += "\n";
}

void overlap_md(std::string& md, const TriageStage& s) {
  md += "### Overlap opportunities\n\n";
  if (s.overlap.empty()) {
    md += "No overlap opportunity above the rules' thresholds in this stage.\n\n";
    return;
  }
  md +=
      "| Priority | Verdict | Kernel | Site | Evidence | Dependency risk | Recommendation |\n"
      "|--:|---|---|---|---|---|---|\n";
  for (const auto& o : s.overlap) {
    std::string kernel = code(elide_kernel_name(o.kernel, 48));
    if (o.exclusive_pct + o.hidden_pct > 0)
      kernel += fmt::format("<br>exclusive {} · hidden {}", pct(o.exclusive_pct), pct(o.hidden_pct));
    md += fmt::format("| P{} | {} | {} | {} | {} ({} of {}) | {} | {} |\n", o.priority, cell(o.verdict),
                      kernel, code(o.site.empty() ? o.cpu_op : o.site), cell(o.evidence), pct(o.share_pct),
                      o.share_of, cell(o.dep_risk), cell(o.recommendation));
  }
  md += "\n";
}

void graphs_md(std::string& md, const TriageStage& s) {
  md += "### CUDA graphs\n\n";
  const GraphSummary& g = s.graphs;
  if (g.graph_kernels == 0) {
    md += "No CUDA-graph replay in this stage: every kernel was launched on its own.\n\n";
    return;
  }
  md += fmt::format(
      "Graph replays cover {} of the kernel time ({} of {}; {} of {} kernels) in {} launch{} of {} "
      "distinct graph{}.\n\n",
      pct(g.coverage_pct), format_duration(g.graph_time), format_duration(g.kernel_time), g.graph_kernels,
      g.kernels, g.launches, g.launches == 1 ? "" : "es", g.distinct, g.distinct == 1 ? "" : "s");
  md += "| Launch | Site | Kernels per replay | Replays | GPU time | Share |\n|---|---|--:|--:|--:|--:|\n";
  for (const auto& r : g.top)
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", code(r.launch_name), code(r.site),
                      r.kernels_per_replay, r.replays, format_duration(r.gpu_time), pct(r.share_pct));
  md += "\n";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

nlohmann::json site_json(const SiteShare& s) {
  return {{"site", s.site},        {"cpu_op", s.cpu_op},     {"stack", s.stack},
          {"gpu_time_ns", s.time}, {"launches", s.launches}, {"share_pct", s.share_pct}};
}

}  // namespace

std::string elide_kernel_name(const std::string& name, size_t max_chars) {
  std::string n = name;
  if (n.rfind("void ", 0) == 0) n.erase(0, 5);
  // 1. The parameter list: a balanced "(...)" at the end.
  if (n.size() > max_chars && !n.empty() && n.back() == ')') {
    int depth = 0;
    for (size_t i = n.size(); i-- > 0;) {
      if (n[i] == ')') ++depth;
      if (n[i] == '(' && --depth == 0) {
        if (i > 0) n.resize(i);
        break;
      }
    }
  }
  // Walks n tracking template depth ('<' '>' outside parentheses) and parenthesis depth.
  auto walk = [&](auto&& on_char) {
    int angle = 0, paren = 0;
    for (size_t i = 0; i < n.size(); ++i) {
      char c = n[i];
      if (c == '(') ++paren;
      if (c == ')') paren = std::max(0, paren - 1);
      if (paren == 0 && c == '<') ++angle;
      on_char(i, c, angle, paren);
      if (paren == 0 && c == '>') angle = std::max(0, angle - 1);
    }
  };
  // 2. A return type ("std::enable_if<...>::type vllm::k<...>"): keep what follows the last top-level space.
  if (n.size() > max_chars) {
    size_t cut = std::string::npos;
    walk([&](size_t i, char c, int angle, int paren) {
      if (c == ' ' && angle == 0 && paren == 0) cut = i;
    });
    if (cut != std::string::npos && cut + 1 < n.size()) n.erase(0, cut + 1);
  }
  // 3. Nested template arguments: "k<8, ns::F<float>, A<char*, 1> >" -> "k<8, ns::F<…>, A<…> >".
  if (n.size() > max_chars) {
    std::string out;
    walk([&](size_t, char c, int angle, int paren) {
      bool opening = paren == 0 && c == '<' && angle == 2;
      bool closing = paren == 0 && c == '>' && angle == 2;
      if (angle < 2 || opening || closing) out += c;
      if (opening) out += "…";
    });
    n = out;
  }
  if (n.size() <= max_chars) return n;
  size_t tail = n.size() - max_chars / 4, head = max_chars - max_chars / 4 - 1;
  // Never cut inside a UTF-8 sequence (the "…" of step 3).
  auto continuation = [&](size_t i) {
    return i < n.size() && (static_cast<unsigned char>(n[i]) & 0xC0) == 0x80;
  };
  while (head > 0 && continuation(head)) --head;
  while (continuation(tail)) ++tail;
  return n.substr(0, head) + "…" + n.substr(tail);
}

namespace {

std::string sources_text(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths)
    out += (out.empty() ? "" : ", ") + code(std::filesystem::path(p).filename().string());
  return out;
}

void stage_md(std::string& md, const TriageStage& s, const std::string& prefix, double min_share) {
  md +=
      fmt::format("## {}Stage: {} — {} kernel launches, {} distinct, GPU time {} (busy {})", prefix, s.stage,
                  s.launches, s.distinct_kernels, format_duration(s.gpu_time), format_duration(s.busy_time));
  if (s.steps) md += fmt::format(", {} step{}", s.steps, s.steps == 1 ? "" : "s");
  md += "\n\n";
  if (s.unassigned_kernels)
    md += fmt::format(
        "{} kernels have no stage: no step marker covers their launch or their GPU time, and the "
        "file name names no stage.\n\n",
        s.unassigned_kernels);
  summary(md, s);
  kernel_table_md(md, s, min_share);
  categories_md(md, s);
  overlap_md(md, s);
  fusions_md(md, s);
  graphs_md(md, s);
}

void rank_skew_md(std::string& md, const Triage& t) {
  const RankSkew& k = t.skew;
  md += "## Rank skew\n\n";
  if (k.ranks.empty()) {
    md += "No GPU activity on any rank.\n\n";
    return;
  }
  auto src = [&](uint32_t rank) {
    for (const auto& r : t.ranks)
      if (r.rank == rank && !r.sources.empty()) return " (" + sources_text(r.sources) + ")";
    return std::string();
  };
  md += fmt::format("{} ranks. Busy time differs by {} between ranks, compute by {}, communication by {}. ",
                    k.ranks.size(), format_duration(k.busy_skew), format_duration(k.compute_skew),
                    format_duration(k.comm_skew));
  if (k.straggler >= 0)
    md += fmt::format(
        "**Straggler: rank {}**{}: the most compute time, {} above the median rank; the other ranks wait "
        "for it in collectives (comm wait below).\n\n",
        k.straggler, src(static_cast<uint32_t>(k.straggler)), format_duration(k.straggler_excess));
  else
    md += "No straggler: no rank waits in collectives longer than the fastest one.\n\n";
  md +=
      "| Rank | GPUs | Kernels | Comm kernels | Busy | Compute | Comm | Comm wait |\n"
      "|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const RankLoad& r : k.ranks)
    md += fmt::format("| {}{} | {} | {} | {} | {} | {} | {} | {} |\n", r.rank,
                      static_cast<int64_t>(r.rank) == k.straggler ? " (straggler)" : "", r.devices, r.kernels,
                      r.comm_kernels, format_duration(r.busy), format_duration(r.compute),
                      format_duration(r.comm), format_duration(r.comm_wait));
  md += "\n";
}

}  // namespace

std::string triage_markdown(const Triage& t, const std::string& title) {
  std::string md = "# " + (title.empty() ? std::string("hotpath triage") : title) + "\n\n";
  auto by = [&](StageMethod m) { return t.kernels_by[static_cast<size_t>(m)]; };
  md += fmt::format(
      "Framework: {}. Sites from: {}. Kernel stages: {} from CPU step markers, {} from GPU step windows, {} "
      "from "
      "the file name, **{} unassigned**. Kernel rows at or above {:.1f}% of their stage's summed kernel "
      "time; "
      "Share (sum) divides by the summed kernel time, Share (busy) by the GPU-busy time (union of kernel "
      "intervals).\n\n",
      t.framework.empty() ? "not detected" : t.framework,
      t.site_source == "mapping" ? "the mapping trace (matched by kernel name)" : "this trace",
      by(StageMethod::CpuStep), by(StageMethod::GpuWindow), by(StageMethod::Source),
      by(StageMethod::Unassigned), t.min_share_pct);
  if (t.annotations.kernels > 0)
    md += fmt::format(
        "Categories: {} kernel launch{} took the category of an enclosing annotation ({} from CPU-side "
        "ranges, {} from GPU windows); {} of them differ from the name rules.\n\n",
        t.annotations.kernels, t.annotations.kernels == 1 ? "" : "es", t.annotations.from_cpu,
        t.annotations.from_gpu, t.annotations.changed);
  if (t.rank >= 0) md += fmt::format("Rank {} only, of {} ranks.\n\n", t.rank, t.rank_count);
  if (t.rank_count >= 2) rank_skew_md(md, t);
  if (!t.ranks.empty()) md += "## All ranks together\n\n";
  if (t.stages.empty()) md += "No kernels in the selection.\n";
  for (const auto& s : t.stages) stage_md(md, s, "", t.min_share_pct);
  for (const auto& r : t.ranks) {
    md += fmt::format("## Rank {}{}\n\n{} kernel launches, GPU time {}.\n\n", r.rank,
                      r.sources.empty() ? std::string() : " — " + sources_text(r.sources), r.launches,
                      format_duration(r.gpu_time));
    if (r.stages.empty()) md += "No kernels of this rank in the selection.\n\n";
    for (const auto& s : r.stages) stage_md(md, s, fmt::format("Rank {} · ", r.rank), t.min_share_pct);
  }
  return md;
}

namespace {

nlohmann::json stage_json(const TriageStage& s) {
  nlohmann::json st{{"stage", s.stage},
                    {"gpu_time_ns", s.gpu_time},
                    {"busy_time_ns", s.busy_time},
                    {"unassigned_kernels", s.unassigned_kernels},
                    {"launches", s.launches},
                    {"distinct_kernels", s.distinct_kernels},
                    {"steps", s.steps},
                    {"hidden_kernels", s.hidden_kernels},
                    {"hidden_time_ns", s.hidden_time}};
  nlohmann::json ks = nlohmann::json::array();
  for (const auto& k : s.kernels) {
    nlohmann::json sites = nlohmann::json::array();
    for (const auto& x : k.sites) sites.push_back(site_json(x));
    ks.push_back({{"name", k.name},
                  {"category", k.category},
                  {"category_rules", k.rule_category},
                  {"annotation_launches", k.forced_launches},
                  {"gpu_time_ns", k.gpu_time},
                  {"launches", k.launches},
                  {"avg_ns", k.avg},
                  {"p50_ns", k.p50},
                  {"p99_ns", k.p99},
                  {"share_sum_pct", k.share_sum_pct},
                  {"share_busy_pct", k.share_busy_pct},
                  {"site", k.site},
                  {"site_share_pct", k.site_share_pct},
                  {"cpu_op", k.cpu_op},
                  {"graph_pct", k.graph_pct},
                  {"sites", std::move(sites)}});
  }
  st["kernels"] = std::move(ks);
  nlohmann::json cats = nlohmann::json::array();
  for (const auto& c : s.categories)
    cats.push_back({{"category", c.category},
                    {"gpu_time_ns", c.gpu_time},
                    {"launches", c.launches},
                    {"kernels", c.kernels},
                    {"share_sum_pct", c.share_sum_pct},
                    {"share_busy_pct", c.share_busy_pct}});
  st["categories"] = std::move(cats);
  nlohmann::json ov = nlohmann::json::array();
  for (const auto& o : s.overlap)
    ov.push_back({{"priority", o.priority},
                  {"verdict", o.verdict},
                  {"rule", o.rule},
                  {"kernel", o.kernel},
                  {"category", o.category},
                  {"site", o.site},
                  {"cpu_op", o.cpu_op},
                  {"evidence", o.evidence},
                  {"dependency_risk", o.dep_risk},
                  {"recommendation", o.recommendation},
                  {"impact_ns", o.time},
                  {"share_pct", o.share_pct},
                  {"share_of", o.share_of},
                  {"exclusive_pct", o.exclusive_pct},
                  {"hidden_pct", o.hidden_pct}});
  st["overlap"] = std::move(ov);
  nlohmann::json fs = nlohmann::json::array();
  for (const auto& f : s.fusions) {
    nlohmann::json ev = nlohmann::json::array();
    for (const auto& e : f.evidence)
      ev.push_back({{"name", e.name}, {"gpu_time_ns", e.time}, {"share_pct", e.share_pct}});
    fs.push_back({{"id", f.id},
                  {"pattern", f.title},
                  {"confidence", to_string(f.status)},
                  {"origin", f.origin},
                  {"occurrences", f.occurrences},
                  {"related_gpu_time_ns", f.related_time},
                  {"share_pct", f.share_pct},
                  {"evidence", std::move(ev)},
                  {"site", f.site},
                  {"candidate", f.candidate},
                  {"rationale", f.rationale},
                  {"references", f.references}});
  }
  st["fusions"] = std::move(fs);
  const GraphSummary& g = s.graphs;
  nlohmann::json top = nlohmann::json::array();
  for (const auto& r : g.top)
    top.push_back({{"launch", r.launch_name},
                   {"site", r.site},
                   {"cpu_op", r.cpu_op},
                   {"kernels_per_replay", r.kernels_per_replay},
                   {"replays", r.replays},
                   {"gpu_time_ns", r.gpu_time},
                   {"share_pct", r.share_pct}});
  st["graphs"] = {{"coverage_pct", g.coverage_pct},   {"kernel_time_ns", g.kernel_time},
                  {"graph_time_ns", g.graph_time},    {"kernels", g.kernels},
                  {"graph_kernels", g.graph_kernels}, {"launches", g.launches},
                  {"distinct", g.distinct},           {"top", std::move(top)}};
  return st;
}

nlohmann::json rank_skew_json(const RankSkew& k) {
  nlohmann::json ranks = nlohmann::json::array();
  for (const RankLoad& r : k.ranks)
    ranks.push_back({{"rank", r.rank},
                     {"devices", r.devices},
                     {"kernels", r.kernels},
                     {"comm_kernels", r.comm_kernels},
                     {"begin_ns", r.begin},
                     {"end_ns", r.end},
                     {"busy_ns", r.busy},
                     {"compute_ns", r.compute},
                     {"comm_ns", r.comm},
                     {"comm_wait_ns", r.comm_wait}});
  return {{"ranks", std::move(ranks)},
          {"busy_skew_ns", k.busy_skew},
          {"compute_skew_ns", k.compute_skew},
          {"comm_skew_ns", k.comm_skew},
          {"straggler", k.straggler >= 0 ? nlohmann::json(k.straggler) : nlohmann::json()},
          {"straggler_excess_ns", k.straggler_excess}};
}

}  // namespace

nlohmann::json triage_json(const Triage& t) {
  nlohmann::json j;
  j["framework"] = t.framework;
  j["model_hint"] = t.model;
  j["site_source"] = t.site_source;
  j["min_share_pct"] = t.min_share_pct;
  nlohmann::json by = nlohmann::json::object();
  for (size_t m = 0; m < t.kernels_by.size(); ++m)
    by[to_string(static_cast<StageMethod>(m))] = t.kernels_by[m];
  j["stage_assignment"] = by;
  if (t.site_source == "mapping")
    j["mapping_matches"] = {{"exact", t.mapped_by_name[0]},
                            {"base_name", t.mapped_by_name[1]},
                            {"prefix", t.mapped_by_name[2]},
                            {"unmatched", t.unmapped}};
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : t.steps) {
    nlohmann::json e{{"start_ns", s.start},       {"end_ns", s.end}, {"stage", to_string(s.stage)},
                     {"kind", to_string(s.kind)}, {"gpu", s.gpu},    {"markers", s.markers}};
    e["batch"] = s.batch ? nlohmann::json(*s.batch) : nlohmann::json();
    e["tokens"] = s.tokens ? nlohmann::json(*s.tokens) : nlohmann::json();
    steps.push_back(std::move(e));
  }
  j["steps"] = std::move(steps);
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : t.stages) stages.push_back(stage_json(s));
  j["stages"] = std::move(stages);
  j["rank_count"] = t.rank_count;
  j["rank"] = t.rank >= 0 ? nlohmann::json(t.rank) : nlohmann::json("all");
  j["annotations"] = {{"annotations", t.annotations.annotations},
                      {"kernels", t.annotations.kernels},
                      {"changed", t.annotations.changed},
                      {"from_cpu", t.annotations.from_cpu},
                      {"from_gpu", t.annotations.from_gpu}};
  if (t.rank_count >= 2) j["rank_skew"] = rank_skew_json(t.skew);
  nlohmann::json ranks = nlohmann::json::array();
  for (const auto& r : t.ranks) {
    nlohmann::json rs = nlohmann::json::array();
    for (const auto& s : r.stages) rs.push_back(stage_json(s));
    ranks.push_back({{"rank", r.rank},
                     {"sources", r.sources},
                     {"launches", r.launches},
                     {"gpu_time_ns", r.gpu_time},
                     {"stages", std::move(rs)}});
  }
  j["ranks"] = std::move(ranks);
  return j;
}

std::string triage_csv(const Triage& t) {
  std::string out =
      "stage,kernel,category,gpu_time_ns,launches,avg_ns,p50_ns,p99_ns,share_sum_pct,share_busy_pct,site,"
      "site_share_pct,cpu_op,graph_pct,rank\n";
  auto rows = [&](const std::vector<TriageStage>& stages, const std::string& rank) {
    for (const auto& s : stages)
      for (const auto& k : s.kernels)
        out += fmt::format("{},{},{},{},{},{},{},{},{:.4f},{:.4f},{},{:.2f},{},{:.2f},{}\n",
                           csv_field(s.stage), csv_field(k.name), csv_field(k.category), k.gpu_time,
                           k.launches, k.avg, k.p50, k.p99, k.share_sum_pct, k.share_busy_pct,
                           csv_field(k.site), k.site_share_pct, csv_field(k.cpu_op), k.graph_pct, rank);
  };
  rows(t.stages, t.rank >= 0 ? std::to_string(t.rank) : "all");
  for (const auto& r : t.ranks) rows(r.stages, std::to_string(r.rank));
  return out;
}

}  // namespace hp
