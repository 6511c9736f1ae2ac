#include <catch2/catch.hpp>

#include <atomic>
#include <numeric>
#include <thread>

#include "core/util/shared_column.h"

using hp::SharedColumn;

TEST_CASE("shared column: a copy shares the buffer and keeps its rows while the original appends") {
  SharedColumn<int64_t> a{1, 2, 3};
  const int64_t* before = a.data();
  SharedColumn<int64_t> snap = a;
  CHECK(snap.data() == before);  // O(1): no copy of the rows
  CHECK(a.shared());
  a.reserve(3);  // within capacity: nothing moves
  for (int64_t v = 4; v <= 10; ++v) a.push_back(v);
  CHECK(snap.size() == 3);
  CHECK(snap == std::vector<int64_t>{1, 2, 3});
  CHECK(a.size() == 10);
  CHECK(a.back() == 10);
  CHECK(a.data()[2] == 3);
}

TEST_CASE("shared column: appends past capacity reallocate and the copy keeps the old buffer") {
  SharedColumn<uint32_t> a;
  for (uint32_t i = 0; i < 16; ++i) a.push_back(i);
  SharedColumn<uint32_t> snap = a;
  const uint32_t* old = snap.data();
  for (uint32_t i = 16; i < 1000; ++i) a.push_back(i);
  CHECK(snap.data() == old);
  CHECK(snap.size() == 16);
  CHECK(snap[15] == 15);
  CHECK(a.size() == 1000);
  CHECK(a[999] == 999);
  CHECK(a[15] == 15);
}

TEST_CASE("shared column: a copy that appends does not write over the original's rows") {
  SharedColumn<int32_t> a;
  a.reserve(64);
  a.push_back(1);
  SharedColumn<int32_t> b = a;
  a.push_back(2);  // claims slot 1 of the shared buffer
  b.push_back(7);  // cannot: slot 1 is a's, so b moves to its own buffer
  CHECK(a == std::vector<int32_t>{1, 2});
  CHECK(b == std::vector<int32_t>{1, 7});
  CHECK(a.data() != b.data());
}

TEST_CASE("shared column: set() and mutable_data() copy a shared buffer first") {
  SharedColumn<int32_t> a{5, 6, 7};
  SharedColumn<int32_t> snap = a;
  a.set(1, 60);
  CHECK(snap == std::vector<int32_t>{5, 6, 7});
  CHECK(a == std::vector<int32_t>{5, 60, 7});
  const int32_t* own = a.data();
  a.set(0, 50);  // now exclusive: in place
  CHECK(a.data() == own);
  a.mutable_data()[2] = 70;
  CHECK(a == std::vector<int32_t>{50, 60, 70});
}

TEST_CASE("shared column: shrinking a shared column, then growing it, leaves the copy intact") {
  SharedColumn<int32_t> a{1, 2, 3, 4};
  SharedColumn<int32_t> snap = a;
  a.resize(2);
  a.push_back(9);
  a.resize(5, -1);
  CHECK(snap == std::vector<int32_t>{1, 2, 3, 4});
  CHECK(a == std::vector<int32_t>{1, 2, 9, -1, -1});
  a.clear();
  CHECK(a.empty());
  CHECK(snap.size() == 4);
  SharedColumn<int32_t> moved = std::move(snap);
  CHECK(snap.empty());
  CHECK(moved == std::vector<int32_t>{1, 2, 3, 4});
}

TEST_CASE("shared column: a reader thread sums a snapshot while the writer appends") {
  SharedColumn<int64_t> col;
  for (int64_t i = 0; i < 10'000; ++i) col.push_back(i);
  std::atomic<int64_t> sum_seen{-1};
  SharedColumn<int64_t> snap = col;
  std::thread reader([snap, &sum_seen] {
    int64_t sum = 0;
    for (int round = 0; round < 50; ++round) sum = std::accumulate(snap.begin(), snap.end(), int64_t{0});
    sum_seen = sum;
  });
  for (int64_t i = 10'000; i < 200'000; ++i) col.push_back(i);  // appends in place, then reallocates
  reader.join();
  CHECK(sum_seen == int64_t{10'000} * 9'999 / 2);
  CHECK(col.size() == 200'000);
  CHECK(col[199'999] == 199'999);
}
