// Chrome JSON parsing details: exact times, chunking, kernels, and malformed inputs.
#include "core/import/chrome_json.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>
#include <catch2/catch.hpp>

#include "core/import/registry.h"
#include "core/util/input_file.h"
#include "tests/core/import/import_test_util.h"

using hp::test::import_text;

namespace {

const std::string kTwo =
    R"({"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":2},{"ph":"X","name":"b","pid":1,"tid":1,"ts":4,"dur":1})";

std::string fixture_json(const char* name) {
  hp::LoadProgress p;
  auto buf = hp::read_input_file(std::filesystem::path(HOTPATH_TEST_DATA) / "kineto" / name, p);
  return std::string(buf.view());
}

}  // namespace

TEST_CASE("ts/dur: exact decimal microseconds to int64 ns", "[import][chrome_json]") {
  int64_t ns = 0;
  CHECK(hp::parse_us_to_ns("1712195495519689.047", ns) == hp::NumStatus::Ok);
  CHECK(ns == 1712195495519689047LL);
  CHECK(hp::parse_us_to_ns("0.001", ns) == hp::NumStatus::Ok);
  CHECK(ns == 1);
  CHECK(hp::parse_us_to_ns("12", ns) == hp::NumStatus::Ok);
  CHECK(ns == 12000);
  CHECK(hp::parse_us_to_ns("-3.5", ns) == hp::NumStatus::Ok);
  CHECK(ns == -3500);
  CHECK(hp::parse_us_to_ns("1.5e3", ns) == hp::NumStatus::Ok);
  CHECK(ns == 1500000);
  CHECK(hp::parse_us_to_ns("0.0004", ns) == hp::NumStatus::Ok);
  CHECK(ns == 0);
  CHECK(hp::parse_us_to_ns("0.0005", ns) == hp::NumStatus::Ok);
  CHECK(ns == 1);
  bool quoted = false;
  CHECK(hp::parse_us_to_ns("\"7.25\"", ns, &quoted) == hp::NumStatus::Ok);
  CHECK((quoted && ns == 7250));
  CHECK(hp::parse_us_to_ns("99999999999999999999", ns) == hp::NumStatus::Overflow);
  CHECK(hp::parse_us_to_ns("NaN", ns) == hp::NumStatus::NotFinite);
  CHECK(hp::parse_us_to_ns("-Infinity", ns) == hp::NumStatus::NotFinite);
  CHECK(hp::parse_us_to_ns("abc", ns) == hp::NumStatus::Invalid);
  // Edges of the 8-digits-at-a-time path: the int64 limit, 17 whole digits at scale 3, '.5' and '5.'.
  CHECK(hp::parse_us_to_ns("9223372036854775.807", ns) == hp::NumStatus::Ok);
  CHECK(ns == INT64_MAX);
  CHECK(hp::parse_us_to_ns("9223372036854775.808", ns) == hp::NumStatus::Overflow);
  CHECK(hp::parse_us_to_ns("-9223372036854775.807", ns) == hp::NumStatus::Ok);
  CHECK(ns == -INT64_MAX);
  CHECK(hp::parse_us_to_ns("99999999999999999", ns) == hp::NumStatus::Overflow);
  CHECK(hp::parse_us_to_ns("12345678.9", ns) == hp::NumStatus::Ok);
  CHECK(ns == 12345678900LL);
  CHECK(hp::parse_us_to_ns(".5", ns) == hp::NumStatus::Ok);
  CHECK(ns == 500);
  CHECK(hp::parse_us_to_ns("5.", ns) == hp::NumStatus::Ok);
  CHECK(ns == 5000);
  CHECK(hp::parse_us_to_ns("1234567a", ns) == hp::NumStatus::Invalid);
  CHECK(hp::parse_us_to_ns("12345678.", ns) == hp::NumStatus::Ok);
  CHECK(ns == 12345678000LL);
  CHECK(hp::parse_scaled_int("1234567890123456789", 0, ns) == hp::NumStatus::Ok);
  CHECK(ns == 1234567890123456789LL);
  CHECK(hp::parse_scaled_int("9300000000000000000", 0, ns) == hp::NumStatus::Overflow);
  auto run = import_text(
      R"({"traceEvents":[{"ph":"X","name":"n","pid":1,"tid":1,"ts":1712195495519689.047,"dur":0.001}]})");
  REQUIRE(run->slices.size() == 1);
  CHECK(run->slices.start[0] == 1712195495519689047LL);
  CHECK(run->slices.dur[0] == 1);
}

