#pragma once
// The .hotpath run file: one portable SQLite database holding a whole Run. Event tables are
// stored column by column as zstd-compressed chunks, so opening decompresses straight into the
// Run's vectors instead of re-parsing a trace. Schema: README.md, "The run file".
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/model/load_status.h"
#include "core/model/run.h"

namespace hp {

// The schema version this build writes. open_run reads this and every older version.
// 2 adds the serving tables (core/store/serving_store.h); a file may hold only those.
constexpr int kRunFileSchemaVersion = 2;

// Writes the run (replacing any file at `path`) in one transaction.
// Throws std::runtime_error naming the file when it cannot be written.
void save_run(const Run& run, const std::filesystem::path& path);

// Reads a run file. Throws ImportError for a file that is not a run file, is corrupt or truncated,
// or was written by a newer hotpath. `progress` may be null.
std::unique_ptr<Run> open_run(const std::filesystem::path& path, LoadProgress* progress = nullptr);

// True for an SQLite file whose meta table says format = hotpath-run.
bool sniff_run_file(const std::filesystem::path& path, std::string_view head);

}  // namespace hp
