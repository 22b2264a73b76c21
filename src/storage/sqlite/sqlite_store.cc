#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <utility>

#include "storage/store_internal.h"

namespace tamkine::storage {

namespace {

// Maps an (extended) SQLite result code to a Status. `what` is SQLite's message, which names
// tables, columns and constraints but never a bound value.
Status ErrorFromCode(int rc, std::string_view what) {
  std::string msg = "sqlite: " + std::string(what);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return AlreadyExists(std::move(msg));
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:  // FOREIGNKEY, CHECK, NOTNULL, TRIGGER (RAISE(ABORT)), …
      return FailedPrecondition(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Aborted(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return Unavailable(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

Status ErrorFromDb(sqlite3* db, int rc) { return ErrorFromCode(rc, sqlite3_errmsg(db)); }

// Creates every missing directory above `file` with mode 0700.
Status MakeParentDirs(const std::string& file) {
  std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) return Status::Ok();
  std::filesystem::path partial;
  for (const auto& part : parent) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return Unavailable("sqlite: cannot create directory " + partial.string() + ": " +
                         std::strerror(errno));
    }
  }
  return Status::Ok();
}

// Creates `file` with mode 0600 unless it exists. With `exclusive`, an existing file is an error.
Status CreatePrivateFile(const std::string& file, bool exclusive) {
  int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::Ok();
  }
  if (errno == EEXIST) {
    if (exclusive) return AlreadyExists("sqlite: " + file + " already exists");
    return Status::Ok();
  }
  return Unavailable("sqlite: cannot create " + file + ": " + std::strerror(errno));
}

Status TxFailedAgain(const Status& first) {
  return Status(first.code(), "the transaction already failed: " + first.message());
}

}  // namespace

// One sqlite3 handle with its cache of prepared statements. Not thread-safe: it is owned by the
// store's pool or by exactly one Tx at a time.
class SqliteStore::Connection {
 public:
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool writer,
                                                    const SqliteOptions& options) {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (writer) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      Status s = ErrorFromCode(rc, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
      sqlite3_close_v2(db);
      return Status(s.code(), s.message() + " (opening " + path + ")");
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
    auto conn = std::unique_ptr<Connection>(new Connection(db, options.statement_cache_size));
    if (writer) {
      ASSIGN_OR_RETURN(auto mode, conn->Query("PRAGMA journal_mode=WAL", {}));
      if (mode.empty() || mode[0].size() != 1 ||
          !std::holds_alternative<std::string>(mode[0].values[0]) || mode[0].Text(0) != "wal") {
        return Internal("sqlite: cannot switch " + path + " to WAL mode");
      }
      // FULL: in WAL mode the log is synced at every commit, so an acknowledged commit survives
      // a power loss, not only a process crash.
      RETURN_IF_ERROR(conn->Script("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
    } else {
      RETURN_IF_ERROR(conn->Script("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"));
    }
    return conn;
  }

  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* Handle() const { return db_; }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  // Runs one statement; returns the rows it yields and the number of rows it changed.
  StatusOr<int64_t> Run(std::string_view sql, const Params& params, std::vector<Row>* rows) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    // Resetting releases the statement's read lock; clearing drops pointers into `params`.
    struct ResetOnExit {
      sqlite3_stmt* stmt;
      ~ResetOnExit() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } reset{stmt};
    RETURN_IF_ERROR(Bind(stmt, params));
    const int64_t before = sqlite3_total_changes64(db_);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return ErrorFromDb(db_, rc);
      if (rows != nullptr) rows->push_back(ReadRow(stmt));
    }
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a DDL statement
    // would report a stale number; an unchanged total tells that this statement changed nothing.
    return sqlite3_total_changes64(db_) == before ? 0 : sqlite3_changes64(db_);
  }

  StatusOr<std::vector<Row>> Query(std::string_view sql, const Params& params) {
    std::vector<Row> rows;
    RETURN_IF_ERROR(Run(sql, params, &rows).status());
    return rows;
  }

  Status Script(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return ErrorFromDb(db_, rc);
    return Status::Ok();
  }

 private:
  Connection(sqlite3* db, size_t cache_size) : db_(db), cache_size_(cache_size) {}

  StatusOr<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (sql.size() > INT_MAX) return InvalidArgument("sqlite: statement too long");
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return ErrorFromDb(db_, rc);
    if (stmt == nullptr) return Internal("sqlite: the SQL holds no statement");
    // Whatever follows the first statement must be blank or comments, as on PostgreSQL.
    if (tail != nullptr && tail < sql.data() + sql.size()) {
      sqlite3_stmt* extra = nullptr;
      int extra_rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(sql.data() + sql.size() - tail),
                                        &extra, nullptr);
      if (extra_rc != SQLITE_OK || extra != nullptr) {
        sqlite3_finalize(extra);
        sqlite3_finalize(stmt);
        return Internal("sqlite: Exec and Query take exactly one statement (use ExecScript)");
      }
    }
    // Statements are reset between uses, so none is running and all may be dropped. Dropping the
    // whole cache keeps this simple; the domain's SQL is mostly fixed text and rarely gets here.
    if (cache_.size() >= cache_size_) {
      for (auto& [text, cached] : cache_) sqlite3_finalize(cached);
      cache_.clear();
    }
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, const Params& params) {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<size_t>(expected) != params.size()) {
      return InvalidArgument("sqlite: the statement has " + std::to_string(expected) +
                             " placeholders but " + std::to_string(params.size()) +
                             " parameters were given");
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, at);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, at, *n);
      } else if (const double* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, at, *d);
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, at, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        const auto& bytes = std::get<Blob>(v).bytes;
        // A null pointer would bind SQL NULL, so an empty blob needs zeroblob(0).
        rc = bytes.empty()
                 ? sqlite3_bind_zeroblob(stmt, at, 0)
                 : sqlite3_bind_blob64(stmt, at, bytes.data(), bytes.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return ErrorFromDb(db_, rc);
    }
    return Status::Ok();
  }

  static Row ReadRow(sqlite3_stmt* stmt) {
    Row row;
    const int n = sqlite3_column_count(stmt);
    row.values.reserve(n);
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          row.values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          row.values.emplace_back(sqlite3_column_double(stmt, i));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          const int len = sqlite3_column_bytes(stmt, i);
          row.values.emplace_back(text != nullptr ? std::string(text, len) : std::string());
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, i));
          const int len = sqlite3_column_bytes(stmt, i);
          Blob blob;
          if (data != nullptr) blob.bytes.assign(data, data + len);
          row.values.emplace_back(std::move(blob));
          break;
        }
        default:
          row.values.emplace_back(std::monostate{});
      }
    }
    return row;
  }

  sqlite3* const db_;
  const size_t cache_size_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// A transaction on the writer connection or on a pooled reader.