TEST_CASE("top-level keys before or after traceEvents, metadata kept", "[import][chrome_json]") {
  auto after = import_text(
      R"({"schemaVersion":1,"traceEvents":[)" + kTwo +
      R"(],"displayTimeUnit":"ns","baseTimeNanoseconds":1727743122000000000,"traceName":"x","distributedInfo":{"rank":3,"world_size":8}})");
  auto before = import_text(
      R"({"displayTimeUnit":"ns","baseTimeNanoseconds":1727743122000000000,"traceEvents":[)" + kTwo + "]}");
  for (auto* run : {after.get(), before.get()}) {
    CHECK(run->sources[0].display_time_unit == "ns");
    CHECK(run->sources[0].base_time_ns == 1727743122000000000LL);
    CHECK(run->slices.size() == 2);
    CHECK(run->slices.start[0] == 1000);  // µs whatever displayTimeUnit says
  }
  CHECK(after->sources[0].rank == 3);
  CHECK(after->sources[0].world_size == 8);
  CHECK(after->tracks[0].rank == 3);
  CHECK(after->sources[0].schema_version == 1);
  CHECK(after->sources[0].metadata_json == R"({"traceName":"x"})");
}

TEST_CASE("chunking and both kernels give the same Run", "[import][chrome_json]") {
  std::string json = fixture_json("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz");
  auto ref = import_text(json);
  for (size_t chunk : {size_t{1}, size_t{100}, size_t{4096}, size_t{1} << 30}) {
    for (bool generic : {false, true}) {
      INFO("chunk " << chunk << " generic " << generic);
      auto run = import_text(json, hp::ChromeJsonOptions{chunk, generic, chunk});  // chunk 1: split scan
      CHECK(run->sources[0].by_cat == ref->sources[0].by_cat);
      CHECK(run->sources[0].by_ph == ref->sources[0].by_ph);
      CHECK(run->slices.start == ref->slices.start);
      CHECK(run->slices.dur == ref->slices.dur);
      CHECK(run->slices.depth == ref->slices.depth);
      CHECK(run->gpu.launch_slice == ref->gpu.launch_slice);
      CHECK(run->raw_args == ref->raw_args);
      CHECK(run->log.counts() == ref->log.counts());
    }
  }
  CHECK(ref->python.size() == 984);  // python_function events with Python id
  CHECK(ref->sources[0].events == 1993);
}

TEST_CASE("input pages given back while two threads parse leave every event intact",
          "[import][chrome_json]") {
  // A zstd file decompresses into memory of the importer's own, where a page given back too early
  // reads as zeros: batches of one byte give back each run of copied chunks as soon as it forms.
  std::string json = fixture_json("tracelens_vllm_decode_fullgraph_mi300x_exec.json.gz");
  hp::ChromeJsonOptions opts;
  opts.chunk_bytes = 16384;
  auto ref = import_text(json, opts);
  std::string z(ZSTD_compressBound(json.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), json.data(), json.size(), 1));
  const auto path = hp::test::temp_file("released.json.zst", z);
  for (size_t batch : {size_t{1}, size_t{65536}, size_t{8} << 20}) {
    INFO("batch " << batch);
    opts.release_batch_bytes = batch;
    hp::RunBuilder b;
    hp::LoadProgress p;
    hp::load_chrome_json_file(path, b, p, opts);
    auto run = b.finish();
    CHECK(run->sources[0].events == 1993);
    CHECK(run->slices.start == ref->slices.start);
    CHECK(run->slices.name == ref->slices.name);
    CHECK(run->raw_args == ref->raw_args);
    CHECK(run->log.counts() == ref->log.counts());
  }
}

