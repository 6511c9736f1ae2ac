#include "core/util/redact.h"

#include <catch2/catch.hpp>

#include "tests/core/import/import_test_util.h"

namespace {
// A fake token of the real shape (hf_ + 34 alphanumerics); not a credential.
const std::string kTok = "hf_" + std::string("AbCdEfGhIjKlMnOpQrStUvWxYz01234567");
}  // namespace

TEST_CASE("sensitive key names", "[import][redact]") {
  CHECK(hp::is_sensitive_key("HF_TOKEN"));
  CHECK(hp::is_sensitive_key("hf_token"));
  CHECK(hp::is_sensitive_key("OPENAI_API_KEY"));
  CHECK(hp::is_sensitive_key("GITHUB_TOKEN"));
  CHECK(hp::is_sensitive_key("aws_secret_access_key"));
  CHECK(hp::is_sensitive_key("DB_PASSWORD"));
  CHECK_FALSE(hp::is_sensitive_key("PATH"));
  CHECK_FALSE(hp::is_sensitive_key("TOKENIZERS_PARALLELISM"));
  CHECK_FALSE(hp::is_sensitive_key("max_tokens"));
}

TEST_CASE("redact_json: keys, KEY=value strings and hf_ tokens", "[import][redact]") {
  std::vector<std::string> what;
  std::string out =
      hp::redact_json(R"({"env":{"HF_TOKEN":")" + kTok + R"(","PATH":"/bin","N_API_KEY":42},)" +
                          R"("list":["HF_TOKEN=)" + kTok + R"( X=1"],"note":"use )" + kTok + R"( here"})",
                      &what);
  CHECK(out == R"({"env":{"HF_TOKEN":"<redacted>","PATH":"/bin","N_API_KEY":"<redacted>"},)"
               R"("list":["HF_TOKEN=<redacted> X=1"],"note":"use <redacted> here"})");
  CHECK(what == std::vector<std::string>{"HF_TOKEN", "N_API_KEY", "HF_TOKEN", "hf_token"});
  std::string s = "a " + kTok + " b hf_short";
  CHECK(hp::redact_hf_tokens(s) == 1);
  CHECK(s == "a <redacted> b hf_short");
}

TEST_CASE("a trace with credentials: the token appears nowhere in the Run", "[import][redact]") {
  std::string json =
      R"({"metadata":{"env":{"HF_TOKEN":")" + kTok + R"(","OPENAI_API_KEY":"sk-abc","HOME":"/root"},)" +
      R"("argv":["--hf-token","HF_TOKEN=)" + kTok + R"("]},"traceEvents":[)" + R"({"ph":"X","name":"load )" +
      kTok + R"(","pid":1,"tid":1,"ts":1,"dur":1,"args":{"token":")" + kTok + R"("}},)" +
      R"({"ph":"M","name":"process_name","pid":1,"args":{"name":"python","secret_password":"pw"}}]})";
  auto run = hp::test::import_text(json);
  // metadata: HF_TOKEN, OPENAI_API_KEY, HF_TOKEN=...; events: name + args token; M: secret_password.
  CHECK(run->redactions == 6);
  CHECK(run->log.count("redacted") == 6);
  const std::string secret = kTok.substr(3);
  CHECK(run->raw_args.find(secret) == std::string::npos);
  CHECK(run->sources[0].metadata_json.find(secret) == std::string::npos);
  CHECK(run->sources[0].metadata_json.find("sk-abc") == std::string::npos);
  CHECK(run->sources[0].metadata_json.find("/root") != std::string::npos);
  for (uint32_t i = 0; i < run->strings.size(); ++i)
    CHECK(run->str(i).find(secret) == std::string_view::npos);
  for (const auto& e : run->log.entries()) CHECK(e.message.find(secret) == std::string::npos);
  CHECK(run->str(run->slices.name[0]) == "load <redacted>");
  CHECK(run->str(run->tracks[0].process_name) == "python");
}

TEST_CASE("package pins are not credentials, real tokens beside them still are", "[import][redact]") {
  std::vector<std::string> what;
  // TraceLens metadata keeps the pip list; SecretStorage is a keyring backend, not a secret.
  std::string out = hp::redact_json(R"({"pip":["SecretStorage==3.3.1","keyring>=23.5","torch==2.4.0"],)"
                                    R"("env":"HF_TOKEN=)" +
                                        kTok + R"( CLIENT_SECRET=abc","secret_key":"xyz"})",
                                    &what);
  CHECK(out == R"({"pip":["SecretStorage==3.3.1","keyring>=23.5","torch==2.4.0"],)"
               R"("env":"HF_TOKEN=<redacted> CLIENT_SECRET=<redacted>","secret_key":"<redacted>"})");
  CHECK(what == std::vector<std::string>{"HF_TOKEN", "CLIENT_SECRET", "secret_key"});
}
