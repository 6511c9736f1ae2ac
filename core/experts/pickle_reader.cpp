#include "core/experts/pickle_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/model/load_status.h"

namespace hp::experts {
namespace {

using MRef = std::shared_ptr<PValue>;

// Element type of a torch storage class ("torch.IntStorage" -> "int32"); "" when not one.
std::string storage_dtype(std::string_view global) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {"torch.IntStorage", "int32"},      {"torch.LongStorage", "int64"}, {"torch.ShortStorage", "int16"},
      {"torch.CharStorage", "int8"},      {"torch.ByteStorage", "uint8"}, {"torch.FloatStorage", "float32"},
      {"torch.DoubleStorage", "float64"}, {"torch.BoolStorage", "bool"},  {"torch.UntypedStorage", "uint8"},
  };
  for (const auto& [name, dtype] : kTypes)
    if (global == name) return std::string(dtype);
  return {};
}

bool allowed_global(std::string_view g) {
  static const std::string_view kCallables[] = {
      "collections.Counter",
      "collections.OrderedDict",
      "numpy.core.multiarray.scalar",
      "numpy._core.multiarray.scalar",
      "numpy.dtype",
      "torch._utils._rebuild_tensor_v2",
  };
  for (auto c : kCallables)
    if (g == c) return true;
  return !storage_dtype(g).empty();
}

class Reader {
 public:
  Reader(std::string_view b, const std::string& file) : b_(b), file_(file) {}
  PRef run();

