#include "core/disagg/step_fit.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

namespace hp::disagg {

namespace {

constexpr double kCollinear = 1e-7;  // residual norm of a unit column after projection

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

struct Column {
  std::string name;
  std::function<double(const StepPoint&)> x;
  std::string dropped;  // set before the fit: unknown for some point
};

StepFit fit_columns(const std::vector<StepPoint>& pts, std::vector<Column> cols) {
  StepFit f;
  f.terms.push_back({"base", 0, true, {}});
  for (const auto& c : cols) f.terms.push_back({c.name, 0, c.dropped.empty(), c.dropped});
  if (pts.size() < kMinStepPoints) {
    f.note = fmt::format("{} timed steps, fewer than {}", pts.size(), kMinStepPoints);
    for (auto& t : f.terms) t.kept = false;
    return f;
  }
  std::vector<double> y;
  for (const auto& p : pts) y.push_back(p.ms);
  for (;;) {
    std::vector<std::vector<double>> x;
    std::vector<size_t> term;  // index into f.terms of each column passed
    for (size_t j = 0; j < cols.size(); ++j) {
      if (!f.terms[j + 1].kept) continue;
      x.emplace_back();
      for (const auto& p : pts) x.back().push_back(cols[j].x(p));
      term.push_back(j + 1);
    }
    std::vector<bool> kept;
    std::vector<double> b = least_squares(x, y, kept, f.r2);
    f.terms[0].coef = b[0];
    size_t worst = 0;
    double worst_v = 0;
    for (size_t k = 0; k < term.size(); ++k) {
      FitTerm& t = f.terms[term[k]];
      t.coef = b[k + 1];
      if (!kept[k]) {
        t.kept = false;
        t.dropped = "not identifiable: constant or collinear with the other terms over these steps";
        continue;
      }
      // The term's size over the points, to pick the most harmful negative one.
      double hi = 0;
      for (double v : x[k]) hi = std::max(hi, std::abs(v));
      if (t.coef < 0 && t.coef * hi < worst_v) worst = term[k], worst_v = t.coef * hi;
    }
    if (!worst) break;
    f.terms[worst].kept = false;
    f.terms[worst].dropped = fmt::format("fitted negative ({:.3g}), a cost cannot be", f.terms[worst].coef);
  }
  for (auto& t : f.terms)
    if (!t.kept) t.coef = 0;
  f.points = pts.size();
  return f;
}

}  // namespace

double StepFit::coef(std::string_view name) const {
  for (const auto& t : terms)
    if (t.name == name && t.kept) return t.coef;
  return 0;
}

std::string StepFit::describe() const {
  if (!valid()) return "no fit: " + note;
  std::string s, dropped;
  for (const auto& t : terms) {
    if (t.kept)
      s += fmt::format("{}{} {:.4g}", s.empty() ? "" : ", ", t.name, t.coef);
    else
      dropped += fmt::format("; {} dropped: {}", t.name, t.dropped);
  }
  return fmt::format("{} ms ({} points, R² {:.3f}){}", s, points, r2, dropped);
}

std::vector<double> least_squares(const std::vector<std::vector<double>>& cols, const std::vector<double>& y,
                                  std::vector<bool>& kept, double& r2) {
  const size_t n = y.size(), k = cols.size();
  kept.assign(k, false);
  std::vector<double> coef(k + 1, 0);
  r2 = 0;
  if (n == 0) return coef;
  double ym = 0;
  for (double v : y) ym += v;
  ym /= static_cast<double>(n);
  std::vector<double> yc(n);
  for (size_t i = 0; i < n; ++i) yc[i] = y[i] - ym;
  // Modified Gram-Schmidt on the centred, unit-scaled columns (the intercept is the centring).
  std::vector<std::vector<double>> q, rcol;  // orthonormal basis; R's column of each kept column
  std::vector<size_t> which;
  std::vector<double> mean(k, 0), scale(k, 0);
  for (size_t j = 0; j < k; ++j) {
    for (double v : cols[j]) mean[j] += v;
    mean[j] /= static_cast<double>(n);
    std::vector<double> c(n);
    double big = 0;
    for (size_t i = 0; i < n; ++i) c[i] = cols[j][i] - mean[j], big = std::max(big, std::abs(cols[j][i]));
    scale[j] = std::sqrt(dot(c, c));
    if (scale[j] <= 1e-12 * big * std::sqrt(static_cast<double>(n)) || scale[j] == 0) continue;
    for (double& v : c) v /= scale[j];
    std::vector<double> r;
    for (const auto& qi : q) {
      const double d = dot(qi, c);
      for (size_t i = 0; i < n; ++i) c[i] -= d * qi[i];
      r.push_back(d);
    }
    const double norm = std::sqrt(dot(c, c));
    if (norm < kCollinear) continue;
    for (double& v : c) v /= norm;
    r.push_back(norm);
    q.push_back(std::move(c));
    rcol.push_back(std::move(r));
    which.push_back(j);
    kept[j] = true;
  }
  // R b = Q^T y by back substitution (scaled units), then unscale.
  const size_t m = q.size();
  std::vector<double> z(m), b(m);
  for (size_t a = 0; a < m; ++a) z[a] = dot(q[a], yc);
  for (size_t a = m; a-- > 0;) {
    double s = z[a];
    for (size_t l = a + 1; l < m; ++l) s -= rcol[l][a] * b[l];
    b[a] = s / rcol[a][a];
  }
  coef[0] = ym;
  for (size_t a = 0; a < m; ++a) {
    const size_t j = which[a];
    coef[j + 1] = b[a] / scale[j];
    coef[0] -= coef[j + 1] * mean[j];
  }
  double ss_res = 0, ss_tot = dot(yc, yc);
  for (size_t i = 0; i < n; ++i) {
    double f = coef[0];
    for (size_t j = 0; j < k; ++j) f += coef[j + 1] * cols[j][i];
    ss_res += (y[i] - f) * (y[i] - f);
  }
  r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : (ss_res <= 1e-18 ? 1 : 0);
  return coef;
}

StepFit fit_prefill_steps(const std::vector<StepPoint>& all) {
  std::vector<StepPoint> pts;
  for (const auto& p : all)
    if (p.prefill_tokens > 0 && p.ms > 0) pts.push_back(p);
  return fit_columns(
      pts, {{"per_token", [](const StepPoint& p) { return p.prefill_tokens; }, {}},
            {"per_token2", [](const StepPoint& p) { return p.prefill_tokens * p.prefill_tokens; }, {}},
            {"per_decode_seq", [](const StepPoint& p) { return p.decode_seqs; }, {}}});
}

StepFit fit_decode_steps(const std::vector<StepPoint>& all) {
  std::vector<StepPoint> pts;
  size_t unknown = 0;
  for (const auto& p : all)
    if (p.prefill_tokens <= 0 && p.decode_seqs > 0 && p.ms > 0) pts.push_back(p), unknown += p.ctx_tokens < 0;
  std::string ctx_dropped;
  if (unknown) ctx_dropped = fmt::format("context tokens unknown for {} of {} steps", unknown, pts.size());
  return fit_columns(pts, {{"per_seq", [](const StepPoint& p) { return p.decode_seqs; }, {}},
                           {"per_ctx_token", [](const StepPoint& p) { return p.ctx_tokens; }, ctx_dropped}});
}

}  // namespace hp::disagg
