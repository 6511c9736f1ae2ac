// Natural merge sort: the same result as std::stable_sort, in O(n log runs).
#include "core/util/nearly_sorted.h"

#include <catch2/catch.hpp>
#include <random>
#include <utility>
#include <vector>

namespace {
using Item = std::pair<int, int>;  // (key, original position): equal keys must keep their order
bool by_key(const Item& a, const Item& b) {
  return a.first < b.first;
}
std::vector<Item> numbered(const std::vector<int>& keys) {
  std::vector<Item> v;
  for (size_t i = 0; i < keys.size(); ++i) v.push_back({keys[i], static_cast<int>(i)});
  return v;
}
}  // namespace

TEST_CASE("nearly sorted: runs are merged and equal keys keep their order", "[util][sort]") {
  std::vector<Item> v = numbered({1, 3, 3, 5, 2, 6, 7, 3, 8, 0});
  CHECK(hp::stable_sort_nearly_sorted(v.begin(), v.end(), by_key) == 4);
  std::vector<Item> want = {{0, 9}, {1, 0}, {2, 4}, {3, 1}, {3, 2}, {3, 7}, {5, 3}, {6, 5}, {7, 6}, {8, 8}};
  CHECK(v == want);
}

TEST_CASE("nearly sorted: tiles of two interleaved runs each (ops, then Python frames)", "[util][sort]") {
  // Each tile: 500 even keys, then 500 odd keys of the same span; tiles overlap by 10 keys.
  std::vector<int> keys;
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 500; ++i) keys.push_back(t * 990 + 2 * i);
    for (int i = 0; i < 500; ++i) keys.push_back(t * 990 + 2 * i + 1);
  }
  std::vector<Item> v = numbered(keys), ref = v;
  CHECK(hp::stable_sort_nearly_sorted(v.begin(), v.end(), by_key) == 8);
  std::stable_sort(ref.begin(), ref.end(), by_key);
  CHECK(v == ref);
}

TEST_CASE("nearly sorted: shuffled input falls back and still matches std::stable_sort", "[util][sort]") {
  std::mt19937 rng(7);
  std::vector<int> keys(5000);
  for (int& k : keys) k = static_cast<int>(rng() % 50);  // many equal keys
  std::vector<Item> v = numbered(keys), ref = v;
  CHECK(hp::stable_sort_nearly_sorted(v.begin(), v.end(), by_key) == 0);  // too many runs
  std::stable_sort(ref.begin(), ref.end(), by_key);
  CHECK(v == ref);
  std::vector<Item> reversed = numbered({5, 4, 3, 2, 1});  // short: merged run by run
  CHECK(hp::stable_sort_nearly_sorted(reversed.begin(), reversed.end(), by_key) == 5);
  CHECK(reversed.front() == Item{1, 4});
  CHECK(reversed.back() == Item{5, 0});
}