 private:
  [[noreturn]] void fail(uint64_t at, const std::string& what) const { throw ImportError(file_, at, what); }
  const char* take(size_t n) {
    if (b_.size() - pos_ < n)
      fail(pos_, fmt::format("pickle ends inside an opcode argument ({} bytes needed)", n));
    const char* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  template <class T>
  T le() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  MRef make(PKind k) {
    auto v = std::make_shared<PValue>();
    v->kind = k;
    v->offset = op_at_;
    return v;
  }
  void push(MRef v) { stack_.push_back(std::move(v)); }
  MRef pop() {
    if (stack_.size() <= floor()) fail(op_at_, "pickle stack underflow");
    MRef v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<MRef> pop_mark() {
    if (marks_.empty()) fail(op_at_, "pickle has no MARK for this opcode");
    std::vector<MRef> out(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return out;
  }
  MRef& top() {
    if (stack_.size() <= floor()) fail(op_at_, "pickle stack underflow");
    return stack_.back();
  }
  // A container takes a child: the child is closed (never mutated again), which rules out cycles.
  void adopt(PValue& parent, MRef child) {
    if (child.get() == &parent) fail(op_at_, "pickle puts a container inside itself");
    constexpr uint32_t kMaxDepth = 256;
    if (child->depth + 1 > kMaxDepth)
      fail(op_at_, fmt::format("pickle nests deeper than {} levels", kMaxDepth));
    parent.depth = std::max(parent.depth, child->depth + 1);
    closed_.emplace(child.get(), child);  // kept alive: its address stays its own
    parent.items.push_back(std::move(child));
  }
  PValue& open_container(PKind want) {
    MRef& t = top();
    if (t->kind != want)
      fail(op_at_,
           fmt::format("pickle adds items to a {}, expected a {}", to_string(t->kind), to_string(want)));
    if (closed_.count(t.get())) fail(op_at_, "pickle changes a container after it was stored elsewhere");
    return *t;
  }
  MRef string_of(PKind k, size_t n) {
    MRef v = make(k);
    v->text.assign(take(n), n);
    return v;
  }
  MRef tuple_of(std::vector<MRef> xs) {
    MRef t = make(PKind::Tuple);
    for (auto& x : xs) adopt(*t, std::move(x));
    return t;
  }
  MRef global(std::string module, std::string name);
  MRef reduce(const MRef& fn, const MRef& args);
  MRef persistent(const MRef& pid);
  void build(const MRef& obj, const MRef& state);

  std::string_view b_;
  const std::string& file_;
  size_t pos_ = 0;
  uint64_t op_at_ = 0;
  std::vector<MRef> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, MRef> memo_;
  std::unordered_map<const PValue*, MRef> closed_;
};

MRef Reader::global(std::string module, std::string name) {
  std::string g = module + "." + name;
  if (!allowed_global(g))
    fail(op_at_, fmt::format("pickle global '{}' is not allowed (only expert-count "
                             "and tensor types are read; nothing is executed)",
                             g));
  MRef v = make(PKind::Global);
  v->text = std::move(g);
  return v;
}

MRef Reader::reduce(const MRef& fn, const MRef& args) {
  if (fn->kind != PKind::Global)
    fail(op_at_, fmt::format("pickle REDUCE calls a {}, not a global", to_string(fn->kind)));
  if (args->kind != PKind::Tuple) fail(op_at_, "pickle REDUCE arguments are not a tuple");
  const auto& a = args->items;
  const std::string& g = fn->text;
  auto arg_kind = [&](size_t i, PKind k) {
    if (a.size() <= i || a[i]->kind != k)
      fail(op_at_, fmt::format("{}: argument {} should be a {}", g, i, to_string(k)));
    return a[i];
  };
  if (g == "collections.Counter" || g == "collections.OrderedDict") {
    if (a.empty()) return make(PKind::Dict);
    return std::const_pointer_cast<PValue>(arg_kind(0, PKind::Dict));
  }
  if (g == "numpy.dtype") {
    MRef d = make(PKind::DType);
    d->text = arg_kind(0, PKind::Str)->text;
    return d;
  }
  if (g.ends_with("multiarray.scalar")) {
    const PValue& dt = *arg_kind(0, PKind::DType);
    const std::string& raw = arg_kind(1, PKind::Bytes)->text;
    std::string code = dt.text;
    if (!code.empty() && (code[0] == '<' || code[0] == '|' || code[0] == '=')) code.erase(0, 1);
    MRef v = make(PKind::Int);
    auto get = [&](auto x) {
      if (raw.size() != sizeof x)
        fail(op_at_, fmt::format("numpy scalar of dtype {} has {} bytes", dt.text, raw.size()));
      std::memcpy(&x, raw.data(), sizeof x);
      return x;
    };
    if (code == "i8")
      v->num = get(int64_t{});
    else if (code == "i4")
      v->num = get(int32_t{});
    else if (code == "u4")
      v->num = get(uint32_t{});
    else if (code == "i2")
      v->num = get(int16_t{});
    else if (code == "u1")
      v->num = get(uint8_t{});
    else if (code == "u8")
      v->num = static_cast<int64_t>(get(uint64_t{}));
    else if (code == "f8")
      v->kind = PKind::Float, v->real = get(double{});
    else if (code == "f4")
      v->kind = PKind::Float, v->real = get(float{});
    else
      fail(op_at_, fmt::format("numpy scalar of dtype '{}' is not supported", dt.text));
    return v;
  }
  if (g == "torch._utils._rebuild_tensor_v2") {
    MRef t = make(PKind::Tensor);
    const PRef& st = arg_kind(0, PKind::Storage);
    t->num = arg_kind(1, PKind::Int)->num;
    for (const auto& x : arg_kind(2, PKind::Tuple)->items) {
      if (x->kind != PKind::Int) fail(op_at_, "tensor size is not an int");
      t->shape.push_back(x->num);
    }
    for (const auto& x : arg_kind(3, PKind::Tuple)->items) {
      if (x->kind != PKind::Int) fail(op_at_, "tensor stride is not an int");
      t->stride.push_back(x->num);
    }
    if (t->shape.size() != t->stride.size()) fail(op_at_, "tensor size and stride differ in length");
    t->dtype = st->dtype;
    t->items.push_back(st);
    return t;
  }
  fail(op_at_, fmt::format("pickle calls '{}', which makes no value here", g));
}

MRef Reader::persistent(const MRef& pid) {
  // torch.save: ('storage', <storage class>, key, location, numel)
  if (pid->kind != PKind::Tuple || pid->items.size() < 5 || pid->items[0]->kind != PKind::Str ||
      pid->items[0]->text != "storage" || pid->items[1]->kind != PKind::Global ||
      pid->items[2]->kind != PKind::Str || pid->items[4]->kind != PKind::Int)
    fail(op_at_, "persistent id is not a torch storage reference ('storage', type, key, location, numel)");
  MRef s = make(PKind::Storage);
  s->dtype = storage_dtype(pid->items[1]->text);
  if (s->dtype.empty()) fail(op_at_, fmt::format("'{}' is not a torch storage type", pid->items[1]->text));
  s->text = pid->items[2]->text;
  s->num = pid->items[4]->num;
  return s;
}

void Reader::build(const MRef& obj, const MRef& state) {
  if (obj->kind != PKind::DType)
    fail(op_at_, fmt::format("pickle BUILD on a {} is not allowed", to_string(obj->kind)));
  // numpy dtype state: (version, byteorder, ...)
  if (state->kind == PKind::Tuple && state->items.size() > 1 && state->items[1]->kind == PKind::Str) {
    const std::string& order = state->items[1]->text;
    if (order == ">") obj->text = ">" + obj->text;
  }
}

PRef Reader::run() {
  while (true) {
    op_at_ = pos_;
    const auto op = static_cast<uint8_t>(*take(1));
    switch (op) {
      case 0x80: {  // PROTO
        const auto v = static_cast<uint8_t>(*take(1));
        if (v < 2 || v > 5) fail(op_at_, fmt::format("pickle protocol {} is not supported (2..5 are)", v));
        break;
      }
      case 0x95:
        le<uint64_t>();
        break;     // FRAME: a length hint only
      case '.': {  // STOP
        if (stack_.empty()) fail(op_at_, "pickle stops with an empty stack");
        return stack_.back();
      }
      case '(':
        marks_.push_back(stack_.size());
        break;
      case ']':
        push(make(PKind::List));
        break;
      case '}':
        push(make(PKind::Dict));
        break;
      case ')':
        push(make(PKind::Tuple));
        break;
      case 'N':
        push(make(PKind::None));
        break;
      case 0x88:
      case 0x89: {
        MRef v = make(PKind::Bool);
        v->num = op == 0x88;
        push(v);
        break;
      }
      case 'K':
      case 'M':
      case 'J': {
        MRef v = make(PKind::Int);
        v->num = op == 'K' ? le<uint8_t>() : op == 'M' ? le<uint16_t>() : le<int32_t>();
        push(v);
        break;
      }
      case 0x8a: {  // LONG1: n-byte two's complement
        const auto n = static_cast<uint8_t>(*take(1));
        if (n > 8) fail(op_at_, fmt::format("pickle integer of {} bytes does not fit in 64 bits", n));
        const char* p = take(n);
        uint64_t u = 0;
        for (size_t i = 0; i < n; ++i) u |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
        if (n && n < 8 && (static_cast<uint8_t>(p[n - 1]) & 0x80)) u |= ~uint64_t{0} << (8 * n);
        MRef v = make(PKind::Int);
        v->num = static_cast<int64_t>(u);
        push(v);
        break;
      }
      case 'G': {  // BINFLOAT, big-endian
        uint64_t u = 0;
        const char* p = take(8);
        for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(p[i]);
        MRef v = make(PKind::Float);
        std::memcpy(&v->real, &u, 8);
        push(v);
        break;
      }
      case 0x8c:
        push(string_of(PKind::Str, le<uint8_t>()));
        break;
      case 'X':
        push(string_of(PKind::Str, le<uint32_t>()));
        break;
      case 0x8d:
        push(string_of(PKind::Str, le<uint64_t>()));
        break;
      case 'C':
        push(string_of(PKind::Bytes, le<uint8_t>()));
        break;
      case 'B':
        push(string_of(PKind::Bytes, le<uint32_t>()));
        break;
      case 0x8e:
        push(string_of(PKind::Bytes, le<uint64_t>()));
        break;
      case 0x94:
        memo_[static_cast<uint32_t>(memo_.size())] = top();
        break;
      case 'q':
        memo_[le<uint8_t>()] = top();
        break;
      case 'r':
        memo_[le<uint32_t>()] = top();
        break;
      case 'h':
      case 'j': {
        const uint32_t k = op == 'h' ? le<uint8_t>() : le<uint32_t>();
        auto it = memo_.find(k);
        if (it == memo_.end()) fail(op_at_, fmt::format("pickle reads memo slot {}, which was never set", k));
        push(it->second);
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        MRef name = pop(), module = pop();
        if (name->kind != PKind::Str || module->kind != PKind::Str)
          fail(op_at_, "STACK_GLOBAL needs two strings");
        push(global(module->text, name->text));
        break;
      }
      case 'c': {  // GLOBAL "module\nname\n"
        auto line = [&] {
          size_t nl = b_.find('\n', pos_);
          if (nl == std::string_view::npos) fail(op_at_, "GLOBAL name has no end of line");
          std::string s(b_.substr(pos_, nl - pos_));
          pos_ = nl + 1;
          return s;
        };
        std::string module = line();
        push(global(module, line()));
        break;
      }
      case 'R': {
        MRef args = pop(), fn = pop();
        push(reduce(fn, args));
        break;
      }
      case 'b': {
        MRef state = pop();
        build(top(), state);
        break;
      }
      case 'Q':
        push(persistent(pop()));
        break;
      case 't':
        push(tuple_of(pop_mark()));
        break;
      case 0x85:
      case 0x86:
      case 0x87: {
        std::vector<MRef> xs(static_cast<size_t>(op - 0x84));
        for (size_t i = xs.size(); i-- > 0;) xs[i] = pop();
        push(tuple_of(std::move(xs)));
        break;
      }
      case 'a': {
        MRef x = pop();
        adopt(open_container(PKind::List), std::move(x));
        break;
      }
      case 'e': {
        std::vector<MRef> xs = pop_mark();
        PValue& l = open_container(PKind::List);
        for (auto& x : xs) adopt(l, std::move(x));
        break;
      }
      case 's': {
        MRef v = pop(), k = pop();
        PValue& d = open_container(PKind::Dict);
        adopt(d, std::move(k));
        adopt(d, std::move(v));
        break;
      }
      case 'u': {
        std::vector<MRef> xs = pop_mark();
        if (xs.size() % 2) fail(op_at_, "SETITEMS has a key without a value");
        PValue& d = open_container(PKind::Dict);
        for (auto& x : xs) adopt(d, std::move(x));
        break;
      }
      default:
        fail(op_at_,
             fmt::format("pickle opcode 0x{:02x} ('{}') is not allowed (not in the expert-file subset)", op,
                         op >= 0x20 && op < 0x7f ? std::string(1, static_cast<char>(op)) : "?"));
    }
  }
}

}  // namespace

const char* to_string(PKind k) {
  switch (k) {
    case PKind::None:
      return "None";
    case PKind::Bool:
      return "bool";
    case PKind::Int:
      return "int";
    case PKind::Float:
      return "float";
    case PKind::Str:
      return "str";
    case PKind::Bytes:
      return "bytes";
    case PKind::List:
      return "list";
    case PKind::Tuple:
      return "tuple";
    case PKind::Dict:
      return "dict";
    case PKind::Global:
      return "global";
    case PKind::DType:
      return "numpy dtype";
    case PKind::Storage:
      return "torch storage";
    case PKind::Tensor:
      return "tensor";
  }
  return "?";
}

PRef read_pickle(std::string_view bytes, const std::string& file) {
  return Reader(bytes, file).run();
}

const PValue* dict_get(const PValue& dict, std::string_view key) {
  if (dict.kind != PKind::Dict) return nullptr;
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2)
    if (dict.items[i]->kind == PKind::Str && dict.items[i]->text == key) return dict.items[i + 1].get();
  return nullptr;
}

}  // namespace hp::experts
