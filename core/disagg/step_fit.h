#pragma once
// The advisor's step-cost fits, by multivariate least squares on timed engine steps:
//   prefill step (prefill or mixed) = base + per_token * P + per_token2 * P^2 + per_decode_seq * B
//   decode step                     = base + per_seq * B + per_ctx_token * C
// with P the step's prefill tokens, B its decode sequences and C the context tokens those sequences
// hold (when the source knows it). The decode-sequence term of the prefill fit keeps mixed (chunked
// prefill) steps from poisoning the prefill terms. A term is dropped, and says why, when it is not
// identifiable: its column is constant over the points, collinear with the kept ones, unknown for some
// point, or fitted negative (a cost cannot be). Pure: no I/O.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hp::disagg {

struct StepPoint {
  double ms = 0;              // the step's measured duration
  double prefill_tokens = 0;  // uncached tokens prefilled in the step
  double decode_seqs = 0;     // sequences decoded in the step
  double ctx_tokens = -1;     // context tokens of those sequences; < 0 unknown
};

struct FitTerm {
  std::string name;  // "base", "per_token", ... (the spec's names, plus "per_decode_seq")
  double coef = 0;
  bool kept = true;
  std::string dropped;  // why not, when !kept
};

struct StepFit {
  size_t points = 0;
  std::vector<FitTerm> terms;  // "base" first
  double r2 = 0;
  std::string note;  // why there is no fit (fewer than kMinStepPoints points)
  bool valid() const { return points > 0; }
  double coef(std::string_view name) const;  // 0 for a dropped or absent term
  std::string describe() const;  // "base 1.2, per_token 0.003 (n 477, R² 0.91); per_token2 dropped: ..."
};

inline constexpr size_t kMinStepPoints = 5;

// Least squares y = b0 + sum_j b_j x_j; columns that are constant or collinear with earlier ones get
// kept = false and coefficient 0. Returns the coefficients (b0 first) and R² through `r2`.
std::vector<double> least_squares(const std::vector<std::vector<double>>& cols, const std::vector<double>& y,
                                  std::vector<bool>& kept, double& r2);

// Points with prefill_tokens > 0 (prefill and mixed steps).
StepFit fit_prefill_steps(const std::vector<StepPoint>& pts);
// Points with prefill_tokens == 0 and decode_seqs > 0.
StepFit fit_decode_steps(const std::vector<StepPoint>& pts);

}  // namespace hp::disagg
