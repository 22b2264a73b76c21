// The SQLite backend of the Store: one writer connection serialised by a mutex, a small pool of
// reader connections, and a WAL journal with synchronous=FULL so that a crash never loses an
// acknowledged commit. Also the online backup of a live database.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace tamkine::storage {

struct SqliteOptions {
  // Reader connections are opened on demand up to this bound; a read Begin beyond it waits.
  int max_readers = 4;
  // How long a Begin waits for the file lock (another process) or for a connection of this
  // store before giving up with Aborted (writer) or Unavailable (reader).
  std::chrono::milliseconds busy_timeout{5000};
  // Prepared statements kept per connection, keyed by SQL text.
  size_t statement_cache_size = 256;
};

// Semantics beyond the Store contract:
//  - A write Tx holds the single writer connection from Begin until it is committed or destroyed
//    (`BEGIN IMMEDIATE`, so the file's write lock is taken up front and a read-then-write never
//    fails half-way). A thread that already holds a write Tx must not Begin another: the second
//    Begin waits busy_timeout and returns Aborted.
//  - A read Tx (`BEGIN` on a `query_only` reader) sees one snapshot, fixed at its first read. It
//    does not see the uncommitted writes of a write Tx held by the same thread.
//  - After any statement of a Tx fails, the Tx is finished as if rolled back: later statements
//    and Commit return the first error again, and destruction rolls everything back.
//  - Error messages come from SQLite and name tables, columns and constraints, never a bound
//    value.
//
// Thread safety: all methods may be called from any thread. Each Tx belongs to one thread at a
// time and must be destroyed before the store.
class SqliteStore final : public Store {
 public:
  class Connection;  // One sqlite3 handle and its statement cache; defined in the .cc.

  // Opens the database at `path`, creating it if needed: missing parent directories are created
  // with mode 0700 and a new database file with mode 0600 (the -wal and -shm files inherit it).
  // Returns Unavailable if the file cannot be created or opened, Internal if it cannot be put in
  // WAL mode.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     SqliteOptions options = {});
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::string_view Dialect() const override { return "sqlite"; }
  StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) override;
  Status Ping() override;
  // Replaces {{BLOB}} with BLOB.
  std::string TranslateScript(std::string_view sql) const override;

  // Writes a consistent copy of the database to `dest_path` (a new file, mode 0600) with
  // SQLite's online backup API while other transactions go on. Returns AlreadyExists if
  // `dest_path` exists, Unavailable on an I/O error.
  Status Backup(const std::string& dest_path);

 private:
  friend class SqliteTx;

  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<Connection> writer);

  StatusOr<Connection*> AcquireWriter();
  void ReleaseWriter();
  StatusOr<std::unique_ptr<Connection>> AcquireReader();
  // Returns a reader to the pool; a null `conn` (a reader that was closed) frees its slot.
  void ReleaseReader(std::unique_ptr<Connection> conn);

  const std::string path_;
  const SqliteOptions options_;

  // The writer connection belongs to at most one write Tx at a time. A flag and a condition
  // variable rather than a mutex, because a Tx may be destroyed on another thread than the one
  // that began it.
  std::mutex writer_mu_;
  std::condition_variable writer_cv_;
  bool writer_busy_ = false;  // guarded by writer_mu_
  std::unique_ptr<Connection> writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by readers_mu_
  int open_readers_ = 0;                                   // guarded by readers_mu_
};

}  // namespace tamkine::storage
