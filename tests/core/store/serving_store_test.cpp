#include "core/store/serving_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "core/import/registry.h"
#include "core/store/run_file.h"
#include "core/store/sqlite_db.h"

namespace fs = std::filesystem;
using namespace hp;
using namespace hp::serving;

namespace {

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() /
         ("hotpath_serving_store_test_" + std::to_string(::getpid()) + "_" + name);
}

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
}

RequestRecord sample_request(uint64_t i) {
  RequestRecord r;
  r.request_id = "hp-test-" + std::to_string(i);
  r.endpoint = "/v1/chat/completions";
  r.warmup = i == 0;
  r.scheduled_ns = 1'700'000'000'000'000'000 + static_cast<int64_t>(i) * 1'000'000;
  r.sent_ns = r.scheduled_ns + 1000;
  r.first_chunk_ns = r.sent_ns + 40'000'000;
  r.first_token_ns = r.sent_ns + 50'000'000;
  for (int k = 0; k < 5; ++k) r.token_chunk_ns.push_back(r.first_token_ns + k * 10'000'000 + k * 7);
  r.end_ns = r.token_chunk_ns.back() + 123;
  r.prompt_tokens = 17;
  r.output_tokens = 5;
  r.tokens_from_usage = true;
  r.max_tokens = 5;
  r.status = i == 2 ? RequestStatus::Disconnect : RequestStatus::Ok;
  r.http_status = 200;
  r.error = i == 2 ? "closed after 3 chunks" : "";
  r.server.received_ns = r.sent_ns + 300;
  r.server.method = CorrelationMethod::RequestId;
  r.server.clock_offset_ns = -42;
  return r;
}

}  // namespace

TEST_CASE("serving store: requests, series and events round-trip", "[serving_store]") {
  fs::path p = temp_path("roundtrip.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    w.set_meta("engine", "vllm");
    w.set_meta("HF_TOKEN", "hf_abcdefghijklmnopqrstuvwxyz");
    w.set_meta("kv_cache_tokens", "5863776");  // a count, not a credential
    w.set_meta("TOKENS_AND_TOKEN", "x");
    w.set_meta("flags", "--endpoint http://x --api-key sk-abcdefghijklmnop --x Bearer abcdefghijkl");
    for (uint64_t i = 0; i < 3; ++i) w.add_request(sample_request(i));
    SeriesKey k{"vllm:num_requests_running", {{"engine", "0"}, {"model_name", "m"}}};
    w.add_samples(k, {{1'700'000'000'000'000'000, 3}, {1'700'000'001'000'000'000, 4}});
    w.add_samples(k, {{1'700'000'002'000'000'000, NAN}});
    w.add_samples({"running", {}}, {{1'700'000'000'500'000'000, 2}}, true);
    w.add_server_event({1'700'000'000'000'000'001, "received", "hp-test-1", "cmpl-hp-test-1-0", 5});
    w.commit();
  }
  ServingData d = read_serving(p);
  CHECK(d.meta.at("engine") == "vllm");
  CHECK(d.meta.at("HF_TOKEN") == "<redacted>");
  CHECK(d.meta.at("kv_cache_tokens") == "5863776");
  CHECK(d.meta.at("TOKENS_AND_TOKEN") == "<redacted>");
  CHECK(d.meta.at("flags") == "--endpoint http://x --api-key <redacted> --x <redacted>");
  REQUIRE(d.requests.size() == 3);
  for (uint64_t i = 0; i < 3; ++i) {
    RequestRecord e = sample_request(i);
    const RequestRecord& r = d.requests[i];
    CHECK(r.request_id == e.request_id);
    CHECK(r.endpoint == e.endpoint);
    CHECK(r.warmup == e.warmup);
    CHECK(r.scheduled_ns == e.scheduled_ns);
    CHECK(r.sent_ns == e.sent_ns);
    CHECK(r.first_chunk_ns == e.first_chunk_ns);
    CHECK(r.first_token_ns == e.first_token_ns);
    CHECK(r.end_ns == e.end_ns);
    CHECK(r.token_chunk_ns == e.token_chunk_ns);
    CHECK(r.prompt_tokens == 17);
    CHECK(r.output_tokens == 5);
    CHECK(r.tokens_from_usage);
    CHECK(r.status == e.status);
    CHECK(r.error == e.error);
    CHECK(r.server.received_ns == e.server.received_ns);
    CHECK(r.server.method == CorrelationMethod::RequestId);
    CHECK(r.server.clock_offset_ns == -42);
  }
  REQUIRE(d.metrics.size() == 1);
  CHECK(d.metrics[0].key.name == "vllm:num_requests_running");
  CHECK(label_value(d.metrics[0].key.labels, "model_name") == "m");
  REQUIRE(d.metrics[0].samples.size() == 3);
  CHECK(d.metrics[0].samples[1].value == 4);
  CHECK(std::isnan(d.metrics[0].samples[2].value));
  REQUIRE(d.log_series.size() == 1);
  CHECK(d.log_series[0].key.name == "running");
  REQUIRE(d.server_events.size() == 1);
  CHECK(d.server_events[0].request_id == "hp-test-1");
  CHECK(d.server_events[0].value == 5);

  // A serving-only file is a run file that opens as an empty trace.
  auto run = open_run(p);
  CHECK(run->slices.size() == 0);
  remove_db(p);
}

