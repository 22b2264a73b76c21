// Crash consistency: writers create users over HTTP while the server (SQLite) is killed with
// SIGKILL at random moments, or (PostgreSQL) the server and/or the database are crash-stopped.
// After every crash: every acknowledged write is there, nothing is half there, the audit chain
// verifies (`tamkine audit verify`) and SQLite's integrity_check is ok.
//
// CI runs 50 rounds on SQLite and 25 on PostgreSQL (TAMKINE_CRASH_ROUNDS sets both) from a fixed
// seed; set the seed (TAMKINE_CRASH_SEED) to replay a failure, and thousands of rounds for a long
// run (docs/testing.md).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "crash_support.h"

namespace tamkine::testing {
namespace {

using std::chrono::milliseconds;

struct Settings {
  // PostgreSQL rounds cost a database restart (~1-3 s each), so CI runs fewer of them.
  explicit Settings(int default_rounds) : rounds(EnvInt("TAMKINE_CRASH_ROUNDS", default_rounds)) {}
  int rounds;
  unsigned seed = static_cast<unsigned>(EnvInt("TAMKINE_CRASH_SEED", 20261123));
  int writers = EnvInt("TAMKINE_CRASH_WRITERS", 3);
  // A crash comes after min..max ms of writing.
  int min_ms = 30;
  int max_ms = EnvInt("TAMKINE_CRASH_MAX_MS", 400);
};

std::string Histogram(const Outcome& o) {
  std::string s;
  for (const auto& [status, n] : o.statuses) {
    s += " " + std::to_string(status) + "×" + std::to_string(n);
  }
  return s;
}

// Waits until /readyz answers 200 (the server reconnected to its database by itself).
bool WaitReady(int port, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    Client c(port);
    if (c.Get("/readyz").status == 200) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

// `tamkine audit verify` on the server's database; empty on success, else its output.
std::string AuditVerify(const ServerProcess& server) {
  std::string out;
  int rc = server.RunTool({"audit", "verify"}, &out);
  return rc == 0 ? std::string() : "exit " + std::to_string(rc) + ": " + out;
}

TEST(CrashTest, SqliteSurvivesSigkillAtRandomMoments) {
  Settings cfg(50);
  std::printf("seed %u, %d rounds, %d writers (TAMKINE_CRASH_SEED, TAMKINE_CRASH_ROUNDS)\n",
              cfg.seed, cfg.rounds, cfg.writers);
  std::mt19937 rng(cfg.seed);
  Deployment d = Deploy();
  ASSERT_EQ(d.problem, "");
  ServerProcess& server = *d.server;
  const Session& admin = d.admin;
  const std::string& unit = d.unit;
  const std::string db_path = server.data_dir() + "/tamkine.db";

  Outcome outcome;
  for (int round = 0; round < cfg.rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " (seed " + std::to_string(cfg.seed) + ")");
    {
      Writers writers(cfg.writers, server.port(), admin, unit, "c" + std::to_string(round),
                      &outcome);
      std::uniform_int_distribution<int> wait(cfg.min_ms, cfg.max_ms);
      std::this_thread::sleep_for(milliseconds(wait(rng)));
      server.Stop(SIGKILL);
    }  // writers see the connection drop, and stop

    {
      auto db = DirectDb::OpenSqlite(db_path);
      ASSERT_NE(db, nullptr);
      EXPECT_EQ(db->Scalar("PRAGMA integrity_check"), "ok");
      std::lock_guard<std::mutex> lock(outcome.mu);
      for (const auto& p : CheckConsistency(*db, outcome.acknowledged)) ADD_FAILURE() << p;
    }
    // The audit chain after every few crashes and after the last one (it re-reads the whole
    // log, so every round would cost more than the crashes).
    if (round % 5 == 4 || round == cfg.rounds - 1) {
      EXPECT_EQ(AuditVerify(server), "");
    }
    ASSERT_TRUE(server.Start()) << "the server did not come back after the crash: "
                                << server.output();
    if (::testing::Test::HasFailure()) break;
  }
  std::lock_guard<std::mutex> lock(outcome.mu);
  std::printf("acknowledged %zu users; statuses:%s\n", outcome.acknowledged.size(),
              Histogram(outcome).c_str());
  EXPECT_GT(outcome.acknowledged.size(), static_cast<size_t>(cfg.rounds));
  EXPECT_TRUE(outcome.server_errors.empty()) << outcome.server_errors.front();
}

TEST(CrashTest, PostgresSurvivesServerAndDatabaseCrashes) {
  TAMKINE_PG_CLUSTER_OR_SKIP(cluster);
  Settings cfg(25);
  std::printf("seed %u, %d rounds, %d writers\n", cfg.seed, cfg.rounds, cfg.writers);
  std::mt19937 rng(cfg.seed + 1);
  const std::string url = FreshPostgresDatabase(cluster->url());
  Deployment d = Deploy(url);
  ASSERT_EQ(d.problem, "");
  ServerProcess& server = *d.server;
  const Session& admin = d.admin;
  const std::string& unit = d.unit;

  Outcome outcome;
  int server_kills = 0, database_crashes = 0;
  for (int round = 0; round < cfg.rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " (seed " + std::to_string(cfg.seed) + ")");
    // 0: SIGKILL the server; 1: crash the database under the running server, which must
    // reconnect by itself; 2: both.
    const int what = std::uniform_int_distribution<int>(0, 2)(rng);
    {
      Writers writers(cfg.writers, server.port(), admin, unit, "p" + std::to_string(round),
                      &outcome);
      std::uniform_int_distribution<int> wait(cfg.min_ms, cfg.max_ms);
      std::this_thread::sleep_for(milliseconds(wait(rng)));
      if (what != 1) {
        server.Stop(SIGKILL);
        ++server_kills;
      }
      if (what != 0) {
        ASSERT_TRUE(cluster->RestartImmediate());
        ++database_crashes;
      }
      if (what == 1) {
        // The writers keep going through the outage (503s) until the server is ready again.
        ASSERT_TRUE(WaitReady(server.port(), std::chrono::seconds(30)))
            << "the server did not recover by itself after the database restarted";
        std::this_thread::sleep_for(milliseconds(wait(rng)));
      }
    }
    {
      auto db = DirectDb::OpenPostgres(url);
      ASSERT_NE(db, nullptr);
      std::lock_guard<std::mutex> lock(outcome.mu);
      for (const auto& p : CheckConsistency(*db, outcome.acknowledged)) ADD_FAILURE() << p;
    }
    if (round % 5 == 4 || round == cfg.rounds - 1) {
      EXPECT_EQ(AuditVerify(server), "");
    }
    if (!server.started()) {
      ASSERT_TRUE(server.Start()) << server.output();
    }
    if (::testing::Test::HasFailure()) break;
  }
  std::lock_guard<std::mutex> lock(outcome.mu);
  std::printf("acknowledged %zu users; %d server kills, %d database crashes; statuses:%s\n",
              outcome.acknowledged.size(), server_kills, database_crashes,
              Histogram(outcome).c_str());
  EXPECT_GT(outcome.acknowledged.size(), static_cast<size_t>(cfg.rounds));
  EXPECT_TRUE(outcome.server_errors.empty()) << outcome.server_errors.front();
}

}  // namespace
}  // namespace tamkine::testing
