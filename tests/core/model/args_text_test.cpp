// ArgsText: appended text, and text filled chunk by chunk on first read (as a run file opens it).
#include "core/model/args_text.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using hp::ArgsText;

namespace {
// Three chunks of "aaaa", "bbbb", "cccc"; the "compressed" form is the text itself, and a chunk
// whose stored text is "BAD!" fails to decode. `decoded` counts decoder calls.
ArgsText lazy_abc(std::vector<std::string> stored, int* decoded) {
  std::vector<ArgsText::Chunk> chunks;
  for (size_t i = 0; i < stored.size(); ++i) chunks.push_back({i * 4, 4, stored[i]});
  ArgsText t;
  t.assign_lazy(4 * stored.size(), std::move(chunks), [decoded](const ArgsText::Chunk& c, char* dest) {
    ++*decoded;
    if (c.compressed == "BAD!") return false;
    c.compressed.copy(dest, c.bytes);
    return true;
  });
  return t;
}
}  // namespace

TEST_CASE("args text: appends, views clamp to the text, copies are deep", "[model][args]") {
  ArgsText t;
  t.append(R"({"a":1})");
  t += R"({"b":2})";
  CHECK(t.size() == 14);
  CHECK(t.view(7, 7) == R"({"b":2})");
  CHECK(t.view(10, 100) == R"(":2})");
  CHECK(t.view(14, 1).empty());
  CHECK(t.view(99, 1).empty());
  ArgsText copy = t;
  copy += "x";
  CHECK(t.size() == 14);
  CHECK(copy.all() == R"({"a":1}{"b":2}x)");
  CHECK(t.find(R"("b")") == 8);
}

TEST_CASE("args text: a lazy text decodes only the chunks a read touches", "[model][args]") {
  int decoded = 0;
  ArgsText t = lazy_abc({"aaaa", "bbbb", "cccc"}, &decoded);
  CHECK(t.size() == 12);
  CHECK(t.pending_chunks() == 3);
  CHECK(decoded == 0);
  CHECK(t.view(5, 2) == "bb");
  CHECK(decoded == 1);
  CHECK(t.pending_chunks() == 2);
  CHECK(t.view(6, 4) == "bbcc");  // spans chunks 1 and 2; chunk 1 is not decoded again
  CHECK(decoded == 2);
  CHECK(t.all() == "aaaabbbbcccc");
  CHECK(decoded == 3);
  CHECK(t.pending_chunks() == 0);
}

TEST_CASE("args text: a damaged chunk reads as empty, its neighbours still read", "[model][args]") {
  int decoded = 0;
  ArgsText t = lazy_abc({"aaaa", "BAD!", "cccc"}, &decoded);
  CHECK(t.view(0, 4) == "aaaa");
  CHECK(t.view(4, 2).empty());
  CHECK(t.view(2, 4).empty());  // touches the damaged chunk
  CHECK(t.view(8, 4) == "cccc");
  CHECK(decoded == 3);  // the damaged chunk was tried once
}

TEST_CASE("args text: appending to a lazy text loads it first", "[model][args]") {
  int decoded = 0;
  ArgsText t = lazy_abc({"aaaa", "bbbb"}, &decoded);
  t.append("zz");
  CHECK(decoded == 2);
  CHECK(t.pending_chunks() == 0);
  CHECK(t.all() == "aaaabbbbzz");
}

TEST_CASE("args text: chunks must lie end to end over the whole text", "[model][args]") {
  ArgsText t;
  auto ok = [](const ArgsText::Chunk&, char*) { return true; };
  CHECK_THROWS_AS(t.assign_lazy(8, {{0, 4, ""}, {5, 3, ""}}, ok), std::invalid_argument);
  CHECK_THROWS_AS(t.assign_lazy(9, {{0, 4, ""}, {4, 4, ""}}, ok), std::invalid_argument);
}

TEST_CASE("args text: two threads reading the same chunks decode each once", "[model][args]") {
  std::vector<std::string> stored;
  for (char c = 'a'; c <= 'z'; ++c) stored.push_back(std::string(4, c));
  int decoded = 0;  // written under ArgsText's lock only
  ArgsText t = lazy_abc(stored, &decoded);
  std::string seen_a, seen_b;
  std::thread other([&] {
    for (size_t i = 0; i < stored.size(); ++i) seen_a += t.view(i * 4, 4);
  });
  for (size_t i = stored.size(); i-- > 0;) seen_b.insert(0, t.view(i * 4, 4));
  other.join();
  CHECK(seen_a == seen_b);
  CHECK(seen_a.size() == 104);
  CHECK(decoded == 26);
}
