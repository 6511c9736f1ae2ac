#pragma once
// A two-thread, in-order pipeline: items 0..n-1 are prepared into a ring of `depth` reusable slots
// and consumed in order. Both threads (the caller and one worker) do whatever is next: consume the
// next item when it is ready and no one is consuming it, else prepare the next item. So how the two
// cores share the work does not depend on how an item's cost divides between the two steps; only
// consume steps that cost more than produce steps leave a core waiting.
// produce(i, slot) may run on either thread, two at once for different slots; consume(i, slot) runs
// on either thread, one at a time, in order of i (each call happens-after the previous one).
// Used by importers to overlap per-byte work (copying, parsing) with building the Run, which must
// stay single-threaded.
// A produce error stops production; the items before it are still consumed, then it is rethrown.
// A consume error stops both and is rethrown (it wins over a produce error).
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hp {

template <class Slot, class Produce, class Consume>
void run_pipelined(size_t n, std::vector<Slot>& slots, Produce produce, Consume consume) {
  const size_t depth = slots.size();
  if (n <= 1 || depth < 2) {
    for (size_t i = 0; i < n; ++i) {
      produce(i, slots[0]);
      consume(i, slots[0]);
    }
    return;
  }
  std::mutex mu;
  std::condition_variable cv;
  size_t next = 0, consumed = 0, limit = n;  // limit: the first item that failed to be produced, or n
  std::vector<char> ready(depth, 0);
  bool consuming = false, stop = false;
  std::exception_ptr produce_error, consume_error;
  auto work = [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!stop && consumed < limit) {
      if (!consuming && ready[consumed % depth]) {
        const size_t i = consumed;
        consuming = true;
        lock.unlock();
        try {
          consume(i, slots[i % depth]);
        } catch (...) {
          lock.lock();
          consume_error = std::current_exception();
          stop = true;
          break;
        }
        lock.lock();
        ready[i % depth] = 0;
        consumed = i + 1;
        consuming = false;
        cv.notify_all();
      } else if (next < limit && next < consumed + depth) {
        const size_t i = next++;
        lock.unlock();
        bool ok = true;
        try {
          produce(i, slots[i % depth]);
        } catch (...) {
          lock.lock();
          ok = false;
          if (i < limit) limit = i, produce_error = std::current_exception();
        }
        if (ok) lock.lock(), ready[i % depth] = 1;
        cv.notify_all();
      } else {
        cv.wait(lock);
      }
    }
    cv.notify_all();
  };
  std::thread other(work);
  work();
  other.join();
  if (consume_error) std::rethrow_exception(consume_error);
  if (produce_error) std::rethrow_exception(produce_error);
}

// Runs a() on a second thread and b() on this one; both finish before it returns. An exception
// from either is rethrown here (a's first). For independent halves of a sequential step.
template <class A, class B>
void run_both(A a, B b) {
  std::exception_ptr a_error, b_error;
  std::thread other([&] {
    try {
      a();
    } catch (...) {
      a_error = std::current_exception();
    }
  });
  try {
    b();
  } catch (...) {
    b_error = std::current_exception();
  }
  other.join();
  if (a_error) std::rethrow_exception(a_error);
  if (b_error) std::rethrow_exception(b_error);
}

}  // namespace hp