class SqliteTx final : public Tx {
 public:
  SqliteTx(SqliteStore* store, SqliteStore::Connection* writer)
      : store_(store), conn_(writer), is_writer_(true) {}
  SqliteTx(SqliteStore* store, std::unique_ptr<SqliteStore::Connection> reader)
      : store_(store), conn_(reader.get()), reader_(std::move(reader)), is_writer_(false) {}

  ~SqliteTx() override { Release(); }

  StatusOr<int64_t> Exec(std::string_view sql, const Params& params) override {
    RETURN_IF_ERROR(Usable());
    auto changed = conn_->Run(sql, params, nullptr);
    if (!changed.ok()) Fail(changed.status());
    return changed;
  }

  StatusOr<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    RETURN_IF_ERROR(Usable());
    auto rows = conn_->Query(sql, params);
    if (!rows.ok()) Fail(rows.status());
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    RETURN_IF_ERROR(Usable());
    Status s = conn_->Script(sql);
    if (!s.ok()) Fail(s);
    return s;
  }

  Status Commit() override {
    RETURN_IF_ERROR(Usable());
    Status s = conn_->Run("COMMIT", {}, nullptr).status();
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
    if (committed_) return FailedPrecondition("sqlite: the transaction is already committed");
    return Status::Ok();
  }

  void Fail(const Status& s) {
    if (failure_.ok()) failure_ = s;
  }

  // Rolls back what is left and hands the connection back.
  void Release() {
    if (conn_ == nullptr) return;
    if (conn_->InTransaction()) (void)conn_->Script("ROLLBACK");
    const bool clean = !conn_->InTransaction();
    conn_ = nullptr;
    if (is_writer_) {
      store_->ReleaseWriter();
    } else {
      // A reader that cannot leave its transaction is closed rather than pooled.
      if (!clean) reader_.reset();
      store_->ReleaseReader(std::move(reader_));
    }
  }

  SqliteStore* const store_;
  SqliteStore::Connection* conn_;  // null once released
  std::unique_ptr<SqliteStore::Connection> reader_;
  const bool is_writer_;
  bool committed_ = false;
  Status failure_;
};

SqliteStore::SqliteStore(std::string path, SqliteOptions options,
                         std::unique_ptr<Connection> writer)
    : path_(std::move(path)), options_(options), writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() {
  std::lock_guard writer_lock(writer_mu_);
  std::lock_guard readers_lock(readers_mu_);
  if (writer_busy_ || open_readers_ != static_cast<int>(idle_readers_.size())) {
    internal::Fatal("SqliteStore destroyed while a transaction is open");
  }
}

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         SqliteOptions options) {
  if (options.max_readers < 1) options.max_readers = 1;
  if (options.statement_cache_size < 1) options.statement_cache_size = 1;
  RETURN_IF_ERROR(MakeParentDirs(path));
  RETURN_IF_ERROR(CreatePrivateFile(path, /*exclusive=*/false));
  ASSIGN_OR_RETURN(auto writer, Connection::Open(path, /*writer=*/true, options));
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, options, std::move(writer)));
}