TEST_CASE("a two-half scan gives the same Run as one pass, also when its guess is wrong",
          "[import][chrome_json]") {
  auto event = [](int i, const std::string& args) {
    return "{\"ph\":\"X\",\"name\":\"e" + std::to_string(i) +
           "\",\"pid\":1,\"tid\":1,\"ts\":" + std::to_string(10 * i) + ",\"dur\":5,\"args\":" + args + "}";
  };
  // The odd one out sits at each position in turn, so the guessed boundary falls inside it: in an
  // array of objects (depth 3), in a string holding a raw newline (invalid; repaired), or nowhere odd.
  for (const std::string odd : {"{\"list\":[{\"a\":1},\n  {\"b\":2}]}", "{\"s\":\"x,\n{y\"}", "{}"}) {
    for (int at = 0; at < 12; ++at) {
      std::string json = "{\"traceEvents\":[\n";
      for (int i = 0; i < 12; ++i) json += (i ? ",\n  " : "") + event(i, i == at ? odd : "{}");
      json += "\n],\"displayTimeUnit\":\"ms\"}";
      for (size_t cut : {json.size(), json.size() - 40}) {  // whole, and truncated
        INFO("odd " << odd << " at " << at << " cut " << cut);
        std::string_view text(json.data(), cut);
        auto one = import_text(text, hp::ChromeJsonOptions{7, false, 0});
        auto two = import_text(text, hp::ChromeJsonOptions{7, false, 1});
        CHECK(two->sources[0].events == one->sources[0].events);
        CHECK(two->slices.start == one->slices.start);
        CHECK(two->slices.name == one->slices.name);
        CHECK(two->raw_args == one->raw_args);
        CHECK(two->log.counts() == one->log.counts());
        CHECK(one->sources[0].events == (cut == json.size() ? 12u : 11u));
      }
    }
  }
}

TEST_CASE("gzip size hint: the trailer when plausible, never gigabytes from a bad one", "[import][input]") {
  std::string gz = hp::test::read_file(std::filesystem::path(HOTPATH_TEST_DATA) /
                                       "kineto/hta_alexnet_a100_critical_path.json.gz");
  hp::LoadProgress p;
  const size_t real = hp::decode_input(gz, "x.json.gz", &p).size();
  CHECK(hp::gunzip_size_hint(gz) == real);
  std::string bad = gz;
  for (size_t i = bad.size() - 4; i < bad.size(); ++i) bad[i] = '\xF0';  // claims ~4 GB
  CHECK(hp::gunzip_size_hint(bad) == bad.size() * 8);
  CHECK(hp::gunzip_size_hint("short") == 40);
}

TEST_CASE("gzip and zstd are detected by content, corrupt data names the offset", "[import][input]") {
  std::string json = "[" + kTwo + "]";
  // zstd
  std::string z(ZSTD_compressBound(json.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), json.data(), json.size(), 3));
  auto zpath = hp::test::temp_file("trace_no_ext", z);  // no extension: content decides
  hp::LoadProgress p;
  auto run = hp::load_inputs({zpath}, p);
  CHECK(run->slices.size() == 2);
  // gzip (a real fixture) with bytes in the middle of the deflate stream flipped
  std::string gz = hp::test::read_file(std::filesystem::path(HOTPATH_TEST_DATA) /
                                       "kineto/hta_alexnet_a100_critical_path.json.gz");
  for (size_t i = 2000; i < 2400; ++i) gz[i] = static_cast<char>(~gz[i]);
  auto gpath = hp::test::temp_file("corrupt.json.gz", gz);
  REQUIRE_THROWS_WITH(hp::load_inputs({gpath}, p),
                      Catch::Contains("corrupt gzip data") && Catch::Contains("corrupt.json.gz"));
  try {
    hp::load_inputs({gpath}, p);
  } catch (const hp::ImportError& e) {
    CHECK(e.offset() >= 2000);
    CHECK(e.offset() <= gz.size());
  }
  // truncated gzip
  std::string cut = hp::test::read_file(std::filesystem::path(HOTPATH_TEST_DATA) /
                                        "kineto/hta_alexnet_a100_critical_path.json.gz");
  cut.resize(cut.size() / 2);  // salvaged like truncated plain JSON, with warnings
  auto salvaged = hp::load_inputs({hp::test::temp_file("cut.json.gz", cut)}, p);
  CHECK(salvaged->log.count("json.truncated_compressed") == 1);
  CHECK(salvaged->log.count("json.truncated") == 1);
  CHECK(salvaged->sources.at(0).events > 0);
  // ... but a truncated gzip is still an error where no salvage was asked for (decode_input)
  CHECK_THROWS_WITH(hp::decode_input(cut, "cut.json.gz"), Catch::Contains("truncated gzip"));
  // corrupt zstd
  std::string zc = z;
  for (size_t i = 6; i < zc.size(); ++i) zc[i] = static_cast<char>(zc[i] ^ 0x5a);
  REQUIRE_THROWS_WITH(hp::load_inputs({hp::test::temp_file("bad.json.zst", zc)}, p), Catch::Contains("zstd"));
}

