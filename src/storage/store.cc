#include "storage/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "common/clock.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store_internal.h"

namespace tamkine::storage {

namespace internal {

void Fatal(std::string_view message) {
  std::fprintf(stderr, "FATAL: %.*s\n", static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    size_t hit = text.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(text.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(text.substr(pos));
  return out;
}

namespace {

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Returns the highest recorded version, 0 when schema_migrations is empty. The table must exist.
StatusOr<int64_t> MaxVersion(Tx& tx) {
  ASSIGN_OR_RETURN(auto row,
                   tx.QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return row ? row->Int(0) : 0;
}

}  // namespace

Status RunMigrations(Store& store, const std::vector<Migration>& migrations,
                     const std::function<Status(Tx&)>& lock) {
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const Migration& m : migrations) {
    if (m.version <= 0) return InvalidArgument("migration versions must be positive");
    ordered.push_back(&m);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      return InvalidArgument("two migrations share version " + std::to_string(ordered[i]->version));
    }
  }
  const int64_t known = ordered.empty() ? 0 : ordered.back()->version;
  auto refuse_newer = [known](int64_t current) -> Status {
    if (current <= known) return Status::Ok();
    return FailedPrecondition("database schema version " + std::to_string(current) +
                              " is newer than this binary (" + std::to_string(known) + ")");
  };

  RETURN_IF_ERROR(WithTx(store, TxMode::kWrite, [&](Tx& tx) -> Status {
    RETURN_IF_ERROR(lock(tx));
    RETURN_IF_ERROR(tx.ExecScript(kCreateMigrationsTable));
    ASSIGN_OR_RETURN(int64_t current, MaxVersion(tx));
    return refuse_newer(current);
  }));

  for (const Migration* m : ordered) {
    // The check runs again inside each transaction: another process may have migrated meanwhile,
    // and only a check under the write lock is authoritative.
    RETURN_IF_ERROR(WithTx(store, TxMode::kWrite, [&](Tx& tx) -> Status {
      RETURN_IF_ERROR(lock(tx));
      ASSIGN_OR_RETURN(int64_t current, MaxVersion(tx));
      RETURN_IF_ERROR(refuse_newer(current));
      ASSIGN_OR_RETURN(auto applied, tx.QueryOne("SELECT version FROM schema_migrations "
                                                 "WHERE version = ?",
                                                 {static_cast<int64_t>(m->version)}));
      if (applied) return Status::Ok();
      Status s = tx.ExecScript(store.TranslateScript(m->sql));
      if (!s.ok()) {
        return Status(s.code(), "migration " + std::to_string(m->version) + " (" + m->name +
                                    ") failed: " + s.message());
      }
      return tx
          .Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                {static_cast<int64_t>(m->version), m->name, SystemClock::Get()->Now()})
          .status();
    }));
  }
  return Status::Ok();
}

}  // namespace internal

namespace {

std::string_view KindName(const Value& v) {
  switch (v.index()) {
    case 0:
      return "NULL";
    case 1:
      return "int64";
    case 2:
      return "double";
    case 3:
      return "text";
    case 4:
      return "blob";
  }
  return "?";
}

// Reports the column and the kinds involved, never the value: cells may hold personal data.
[[noreturn]] void Mismatch(const Row& row, size_t i, std::string_view wanted) {
  if (i >= row.values.size()) {
    internal::Fatal("Row column " + std::to_string(i) + " is out of range (row has " +
                    std::to_string(row.values.size()) + " columns)");
  }
  internal::Fatal("Row column " + std::to_string(i) + " holds " +
                  std::string(KindName(row.values[i])) + ", not " + std::string(wanted));
}

template <typename T>
const T& Get(const Row& row, size_t i, std::string_view wanted) {
  if (i >= row.values.size()) Mismatch(row, i, wanted);
  const T* v = std::get_if<T>(&row.values[i]);
  if (v == nullptr) Mismatch(row, i, wanted);
  return *v;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool Row::IsNull(size_t i) const {
  if (i >= values.size()) Mismatch(*this, i, "any");
  return std::holds_alternative<std::monostate>(values[i]);
}

int64_t Row::Int(size_t i) const { return Get<int64_t>(*this, i, "int64"); }

double Row::Double(size_t i) const {
  // An integer widens: SQLite hands back an integer for an integral aggregate such as
  // COALESCE(SUM(x), 0) over no rows, where PostgreSQL answers with a double.
  if (i < values.size()) {
    if (const int64_t* v = std::get_if<int64_t>(&values[i])) return static_cast<double>(*v);
  }
  return Get<double>(*this, i, "double");
}

const std::string& Row::Text(size_t i) const { return Get<std::string>(*this, i, "text"); }

const std::vector<uint8_t>& Row::Bytes(size_t i) const { return Get<Blob>(*this, i, "blob").bytes; }

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

StatusOr<std::optional<Row>> Tx::QueryOne(std::string_view sql, const Params& params) {
  ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Status Store::Migrate(const std::vector<Migration>& migrations) {
  return internal::RunMigrations(*this, migrations, [](Tx&) { return Status::Ok(); });
}

StatusOr<int> Store::SchemaVersion() {
  ASSIGN_OR_RETURN(auto tx, Begin(TxMode::kRead));
  // Asking the catalogue first keeps the read transaction free of errors on a fresh database.
  std::string_view exists_sql = Dialect() == "postgresql"
                                    ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
                                    : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                      "name = 'schema_migrations'";
  ASSIGN_OR_RETURN(auto exists, tx->QueryOne(exists_sql));
  if (!exists || exists->Int(0) == 0) return 0;
  ASSIGN_OR_RETURN(auto row,
                   tx->QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  RETURN_IF_ERROR(tx->Commit());
  return static_cast<int>(row ? row->Int(0) : 0);
}

Status WithTx(Store& store, TxMode mode, const std::function<Status(Tx&)>& fn, int attempts) {
  attempts = std::max(attempts, 1);
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      // Jittered exponential backoff (1, 2, 4 … ms, capped) so that the transactions that just
      // collided do not collide again in lockstep.
      thread_local std::minstd_rand rng(std::random_device{}());
      int cap_ms = 1 << std::min(attempt, 6);
      std::uniform_int_distribution<int> dist(cap_ms * 500, cap_ms * 1000);
      std::this_thread::sleep_for(std::chrono::microseconds(dist(rng)));
    }
    {
      auto tx = store.Begin(mode);
      if (!tx.ok()) {
        last = tx.status();
      } else {
        last = fn(**tx);
        if (last.ok()) last = (*tx)->Commit();
        if (last.ok()) return last;
      }
    }  // An uncommitted tx rolls back here, before the backoff.
    if (last.code() != StatusCode::kAborted) return last;
  }
  return last;
}

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.empty()) return InvalidArgument("the database URL is empty");
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://") ||
      StartsWith(url, "host=") || StartsWith(url, "dbname=")) {
    ASSIGN_OR_RETURN(auto store, PostgresStore::Open(url));
    return std::unique_ptr<Store>(std::move(store));
  }
  std::string path;
  if (StartsWith(url, "sqlite://")) {
    path = url.substr(std::string_view("sqlite://").size());
    if (path.empty() || path.front() != '/') {
      return InvalidArgument("a sqlite:// URL takes an absolute path: sqlite:///path/to/file.db");
    }
  } else if (StartsWith(url, "sqlite:")) {
    path = url.substr(std::string_view("sqlite:").size());
  } else if (url.find("://") != std::string::npos) {
    // Only the scheme is echoed: the rest of a URL may carry a password.
    return InvalidArgument("unsupported database URL scheme '" + url.substr(0, url.find("://")) +
                           "' (use sqlite:, postgresql:// or a file path)");
  } else {
    path = url;
  }
  if (path.empty()) return InvalidArgument("the SQLite database path is empty");
  if (path == ":memory:" || StartsWith(path, "file:")) {
    return InvalidArgument(
        "SQLite needs a file path (in-memory and URI databases are not supported)");
  }
  ASSIGN_OR_RETURN(auto store, SqliteStore::Open(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tamkine::storage
