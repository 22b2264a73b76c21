#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/signing.h"
#include "storage/migrations/schema.h"

namespace tamkine::audit {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tamkine-audit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = storage::OpenStore((dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void AppendN(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    Entry e;
                    e.user_id = "u" + std::to_string(i);
                    e.action = "user.read";
                    e.record_type = "user";
                    e.record_id = "r" + std::to_string(i);
                    e.decision = i % 3 == 0 ? "denied" : "allowed";
                    e.reason = "test";
                    return Append(tx, clock_, e);
                  }).ok());
      clock_.Advance(1000);
    }
  }

  // Simulates a database administrator who bypasses the append-only triggers.
  void Tamper(const std::string& sql) {
    ASSERT_TRUE(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                  RETURN_IF_ERROR(
                      tx.ExecScript("DROP TRIGGER IF EXISTS audit_log_no_update;"
                                    "DROP TRIGGER IF EXISTS audit_log_no_delete;"));
                  return tx.ExecScript(sql);
                }).ok());
  }

  VerifyReport MustVerify(const std::vector<Checkpoint>& ext = {}) {
    auto r = Verify(*store_, ext);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : VerifyReport{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_;
};

TEST_F(AuditLogTest, IntactChainVerifies) {
  AppendN(10);
  VerifyReport r = MustVerify();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.entries, 10);
}

TEST_F(AuditLogTest, TriggersRefuseUpdateAndDelete) {
  AppendN(2);
  Status s = storage::WithTx(*store_, storage::TxMode::kWrite, [](storage::Tx& tx) {
    return tx.Exec("UPDATE audit_log SET reason = 'x' WHERE seq = 1").status();
  });
  EXPECT_FALSE(s.ok());
  s = storage::WithTx(*store_, storage::TxMode::kWrite, [](storage::Tx& tx) {
    return tx.Exec("DELETE FROM audit_log WHERE seq = 1").status();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(MustVerify().ok());
}

TEST_F(AuditLogTest, DetectsModifiedEntryWithPosition) {
  AppendN(10);
  Tamper("UPDATE audit_log SET decision = 'allowed' WHERE seq = 4;");
  VerifyReport r = MustVerify();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].seq, 4);
  EXPECT_EQ(r.problems[0].kind, "modified");
}

TEST_F(AuditLogTest, DetectsDeletedEntry) {
  AppendN(10);
  Tamper("DELETE FROM audit_log WHERE seq = 5;");
  VerifyReport r = MustVerify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].seq, 5);
  EXPECT_EQ(r.problems[0].kind, "deleted");
}

TEST_F(AuditLogTest, DetectsDeletedTail) {
  AppendN(10);
  Tamper("DELETE FROM audit_log WHERE seq >= 9;");
  VerifyReport r = MustVerify();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, "truncated");
}

TEST_F(AuditLogTest, DetectsReorderedEntries) {
  AppendN(10);
  // Swap the content of entries 3 and 6 (each keeps its own seq).
  Tamper(
      "UPDATE audit_log SET seq = -3 WHERE seq = 3;"
      "UPDATE audit_log SET seq = 3 WHERE seq = 6;"
      "UPDATE audit_log SET seq = 6 WHERE seq = -3;");
  VerifyReport r = MustVerify();
  ASSERT_GE(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].seq, 3);
}

TEST_F(AuditLogTest, DetectsInsertedEntryWithRecomputedHash) {
  AppendN(5);
  // Insert a forged entry at the end whose own hash is correct but links to nothing.
  Entry forged;
  forged.seq = 6;
  forged.time = 1;
  forged.action = "user.read";
  forged.decision = "allowed";
  forged.prev_hash = std::string(64, 'a');
  forged.hash = EntryHash(forged);
  Tamper(
      "INSERT INTO audit_log (seq, time, action, decision, prev_hash, hash) VALUES (6, 1, "
      "'user.read', 'allowed', '" +
      forged.prev_hash + "', '" + forged.hash + "');");
  VerifyReport r = MustVerify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].seq, 6);
  EXPECT_EQ(r.problems[0].kind, "inserted_or_reordered");
}

TEST_F(AuditLogTest, CheckpointCatchesWholesaleRewrite) {
  AppendN(5);
  auto key = crypto::SigningKey::Generate();
  auto cp = WriteCheckpoint(*store_, key, clock_);
  ASSERT_TRUE(cp.ok() && cp->has_value());
  std::vector<Checkpoint> exported = *ListCheckpoints(*store_);
  // A second checkpoint with nothing new is not written.
  auto again = WriteCheckpoint(*store_, key, clock_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  // An attacker rewrites entry 4 and recomputes the whole chain from there, head included, and
  // deletes the stored checkpoints. Only the exported checkpoint can catch it.
  ASSERT_TRUE(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                RETURN_IF_ERROR(
                    tx.ExecScript("DROP TRIGGER audit_log_no_update;"
                                  "DELETE FROM audit_checkpoints;"));
                ASSIGN_OR_RETURN(auto entries, ListEntries(tx, 100, std::nullopt));
                std::string prev(64, '0');
                for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
                  Entry e = *it;
                  if (e.seq == 4) e.decision = "allowed";  // hide a denial
                  e.prev_hash = prev;
                  e.hash = EntryHash(e);
                  prev = e.hash;
                  RETURN_IF_ERROR(tx.Exec("UPDATE audit_log SET decision = ?, prev_hash = ?, "
                                          "hash = ? WHERE seq = ?",
                                          {e.decision, e.prev_hash, e.hash, e.seq})
                                      .status());
                }
                return tx.Exec("UPDATE audit_head SET hash = ? WHERE id = 1", {prev}).status();
              }).ok());
  EXPECT_TRUE(MustVerify().ok());  // the chain alone is self-consistent again
  VerifyReport r = MustVerify(exported);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, "checkpoint");
  EXPECT_EQ(r.problems[0].seq, 5);
}

TEST_F(AuditLogTest, ForgedCheckpointSignatureIsReported) {
  AppendN(3);
  auto key = crypto::SigningKey::Generate();
  ASSERT_TRUE(WriteCheckpoint(*store_, key, clock_).ok());
  auto cps = *ListCheckpoints(*store_);
  ASSERT_EQ(cps.size(), 1u);
  cps[0].time += 1;  // no longer what was signed
  VerifyReport r = MustVerify(cps);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, "checkpoint");
  auto line = CheckpointToJsonLine(cps[0]);
  auto back = CheckpointFromJsonLine(line);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->signature, cps[0].signature);
}

// Found by test/fuzz/checkpoint_fuzzer: a float seq was converted to int64 (undefined behaviour
// when out of range) instead of being rejected.
TEST(CheckpointLineTest, RejectsNonIntegerNumbers) {
  const std::string rest = R"(, "hash": "h", "public_key": "k", "signature": "s"})";
  for (const char* bad :
       {R"({"seq": 1.5e300, "time_us": 1)", R"({"seq": 1, "time_us": -1e300)",
        R"({"seq": 2.0, "time_us": 1)", R"({"seq": 18446744073709551615, "time_us": 1)"}) {
    auto c = CheckpointFromJsonLine(std::string(bad) + rest);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto ok = CheckpointFromJsonLine(R"({"seq": 3, "time_us": 7)" + rest);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->seq, 3);
  EXPECT_EQ(ok->time, 7);
}

}  // namespace
}  // namespace tamkine::audit