TEST_CASE("malformed inputs: errors and counted warnings, never a crash",
          "[import][chrome_json][malformed]") {
  hp::LoadProgress p;
  SECTION("empty file and not JSON") {
    REQUIRE_THROWS_WITH(hp::load_inputs({hp::test::temp_file("empty.json", "")}, p),
                        Catch::Contains("empty.json") && Catch::Contains("not a JSON trace"));
    REQUIRE_THROWS_WITH(hp::load_inputs({hp::test::temp_file("text.json", "hello")}, p),
                        Catch::Contains("not a JSON trace"));
    REQUIRE_THROWS_WITH(import_text(R"({"foo":1})"), Catch::Contains("not a JSON trace"));
  }
  SECTION("truncated array: keeps every complete event") {
    auto run = import_text(R"({"traceEvents":[)" + kTwo + R"(,{"ph":"X","na)");
    CHECK(run->slices.size() == 2);
    CHECK(run->log.count("json.truncated") == 1);
    auto run2 = import_text("[" + kTwo);  // just the closing bracket missing
    CHECK(run2->slices.size() == 2);
    CHECK(run2->log.count("json.truncated") == 1);
    auto run3 = import_text("[" + kTwo + R"(,{"ph":"X","name":"unterminated string)");
    CHECK(run3->slices.size() == 2);
    CHECK(run3->sources[0].events == 2);
    CHECK(run3->log.entries()[0].offset == 1 + kTwo.size() + 1);
  }
  SECTION("10 MB string") {
    std::string big(10 << 20, 'x');
    auto run =
        import_text(R"([{"ph":"X","pid":1,"tid":1,"ts":1,"dur":1,"name":")" + big + "\"}," + kTwo + "]",
                    hp::ChromeJsonOptions{1 << 16, false});
    REQUIRE(run->slices.size() == 3);
    size_t longest = 0;
    for (size_t i = 0; i < run->slices.size(); ++i)
      longest = std::max(longest, run->str(run->slices.name[i]).size());
    CHECK(longest == big.size());
  }
  SECTION("deep nesting") {
    std::string deep = std::string(5000, '[') + std::string(5000, ']');
    auto run = import_text(R"([{"ph":"X","name":"deep","pid":1,"tid":1,"ts":1,"dur":1,"args":{"a":)" + deep +
                           "}}," + kTwo + "]");
    CHECK(run->sources[0].events == 3);
    REQUIRE(run->slices.size() == 3);  // args are kept raw: their depth is never walked
    size_t args = 0;
    for (size_t i = 0; i < run->slices.size(); ++i) args = std::max<size_t>(args, run->slices.args[i].length);
    CHECK(args == deep.size() + 6);
  }
  SECTION("duplicate keys: the last wins") {
    auto run = import_text(R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"ts":2,"dur":1}])");
    CHECK(run->slices.start[0] == 2000);
    CHECK(run->log.count("json.duplicate_key") == 1);
  }
  SECTION("NaN and Infinity") {
    auto run = import_text(
        R"([{"ph":"X","name":"a","pid":1,"tid":1,"ts":NaN,"dur":Infinity,"args":{"est. achieved occupancy %":NaN}},)" +
        kTwo + "]");
    CHECK(run->slices.size() == 3);
    CHECK(run->log.count("json.nan") == 2);
  }
  SECTION("string ts, pid and tid") {
    auto run =
        import_text(R"([{"ph":"X","name":"a","pid":"Spans","tid":"PyTorch Profiler","ts":"12.5","dur":1}])");
    REQUIRE(run->slices.size() == 1);
    CHECK(run->slices.start[0] == 12500);
    CHECK(run->log.count("json.string_number") == 1);
    CHECK(run->str(run->tracks[0].pid_name) == "Spans");
    CHECK(run->str(run->tracks[0].tid_name) == "PyTorch Profiler");
  }
  SECTION("control characters and invalid UTF-8") {
    std::string bad = R"([{"ph":"X","name":"ctl)" + std::string("\x01\x02", 2) +
                      R"(","pid":1,"tid":1,"ts":1,"dur":1},)" + R"({"ph":"X","name":"utf)" +
                      std::string("\xff\xfe", 2) + R"(","pid":1,"tid":1,"ts":2,"dur":1},)" + kTwo + "]";
    auto run = import_text(bad);
    CHECK(run->slices.size() == 4);
    CHECK(run->log.count("json.invalid_utf8") == 1);
    bool found = false;
    for (size_t i = 0; i < run->slices.size(); ++i) found = found || run->str(run->slices.name[i]) == "utf??";
    CHECK(found);
    for (const auto& e : run->log.entries())
      if (e.code == "json.invalid_utf8") CHECK(e.offset == bad.find('\xff'));
  }
  SECTION("integers beyond int64") {
    auto run = import_text(
        R"([{"ph":"X","name":"a","pid":99999999999999999999,"tid":1,"ts":99999999999999999999,"dur":1,"args":{"correlation":18446744073709551615}}])");
    REQUIRE(run->slices.size() == 1);
    CHECK(run->log.count("json.int_overflow") == 2);
    CHECK(run->str(run->tracks[0].pid_name) == "99999999999999999999");
  }
  SECTION("entries that are not objects") {
    auto run = import_text("[1,\"x\"," + kTwo + "]");
    CHECK(run->slices.size() == 2);
    CHECK(run->sources[0].events == 4);
    CHECK(run->log.count("json.not_an_object") == 2);
  }
}

