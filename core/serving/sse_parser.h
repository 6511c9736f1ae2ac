#pragma once
// Server-sent events for OpenAI-compatible streaming responses. Pure: bytes in, events out.
// SseParser is incremental (bytes arrive split anywhere, even inside "\r\n"); it follows the
// WHATWG event-stream rules that matter here: lines end in \n, \r\n or \r; ':' starts a comment;
// "data:" with or without the space; several data lines join with '\n'; a blank line dispatches.
// parse_openai_chunk reads one data payload of /v1/completions or /v1/chat/completions.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hp::serving {

struct SseEvent {
  std::string event;  // "event:" field, empty for the default "message"
  std::string data;   // data lines joined with '\n'
};

class SseParser {
 public:
  // Events over this many bytes are refused (a server streaming garbage without blank lines).
  static constexpr size_t kMaxEventBytes = 8 << 20;
  using Callback = std::function<void(const SseEvent&)>;

  // Feeds bytes; calls cb for every complete event. Returns false (and stops parsing) once an event
  // exceeds kMaxEventBytes; error() says why.
  bool feed(std::string_view bytes, const Callback& cb);
  // True when bytes of an undispatched event are pending (the stream ended mid-event).
  bool pending() const { return !line_.empty() || has_data_ || !event_.event.empty(); }
  const std::string& error() const { return error_; }
  uint64_t comments() const { return comments_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void line(std::string_view l, const Callback& cb);
  std::string line_;
  SseEvent event_;
  bool has_data_ = false;
  bool last_cr_ = false;  // the previous byte was '\r' (a following '\n' belongs to it)
  std::string error_;
  uint64_t comments_ = 0, bytes_ = 0;
};

struct OpenAiChunk {
  bool done = false;         // "[DONE]"
  bool json_ok = false;      // the payload parsed as a JSON object
  bool has_choices = false;  // non-empty "choices"
  size_t content_bytes = 0;  // text / delta.content / delta.reasoning_content length
  bool has_usage = false;    // "usage" object with token counts
  int64_t prompt_tokens = -1, completion_tokens = -1;
  int64_t choice_index = 0;   // choices[0].index: with n > 1 every chunk carries one choice
  std::string finish_reason;  // of choices[0], empty while streaming
  std::string error;          // "error" object's message (servers report mid-stream errors so)
};

// Parses one SSE data payload; json_ok is false (and error says why) when it is not valid JSON.
OpenAiChunk parse_openai_chunk(std::string_view data);

}  // namespace hp::serving
