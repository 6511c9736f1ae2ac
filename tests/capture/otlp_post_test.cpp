#include "capture/otlp_post.h"

#include <httplib.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/report/serving_export.h"

using namespace hp;

TEST_CASE("otlp url gets the traces path", "[capture][otlp]") {
  CHECK(otlp_traces_url("http://127.0.0.1:4318") == "http://127.0.0.1:4318/v1/traces");
  CHECK(otlp_traces_url("http://127.0.0.1:4318/") == "http://127.0.0.1:4318/v1/traces");
  CHECK(otlp_traces_url("http://c:4318/custom/path") == "http://c:4318/custom/path");
}

TEST_CASE("otlp export POSTed to a local receiver", "[capture][otlp]") {
  httplib::Server srv;
  std::string got_body, got_type;
  srv.Post("/v1/traces", [&](const httplib::Request& req, httplib::Response& res) {
    got_body = req.body;
    got_type = req.get_header_value("Content-Type");
    res.set_content("{}", "application/json");
  });
  srv.Post("/reject", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content("bad spans", "text/plain");
  });
  const int port = srv.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread t([&] { srv.listen_after_bind(); });
  for (int i = 0; i < 500 && !srv.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(srv.is_running());

  ServingData d;
  serving::RequestRecord r;
  r.request_id = "abc";
  r.sent_ns = 1769952121000000000LL;
  r.first_token_ns = r.sent_ns + 5000000;
  r.end_ns = r.sent_ns + 9000000;
  r.output_tokens = 3;
  d.requests.push_back(r);
  const std::string body = otlp_json(d).dump();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  OtlpPostResult ok = post_otlp_json(base, body, 5000);
  CHECK(ok.ok);
  CHECK(ok.http_status == 200);
  CHECK(got_type == "application/json");
  CHECK(got_body == body);
  auto j = nlohmann::json::parse(got_body);
  CHECK(j["resourceSpans"][0]["scopeSpans"][0]["spans"].size() == 3);

  OtlpPostResult bad = post_otlp_json(base + "/reject", body, 5000);
  CHECK_FALSE(bad.ok);
  CHECK(bad.http_status == 400);
  CHECK(bad.error.find("bad spans") != std::string::npos);
  srv.stop();
  t.join();

  OtlpPostResult refused = post_otlp_json(base, body, 2000);  // nobody listens any more
  CHECK_FALSE(refused.ok);
  CHECK(refused.http_status == 0);
  CHECK_FALSE(refused.error.empty());
}