TEST_CASE("chunks parsed ahead on a second thread keep order, recovery and redaction",
          "[import][chrome_json]") {
  const std::string tok = "hf_" + std::string("AbCdEfGhIjKlMnOpQrStUvWxYz01234567");  // fake, real shape
  std::string json = "[";
  for (int i = 0; i < 40; ++i) {
    if (i) json += ",";
    if (i == 7) json += "17,";                                 // not an object
    if (i == 13) json += R"({"ph":"X","name":"bad\u00zz"},)";  // unparseable escape
    if (i == 21)
      json += R"({"ph":"X","name":"c)"
              "\x01"
              R"(d","pid":1,"tid":1,"ts":0,"dur":1},)";  // control char
    json += fmt::format(R"({{"ph":"X","name":"e{}","pid":1,"tid":1,"ts":{},"dur":1,"args":{{"t":"{}"}}}})", i,
                        i * 10, i == 30 ? tok : "x");
  }
  json += "]";
  auto one = import_text(json);  // a single chunk, parsed on the calling thread
  for (size_t chunk : {size_t{1}, size_t{64}, size_t{700}}) {
    INFO("chunk " << chunk);
    auto run = import_text(json, hp::ChromeJsonOptions{chunk, false});
    CHECK(run->sources[0].events == 43);
    CHECK(run->sources[0].by_ph == one->sources[0].by_ph);
    CHECK(run->log.count("json.not_an_object") == 1);
    CHECK(run->log.count("json.bad_event") == 1);
    CHECK(run->log.count("json.control_char") == 1);
    CHECK(run->redactions == 1);
    CHECK(run->raw_args.find("hf_AbCd") == std::string::npos);
    REQUIRE(run->slices.size() == 41);
    CHECK(run->slices.start == one->slices.start);
    for (size_t i = 0; i < run->slices.size(); ++i)
      CHECK(run->str(run->slices.name[i]) == one->str(one->slices.name[i]));
  }
}
