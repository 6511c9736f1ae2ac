#include "core/serving/sse_parser.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace hp::serving;

namespace {

std::vector<SseEvent> feed_all(SseParser& p, const std::vector<std::string>& pieces) {
  std::vector<SseEvent> out;
  for (const auto& s : pieces) p.feed(s, [&](const SseEvent& e) { out.push_back(e); });
  return out;
}

}  // namespace

TEST_CASE("sse: events split at every byte boundary give the same events", "[sse]") {
  const std::string stream =
      "data: {\"a\":1}\n\n: ping\n\ndata:{\"b\":2}\r\n\r\nevent: x\ndata: l1\ndata: l2\n\ndata: [DONE]\n\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser p;
    auto ev = feed_all(p, {stream.substr(0, cut), stream.substr(cut)});
    REQUIRE(ev.size() == 4);
    CHECK(ev[0].data == "{\"a\":1}");
    CHECK(ev[1].data == "{\"b\":2}");  // no space after "data:", CRLF line ends
    CHECK(ev[2].event == "x");
    CHECK(ev[2].data == "l1\nl2");
    CHECK(ev[3].data == "[DONE]");
    CHECK(p.comments() == 1);
    CHECK_FALSE(p.pending());
  }
  SseParser bytewise;
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  CHECK(feed_all(bytewise, bytes).size() == 4);
}

TEST_CASE("sse: a lone CR ends a line, a stream cut mid-event is pending", "[sse]") {
  SseParser p;
  auto ev = feed_all(p, {"data: one\r\rdata: two"});
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].data == "one");
  CHECK(p.pending());
}

TEST_CASE("sse: comment-only and field-only blocks dispatch nothing", "[sse]") {
  SseParser p;
  auto ev = feed_all(p, {": keepalive\n\nid: 7\nretry: 10\n\n"});
  CHECK(ev.empty());
  CHECK(p.comments() == 1);
}

TEST_CASE("sse: an event beyond 8 MiB without a blank line is refused", "[sse]") {
  SseParser p;
  std::string big(SseParser::kMaxEventBytes + 10, 'x');
  CHECK_FALSE(p.feed("data: " + big, [](const SseEvent&) {}));
  CHECK_THAT(p.error(), Catch::Contains("8 MiB"));
}

TEST_CASE("openai chunk: completions, chat, usage, [DONE], errors, malformed", "[sse]") {
  auto c = parse_openai_chunk(
      R"({"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":" hello","finish_reason":null}]})");
  CHECK(c.json_ok);
  CHECK(c.has_choices);
  CHECK(c.content_bytes == 6);

  c = parse_openai_chunk(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})");
  CHECK(c.has_choices);
  CHECK(c.content_bytes == 0);  // role-only chunk: first chunk, not first token

  c = parse_openai_chunk(R"({"choices":[{"delta":{"reasoning_content":"hmm"},"finish_reason":"length"}]})");
  CHECK(c.content_bytes == 3);
  CHECK(c.finish_reason == "length");
  CHECK(c.choice_index == 0);  // no index: choice 0

  // n > 1: vLLM streams each choice in its own chunk, told apart by its index.
  c = parse_openai_chunk(R"({"choices":[{"index":3,"text":" tok","finish_reason":"stop"}]})");
  CHECK(c.choice_index == 3);
  CHECK(c.finish_reason == "stop");

  c = parse_openai_chunk(
      R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}})");
  CHECK_FALSE(c.has_choices);
  CHECK(c.has_usage);
  CHECK(c.prompt_tokens == 12);
  CHECK(c.completion_tokens == 34);

  CHECK(parse_openai_chunk("[DONE]").done);
  c = parse_openai_chunk(R"({"error":{"message":"overloaded","code":503}})");
  CHECK(c.error == "overloaded");

  c = parse_openai_chunk(R"({"choices":[{"text":"x"})");
  CHECK_FALSE(c.json_ok);
  CHECK_THAT(c.error, Catch::Contains("invalid JSON"));
  c = parse_openai_chunk("[1,2]");
  CHECK_FALSE(c.json_ok);
}
