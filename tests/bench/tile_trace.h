#pragma once
// Generators for the import benchmark: a real trace repeated ("tiled") until it reaches N MB, so that
// every fixture shape can be measured at one size.
//  - Kineto JSON: the traceEvents entries are copied byte for byte; only each tile's ts (shifted by
//    whole µs past the fixture's span, so the fraction text stays as written: integer ts stay
//    integers, 3-decimal ts keep their 3 decimals) and positive integer ids are rewritten. Ids are
//    shifted per tile by their own span in the fixture, as a longer capture would number them;
//    groups that must stay equal (flow id = correlation) share one stride.
//  - nsys SQLite: a copy of the export whose activity tables (kernels, memcpy, memset, sync,
//    runtime, NVTX) get each tile's rows appended with start/end and correlationId shifted.
#include <simdjson.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/import/chrome_json.h"
#include "core/store/sqlite_db.h"
#include "core/util/input_file.h"

namespace hp::bench {

namespace tile_detail {

enum IdGroup { kFlowCorrelation, kExternal, kPython, kEvIdx, kGroups, kTs = kGroups };
struct Edit {
  uint32_t at, len;  // within the event's text
  int kind;          // IdGroup or kTs
  int64_t value;     // the id, or the ts' integer part (µs)
};
struct Event {
  std::string_view text;
  std::vector<Edit> edits;
};

inline int id_group(std::string_view key) {
  if (key == "correlation") return kFlowCorrelation;
  if (key == "External id") return kExternal;
  if (key == "Python id" || key == "Python parent id") return kPython;
  if (key == "Ev Idx") return kEvIdx;
  return -1;
}

// A bare positive integer token.
inline bool positive_int(std::string_view t, int64_t& v) {
  if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string_view::npos) return false;
  v = std::stoll(std::string(t));
  return v > 0;
}

inline std::string_view trimmed(std::string_view t) {
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return t;
}

}  // namespace tile_detail

inline void tile_kineto(const std::filesystem::path& src, const std::string& out_path, size_t target_mb) {
  using namespace tile_detail;
  namespace od = simdjson::ondemand;
  hp::LoadProgress p;
  InputBuffer buf = read_input_file(src, p);
  od::parser parser;
  od::document doc = parser.iterate(buf.data(), buf.size(), buf.size() + InputBuffer::kPadding);
  std::string head = "{";
  std::vector<Event> events;
  Ns lo = INT64_MAX, hi = INT64_MIN;
  int64_t id_lo[kGroups], id_hi[kGroups], stride[kGroups];
  std::fill(id_lo, id_lo + kGroups, INT64_MAX);
  std::fill(id_hi, id_hi + kGroups, INT64_MIN);
  auto note_id = [&](Event& e, std::string_view tok, int g) {
    int64_t v = 0;
    if (g < 0 || !positive_int(tok, v)) return;
    e.edits.push_back(
        {static_cast<uint32_t>(tok.data() - e.text.data()), static_cast<uint32_t>(tok.size()), g, v});
    id_lo[g] = std::min(id_lo[g], v), id_hi[g] = std::max(id_hi[g], v);
  };
  for (auto field : doc.get_object()) {
    std::string key(field.unescaped_key().value());
    od::value v = field.value();
    if (key != "traceEvents") {
      std::string_view raw;
      if (v.type().value() == od::json_type::object)
        raw = v.get_object().value().raw_json().value();
      else if (v.type().value() == od::json_type::array)
        raw = v.get_array().value().raw_json().value();
      else
        raw = trimmed(v.raw_json_token());
      head += nlohmann::json(key).dump() + ":" + std::string(raw) + ",";
      continue;
    }
    for (auto el : v.get_array()) {
      od::object obj = el.get_object();
      Event e;
      e.text = obj.raw_json().value();
      obj.reset().value();
      Ns ts = 0, dur = 0;
      bool has_ts = false;
      for (auto f : obj) {
        std::string_view k = f.unescaped_key().value();
        od::value fv = f.value();
        if (k == "ts" || k == "dur") {
          std::string_view tok = trimmed(fv.raw_json_token());
          Ns ns = 0;
          if (tok.empty() || tok[0] == '"' || parse_us_to_ns(tok, ns) != NumStatus::Ok) continue;
          if (k == "dur") {
            dur = ns;
            continue;
          }
          ts = ns, has_ts = true;
          size_t int_len = std::min(tok.find_first_of(".eE"), tok.size());
          if (tok[0] != '-' && tok.find_first_of("eE") == std::string_view::npos)
            e.edits.push_back({static_cast<uint32_t>(tok.data() - e.text.data()),
                               static_cast<uint32_t>(int_len), kTs,
                               std::stoll(std::string(tok.substr(0, int_len)))});
        } else if (k == "id") {
          note_id(e, trimmed(fv.raw_json_token()), kFlowCorrelation);
        } else if (k == "args" && fv.type().value() == od::json_type::object) {
          for (auto a : fv.get_object()) {
            int g = id_group(a.unescaped_key().value());
            od::value av = a.value();
            note_id(e, trimmed(av.raw_json_token()), g);
          }
        }
      }
      if (has_ts) lo = std::min(lo, ts), hi = std::max(hi, ts + std::max<Ns>(dur, 0));
      std::sort(e.edits.begin(), e.edits.end(), [](const Edit& a, const Edit& b) { return a.at < b.at; });
      events.push_back(std::move(e));
    }
  }
  for (int g = 0; g < kGroups; ++g) stride[g] = id_hi[g] >= id_lo[g] ? id_hi[g] - id_lo[g] + 1 : 0;
  const int64_t dt_us = lo <= hi ? (hi - lo) / 1000 + 1000 : 0;
  std::FILE* out = std::fopen(out_path.c_str(), "wb");
  if (!out) throw std::runtime_error("cannot write " + out_path);
  head += "\"traceEvents\":[\n";
  std::string s = head;
  size_t written = 0, target = target_mb << 20;
  bool first = true;
  for (int64_t tile = 0; written + s.size() < target; ++tile) {
    for (const Event& e : events) {
      if (!first) s += ",\n";
      first = false;
      size_t at = 0;
      for (const Edit& ed : e.edits) {
        s.append(e.text.substr(at, ed.at - at));
        int64_t shift = ed.kind == kTs ? tile * dt_us : tile * stride[ed.kind];
        fmt::format_to(std::back_inserter(s), "{}", ed.value + shift);
        at = ed.at + ed.len;
      }
      s.append(e.text.substr(at));
      if (s.size() >= (8 << 20)) written += std::fwrite(s.data(), 1, s.size(), out), s.clear();
    }
    if (events.empty()) break;
  }
  s += "\n]}\n";
  std::fwrite(s.data(), 1, s.size(), out);
  std::fclose(out);
}

