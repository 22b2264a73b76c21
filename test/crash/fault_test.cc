// Faults the server must ride out without a restart: PostgreSQL stopped (readiness and writes
// answer 503 with a clear error, nothing partial is written, and service resumes by itself when
// it is back) and a full disk under SQLite (503, nothing partial, writes resume once space is
// freed). Never a 500.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "crash_support.h"
#include "storage/store.h"

namespace tamkine::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// The one error shape, for an outage.
void ExpectUnavailable(const HttpResponse& r, const std::string& what) {
  EXPECT_EQ(r.status, 503) << what << ": " << r.body;
  Json j = r.json();
  EXPECT_EQ(j["error"]["code"], "unavailable") << what << ": " << r.body;
  const std::string message = j["error"].value("message", "");
  EXPECT_NE(message.find("database"), std::string::npos) << what << ": " << message;
  // The storage layer's own words (socket paths, file names) stay in the server's log.
  EXPECT_EQ(r.body.find("PGSQL"), std::string::npos) << what;
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << what;
}

int64_t CountUsers(DirectDb& db, const std::string& username) {
  return std::stoll(db.Scalar("SELECT COUNT(*) FROM users WHERE username = '" + username + "'"));
}

TEST(FaultTest, PostgresOutageAnswers503AndServiceResumesByItself) {
  TAMKINE_PG_CLUSTER_OR_SKIP(cluster);
  const std::string url = FreshPostgresDatabase(cluster->url());
  Deployment d = Deploy(url);
  ASSERT_EQ(d.problem, "");
  ServerProcess& server = *d.server;
  const std::string& unit = d.unit;
  Client c = d.admin.For(server.port());
  ASSERT_EQ(CreateOne(c, unit, "before.outage").status, 201);

  ASSERT_TRUE(cluster->StopImmediate());
  ExpectUnavailable(c.Get("/readyz"), "readyz");
  HttpResponse refused = CreateOne(c, unit, "during.outage");
  std::printf("database stopped: %d %s\n", refused.status, refused.body.c_str());
  ExpectUnavailable(refused, "create user");
  ExpectUnavailable(c.Get("/api/v1/users"), "list users");
  Client anonymous(server.port());
  ExpectUnavailable(anonymous.Login("police.officer", "Tamkine-Demo-2026"), "sign-in");
  EXPECT_NE(c.Get("/metrics").body.find("tamkine_db_up 0"), std::string::npos);
  EXPECT_EQ(c.Get("/healthz").status, 200);  // the process itself is fine

  ASSERT_TRUE(cluster->StartAgain());
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    ready = c.Get("/readyz").status == 200;
    if (!ready) std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_TRUE(ready) << "the server did not reconnect by itself";
  // The refused write left nothing behind: the same username is free.
  EXPECT_EQ(CreateOne(c, unit, "during.outage").status, 201);
  auto db = DirectDb::OpenPostgres(url);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountUsers(*db, "during.outage"), 1);
  for (const auto& p : CheckConsistency(*db, {"before.outage", "during.outage"}))
    ADD_FAILURE() << p;
  std::string out;
  EXPECT_EQ(server.RunTool({"audit", "verify"}, &out), 0) << out;
}

// Transactions in flight when the database goes down: whatever libpq says (a FATAL message with
// a SQLSTATE, or only "server closed the connection unexpectedly", which has none), the Store
// reports Unavailable, so the API answers 503 and never 500. Found by the crash test.
TEST(FaultTest, PostgresTransactionsInFlightWhenTheDatabaseDiesAreUnavailable) {
  TAMKINE_PG_CLUSTER_OR_SKIP(cluster);
  auto store = storage::OpenStore(cluster->url());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  int checked = 0;
  for (int wait_ms : {0, 20, 200}) {
    for (bool kill_backend : {true, false}) {
      SCOPED_TRACE(std::string(kill_backend ? "backend SIGKILL" : "immediate shutdown") +
                   ", then " + std::to_string(wait_ms) + " ms");
      // Several transactions, so that some connections have unread messages and some none.
      std::vector<std::unique_ptr<storage::Tx>> txs;
      // After a backend's SIGKILL the postmaster resets every other backend a moment later, so a
      // Ping that succeeded just before the reset does not mean the server is settled: retry the
      // opening transactions until three succeed together (up to 30 s).
      for (int tries = 0; txs.size() < 3 && tries < 300; ++tries) {
        auto tx = (*store)->Begin(storage::TxMode::kWrite);
        if (tx.ok() && (*tx)->Query("SELECT 1").ok()) {
          txs.push_back(std::move(*tx));
        } else {
          txs.clear();
          std::this_thread::sleep_for(milliseconds(100));
        }
      }
      ASSERT_EQ(txs.size(), 3u) << "the server did not come back";
      if (kill_backend) {
        auto pid = txs[0]->QueryOne("SELECT pg_backend_pid()");
        ASSERT_TRUE(pid.ok() && pid->has_value());
        ASSERT_EQ(::kill(static_cast<pid_t>((**pid).Int(0)), SIGKILL), 0);
      } else {
        ASSERT_TRUE(cluster->StopImmediate());
      }
      std::this_thread::sleep_for(milliseconds(wait_ms));
      for (auto& tx : txs) {
        auto r = tx->Query("SELECT 1");
        if (r.ok()) continue;  // the backend had not died yet
        ++checked;
        EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
        EXPECT_EQ(tx->Commit().code(), StatusCode::kUnavailable);
      }
      txs.clear();
      if (!kill_backend) {
        ASSERT_TRUE(cluster->StartAgain());
      }
      // The store reconnects by itself.
      bool back = false;
      for (int k = 0; k < 300 && !back; ++k) {
        back = (*store)->Ping().ok();
        if (!back) std::this_thread::sleep_for(milliseconds(100));
      }
      ASSERT_TRUE(back);
    }
  }
  EXPECT_GT(checked, 6);
}