TEST_CASE("serving store: a writer reopening the file appends", "[serving_store]") {
  fs::path p = temp_path("append.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    w.add_request(sample_request(0));
    w.add_samples({"a", {}}, {{1, 1}});
  }
  {
    ServingWriter w(p);
    w.add_request(sample_request(1));
    w.add_samples({"a", {}}, {{2, 2}});
  }
  ServingData d = read_serving(p);
  CHECK(d.requests.size() == 2);
  REQUIRE(d.metrics.size() == 1);
  CHECK(d.metrics[0].samples.size() == 2);
  remove_db(p);
}

TEST_CASE("serving store: a version-1 run file gains serving tables and stays a trace", "[serving_store]") {
  fs::path p = temp_path("v1.hotpath");
  fs::path s = temp_path("serving_only.hotpath");
  remove_db(p);
  remove_db(s);
  Run run;
  run.strings.intern("k");
  save_run(run, p);
  {
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  }
  CHECK(read_serving(p).empty());  // version 1: no serving tables
  CHECK(open_run(p)->strings.size() == run.strings.size());
  {
    ServingWriter w(s);
    w.add_request(sample_request(1));
  }
  copy_serving_tables(s, p);
  {
    SqliteDb db(p, SqliteDb::Mode::ReadOnly);
    CHECK(db.query_text("SELECT value FROM meta WHERE key = 'schema_version'") == "2");
  }
  CHECK(open_run(p)->strings.size() == run.strings.size());
  CHECK(read_serving(p).requests.size() == 1);
  remove_db(p);
  remove_db(s);
}

TEST_CASE("serving store: a writer refuses an SQLite file that is not a run file", "[serving_store]") {
  fs::path p = temp_path("other.db");
  remove_db(p);
  {
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec("CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES('format','other')");
  }
  CHECK_THROWS_WITH(ServingWriter(p), Catch::Contains("not a hotpath run file"));
  remove_db(p);
}