// The nsys tables the importer reads, in the order they are tiled.
inline const std::vector<std::string>& nsys_activity_tables() {
  static const std::vector<std::string> t = {"CUPTI_ACTIVITY_KIND_KERNEL",
                                             "CUPTI_ACTIVITY_KIND_MEMCPY",
                                             "CUPTI_ACTIVITY_KIND_MEMSET",
                                             "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
                                             "CUPTI_ACTIVITY_KIND_RUNTIME",
                                             "NVTX_EVENTS",
                                             "OSRT_API"};
  return t;
}

inline void tile_nsys(const std::filesystem::path& src, const std::string& out_path, size_t target_mb) {
  std::filesystem::copy_file(src, out_path, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(out_path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  SqliteDb db(out_path, SqliteDb::Mode::Create);
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
  std::vector<std::string> tables;
  Ns lo = INT64_MAX, hi = INT64_MIN;
  int64_t corr = 0;
  for (const auto& t : nsys_activity_tables()) {
    if (!db.has_table(t)) continue;
    tables.push_back(t);
    lo = std::min(lo, db.query_int("SELECT min(start) FROM " + t).value_or(INT64_MAX));
    hi = std::max(hi, db.query_int("SELECT max(coalesce(end, start)) FROM " + t).value_or(INT64_MIN));
    auto cols = db.columns(t);
    if (std::find(cols.begin(), cols.end(), "correlationId") != cols.end())
      corr = std::max(corr, db.query_int("SELECT max(correlationId) FROM " + t).value_or(0));
  }
  std::vector<std::string> copies;  // one INSERT per table; ?1 = time shift, ?2 = id shift
  for (const auto& t : tables) {
    int64_t n = db.query_int("SELECT max(rowid) FROM " + t).value_or(0);
    std::string cols, sel;
    for (const auto& c : db.columns(t)) {
      cols += (cols.empty() ? "" : ", ") + sql_ident(c);
      std::string v = c == "start" || c == "end" ? c + " + ?1"
                      : c == "correlationId"     ? c + " + ?2"
                                                 : sql_ident(c);
      sel += (sel.empty() ? "" : ", ") + v;
    }
    copies.push_back(
        fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE rowid <= {}", t, cols, sel, t, n));
  }
  const int64_t dt = lo <= hi ? hi - lo + 1000000 : 0;
  for (int64_t tile = 1; std::filesystem::file_size(out_path) < (target_mb << 20) && !tables.empty();
       ++tile) {
    db.exec("BEGIN");
    for (const auto& sql : copies) {
      SqliteStmt st = db.prepare(sql);
      st.bind(1, tile * dt);
      st.bind(2, tile * (corr + 1));
      while (st.step()) {
      }
    }
    db.exec("COMMIT");
  }
}

}  // namespace hp::bench
