#pragma once
// Serving data in the .hotpath run file: requests with their chunk times, metric series and
// samples, log-derived series, and run metadata (engine, model, flags; credentials redacted).
// Written incrementally during capture (WAL, commit() at least once a second), so a killed
// capture loses at most the last second and the partial file still opens. These tables live in
// the same SQLite file as the trace columns of run_file.h (schema version 2 adds them).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/serving_data.h"
#include "core/serving/serving_sink.h"

namespace hp {

class ServingWriter : public ServingSink {
 public:
  // Creates the file (or adds the serving tables to an existing run file) in WAL mode.
  explicit ServingWriter(const std::filesystem::path& path);
  ~ServingWriter() override;  // commits what is pending
  ServingWriter(const ServingWriter&) = delete;
  ServingWriter& operator=(const ServingWriter&) = delete;

  void set_meta(const std::string& key, const std::string& value) override;  // value is redacted first
  void add_request(const serving::RequestRecord& r) override;
  void add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                   bool from_log = false, const std::string& source = {}) override;
  void add_server_event(const serving::ServerEvent& e) override;
  void add_kv_events(const std::vector<kv::KvBlockEvent>& events) override;
  void commit();  // makes everything added so far durable
  // Commits and stores the requests a second time, column by column (request_columns.h), so the run
  // opens fast. Call once when the capture or import ends; rows added later make readers fall back
  // to the row table until finish() runs again.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the serving tables (empty ServingData when the file has none). Throws ImportError on a
// corrupt file. Also reads the predecessor's serve_profile.db, mapped onto the same model.
// Columns fills ServingData::request_columns instead of ::requests (no per-request allocations).
enum class RequestForm { Records, Columns };
ServingData read_serving(const std::filesystem::path& path, RequestForm form = RequestForm::Records);

// The value set_meta stores: "<redacted>" when the key looks like a credential (*TOKEN*, *API_KEY*,
// *SECRET*, *PASSWORD*, authorization), else the value with hf_... / sk-... / "Bearer ..." tokens
// replaced by "<redacted>".
std::string redact_meta_value(std::string_view key, std::string_view value);

// Copies the serving tables of run file `from` into run file `to` (replacing any serving rows it
// has), so that a trace saved with save_run and a capture's serving data end up in one file.
void copy_serving_tables(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace hp