TEST_CASE("serving store: the predecessor's serve_profile.db maps onto the model", "[serving_store]") {
  fs::path p = temp_path("serve_profile.db");
  remove_db(p);
  {
    // Schema of alityb/hotpath src/store.cpp (reference/predecessors.md 1.3), with its migrations.
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec(R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE vllm_metrics(sample_time REAL, metric TEXT, value REAL, source TEXT NOT NULL DEFAULT '');
CREATE TABLE serve_analysis(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE request_traces(id INTEGER PRIMARY KEY, profile_id INTEGER, request_id TEXT, arrival_us INTEGER,
  queue_start_us INTEGER, prefill_start_us INTEGER, prefill_end_us INTEGER, first_token_us INTEGER,
  last_token_us INTEGER, completion_us INTEGER, prompt_tokens INTEGER, output_tokens INTEGER,
  cached_tokens INTEGER, status TEXT, server_last_token_us INTEGER, server_timing_available INTEGER,
  prompt_tokens_estimated INTEGER, prompt_text TEXT);
INSERT INTO meta VALUES('model', 'Qwen/Qwen3-8B'), ('hf_token', 'hf_abcdefghijklmnopqrstuvwx');
INSERT INTO serve_analysis VALUES('latency.e2e_p50', '812.5');
INSERT INTO vllm_metrics VALUES(1700000000.5, 'vllm:num_requests_running', 3, 'cluster');
INSERT INTO vllm_metrics VALUES(1700000001.5, 'vllm:num_requests_running', 5, 'cluster');
INSERT INTO request_traces VALUES(1, 1, 'hotpath-req-000001', 5000000, 0, 0, 0, 5050000, 5200000, 5210000,
  100, 20, 0, 'ok', 0, 0, 0, 'p');
INSERT INTO request_traces VALUES(2, 1, 'hotpath-req-000002', 5100000, 0, 0, 0, 0, 0, 5300000,
  100, 0, 0, 'error', 0, 0, 1, 'p');
)sql");
  }
  ServingData d = read_serving(p);
  CHECK(d.meta.at("predecessor.meta.model") == "Qwen/Qwen3-8B");
  CHECK(d.meta.at("predecessor.meta.hf_token") == "<redacted>");
  CHECK(d.meta.at("predecessor.serve_analysis.latency.e2e_p50") == "812.5");
  CHECK_THAT(d.meta.at("predecessor.clock"), Catch::Contains("aligned to the first metric sample"));
  REQUIRE(d.metrics.size() == 1);
  CHECK(label_value(d.metrics[0].key.labels, "source") == "cluster");
  CHECK(d.metrics[0].samples[0].ts_ns == 1'700'000'000'500'000'000);
  REQUIRE(d.requests.size() == 2);
  // The first arrival (5 s of steady_clock) lands on the first metric sample; the rest keep their spacing.
  CHECK(d.requests[0].sent_ns == 1'700'000'000'500'000'000);
  CHECK(d.requests[0].ttft_ns() == 50'000'000);
  CHECK(d.requests[0].e2e_ns() == 210'000'000);
  CHECK(d.requests[0].tokens_from_usage);
  CHECK(d.requests[1].sent_ns == 1'700'000'000'600'000'000);
  CHECK(d.requests[1].status == RequestStatus::HttpError);
  CHECK_FALSE(d.requests[1].tokens_from_usage);
  remove_db(p);
}

TEST_CASE("serving store: a series read from Prometheus keeps its source, apart from the scrape",
          "[serving_store]") {
  fs::path p = temp_path("source.hotpath");
  remove_db(p);
  SeriesKey k{"vllm:num_requests_running", {{"model_name", "m"}}};
  {
    ServingWriter w(p);
    w.add_samples(k, {{1, 3}});                               // the endpoint's own /metrics
    w.add_samples(k, {{1, 5}, {2, 6}}, false, "prometheus");  // the same name and labels, from the fleet
  }
  {
    ServingWriter w(p);  // reopened: the source is part of the series' identity
    w.add_samples(k, {{3, 7}}, false, "prometheus");
  }
  ServingData d = read_serving(p);
  REQUIRE(d.metrics.size() == 2);
  CHECK(d.metrics[0].source.empty());
  CHECK(d.metrics[0].samples.size() == 1);
  CHECK(d.metrics[1].source == "prometheus");
  CHECK(d.metrics[1].samples.size() == 3);
  remove_db(p);
}

TEST_CASE("serving store: a file without metric_series.source reads as scraped and gains the column",
          "[serving_store]") {
  fs::path p = temp_path("nosource.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    w.add_samples({"a", {}}, {{1, 1}});
  }
  {  // the table as files written before the column existed have it
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec(
        "CREATE TABLE old_series(id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels_json TEXT NOT NULL, "
        "from_log INTEGER NOT NULL, UNIQUE(name, labels_json, from_log));"
        "INSERT INTO old_series SELECT id, name, labels_json, from_log FROM metric_series;"
        "DROP TABLE metric_series; ALTER TABLE old_series RENAME TO metric_series;");
  }
  ServingData d = read_serving(p);
  REQUIRE(d.metrics.size() == 1);
  CHECK(d.metrics[0].source.empty());
  {
    ServingWriter w(p);
    w.add_samples({"b", {}}, {{2, 2}}, false, "prometheus");
  }
  d = read_serving(p);
  REQUIRE(d.metrics.size() == 2);
  CHECK(d.metrics[1].source == "prometheus");
  remove_db(p);
}

TEST_CASE("serving store: reading a finished run file leaves no -wal or -shm beside it", "[serving_store]") {
  fs::path p = temp_path("readonly.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    w.add_request(sample_request(0));
    w.commit();
  }
  REQUIRE_FALSE(fs::exists(p.string() + "-wal"));
  ServingData d = read_serving(p);
  CHECK(d.requests.size() == 1);
  CHECK_FALSE(fs::exists(p.string() + "-wal"));
  CHECK_FALSE(fs::exists(p.string() + "-shm"));
  remove_db(p);
}

namespace {

// Every stored field of two requests (index aside).
void check_same(const RequestRecord& r, const RequestRecord& e) {
  CHECK(r.request_id == e.request_id);
  CHECK(r.endpoint == e.endpoint);
  CHECK(r.purpose == e.purpose);
  CHECK(r.warmup == e.warmup);
  CHECK(r.scheduled_ns == e.scheduled_ns);
  CHECK(r.sent_ns == e.sent_ns);
  CHECK(r.first_chunk_ns == e.first_chunk_ns);
  CHECK(r.first_token_ns == e.first_token_ns);
  CHECK(r.end_ns == e.end_ns);
  CHECK(r.token_chunk_ns == e.token_chunk_ns);
  CHECK(r.prompt_tokens == e.prompt_tokens);
  CHECK(r.output_tokens == e.output_tokens);
  CHECK(r.cached_tokens == e.cached_tokens);
  CHECK(r.tokens_from_usage == e.tokens_from_usage);
  CHECK(r.max_tokens == e.max_tokens);
  CHECK(r.status == e.status);
  CHECK(r.http_status == e.http_status);
  CHECK(r.error == e.error);
  CHECK(r.server.received_ns == e.server.received_ns);
  CHECK(r.server.queued_ns == e.server.queued_ns);
  CHECK(r.server.scheduled_ns == e.server.scheduled_ns);
  CHECK(r.server.first_token_ns == e.server.first_token_ns);
  CHECK(r.server.finished_ns == e.server.finished_ns);
  CHECK(r.server.method == e.server.method);
  CHECK(r.server.clock_offset_ns == e.server.clock_offset_ns);
  CHECK(r.server.offset_uncertainty_ns == e.server.offset_uncertainty_ns);
}

RequestRecord varied_request(uint64_t i) {
  RequestRecord r = sample_request(i);
  r.purpose = i == 1 ? "probe:prefill" : "";
  r.cached_tokens = static_cast<uint32_t>(i * 3);
  if (i == 3) r.token_chunk_ns.clear();  // a request that never produced a token
  r.server.queued_ns = r.sent_ns + 500;
  r.server.finished_ns = i == 3 ? 0 : r.end_ns - 9;
  r.server.method = static_cast<CorrelationMethod>(i % 3);
  r.server.offset_uncertainty_ns = static_cast<int64_t>(i) * 11;
  r.http_status = i == 3 ? 503 : 200;
  return r;
}

}  // namespace

TEST_CASE("serving store: requests stored column by column read back exactly", "[serving_store]") {
  fs::path p = temp_path("columns.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    for (uint64_t i = 0; i < 4; ++i) w.add_request(varied_request(i));
    w.finish();
  }
  {
    SqliteDb db(p, SqliteDb::Mode::ReadOnly);
    CHECK(db.query_int("SELECT count(*) FROM requests_columns WHERE rows = 4") ==
          db.query_int("SELECT count(*) FROM requests_columns"));
    CHECK(db.query_int("SELECT count(*) FROM requests_columns") == 31);
  }
  ServingData d = read_serving(p);
  REQUIRE(d.requests.size() == 4);
  for (uint64_t i = 0; i < 4; ++i) check_same(d.requests[i], varied_request(i));
  ServingData c = read_serving(p, RequestForm::Columns);
  CHECK(c.requests.empty());
  REQUIRE(c.request_columns.size() == 4);
  CHECK(c.request_columns.request_id.at(2) == "hp-test-2");
  CHECK(c.request_columns.chunks_end == std::vector<uint64_t>{5, 10, 15, 15});

  // Rows added after finish() are not lost: the columns no longer cover them, so the rows are read.
  {
    ServingWriter w(p);
    w.add_request(varied_request(4));
  }
  d = read_serving(p, RequestForm::Columns);
  REQUIRE(d.request_columns.size() == 5);
  check_same(to_records(d.request_columns)[4], varied_request(4));
  remove_db(p);
}

TEST_CASE("serving store: a corrupt request column is an error naming the file and column",
          "[serving_store]") {
  fs::path p = temp_path("columns_bad.hotpath");
  remove_db(p);
  {
    ServingWriter w(p);
    for (uint64_t i = 0; i < 3; ++i) w.add_request(varied_request(i));
    w.finish();
  }
  {
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec("UPDATE requests_columns SET data = X'00010203' WHERE name = 'end_ns'");
  }
  CHECK_THROWS_WITH(read_serving(p), Catch::Contains(p.string()) &&
                                         Catch::Contains("requests_columns: column end_ns: corrupt"));
  {
    SqliteDb db(p, SqliteDb::Mode::Create);
    db.exec("DELETE FROM requests_columns WHERE name = 'end_ns'");
  }
  CHECK_THROWS_WITH(read_serving(p), Catch::Contains("column end_ns: missing"));
  remove_db(p);
}
