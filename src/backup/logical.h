// The logical form of a database: every table of the schema, every row and every column as JSON
// lines, read and written only through the Store, so it is the same for SQLite and PostgreSQL and
// a backup of one restores into the other. Used for PostgreSQL backups (and SQLite on request).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::backup {

// One base table of the current schema as the catalogue describes it.
struct TableInfo {
  std::string name;
  std::vector<std::string> columns;      // in declaration order
  std::vector<std::string> primary_key;  // empty when the table has none
  std::vector<std::string> references;   // tables its foreign keys point to
};

// Every base table (SQLite's own sqlite_* tables excepted), ordered so that a table comes after
// the tables it references (ties by name); a cycle keeps name order for the rest. Returns
// FailedPrecondition when the schema uses sequences or AUTOINCREMENT, whose counters a logical
// copy would not carry.
StatusOr<std::vector<TableInfo>> ListTables(storage::Tx& tx, std::string_view dialect);

// The stream (one JSON value per line):
//   {"tamkine_logical": 1}
//   {"table": "users", "columns": ["id", ...]}           then one array per row:
//   ["u1", 42, null, {"b": "<base64>"}, {"f": "0x1.8p+1"}, {"t": "<base64>"}]
//   {"end_table": "users", "rows": 1}
//   ...
//   {"end": true, "tables": 12, "rows": 345}
// Cells: null; an integer; a string (text that is valid UTF-8 without control characters other
// than tab and newline); {"t": base64} for any other text; {"b": base64} for a blob;
// {"f": "%a"} for a double (exact, including infinities and NaN).
inline constexpr int kLogicalVersion = 1;

struct LogicalStats {
  int64_t tables = 0;
  int64_t rows = 0;
};

// Writes every table of `store` to `sink`, line by line (each ends with '\n'), from one read
// transaction: a consistent snapshot while writers go on. Rows are read in primary-key order in
// pages, so memory stays bounded.
StatusOr<LogicalStats> ExportLogical(storage::Store& store,
                                     const std::function<Status(std::string_view)>& sink);

// Checks the structure of a stream without a database: every line parses, tables and row counts
// match their markers and the end marker is present. Fed one line at a time.
class LogicalChecker {
 public:
  Status Line(std::string_view line) { return Check(line).status(); }
  // As Line, returning the parsed line.
  StatusOr<Json> Check(std::string_view line);
  // FailedPrecondition if the end marker has not been seen.
  StatusOr<LogicalStats> Finish() const;

 private:
  enum class State { kStart, kBetweenTables, kInTable, kEnded };
  State state_ = State::kStart;
  std::string table_;
  size_t columns_ = 0;
  int64_t table_rows_ = 0;
  LogicalStats stats_;
};

// Inserts a stream into an empty, migrated database within `tx` (the caller commits). The target
// must have exactly the stream's tables and columns (the same schema version); rows the
// migrations put in a table (audit_head, schema_migrations) are replaced by the stream's. Foreign
// keys are checked in Finish, so rows may reference rows that come later (on PostgreSQL the
// schema's foreign keys are DEFERRABLE during the transaction and NOT DEFERRABLE again after).
class LogicalImporter {
 public:
  LogicalImporter(storage::Tx& tx, std::string_view dialect, std::vector<TableInfo> target);
  Status Line(std::string_view line);
  // Flushes, checks every target table was restored, returns the counts.
  StatusOr<LogicalStats> Finish();

 private:
  Status Flush();
  Status DeferForeignKeys();

  storage::Tx& tx_;
  std::string dialect_;
  std::vector<TableInfo> target_;
  LogicalChecker checker_;
  std::vector<std::string> restored_;
  bool started_ = false;
  std::vector<std::string> made_deferrable_;  // "ALTER TABLE t ALTER CONSTRAINT c"
  std::string insert_prefix_;                 // INSERT INTO "t" ("a", "b") VALUES
  size_t columns_ = 0;
  std::vector<storage::Params> pending_;
};

// Splits a byte stream into lines for LogicalChecker / LogicalImporter.
class LineSplitter {
 public:
  explicit LineSplitter(std::function<Status(std::string_view)> on_line)
      : on_line_(std::move(on_line)) {}
  Status Feed(std::string_view bytes);
  // FailedPrecondition if bytes remain after the last newline.
  Status Finish() const;

 private:
  std::function<Status(std::string_view)> on_line_;
  std::string partial_;
};

// SQL identifier quoting for names read from the catalogue.
std::string QuoteIdentifier(std::string_view name);

}  // namespace tamkine::backup
