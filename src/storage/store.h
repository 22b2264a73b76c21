// The Store: the one interface every domain uses to reach the database, with SQLite and
// PostgreSQL implementations (storage/sqlite, storage/postgres) that pass one contract suite
// (test/storage_contract). Domain code writes portable SQL with `?` placeholders; the PostgreSQL
// backend rewrites them to $1..$n. Only BIGINT, DOUBLE PRECISION, TEXT and BLOB (bytea) columns
// are used; booleans are BIGINT 0/1; times are BIGINT microseconds since the epoch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace tamkine::storage {

struct Blob {
  std::vector<uint8_t> bytes;
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a result cell. std::monostate is SQL NULL.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

inline Value Null() { return std::monostate{}; }
inline Value Bool(bool b) { return static_cast<int64_t>(b ? 1 : 0); }
template <typename T>
Value Opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return Value(*v);
}

// One result row. Accessors CHECK-fail on a type mismatch (a programming error, not user input);
// Double() also accepts an integer cell, which SQLite returns for integral aggregates.
struct Row {
  std::vector<Value> values;

  size_t size() const { return values.size(); }
  bool IsNull(size_t i) const;
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  const std::string& Text(size_t i) const;
  const std::vector<uint8_t>& Bytes(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }
};

using Params = std::vector<Value>;

// A transaction. Destroying a Tx that was not committed rolls it back. Not thread-safe: one Tx is
// used by one thread at a time.
//
// Error codes: a UNIQUE or PRIMARY KEY violation is AlreadyExists; a FOREIGN KEY or CHECK violation
// is FailedPrecondition; a serialization failure or deadlock is Aborted (WithTx retries it); a lost
// connection, a full disk or an I/O error is Unavailable; anything else is Internal. A parameter
// count that does not match the `?`s is InvalidArgument. Messages never quote a bound value.
//
// After any call fails, the transaction is over on every backend (PostgreSQL aborts it anyway):
// later Exec/Query/ExecScript/Commit calls return the first error's code again and nothing of the
// transaction is kept. To recover from, say, AlreadyExists, begin a new transaction.
class Tx {
 public:
  virtual ~Tx() = default;

  // Runs one statement with `?` placeholders. Returns the number of rows changed.
  virtual StatusOr<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs one query and returns all rows.
  virtual StatusOr<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Makes the transaction durable (full fsync on SQLite; synchronous commit on PostgreSQL).
  virtual Status Commit() = 0;

  // Returns the first row, or nullopt when the query returns none.
  StatusOr<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
};

enum class TxMode {
  kRead,   // may only read; several may run at once
  kWrite,  // may write; writers are serialised where the backend needs it
};

struct Migration {
  int version;
  std::string name;
  // Portable SQL; `{{BLOB}}` becomes BLOB or BYTEA, `{{NOW}}` nothing else is substituted.
  std::string sql;
};

// Thread safety: a Store may be used from many threads; each Begin returns an independent Tx.
class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Dialect() const = 0;

  // Starts a transaction. Unavailable when the database cannot be reached.
  virtual StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) = 0;

  // Checks that the database answers (used by /readyz).
  virtual Status Ping() = 0;

  // Applies every migration whose version is above the current schema version, each in its own
  // transaction, recording it in schema_migrations. Safe to call from several processes at once.
  virtual Status Migrate(const std::vector<Migration>& migrations);

  // The highest applied migration version, 0 for an empty database.
  virtual StatusOr<int> SchemaVersion();

  // Translates a portable script for this backend (the {{BLOB}} token).
  virtual std::string TranslateScript(std::string_view sql) const = 0;
};

// Runs fn in a transaction and commits it. Retries up to `attempts` times when the backend
// reports a serialization conflict (Aborted). fn must be safe to run again.
Status WithTx(Store& store, TxMode mode, const std::function<Status(Tx&)>& fn, int attempts = 5);

// Opens a store from a URL: "sqlite:///abs/path.db", "sqlite:relative/path.db", a bare file path,
// "postgresql://..." / "postgres://...", or a libpq keyword string starting with "host=" or
// "dbname=". For SQLite the parent directory is created (mode 0700) and a new file gets mode 0600.
// InvalidArgument for an unusable URL; Unavailable when the database cannot be reached.
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace tamkine::storage
