#include "storage/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tamkine::storage {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-store-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& Path() const { return path_; }

 private:
  fs::path path_;
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

Status WriteAndRead(Store& store) {
  RETURN_IF_ERROR(WithTx(store, TxMode::kWrite, [](Tx& tx) {
    RETURN_IF_ERROR(tx.ExecScript("CREATE TABLE IF NOT EXISTS t (x BIGINT)"));
    return tx.Exec("INSERT INTO t (x) VALUES (?)", {int64_t{7}}).status();
  }));
  ASSIGN_OR_RETURN(auto tx, store.Begin(TxMode::kRead));
  ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT COUNT(*) FROM t"));
  if (!row || row->Int(0) < 1) return Internal("row not found");
  return Status::Ok();
}

TEST(OpenStoreTest, SqliteUrlWithAbsolutePath) {
  TempDir dir;
  fs::path db = dir.Path() / "a" / "b" / "x.db";
  auto store = OpenStore("sqlite://" + db.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Dialect(), "sqlite");
  EXPECT_TRUE(WriteAndRead(**store).ok());
  EXPECT_EQ(ModeOf(dir.Path() / "a"), 0700u);
  EXPECT_EQ(ModeOf(dir.Path() / "a" / "b"), 0700u);
  EXPECT_EQ(ModeOf(db), 0600u);
  EXPECT_EQ(ModeOf(db.string() + "-wal"), 0600u);
}

TEST(OpenStoreTest, SqliteRelativeAndBarePaths) {
  TempDir dir;
  fs::path old_cwd = fs::current_path();
  fs::current_path(dir.Path());
  {
    auto relative = OpenStore("sqlite:rel.db");
    ASSERT_TRUE(relative.ok()) << relative.status().ToString();
    EXPECT_TRUE(WriteAndRead(**relative).ok());
    auto bare = OpenStore("sub/bare.db");
    ASSERT_TRUE(bare.ok()) << bare.status().ToString();
    EXPECT_TRUE(WriteAndRead(**bare).ok());
  }
  fs::current_path(old_cwd);
  EXPECT_TRUE(fs::exists(dir.Path() / "rel.db"));
  EXPECT_TRUE(fs::exists(dir.Path() / "sub" / "bare.db"));
}

TEST(OpenStoreTest, RejectsBadUrls) {
  for (const std::string url : {"", "sqlite:", "sqlite://relative.db",
                                ":memory:", "sqlite::memory:", "file:x.db?mode=memory"}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << url;
  }
  auto other = OpenStore("mysql://admin:s3cret-pw@db.example/x");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(other.status().message().find("s3cret-pw"), std::string::npos);
}

TEST(OpenStoreTest, UnreachablePostgresIsUnavailable) {
  TempDir dir;  // an empty directory: no server socket in it
  for (const std::string& url :
       {"postgresql:///tamkine?host=" + dir.Path().string() + "&user=u&password=s3cret-pw",
        "postgres:///tamkine?host=" + dir.Path().string(),
        "host=" + dir.Path().string() + " dbname=tamkine password=s3cret-pw",
        "dbname=tamkine host=" + dir.Path().string()}) {
    auto store = OpenStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
    EXPECT_EQ(store.status().message().find("s3cret-pw"), std::string::npos);
  }
}

Row MakeRow() {
  return Row{{Value(), Value(int64_t{-5}), Value(2.5), Value(std::string("secret-text")),
              Value(Blob{{0, 1, 2}})}};
}

TEST(RowTest, Accessors) {
  Row r = MakeRow();
  EXPECT_EQ(r.size(), 5u);
  EXPECT_TRUE(r.IsNull(0));
  EXPECT_FALSE(r.IsNull(1));
  EXPECT_EQ(r.Int(1), -5);
  EXPECT_TRUE(r.Bool(1));
  EXPECT_EQ(r.Double(2), 2.5);
  EXPECT_EQ(r.Double(1), -5.0);  // integers widen
  EXPECT_EQ(r.Text(3), "secret-text");
  EXPECT_EQ(r.Bytes(4), (std::vector<uint8_t>{0, 1, 2}));
  EXPECT_EQ(r.OptInt(0), std::nullopt);
  EXPECT_EQ(r.OptInt(1), -5);
  EXPECT_EQ(r.OptText(0), std::nullopt);
  EXPECT_EQ(r.OptText(3), "secret-text");
}

TEST(RowDeathTest, MismatchAbortsWithoutTheValue) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Row r = MakeRow();
  EXPECT_DEATH(r.Int(3), "column 3 holds text, not int64");
  EXPECT_DEATH(r.Int(2), "column 2 holds double, not int64");
  EXPECT_DEATH(r.Text(1), "column 1 holds int64, not text");
  EXPECT_DEATH(r.Bytes(3), "holds text, not blob");
  EXPECT_DEATH(r.Int(0), "holds NULL");
  EXPECT_DEATH(r.OptInt(3), "holds text");
  EXPECT_DEATH(r.IsNull(9), "out of range");
  EXPECT_DEATH(r.Text(0), "column 0 holds NULL, not text");
}

}  // namespace
}  // namespace tamkine::storage
