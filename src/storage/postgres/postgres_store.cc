#include "storage/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "storage/postgres/placeholders.h"
#include "storage/store_internal.h"

namespace tamkine::storage {

namespace {

// Type OIDs from pg_type.dat; stable across server versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// The first key of the migration advisory lock: "tamk" in ASCII.
constexpr std::string_view kMigrationLockSql =
    "SELECT pg_advisory_xact_lock(1952542059, hashtext(COALESCE(current_schema(), '')))";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's message for a connection-level failure, on one line.
std::string TrimmedErrorMessage(const PGconn* conn) {
  const std::string raw = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  std::string msg;
  for (char c : raw) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (msg.empty() || msg.back() == ' ')) continue;
    msg += space ? ' ' : c;
  }
  if (!msg.empty() && msg.back() == ' ') msg.pop_back();
  return msg;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// SQLSTATEs after which the session is gone: connection exceptions (08), administrator or crash
// shutdown (57P01..57P03).
bool IsConnectionState(std::string_view state) {
  return StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03";
}

StatusCode CodeForState(std::string_view state) {
  if (state == "23505") return StatusCode::kAlreadyExists;
  if (StartsWith(state, "23")) return StatusCode::kFailedPrecondition;  // 23503/23514/23502/…
  if (state == "40001" || state == "40P01") return StatusCode::kAborted;
  if (IsConnectionState(state) || StartsWith(state, "53")) return StatusCode::kUnavailable;
  return StatusCode::kInternal;
}

// Builds the Status for a failed command. Uses only the primary message: DETAIL quotes key
// values ("Key (username)=(…) already exists"), and data exceptions (class 22) quote the rejected
// input even in the primary message, so for them the SQLSTATE alone is reported.
Status ErrorFromResult(const PGconn* conn, const PGresult* res) {
  const char* state_field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field != nullptr ? state_field : "";
  if (state.empty()) {
    // No SQLSTATE: the error did not come from the server but from libpq, because the
    // connection is gone ("server closed the connection unexpectedly" after a crash or an
    // immediate shutdown). libpq may not have marked the connection bad yet, so its status
    // cannot decide: this is an outage, not a bug.
    return Unavailable("postgresql: " + TrimmedErrorMessage(conn));
  }
  std::string msg = "postgresql: ";
  if (StartsWith(state, "22")) {
    msg += "invalid data value";
  } else {
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    msg += primary != nullptr ? primary : "error";
  }
  msg += " (SQLSTATE " + state + ")";
  return Status(CodeForState(state), std::move(msg));
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  // Shortest text that reads back as the same double.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

bool ParseInt(std::string_view text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double* out) {
  if (text == "NaN") {
    *out = std::nan("");
    return true;
  }
  if (text == "Infinity") {
    *out = HUGE_VAL;
    return true;
  }
  if (text == "-Infinity") {
    *out = -HUGE_VAL;
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Converts one text-format cell by its column type. Returns false if the server sent text that
// does not parse as its declared type (which would be a bug).
bool ConvertCell(const PGresult* res, int row, int col, Oid type, Value* out) {
  if (PQgetisnull(res, row, col)) {
    *out = std::monostate{};
    return true;
  }
  const char* data = PQgetvalue(res, row, col);
  const std::string_view text(data, PQgetlength(res, row, col));
  switch (type) {
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid: {
      int64_t n = 0;
      if (!ParseInt(text, &n)) return false;
      *out = n;
      return true;
    }
    case kBoolOid:
      *out = static_cast<int64_t>(text == "t" ? 1 : 0);
      return true;
    case kFloat4Oid:
    case kFloat8Oid: {
      double d = 0;
      if (!ParseDouble(text, &d)) return false;
      *out = d;
      return true;
    }
    case kNumericOid: {
      int64_t n = 0;
      if (ParseInt(text, &n)) {
        *out = n;
        return true;
      }
      double d = 0;
      if (!ParseDouble(text, &d)) return false;
      *out = d;
      return true;
    }
    case kByteaOid: {
      size_t len = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(data), &len);
      if (bytes == nullptr) return false;
      Blob blob;
      blob.bytes.assign(bytes, bytes + len);
      PQfreemem(bytes);
      *out = std::move(blob);
      return true;
    }
    default:
      *out = std::string(text);
      return true;
  }
}

void IgnoreNotice(void*, const char*) {}

Status TxFailedAgain(const Status& first) {
  return Status(first.code(), "the transaction already failed: " + first.message());
}

}  // namespace

// One libpq connection. Not thread-safe: it is owned by the pool or by exactly one Tx at a time.
class PostgresStore::Connection {
 public:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  ~Connection() { PQfinish(conn_); }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool Broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }
  bool Idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }

