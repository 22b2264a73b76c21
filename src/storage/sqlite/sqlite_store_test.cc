#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tamkine::storage {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-sqlite-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::unique_ptr<SqliteStore> Open(SqliteOptions options = {}) {
    auto store = SqliteStore::Open((dir_ / "t.db").string(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  fs::path dir_;
};

TEST_F(SqliteStoreTest, BackupCopiesCommittedData) {
  auto store = Open();
  ASSERT_TRUE(WithTx(*store, TxMode::kWrite, [](Tx& tx) {
                RETURN_IF_ERROR(tx.ExecScript("CREATE TABLE t (x BIGINT, b BLOB)"));
                return tx.Exec("INSERT INTO t VALUES (?, ?)", {int64_t{42}, Blob{{0, 9}}}).status();
              }).ok());
  // An open write transaction does not block the backup and is not part of it.
  auto pending = store->Begin(TxMode::kWrite);
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE((*pending)->Exec("INSERT INTO t VALUES (1, NULL)").ok());

  const std::string dest = (dir_ / "backups" / "copy.db").string();
  Status s = store->Backup(dest);
  ASSERT_TRUE(s.ok()) << s.ToString();
  pending->reset();
  struct stat st {};
  ASSERT_EQ(::stat(dest.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto copy = SqliteStore::Open(dest);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto tx = (*copy)->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT x, b FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 42);
  EXPECT_EQ((*rows)[0].Bytes(1), (std::vector<uint8_t>{0, 9}));

  EXPECT_EQ(store->Backup(dest).code(), StatusCode::kAlreadyExists);
}

TEST_F(SqliteStoreTest, StatementCacheEvictionKeepsWorking) {
  SqliteOptions options;
  options.statement_cache_size = 2;
  auto store = Open(options);
  ASSERT_TRUE(
      WithTx(*store, TxMode::kWrite, [](Tx& tx) {
        RETURN_IF_ERROR(tx.ExecScript("CREATE TABLE t (x BIGINT)"));
        for (int64_t i = 0; i < 20; ++i) {
          // Distinct SQL texts overflow the cache again and again.
          RETURN_IF_ERROR(
              tx.Exec("INSERT INTO t VALUES (? + " + std::to_string(i) + ")", {i}).status());
          RETURN_IF_ERROR(tx.Query("SELECT COUNT(*) FROM t").status());
        }
        return Status::Ok();
      }).ok());
  auto tx = store->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto row = (*tx)->QueryOne("SELECT COUNT(*), SUM(x) FROM t");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((**row).Int(0), 20);
  EXPECT_EQ((**row).Int(1), 2 * (19 * 20 / 2));
}

TEST_F(SqliteStoreTest, PoolBoundsAreEnforced) {
  SqliteOptions options;
  options.max_readers = 1;
  options.busy_timeout = std::chrono::milliseconds(20);
  auto store = Open(options);
  {
    auto r1 = store->Begin(TxMode::kRead);
    ASSERT_TRUE(r1.ok());
    auto r2 = store->Begin(TxMode::kRead);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.status().code(), StatusCode::kUnavailable);
  }
  {
    auto w1 = store->Begin(TxMode::kWrite);
    ASSERT_TRUE(w1.ok());
    auto w2 = store->Begin(TxMode::kWrite);
    ASSERT_FALSE(w2.ok());
    EXPECT_EQ(w2.status().code(), StatusCode::kAborted);
  }
  // Both slots came back.
  EXPECT_TRUE(store->Begin(TxMode::kRead).ok());
  EXPECT_TRUE(store->Begin(TxMode::kWrite).ok());
}

TEST_F(SqliteStoreTest, SecondProcessWriterWaitsThenAborts) {
  SqliteOptions options;
  options.busy_timeout = std::chrono::milliseconds(20);
  auto a = Open(options);
  auto b = Open(options);  // another handle on the file stands in for another process
  auto wa = a->Begin(TxMode::kWrite);
  ASSERT_TRUE(wa.ok());
  auto wb = b->Begin(TxMode::kWrite);
  ASSERT_FALSE(wb.ok());
  EXPECT_EQ(wb.status().code(), StatusCode::kAborted);
  wa->reset();
  EXPECT_TRUE(b->Begin(TxMode::kWrite).ok());
}

}  // namespace
}  // namespace tamkine::storage
