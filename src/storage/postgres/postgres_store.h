// The PostgreSQL backend of the Store (libpq): a bounded pool of connections opened on demand
// and replaced when broken, `?`→`$n` rewriting, typed conversion of results, SQLSTATE→Status
// mapping, and migrations serialised across processes by an advisory lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace tamkine::storage {

struct PostgresOptions {
  // Connections are opened on demand up to this bound; a Begin beyond it waits.
  int max_connections = 8;
  // How long a Begin waits for a free connection before returning Unavailable.
  std::chrono::milliseconds acquire_timeout{10000};
};

// Semantics beyond the Store contract:
//  - A write Tx runs `BEGIN ISOLATION LEVEL READ COMMITTED`: each statement sees what was
//    committed before it started and writers are NOT serialised, so a read-modify-write must lock
//    what it reads first (UPDATE … RETURNING, SELECT … FOR UPDATE) or be a single statement
//    (`SET n = n + 1`). Deadlocks and serialization failures come back as Aborted.
//  - A read Tx runs `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: one snapshot, taken at its
//    first statement, as on SQLite. A read-only snapshot transaction never fails to serialise.
//  - Parameters travel untyped (OID 0) except blobs (bytea, binary), so the server infers each
//    `?` from its context; where it cannot (a bare `SELECT ?`, `? IS NULL`) write CAST(? AS
//    BIGINT) or CAST(? AS TEXT), which both backends accept.
//  - Result columns convert by type: int2/int4/int8/oid → int64, bool → int64 0/1, float4/float8
//    → double, numeric → int64 when it holds an integer that fits (SUM over BIGINT is numeric)
//    and double otherwise, bytea → Blob, anything else → text.
//  - After any statement of a Tx fails, PostgreSQL aborts the transaction: later statements and
//    Commit return the first error again, and destruction rolls back.
//  - A broken connection is closed instead of being pooled; when Begin finds one (for instance
//    after a server restart) it drops every idle connection and opens a fresh one, so the next
//    Begin after the server comes back succeeds. A commit whose connection is lost returns
//    Unavailable: its outcome is unknown.
//  - Error messages carry the server's primary message and SQLSTATE, never its DETAIL (which
//    quotes key values); for data exceptions (class 22), which quote the offending input, only
//    the SQLSTATE.
//
// Thread safety: all methods may be called from any thread. Each Tx belongs to one thread at a
// time and must be destroyed before the store.
class PostgresStore final : public Store {
 public:
  class Connection;  // One PGconn; defined in the .cc.

  // Connects once with `conninfo` (a postgresql:// URL or a libpq keyword string) to check it,
  // keeping that connection in the pool. Returns Unavailable if the server cannot be reached or
  // refuses the login.
  static StatusOr<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo,
                                                       PostgresOptions options = {});
  ~PostgresStore() override;

  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  std::string_view Dialect() const override { return "postgresql"; }
  StatusOr<std::unique_ptr<Tx>> Begin(TxMode mode) override;
  Status Ping() override;
  // As Store::Migrate, with every transaction first taking a transaction-scoped advisory lock
  // keyed by the current schema, so concurrent migrators apply each migration once.
  Status Migrate(const std::vector<Migration>& migrations) override;
  // Replaces {{BLOB}} with BYTEA.
  std::string TranslateScript(std::string_view sql) const override;

 private:
  friend class PostgresTx;

  PostgresStore(std::string conninfo, PostgresOptions options);

  StatusOr<std::unique_ptr<Connection>> Connect() const;
  // Takes an idle connection or opens one. Sets *fresh when the connection was just opened.
  StatusOr<std::unique_ptr<Connection>> Acquire(bool* fresh);
  // Returns a healthy connection to the pool; a null `conn` (closed as broken) frees its slot.
  void Release(std::unique_ptr<Connection> conn);
  // Closes every idle connection (they are likely dead too once one was found dead).
  void DropIdle();

  const std::string conninfo_;
  const PostgresOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_
};

}  // namespace tamkine::storage