  // Runs parameterless SQL with the simple protocol (several statements allowed). Stores the
  // command tag of the last statement in *tag.
  Status Simple(std::string_view sql, std::string* tag = nullptr) {
    Result res(PQexec(conn_, std::string(sql).c_str()));
    ExecStatusType st = res != nullptr ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
      return Failed(res.get());
    }
    if (tag != nullptr) *tag = PQcmdStatus(res.get());
    return Status::Ok();
  }

  // Runs one statement with `?` placeholders; returns the rows it yields and the number of rows
  // it changed.
  StatusOr<int64_t> Run(std::string_view sql, const Params& params, std::vector<Row>* rows) {
    postgres::RewrittenSql rewritten = postgres::RewritePlaceholders(sql);
    if (static_cast<size_t>(rewritten.placeholders) != params.size()) {
      return InvalidArgument("postgresql: the statement has " +
                             std::to_string(rewritten.placeholders) + " placeholders but " +
                             std::to_string(params.size()) + " parameters were given");
    }
    const size_t n = params.size();
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    std::vector<Oid> types(n, 0);
    static constexpr char kEmpty[] = "";
    for (size_t i = 0; i < n; ++i) {
      const Value& v = params[i];
      if (const int64_t* num = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*num);
        values[i] = texts[i].c_str();
      } else if (const double* d = std::get_if<double>(&v)) {
        texts[i] = FormatDouble(*d);
        values[i] = texts[i].c_str();
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        // Text parameters travel NUL-terminated; an embedded NUL would silently cut the value.
        if (s->find('\0') != std::string::npos) {
          return InvalidArgument("postgresql: parameter " + std::to_string(i + 1) +
                                 " is text with a NUL byte (use a Blob)");
        }
        values[i] = s->c_str();
      } else if (const Blob* b = std::get_if<Blob>(&v)) {
        if (b->bytes.size() > static_cast<size_t>(INT_MAX)) {
          return InvalidArgument("postgresql: parameter " + std::to_string(i + 1) +
                                 " is a blob over 2 GiB");
        }
        // Binary bytea. A null pointer would mean SQL NULL, so an empty blob points at "".
        values[i] = b->bytes.empty() ? kEmpty : reinterpret_cast<const char*>(b->bytes.data());
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        types[i] = kByteaOid;
      }  // std::monostate stays a null pointer: SQL NULL.
    }
    Result res(PQexecParams(conn_, rewritten.sql.c_str(), static_cast<int>(n), types.data(),
                            values.data(), lengths.data(), formats.data(), /*resultFormat=*/0));
    ExecStatusType st = res != nullptr ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_EMPTY_QUERY) return Internal("postgresql: the SQL holds no statement");
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Failed(res.get());
    if (rows != nullptr && st == PGRES_TUPLES_OK) RETURN_IF_ERROR(ReadRows(res.get(), rows));
    if (StartsWith(PQcmdStatus(res.get()), "SELECT")) return 0;
    int64_t changed = 0;
    const char* tuples = PQcmdTuples(res.get());
    if (tuples != nullptr && *tuples != '\0' && !ParseInt(tuples, &changed)) changed = 0;
    return changed;
  }

 private:
  Status Failed(const PGresult* res) {
    Status s = ErrorFromResult(conn_, res);
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (PQstatus(conn_) != CONNECTION_OK || state == nullptr || *state == '\0' ||
        IsConnectionState(state)) {
      broken_ = true;  // never pooled again
    }
    return s;
  }

  static Status ReadRows(const PGresult* res, std::vector<Row>* rows) {
    const int nrows = PQntuples(res);
    const int ncols = PQnfields(res);
    std::vector<Oid> types(ncols);
    for (int c = 0; c < ncols; ++c) types[c] = PQftype(res, c);
    rows->reserve(rows->size() + nrows);
    for (int r = 0; r < nrows; ++r) {
      Row row;
      row.values.resize(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (!ConvertCell(res, r, c, types[c], &row.values[c])) {
          return Internal("postgresql: cannot decode column " + std::to_string(c) + " of type " +
                          std::to_string(types[c]));
        }
      }
      rows->push_back(std::move(row));
    }
    return Status::Ok();
  }

  PGconn* const conn_;
  bool broken_ = false;
};

// A transaction on one pooled connection.
class PostgresTx final : public Tx {
 public:
  PostgresTx(PostgresStore* store, std::unique_ptr<PostgresStore::Connection> conn)
      : store_(store), conn_(std::move(conn)) {}

  ~PostgresTx() override { Release(); }

  StatusOr<int64_t> Exec(std::string_view sql, const Params& params) override {
    RETURN_IF_ERROR(Usable());
    auto changed = conn_->Run(sql, params, nullptr);
    if (!changed.ok()) Fail(changed.status());
    return changed;
  }

  StatusOr<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    RETURN_IF_ERROR(Usable());
    std::vector<Row> rows;
    auto run = conn_->Run(sql, params, &rows);
    if (!run.ok()) {
      Fail(run.status());
      return run.status();
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    RETURN_IF_ERROR(Usable());
    Status s = conn_->Simple(sql);
    if (!s.ok()) Fail(s);
    return s;
  }

