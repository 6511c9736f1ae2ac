#pragma once
// The requests table stored a second time, column by column (one zstd frame per column), so that
// opening a run with a million requests decompresses arrays instead of stepping through a million
// SQLite rows of 27 columns. Written when a capture ends (ServingWriter::finish); the row table
// stays the source of truth and readers use the columns only when they cover every row.
#include <map>
#include <string>
#include <vector>

#include "core/serving/request_columns.h"

namespace hp {

struct EncodedColumn {
  std::string name;   // "sent_ns", "request_id.end", "token_chunks.ns", ...
  std::string codec;  // "zstd" or "zstd-delta64"
  size_t raw_bytes = 0;
  std::string data;  // the zstd frame
};

std::vector<EncodedColumn> encode_request_columns(const serving::RequestColumns& cols);

// Rebuilds `rows` requests. Throws ImportError naming `file` and the column when one is missing,
// corrupt or inconsistent.
serving::RequestColumns decode_request_columns(const std::map<std::string, EncodedColumn>& cols, size_t rows,
                                               const std::string& file);

}  // namespace hp