StatusOr<SqliteStore::Connection*> SqliteStore::AcquireWriter() {
  std::unique_lock lock(writer_mu_);
  if (!writer_cv_.wait_for(lock, options_.busy_timeout, [this] { return !writer_busy_; })) {
    return Aborted("sqlite: timed out waiting for another write transaction of this process");
  }
  writer_busy_ = true;
  return writer_.get();
}

void SqliteStore::ReleaseWriter() {
  {
    std::lock_guard lock(writer_mu_);
    writer_busy_ = false;
  }
  writer_cv_.notify_one();
}

StatusOr<std::unique_ptr<SqliteStore::Connection>> SqliteStore::AcquireReader() {
  {
    std::unique_lock lock(readers_mu_);
    const bool ready = readers_cv_.wait_for(lock, options_.busy_timeout, [this] {
      return !idle_readers_.empty() || open_readers_ < options_.max_readers;
    });
    if (!ready) {
      return Unavailable("sqlite: all " + std::to_string(options_.max_readers) +
                         " reader connections stayed busy");
    }
    if (!idle_readers_.empty()) {
      auto conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
    ++open_readers_;
  }
  // Opened outside the lock: opening touches the file system.
  auto conn = Connection::Open(path_, /*writer=*/false, options_);
  if (!conn.ok()) ReleaseReader(nullptr);
  return conn;
}

void SqliteStore::ReleaseReader(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(readers_mu_);
    if (conn != nullptr) {
      idle_readers_.push_back(std::move(conn));
    } else {
      --open_readers_;
    }
  }
  readers_cv_.notify_one();
}

StatusOr<std::unique_ptr<Tx>> SqliteStore::Begin(TxMode mode) {
  if (mode == TxMode::kWrite) {
    ASSIGN_OR_RETURN(Connection * writer, AcquireWriter());
    // IMMEDIATE takes the file's write lock now (waiting busy_timeout for other processes), so a
    // transaction that reads and then writes cannot fail at its first write.
    Status s = writer->Run("BEGIN IMMEDIATE", {}, nullptr).status();
    if (!s.ok()) {
      ReleaseWriter();
      return s;
    }
    return std::unique_ptr<Tx>(new SqliteTx(this, writer));
  }
  ASSIGN_OR_RETURN(auto reader, AcquireReader());
  Status s = reader->Run("BEGIN", {}, nullptr).status();
  if (!s.ok()) {
    ReleaseReader(std::move(reader));
    return s;
  }
  return std::unique_ptr<Tx>(new SqliteTx(this, std::move(reader)));
}

Status SqliteStore::Ping() {
  ASSIGN_OR_RETURN(auto tx, Begin(TxMode::kRead));
  RETURN_IF_ERROR(tx->Query("SELECT COUNT(*) FROM sqlite_master").status());
  return tx->Commit();
}

std::string SqliteStore::TranslateScript(std::string_view sql) const {
  return internal::ReplaceAll(sql, "{{BLOB}}", "BLOB");
}

Status SqliteStore::Backup(const std::string& dest_path) {
  RETURN_IF_ERROR(MakeParentDirs(dest_path));
  RETURN_IF_ERROR(CreatePrivateFile(dest_path, /*exclusive=*/true));
  sqlite3* dest = nullptr;
  Status result;
  int rc =
      sqlite3_open_v2(dest_path.c_str(), &dest,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(dest, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    result = dest != nullptr ? ErrorFromDb(dest, rc) : ErrorFromCode(rc, sqlite3_errstr(rc));
  } else if (auto source = AcquireReader(); !source.ok()) {
    result = source.status();
  } else {
    // One step copies every page under a single read transaction: a consistent snapshot.
    sqlite3_backup* backup = sqlite3_backup_init(dest, "main", (*source)->Handle(), "main");
    if (backup == nullptr) {
      result = ErrorFromDb(dest, sqlite3_extended_errcode(dest));
    } else {
      rc = sqlite3_backup_step(backup, -1);
      int finish_rc = sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) {
        result = ErrorFromCode(rc, sqlite3_errstr(rc));
      } else if (finish_rc != SQLITE_OK) {
        result = ErrorFromDb(dest, finish_rc);
      }
    }
    ReleaseReader(std::move(*source));
  }
  sqlite3_close_v2(dest);
  if (!result.ok()) {
    std::error_code ignored;
    std::filesystem::remove(dest_path, ignored);
    std::filesystem::remove(dest_path + "-journal", ignored);
  }
  return result;
}

}  // namespace tamkine::storage