  Status Commit() override {
    RETURN_IF_ERROR(Usable());
    std::string tag;
    Status s = conn_->Simple("COMMIT", &tag);
    if (!s.ok() && conn_->Broken()) {
      s = Unavailable(
          "postgresql: the connection was lost during COMMIT; the outcome is unknown (" +
          s.message() + ")");
    } else if (s.ok() && tag == "ROLLBACK") {
      s = Aborted("postgresql: the server rolled the transaction back");
    }
    if (!s.ok()) {
      Fail(s);
      return s;
    }
    committed_ = true;
    Release();
    return Status::Ok();
  }

 private:
  Status Usable() const {
    if (!failure_.ok()) return TxFailedAgain(failure_);
    if (committed_) return FailedPrecondition("postgresql: the transaction is already committed");
    return Status::Ok();
  }

  void Fail(const Status& s) {
    if (failure_.ok()) failure_ = s;
  }

  void Release() {
    if (conn_ == nullptr) return;
    if (!conn_->Broken() && !conn_->Idle()) (void)conn_->Simple("ROLLBACK");
    if (conn_->Broken() || !conn_->Idle()) conn_.reset();  // closed, not pooled
    store_->Release(std::move(conn_));
  }

  PostgresStore* const store_;
  std::unique_ptr<PostgresStore::Connection> conn_;  // null once released
  bool committed_ = false;
  Status failure_;
};

PostgresStore::PostgresStore(std::string conninfo, PostgresOptions options)
    : conninfo_(std::move(conninfo)), options_(options) {}

PostgresStore::~PostgresStore() {
  std::lock_guard lock(mu_);
  if (open_ != static_cast<int>(idle_.size())) {
    internal::Fatal("PostgresStore destroyed while a transaction is open");
  }
}

StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& conninfo,
                                                             PostgresOptions options) {
  if (options.max_connections < 1) options.max_connections = 1;
  auto store = std::unique_ptr<PostgresStore>(new PostgresStore(conninfo, options));
  ASSIGN_OR_RETURN(auto conn, store->Connect());
  {
    std::lock_guard lock(store->mu_);
    store->open_ = 1;
    store->idle_.push_back(std::move(conn));
  }
  return store;
}

StatusOr<std::unique_ptr<PostgresStore::Connection>> PostgresStore::Connect() const {
  // Defaults come before dbname (which expands the URL or keyword string) so that the operator's
  // URL overrides them; client_encoding comes after because the adapter relies on UTF-8.
  const char* const keywords[] = {"connect_timeout", "application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {"10", "tamkine", conninfo_.c_str(), "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Unavailable("postgresql: cannot allocate a connection");
  auto conn = std::make_unique<Connection>(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    return Unavailable("postgresql: cannot connect: " + TrimmedErrorMessage(raw));
  }
  // The default processor prints NOTICEs ("relation … already exists, skipping") on stderr.
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  return conn;
}

StatusOr<std::unique_ptr<PostgresStore::Connection>> PostgresStore::Acquire(bool* fresh) {
  {
    std::unique_lock lock(mu_);
    const bool ready = cv_.wait_for(lock, options_.acquire_timeout, [this] {
      return !idle_.empty() || open_ < options_.max_connections;
    });
    if (!ready) {
      return Unavailable("postgresql: all " + std::to_string(options_.max_connections) +
                         " connections stayed busy");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      *fresh = false;
      return conn;
    }
    ++open_;
  }
  // Connected outside the lock: it is a network round trip (or several).
  auto conn = Connect();
  if (!conn.ok()) {
    Release(nullptr);
    return conn.status();
  }
  *fresh = true;
  return conn;
}

void PostgresStore::Release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    if (conn != nullptr) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

void PostgresStore::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size());
  }
  cv_.notify_all();
  // Closed outside the lock.
}

StatusOr<std::unique_ptr<Tx>> PostgresStore::Begin(TxMode mode) {
  const std::string_view begin = mode == TxMode::kWrite
                                     ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                     : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  // A pooled connection may have died with the server; retry on fresh ones until a fresh one
  // fails too, which means the server really is unreachable.
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    ASSIGN_OR_RETURN(auto conn, Acquire(&fresh));
    Status s = conn->Simple(begin);
    if (s.ok()) return std::unique_ptr<Tx>(new PostgresTx(this, std::move(conn)));
    const bool broken = conn->Broken();
    if (broken || !conn->Idle()) conn.reset();
    Release(std::move(conn));
    if (!broken || fresh || attempt > options_.max_connections) return s;
    DropIdle();
  }
}

Status PostgresStore::Ping() {
  ASSIGN_OR_RETURN(auto tx, Begin(TxMode::kRead));
  RETURN_IF_ERROR(tx->Query("SELECT 1").status());
  return tx->Commit();
}

Status PostgresStore::Migrate(const std::vector<Migration>& migrations) {
  return internal::RunMigrations(*this, migrations,
                                 [](Tx& tx) { return tx.Exec(kMigrationLockSql).status(); });
}

std::string PostgresStore::TranslateScript(std::string_view sql) const {
  return internal::ReplaceAll(sql, "{{BLOB}}", "BYTEA");
}

}  // namespace tamkine::storage
