#include "capture/kv_events.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <iterator>
#include <stdexcept>

namespace hp::capture {
namespace {

int64_t be64(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | b[i];
  return static_cast<int64_t>(v);
}

std::string be64_bytes(int64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v = static_cast<int64_t>(static_cast<uint64_t>(v) >> 8))
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}

}  // namespace

struct KvEventSubscriber::Zmq {
  zmq::context_t ctx{1};
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  std::unique_ptr<zmq::socket_t> replay;
};

KvEventSubscriber::KvEventSubscriber(Options o) : opt_(std::move(o)) {}

KvEventSubscriber::~KvEventSubscriber() {
  stop();
}

void KvEventSubscriber::start() {
  if (running_) return;
  zmq_ = std::make_unique<Zmq>();
  try {
    zmq_->sub.set(zmq::sockopt::subscribe, opt_.topic);
    zmq_->sub.set(zmq::sockopt::rcvtimeo, 50);
    zmq_->sub.set(zmq::sockopt::rcvhwm, 0);  // never drop on our side
    zmq_->sub.connect(opt_.endpoint);
    if (!opt_.replay_endpoint.empty()) {
      zmq_->replay = std::make_unique<zmq::socket_t>(zmq_->ctx, zmq::socket_type::dealer);
      zmq_->replay->set(zmq::sockopt::rcvtimeo, opt_.replay_timeout_ms);
      zmq_->replay->set(zmq::sockopt::linger, 0);
      zmq_->replay->connect(opt_.replay_endpoint);
    }
  } catch (const zmq::error_t& e) {
    zmq_.reset();
    throw std::runtime_error("KV events: cannot connect to " + opt_.endpoint + ": " + e.what());
  }
  zmq_->sub.set(zmq::sockopt::linger, 0);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void KvEventSubscriber::stop() {
  if (!running_) return;
  running_ = false;
  if (thread_.joinable()) thread_.join();
  zmq_.reset();
}

KvEventSubscriber::Snapshot KvEventSubscriber::snapshot() const {
  std::lock_guard lock(mu_);
  return {stats_, tracker_.events(), tracker_.alive(), tracker_.lifetimes_s(), tracker_.clears()};
}

std::vector<kv::KvBlockEvent> KvEventSubscriber::events_since(size_t from) const {
  std::lock_guard lock(mu_);
  const auto& all = tracker_.events();
  if (from >= all.size()) return {};
  return {all.begin() + static_cast<std::ptrdiff_t>(from), all.end()};
}

KvEventSubscriber::Stats KvEventSubscriber::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void KvEventSubscriber::accept(int64_t seq, const void* payload, size_t size) {
  kv::KvEventBatch b;
  try {
    b = kv::decode_kv_batch(static_cast<const uint8_t*>(payload), size);
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    ++stats_.bad;
    stats_.last_error = "seq " + std::to_string(seq) + ": " + e.what();
    return;
  }
  std::lock_guard lock(mu_);
  tracker_.add(b);
  stats_.block_events += b.blocks.size();
}

// Asks the replay socket for [from, to) and accepts what comes back in that range.
void KvEventSubscriber::refill(int64_t from, int64_t to) {
  if (!zmq_->replay) return;
  try {
    const std::string start = be64_bytes(from);
    std::vector<zmq::const_buffer> req = {zmq::buffer(start.data(), 0), zmq::buffer(start)};
    if (!zmq::send_multipart(*zmq_->replay, req)) return;
    for (;;) {
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(*zmq_->replay, std::back_inserter(parts))) return;  // timed out
      if (parts.size() < 2) return;
      // [empty delimiter,] seq, payload
      const size_t at = parts.size() >= 3 ? parts.size() - 2 : 0;
      if (parts[at].size() != 8) return;
      const int64_t seq = be64(parts[at].data());
      if (seq < 0) return;  // terminator
      if (seq < from || seq >= to) continue;
      accept(seq, parts[at + 1].data(), parts[at + 1].size());
      std::lock_guard lock(mu_);
      ++stats_.refilled;
    }
  } catch (const zmq::error_t& e) {
    std::lock_guard lock(mu_);
    stats_.last_error = std::string("replay: ") + e.what();
  }
}

void KvEventSubscriber::run() {
  while (running_) {
    std::vector<zmq::message_t> parts;
    std::optional<size_t> n;
    try {
      n = zmq::recv_multipart(zmq_->sub, std::back_inserter(parts));
    } catch (const zmq::error_t& e) {
      std::lock_guard lock(mu_);
      stats_.last_error = e.what();
      continue;
    }
    if (!n) continue;  // timeout: look at running_ again
    if (parts.size() != 3 || parts[1].size() != 8) {
      std::lock_guard lock(mu_);
      ++stats_.messages;
      ++stats_.bad;
      stats_.last_error =
          "message of " + std::to_string(parts.size()) + " frames (expected topic, 8-byte sequence, payload)";
      continue;
    }
    const int64_t seq = be64(parts[1].data());
    int64_t last;
    {
      std::lock_guard lock(mu_);
      ++stats_.messages;
      last = stats_.last_seq;
      if (last >= 0 && seq > last + 1) {
        ++stats_.gaps;
        stats_.missed += static_cast<uint64_t>(seq - last - 1);
      }
      stats_.last_seq = std::max(last, seq);
    }
    if (last >= 0 && seq > last + 1) refill(last + 1, seq);
    accept(seq, parts[2].data(), parts[2].size());
  }
}

}  // namespace hp::capture
