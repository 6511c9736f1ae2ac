#include "core/serving/sse_parser.h"

#include <simdjson.h>

namespace hp::serving {

bool SseParser::feed(std::string_view bytes, const Callback& cb) {
  if (!error_.empty()) return false;
  bytes_ += bytes.size();
  size_t start = 0;
  while (start < bytes.size()) {
    if (last_cr_ && bytes[start] == '\n') {  // the '\n' of a "\r\n", possibly split after the '\r'
      last_cr_ = false;
      ++start;
      continue;
    }
    last_cr_ = false;
    size_t i = bytes.find_first_of("\r\n", start);
    if (i == std::string_view::npos) break;
    line_.append(bytes.substr(start, i - start));
    line(line_, cb);
    line_.clear();
    last_cr_ = bytes[i] == '\r';
    start = i + 1;
    if (!error_.empty()) return false;
  }
  if (start >= bytes.size()) return true;
  line_.append(bytes.substr(start));
  if (line_.size() + event_.data.size() > kMaxEventBytes) {
    error_ = "SSE event larger than 8 MiB without a blank line";
    return false;
  }
  return true;
}

void SseParser::line(std::string_view l, const Callback& cb) {
  if (l.empty()) {
    if (has_data_) cb(event_);
    event_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (l[0] == ':') {
    ++comments_;
    return;
  }
  size_t colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) event_.data += '\n';
    event_.data.append(value);
    has_data_ = true;
    if (event_.data.size() > kMaxEventBytes) error_ = "SSE event larger than 8 MiB";
  } else if (field == "event") {
    event_.event = value;
  }  // "id", "retry" and unknown fields are ignored, as the spec says
}

namespace {

size_t str_len(simdjson::dom::element e) {
  std::string_view s;
  return e.get_string().get(s) ? 0 : s.size();
}

}  // namespace

OpenAiChunk parse_openai_chunk(std::string_view data) {
  OpenAiChunk c;
  std::string_view trimmed = data;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n')) trimmed.remove_suffix(1);
  if (trimmed == "[DONE]") {
    c.done = true;
    return c;
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(data.data(), data.size()).get(root)) {
    c.error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return c;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    c.error = "JSON payload is not an object";
    return c;
  }
  c.json_ok = true;
  simdjson::dom::element err_el;
  if (!obj["error"].get(err_el)) {
    std::string_view msg;
    if (!err_el["message"].get_string().get(msg))
      c.error = msg;
    else if (!err_el.get_string().get(msg))
      c.error = msg;
    else
      c.error = "error object without message";
  }
  simdjson::dom::array choices;
  if (!obj["choices"].get_array().get(choices)) {
    for (simdjson::dom::element ch : choices) {
      c.has_choices = true;
      simdjson::dom::element v;
      if (!ch["text"].get(v)) c.content_bytes += str_len(v);
      simdjson::dom::object delta;
      if (!ch["delta"].get_object().get(delta)) {
        if (!delta["content"].get(v)) c.content_bytes += str_len(v);
        if (!delta["reasoning_content"].get(v)) c.content_bytes += str_len(v);
      }
      int64_t idx = 0;
      if (!ch["index"].get_int64().get(idx)) c.choice_index = idx;
      std::string_view fr;
      if (c.finish_reason.empty() && !ch["finish_reason"].get_string().get(fr)) c.finish_reason = fr;
      break;  // servers stream one choice per chunk, also with n > 1
    }
  }
  simdjson::dom::object usage;
  if (!obj["usage"].get_object().get(usage)) {
    int64_t p = -1, q = -1;
    if (!usage["prompt_tokens"].get_int64().get(p)) c.prompt_tokens = p;
    if (!usage["completion_tokens"].get_int64().get(q)) c.completion_tokens = q;
    c.has_usage = c.prompt_tokens >= 0 || c.completion_tokens >= 0;
  }
  return c;
}

}  // namespace hp::serving
