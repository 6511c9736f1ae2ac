#pragma once
// A stand-in for vLLM's ZmqEventPublisher (vllm/distributed/kv_events.py) on 127.0.0.1: a PUB socket
// sending [topic, 8-byte big-endian seq, msgpack payload] and a ROUTER replay socket answering
// [id, empty, start seq] with [id, empty, seq, payload] for every buffered message from start on, then
// [id, empty, seq -1, empty]. publish(..., drop = true) buffers a message without sending it, as a PUB
// socket does for a subscriber past its high-water mark.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hp::test {

struct KvTestEvent {
  std::string kind;                       // "BlockStored", "BlockRemoved", "AllBlocksCleared"
  std::vector<int64_t> hashes;            // as ints (negative ones are packed signed)
  std::vector<std::string> bytes_hashes;  // or as byte strings
};

// [ts, [event...], dp_rank] with positional events (vLLM <= 0.23) or map events (v0.26).
std::string pack_kv_batch(double ts, const std::vector<KvTestEvent>& events, bool as_map, int dp_rank = -1);

class KvPublisher {
 public:
  explicit KvPublisher(std::string topic = "kv");
  ~KvPublisher();
  KvPublisher(const KvPublisher&) = delete;
  KvPublisher& operator=(const KvPublisher&) = delete;
  const std::string& endpoint() const { return endpoint_; }
  const std::string& replay_endpoint() const { return replay_endpoint_; }
  // Sends with the next sequence number (from 0); returns it.
  int64_t publish(const std::string& payload, bool drop = false);
  // Raw frames, for malformed-message tests.
  void publish_frames(const std::vector<std::string>& frames);

 private:
  struct Impl;
  Impl* impl_;
  std::string topic_, endpoint_, replay_endpoint_;
  std::mutex mu_;
  std::vector<std::pair<int64_t, std::string>> buffer_;
  int64_t seq_ = 0;
  std::atomic<bool> running_{true};
  std::thread replay_;
};

}  // namespace hp::test
