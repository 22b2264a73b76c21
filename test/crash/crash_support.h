// What the crash and fault tests share: a private PostgreSQL cluster they may crash and restart,
// an administrator session that survives server restarts, writers that create users over HTTP
// and remember which ones were acknowledged, and the consistency checks run on the database
// itself after each crash. The write workload is one function (CreateOne) so that case intake
// can replace user creation when it exists.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace tamkine::testing {

std::string Env(const char* name, const std::string& fallback = {});
int EnvInt(const char* name, int fallback);

// A throwaway cluster (tools/pg-test-cluster) in a directory of its own, so that stopping it
// never disturbs other tests. Thread safety: none.
class PgCluster {
 public:
  // nullptr (with *why set) when the PostgreSQL server binaries are missing or it cannot start.
  static std::unique_ptr<PgCluster> Start(std::string* why);
  ~PgCluster();

  const std::string& url() const { return url_; }
  bool StopImmediate();     // pg_ctl stop -m immediate
  bool StartAgain();        // start after StopImmediate (replays the WAL)
  bool RestartImmediate();  // both

 private:
  bool Run(const std::string& action, std::string* out = nullptr);
  std::string dir_, url_;
};

// In a test body: starts a private cluster into `var` (a new local), or skips the test (fails it
// under TAMKINE_REQUIRE_PG=1) when there is no PostgreSQL server to start.
#define TAMKINE_PG_CLUSTER_OR_SKIP(var)                         \
  std::string var##_why;                                        \
  auto var = ::tamkine::testing::PgCluster::Start(&var##_why);  \
  if (var == nullptr) {                                         \
    if (::tamkine::testing::Env("TAMKINE_REQUIRE_PG") == "1") { \
      FAIL() << var##_why;                                      \
    }                                                           \
    GTEST_SKIP() << var##_why;                                  \
  }

// Rows from the database under test, read directly (SQLite library or libpq), never through
// Tamkine. Every cell as text, NULL as "<null>".
class DirectDb {
 public:
  virtual ~DirectDb() = default;
  virtual std::vector<std::vector<std::string>> Query(const std::string& sql) = 0;
  std::string Scalar(const std::string& sql);
  // Every row of every table as exact text (SQLite quote(), PostgreSQL's record text; blobs in
  // hex), sorted per table.
  virtual std::map<std::string, std::vector<std::string>> DumpAll() = 0;

  static std::unique_ptr<DirectDb> OpenSqlite(const std::string& path);
  static std::unique_ptr<DirectDb> OpenPostgres(const std::string& url);
};

// Checks that nothing is half there: every acknowledged username is present; no user lacks a
// membership; every user has its allowed user.create audit entry and every such entry its user;
// the audit head is the last entry. Returns the problems found (empty = consistent).
std::vector<std::string> CheckConsistency(DirectDb& db,
                                          const std::vector<std::string>& acknowledged);

// The demo administrator, signed in once; the session lives in the database, so it survives
// server restarts and is copied into clients for the new port.
struct Session {
  std::map<std::string, std::string> cookies;
  std::string csrf;
  Client For(int port) const;
};
// Signs in as the demo administrator (waiting for the next TOTP step if this one was used).
// Empty cookies on failure.
Session AdminSession(int port);
// The id of the demo police unit, where the writers' users get the officer role.
std::string PoliceUnit(int port, const Session& s);

// The server under test, the administrator signed in, the demo police unit found.
struct Deployment {
  std::unique_ptr<ServerProcess> server;
  Session admin;
  std::string unit;
  std::string problem;  // empty when all of the above worked
};
// Starts the server on `database_url` (SQLite when empty, in `data_dir` when given).
Deployment Deploy(const std::string& database_url = {}, const std::string& data_dir = {});

// What concurrent writers saw. Thread safety: all members guarded by mu.
struct Outcome {
  std::mutex mu;
  std::vector<std::string> acknowledged;   // 201 received
  std::map<int, int> statuses;             // HTTP status → count (0 = no answer)
  std::vector<std::string> server_errors;  // any 5xx other than 503, with its body

  void Record(int status, const std::string& body, const std::string& username);
};

// One unit of write workload: creates a user named `name` in `unit_id`. Returns the response.
HttpResponse CreateOne(Client& c, const std::string& unit_id, const std::string& name);

// Runs `writers` threads that call CreateOne with fresh names ("<prefix>w<k>n<i>") on `port` until
// `stop`, backing off briefly when nobody answers (the server is down) or on 429.
class Writers {
 public:
  Writers(int writers, int port, const Session& s, std::string unit_id, std::string prefix,
          Outcome* out);
  ~Writers();  // stops and joins
  void Stop();

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace tamkine::testing
