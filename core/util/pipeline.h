#pragma once
// A two-thread, in-order pipeline: a producer thread prepares items 0..n-1 into a ring of `depth`
// reusable slots while the calling thread consumes them in order. Used by importers to overlap
// per-byte work (copying, parsing) with building the Run, which must stay single-threaded.
// An exception on either side stops both and is rethrown to the caller.
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
  size_t produced = 0, consumed = 0;
  bool stop = false;
  std::exception_ptr producer_error;
  std::thread producer([&] {
    for (size_t i = 0; i < n; ++i) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || i - consumed < depth; });
        if (stop) return;
      }
      try {
        produce(i, slots[i % depth]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        producer_error = std::current_exception();
        stop = true;
        cv.notify_all();
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      produced = i + 1;
      cv.notify_all();
    }
  });
  std::exception_ptr consumer_error;
  for (size_t i = 0; i < n; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return stop || produced > i; });
      if (produced <= i) break;  // the producer failed
    }
    try {
      consume(i, slots[i % depth]);
    } catch (...) {
      consumer_error = std::current_exception();
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      cv.notify_all();
      break;
    }
    std::lock_guard<std::mutex> lock(mu);
    consumed = i + 1;
    cv.notify_all();
  }
  producer.join();
  if (consumer_error) std::rethrow_exception(consumer_error);
  if (producer_error) std::rethrow_exception(producer_error);
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