// A small tmpfs holds the data directory, so the disk can really fill up. Needs root (mount);
// skipped otherwise, see docs/testing.md.
class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "the disk-full test mounts a tmpfs: it needs root";
    char tmpl[] = "/tmp/tamkine-full.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    mount_ = tmpl;
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=0700") != 0) {
      std::string err = std::strerror(errno);
      fs::remove(mount_);
      mount_.clear();
      GTEST_SKIP() << "cannot mount a tmpfs here (" << err << "); the disk-full test needs it";
    }
  }
  void TearDown() override {
    if (mount_.empty()) return;
    ::umount2(mount_.c_str(), MNT_DETACH);
    std::error_code ignored;
    fs::remove(mount_, ignored);
  }

  // Fills the file system with a ballast file until it refuses more.
  void Fill() {
    std::FILE* f = std::fopen((mount_ + "/ballast").c_str(), "ab");
    ASSERT_NE(f, nullptr);
    std::string block(64 * 1024, 'x');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
    }
    // Then byte by byte, so that not even a partial block is left.
    std::clearerr(f);
    while (std::fputc('x', f) != EOF && std::fflush(f) == 0) {
    }
    std::fclose(f);
  }
  void Free() { fs::remove(mount_ + "/ballast"); }

  std::string mount_;
};

TEST_F(DiskFullTest, SqliteDiskFullAnswers503AndWritesResumeWhenSpaceIsFreed) {
  const std::string data_dir = mount_ + "/var";
  Deployment d = Deploy({}, data_dir);
  ASSERT_EQ(d.problem, "");
  ServerProcess& server = *d.server;
  const std::string& unit = d.unit;
  Client c = d.admin.For(server.port());
  std::vector<std::string> acknowledged, refused;
  ASSERT_EQ(CreateOne(c, unit, "before.full").status, 201);
  acknowledged.push_back("before.full");

  Fill();
  // SQLite reuses its WAL file after each checkpoint, so the first writes may still fit: write
  // until the disk refuses (a few hundred at most on 8 MiB).
  HttpResponse r;
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "full.n" + std::to_string(i);
    r = CreateOne(c, unit, name);
    if (r.status == 201) {
      acknowledged.push_back(name);
      continue;
    }
    refused.push_back(name);
    break;
  }
  ASSERT_FALSE(refused.empty()) << "the disk never filled up";
  std::printf("disk full after %zu more writes: %d %s\n", acknowledged.size() - 1, r.status,
              r.body.c_str());
  ExpectUnavailable(r, "create user on a full disk");
  ExpectUnavailable(CreateOne(c, unit, "full.again"), "again");
  refused.push_back("full.again");

  Free();
  // Writes resume without a restart; the refused usernames are free (nothing partial remains).
  for (const auto& name : refused) {
    HttpResponse ok = CreateOne(c, unit, name);
    EXPECT_EQ(ok.status, 201) << name << ": " << ok.body;
    acknowledged.push_back(name);
  }
  EXPECT_EQ(c.Get("/readyz").status, 200);

  server.Stop();
  auto db = DirectDb::OpenSqlite(data_dir + "/tamkine.db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->Scalar("PRAGMA integrity_check"), "ok");
  for (const auto& name : refused) EXPECT_EQ(CountUsers(*db, name), 1) << name;
  for (const auto& p : CheckConsistency(*db, acknowledged)) ADD_FAILURE() << p;
  db.reset();
  std::string out;
  EXPECT_EQ(server.RunTool({"audit", "verify"}, &out), 0) << out;
}

}  // namespace
}  // namespace tamkine::testing
