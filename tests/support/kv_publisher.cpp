#include "support/kv_publisher.h"

#define MSGPACK_NO_BOOST 1
#include <msgpack.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <iterator>

namespace hp::test {
namespace {

std::string be64(int64_t v) {
  std::string s(8, '\0');
  auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i, u >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(u & 0xff);
  return s;
}

int64_t from_be64(const void* p) {
  const auto* b = static_cast<const uint8_t*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | b[i];
  return static_cast<int64_t>(v);
}

void pack_hashes(msgpack::packer<msgpack::sbuffer>& pk, const KvTestEvent& e) {
  pk.pack_array(static_cast<uint32_t>(e.hashes.size() + e.bytes_hashes.size()));
  for (int64_t h : e.hashes) pk.pack(h);
  for (const auto& b : e.bytes_hashes) {
    pk.pack_bin(static_cast<uint32_t>(b.size()));
    pk.pack_bin_body(b.data(), static_cast<uint32_t>(b.size()));
  }
}

}  // namespace

std::string pack_kv_batch(double ts, const std::vector<KvTestEvent>& events, bool as_map, int dp_rank) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(3);
  pk.pack_double(ts);
  pk.pack_array(static_cast<uint32_t>(events.size()));
  for (const auto& e : events) {
    const bool stored = e.kind == "BlockStored", removed = e.kind == "BlockRemoved";
    if (as_map) {
      pk.pack_map(stored ? 6 : removed ? 3 : 1);
      pk.pack(std::string("type"));
      pk.pack(e.kind);
      if (stored || removed) {
        pk.pack(std::string("block_hashes"));
        pack_hashes(pk, e);
        pk.pack(std::string("medium"));
        pk.pack(std::string("GPU"));
      }
      if (stored) {
        pk.pack(std::string("parent_block_hash"));
        pk.pack_nil();
        pk.pack(std::string("block_size"));
        pk.pack(16);
        pk.pack(std::string("kv_cache_spec_kind"));  // a newer field the reader does not know
        pk.pack(std::string("full_attention"));
      }
    } else if (stored) {  // ["BlockStored", hashes, parent, token_ids, block_size, lora_id, medium]
      pk.pack_array(7);
      pk.pack(e.kind);
      pack_hashes(pk, e);
      pk.pack_nil();
      pk.pack_array(2);
      pk.pack(1);
      pk.pack(2);
      pk.pack(16);
      pk.pack_nil();
      pk.pack(std::string("GPU"));
    } else if (removed) {  // ["BlockRemoved", hashes] (trailing medium omitted)
      pk.pack_array(2);
      pk.pack(e.kind);
      pack_hashes(pk, e);
    } else {
      pk.pack_array(1);
      pk.pack(e.kind);
    }
  }
  if (dp_rank < 0)
    pk.pack_nil();
  else
    pk.pack(dp_rank);
  return std::string(buf.data(), buf.size());
}

struct KvPublisher::Impl {
  zmq::context_t ctx{1};
  zmq::socket_t pub{ctx, zmq::socket_type::pub};
  zmq::socket_t router{ctx, zmq::socket_type::router};
};

KvPublisher::KvPublisher(std::string topic) : impl_(new Impl), topic_(std::move(topic)) {
  impl_->pub.set(zmq::sockopt::sndhwm, 0);
  impl_->pub.set(zmq::sockopt::linger, 0);
  impl_->pub.bind("tcp://127.0.0.1:*");
  endpoint_ = impl_->pub.get(zmq::sockopt::last_endpoint);
  impl_->router.set(zmq::sockopt::linger, 0);
  impl_->router.set(zmq::sockopt::rcvtimeo, 50);
  impl_->router.bind("tcp://127.0.0.1:*");
  replay_endpoint_ = impl_->router.get(zmq::sockopt::last_endpoint);
  replay_ = std::thread([this] {
    while (running_) {
      std::vector<zmq::message_t> req;
      if (!zmq::recv_multipart(impl_->router, std::back_inserter(req)) || req.size() != 3 ||
          req[2].size() != 8)
        continue;
      const int64_t start = from_be64(req[2].data());
      std::vector<std::pair<int64_t, std::string>> copy;
      {
        std::lock_guard lock(mu_);
        copy = buffer_;
      }
      const std::string id = req[0].to_string();
      for (const auto& [seq, payload] : copy) {
        if (seq < start) continue;
        const std::string s = be64(seq);
        std::vector<zmq::const_buffer> out = {zmq::buffer(id), zmq::buffer(s.data(), 0), zmq::buffer(s),
                                              zmq::buffer(payload)};
        zmq::send_multipart(impl_->router, out);
      }
      const std::string end = be64(-1);
      std::vector<zmq::const_buffer> out = {zmq::buffer(id), zmq::buffer(end.data(), 0), zmq::buffer(end),
                                            zmq::buffer(end.data(), 0)};
      zmq::send_multipart(impl_->router, out);
    }
  });
}

KvPublisher::~KvPublisher() {
  running_ = false;
  replay_.join();
  delete impl_;
}

int64_t KvPublisher::publish(const std::string& payload, bool drop) {
  int64_t seq;
  {
    std::lock_guard lock(mu_);
    seq = seq_++;
    buffer_.emplace_back(seq, payload);
  }
  if (!drop) {
    const std::string s = be64(seq);
    std::vector<zmq::const_buffer> frames = {zmq::buffer(topic_), zmq::buffer(s), zmq::buffer(payload)};
    zmq::send_multipart(impl_->pub, frames);
  }
  return seq;
}

void KvPublisher::publish_frames(const std::vector<std::string>& frames) {
  std::vector<zmq::const_buffer> out;
  for (const auto& f : frames) out.push_back(zmq::buffer(f));
  zmq::send_multipart(impl_->pub, out);
}

}  // namespace hp::test
