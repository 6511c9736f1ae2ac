#include <catch2/catch.hpp>

#include "core/experts/pickle_reader.h"
#include "core/model/load_status.h"

using namespace hp::experts;

namespace {
// The ImportError's offset and message for `bytes`, or (-1, "") when it reads.
std::pair<int64_t, std::string> error_of(const std::string& bytes) {
  try {
    read_pickle(bytes, "t.pkl");
  } catch (const hp::ImportError& e) {
    return {static_cast<int64_t>(e.offset()), e.what()};
  }
  return {-1, ""};
}
std::string s(std::initializer_list<int> b) {
  std::string out;
  for (int c : b) out.push_back(static_cast<char>(c));
  return out;
}
}  // namespace

TEST_CASE("pickle: plain values", "[experts][pickle]") {
  // {'a': [1, -2, 70000, 'x', None, True], 'b': (1.5,)} at protocol 4 with MEMOIZE
  std::string p = s({0x80, 4,    '}',  0x94, '(',  0x8c, 1, 'a',  ']', '(', 'K',  1,    'J', 0xfe, 0xff,
                     0xff, 0xff, 'J',  0x70, 0x11, 1,    0, 0x8c, 1,   'x', 'N',  0x88, 'e', 0x8c, 1,
                     'b',  'G',  0x3f, 0xf8, 0,    0,    0, 0,    0,   0,   0x85, 'u',  '.'});
  PRef v = read_pickle(p, "t.pkl");
  REQUIRE(v->kind == PKind::Dict);
  const PValue* a = dict_get(*v, "a");
  REQUIRE(a);
  REQUIRE(a->items.size() == 6);
  CHECK(a->items[0]->num == 1);
  CHECK(a->items[1]->num == -2);
  CHECK(a->items[2]->num == 70000);
  CHECK(a->items[3]->text == "x");
  CHECK(a->items[4]->kind == PKind::None);
  CHECK(a->items[5]->kind == PKind::Bool);
  const PValue* b = dict_get(*v, "b");
  REQUIRE(b);
  CHECK(b->items.at(0)->real == 1.5);
}

TEST_CASE("pickle: hostile globals and opcodes are refused with their byte offset", "[experts][pickle]") {
  // GLOBAL 'os\nsystem\n' at byte 2
  auto [at, what] = error_of(s({0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'}));
  CHECK(at == 2);
  CHECK(what.find("'os.system' is not allowed") != std::string::npos);
  // STACK_GLOBAL builtins.eval at byte 24
  std::string eval =
      s({0x80, 4, 0x8c, 8, 'b', 'u', 'i', 'l', 't', 'i', 'n', 's', 0x8c, 4, 'e', 'v', 'a', 'l'});
  eval += s({0x94, 0x94, 0x94, 0x94, 0x94, 0x94});  // memo noise
  auto [at2, what2] = error_of(eval + s({0x93, '.'}));
  CHECK(at2 == 24);
  CHECK(what2.find("builtins.eval") != std::string::npos);
  // INST ('i') and OBJ ('o') and NEWOBJ (0x81) are not in the subset
  auto [at3, what3] = error_of(s({0x80, 2, '(', 0x81, '.'}));
  CHECK(at3 == 3);
  CHECK(what3.find("opcode 0x81") != std::string::npos);
  CHECK(error_of(s({'i', 'o', 's', '\n'})).first == 0);
}

TEST_CASE("pickle: truncated and malformed streams", "[experts][pickle]") {
  CHECK(error_of(s({0x80, 4, 0x8c, 10, 'a', 'b'})).second.find("ends inside") != std::string::npos);
  CHECK(error_of(s({0x80, 4, ']'})).first == 3);  // no STOP: ends where the next opcode should be
  CHECK(error_of(s({0x80, 4, 'h', 7, '.'})).second.find("memo slot 7") != std::string::npos);
  CHECK(error_of(s({0x80, 4, 'R', '.'})).second.find("underflow") != std::string::npos);
  CHECK(error_of(s({0x80, 9, '.'})).second.find("protocol 9") != std::string::npos);
  CHECK(error_of(s({0x80, 4, 'K', 1, 'K', 2, 'R', '.'})).second.find("not a global") != std::string::npos);
  // Deep nesting (which would recurse when freed) is refused: 300 lists, each appended into the one below.
  std::string deep = s({0x80, 4});
  deep += std::string(300, ']') + std::string(299, 'a') + ".";
  CHECK(error_of(deep).second.find("nests deeper than 256") != std::string::npos);
  // A list appended into itself: refused, not a reference cycle.
  CHECK(error_of(s({0x80, 4, ']', 0x94, 'h', 0, 'a', '.'})).second.find("inside itself") !=
        std::string::npos);
  // A list changed after it was stored in another one.
  CHECK(error_of(s({0x80, 4, ']', 0x94, ']', 'h', 0, 'a', 'h', 0, 'K', 1, 'a', '.'}))
            .second.find("after it was stored") != std::string::npos);
}
