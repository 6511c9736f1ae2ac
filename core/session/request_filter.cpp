#include "core/session/request_filter.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <span>
#include <stdexcept>

#include "core/serving/request_record.h"

namespace hp {

enum class FilterOp : uint8_t { Lt, Le, Gt, Ge, Eq, Ne, Contains, And, Or, Not };

struct FilterNode {
  FilterOp op = FilterOp::Eq;
  RequestField field = RequestField::Ttft;
  double number = 0;
  std::string text;
  std::unique_ptr<FilterNode> a, b;
};

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  std::unique_ptr<FilterNode> parse() {
    skip();
    if (pos_ == s_.size()) return nullptr;
    auto n = expr();
    skip();
    if (pos_ != s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("offset " + std::to_string(pos_) + ": " + what);
  }
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  static std::unique_ptr<FilterNode> join(FilterOp op, std::unique_ptr<FilterNode> a,
                                          std::unique_ptr<FilterNode> b) {
    auto n = std::make_unique<FilterNode>();
    n->op = op;
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
  }
  std::unique_ptr<FilterNode> expr() {
    auto n = conj();
    while (eat("||")) n = join(FilterOp::Or, std::move(n), conj());
    return n;
  }
  std::unique_ptr<FilterNode> conj() {
    auto n = unary();
    while (eat("&&")) n = join(FilterOp::And, std::move(n), unary());
    return n;
  }
  std::unique_ptr<FilterNode> unary() {
    skip();
    if (pos_ < s_.size() && s_[pos_] == '!' && s_.substr(pos_, 2) != "!=") {
      ++pos_;
      return join(FilterOp::Not, unary(), nullptr);
    }
    if (eat("(")) {
      auto n = expr();
      if (!eat(")")) fail("expected ')'");
      return n;
    }
    return comparison();
  }
  std::string_view word() {
    skip();
    const size_t b = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                s_[pos_] == '-' || s_[pos_] == '.' || s_[pos_] == ':'))
      ++pos_;
    return s_.substr(b, pos_ - b);
  }
  std::unique_ptr<FilterNode> comparison() {
    skip();
    const size_t at = pos_;
    const std::string_view name = word();
    if (name.empty()) fail("expected a field name");
    auto field = field_from_name(name);
    if (!field) {
      pos_ = at;
      fail("unknown field '" + std::string(name) +
           "' (arrival, queue, prefill, ttft, tpot, itl_p50, itl_max, e2e, in_tokens, cached_tokens, "
           "out_tokens, id, status, replica)");
    }
    auto n = std::make_unique<FilterNode>();
    n->field = *field;
    static const std::pair<std::string_view, FilterOp> kOps[] = {
        {"<=", FilterOp::Le}, {">=", FilterOp::Ge}, {"==", FilterOp::Eq},      {"!=", FilterOp::Ne},
        {"<", FilterOp::Lt},  {">", FilterOp::Gt},  {"~", FilterOp::Contains}, {"=", FilterOp::Eq}};
    bool found = false;
    for (const auto& [tok, op] : kOps)
      if (eat(tok)) {
        n->op = op;
        found = true;
        break;
      }
    if (!found) fail("expected an operator (< <= > >= == != ~)");
    if (is_numeric(*field)) {
      if (n->op == FilterOp::Contains) fail("'~' needs a text field (id, status, replica)");
      n->number = number(*field);
    } else {
      n->text = text();
      if (n->op != FilterOp::Eq && n->op != FilterOp::Ne && n->op != FilterOp::Contains)
        fail("text fields compare with ==, != or ~");
    }
    return n;
  }
  double number(RequestField field) {
    skip();
    double v = 0;
    auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (ec != std::errc()) fail("expected a number");
    pos_ = static_cast<size_t>(end - s_.data());
    skip();
    const size_t at = pos_;
    const std::string_view unit = word();
    if (unit.empty()) return v;
    static const std::pair<std::string_view, double> kTime[] = {{"ns", 1e-6}, {"us", 1e-3}, {"ms", 1},
                                                                {"s", 1e3},   {"m", 60e3},  {"min", 60e3}};
    static const std::pair<std::string_view, double> kCount[] = {{"k", 1e3}, {"K", 1e3}, {"M", 1e6}};
    for (const auto& [u, f] : is_time(field) ? std::span<const std::pair<std::string_view, double>>(kTime)
                                             : std::span<const std::pair<std::string_view, double>>(kCount))
      if (unit == u) return v * f;
    pos_ = at;
    fail("unknown unit '" + std::string(unit) + "' for " + field_name(field));
  }
  std::string text() {
    skip();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      const size_t close = s_.find('"', pos_ + 1);
      if (close == std::string_view::npos) fail("unterminated quote");
      std::string t(s_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return t;
    }
    const std::string_view w = word();
    if (w.empty()) fail("expected a value");
    return std::string(w);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool eval(const FilterNode& n, const Session& s, const RequestMetrics& m, size_t row) {
  switch (n.op) {
    case FilterOp::And:
      return eval(*n.a, s, m, row) && eval(*n.b, s, m, row);
    case FilterOp::Or:
      return eval(*n.a, s, m, row) || eval(*n.b, s, m, row);
    case FilterOp::Not:
      return !eval(*n.a, s, m, row);
    default:
      break;
  }
  if (!is_numeric(n.field)) {
    const std::string_view t = request_text(s, n.field, row);
    if (n.op == FilterOp::Contains) return t.find(n.text) != std::string_view::npos;
    return (t == n.text) == (n.op == FilterOp::Eq);
  }
  const double v = m.value(n.field, row);
  switch (n.op) {
    case FilterOp::Lt:
      return v < n.number;
    case FilterOp::Le:
      return v <= n.number;
    case FilterOp::Gt:
      return v > n.number;
    case FilterOp::Ge:
      return v >= n.number;
    case FilterOp::Eq:
      return v == n.number;
    default:
      return !(v == n.number);  // Ne: true for an unknown value
  }
}

}  // namespace

RequestFilter::RequestFilter(std::string_view expr) : root_(Parser(expr).parse()) {}
RequestFilter::~RequestFilter() = default;
RequestFilter::RequestFilter(RequestFilter&&) noexcept = default;
RequestFilter& RequestFilter::operator=(RequestFilter&&) noexcept = default;

bool RequestFilter::matches(const Session& s, const RequestMetrics& m, size_t row) const {
  return !root_ || eval(*root_, s, m, row);
}

std::vector<uint32_t> RequestFilter::apply(const Session& s, const RequestMetrics& m) const {
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < m.size(); ++i)
    if (matches(s, m, i)) rows.push_back(static_cast<uint32_t>(i));
  return rows;
}

}  // namespace hp
