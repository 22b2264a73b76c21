// The Store contract: what every backend promises the domain code, checked by one suite that runs
// unchanged on SQLite (a temporary directory) and PostgreSQL (TAMKINE_TEST_PG_URL; every test
// works in a schema of its own and drops it at the end).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cfloat>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"

namespace tamkine::storage {
namespace {

namespace fs = std::filesystem;

Status AsStatus(const Status& s) { return s; }
template <typename T>
Status AsStatus(const StatusOr<T>& s) {
  return s.status();
}

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    ::tamkine::Status _s = AsStatus(expr);                  \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                     \
  do {                                                      \
    ::tamkine::Status _s = AsStatus(expr);                  \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Adds a search_path to a PostgreSQL URL or keyword string so that every connection of the store
// works inside `schema`.
std::string WithSearchPath(const std::string& url, const std::string& schema) {
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema;
  }
  return url + " options='-csearch_path=" + schema + "'";
}

std::string RandomSuffix() {
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> dist;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", dist(rd));
  return std::to_string(::getpid()) + "_" + buf;
}

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      std::string tmpl = (fs::temp_directory_path() / "tamkine-contract-XXXXXX").string();
      ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
      dir_ = tmpl;
      url_ = (dir_ / "contract.db").string();
    } else {
      const std::string base = Env("TAMKINE_TEST_PG_URL");
      if (base.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") {
          FAIL() << "TAMKINE_REQUIRE_PG=1 but TAMKINE_TEST_PG_URL is not set; start a server "
                    "with `tools/pg-test-cluster start DIR` and export the URL it prints";
        }
        GTEST_SKIP() << "PostgreSQL backend skipped: TAMKINE_TEST_PG_URL is not set (start one "
                        "with `tools/pg-test-cluster start DIR` and export the URL it prints)";
      }
      auto admin = OpenStore(base);
      ASSERT_TRUE(admin.ok()) << "cannot open TAMKINE_TEST_PG_URL: " << admin.status().ToString();
      admin_ = std::move(*admin);
      schema_ = "contract_" + RandomSuffix();
      ASSERT_OK(WithTx(*admin_, TxMode::kWrite,
                       [&](Tx& tx) { return tx.ExecScript("CREATE SCHEMA " + schema_); }));
      url_ = WithSearchPath(base, schema_);
    }
    auto store = OpenStore(url_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    if (admin_ != nullptr && !schema_.empty()) {
      EXPECT_OK(WithTx(*admin_, TxMode::kWrite, [&](Tx& tx) {
        return tx.ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      }));
    }
    admin_.reset();
    if (!dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  bool IsSqlite() const { return GetParam() == "sqlite"; }

  // Another store on the same database: another process, as far as the backend can tell.
  std::unique_ptr<Store> OpenAnother() {
    auto store = OpenStore(url_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Runs a portable script ({{BLOB}} translated) in its own committed write transaction.
  Status Script(const std::string& sql) {
    return WithTx(*store_, TxMode::kWrite,
                  [&](Tx& tx) { return tx.ExecScript(store_->TranslateScript(sql)); });
  }

  Status Write(const std::string& sql, const Params& params = {}) {
    return WithTx(*store_, TxMode::kWrite, [&](Tx& tx) { return tx.Exec(sql, params).status(); });
  }

  static int64_t CountIn(Tx& tx, const std::string& table, const std::string& where = "") {
    auto row =
        tx.QueryOne("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE ") + where);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !row->has_value()) return -1;
    return (**row).Int(0);
  }

  int64_t Count(const std::string& table, const std::string& where = "") {
    auto tx = store_->Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    if (!tx.ok()) return -1;
    return CountIn(**tx, table, where);
  }

  fs::path dir_;
  std::string schema_;
  std::string url_;
  std::unique_ptr<Store> admin_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, DialectTranslateScriptAndPing) {
  EXPECT_EQ(store_->Dialect(), GetParam());
  EXPECT_EQ(store_->TranslateScript("a {{BLOB}}, b {{BLOB}} NOT NULL"),
            IsSqlite() ? "a BLOB, b BLOB NOT NULL" : "a BYTEA, b BYTEA NOT NULL");
  EXPECT_OK(store_->Ping());
}

TEST_P(StoreContractTest, ValuesRoundTrip) {
  ASSERT_OK(
      Script("CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT, b "
             "{{BLOB}})"));
  Blob big;
  big.bytes.resize(1 << 20);
  for (size_t k = 0; k < big.bytes.size(); ++k) big.bytes[k] = static_cast<uint8_t>((k * 7) % 256);
  std::string long_arabic;
  for (int k = 0; k < 5000; ++k) long_arabic += "العنف ضد النساء ";
  const std::vector<Params> rows = {
      {int64_t{1}, std::numeric_limits<int64_t>::min(), -1.5, std::string(), Blob{}},
      {int64_t{2}, std::numeric_limits<int64_t>::max(), DBL_MAX,
       std::string("مركز الاستماع — الرباط"), Blob{{0, 0, 1, 0, 255, 0}}},
      {int64_t{3}, int64_t{0}, DBL_MIN, std::string("ⵜⴰⵎⴽⵉⵏⵜ ⵜⴰⵎⴰⵣⵉⵖⵜ 🇲🇦 \"q\" 'a' \\ ? $1 --"),
       big},
      {int64_t{4}, int64_t{-1}, 0.1, std::string("line\nbreak\ttab"), Null()},
      {int64_t{5}, Null(), Null(), Null(), Null()},
      {int64_t{6}, int64_t{1}, 1.0 / 3.0, long_arabic, Blob{{0}}},
      {int64_t{7}, int64_t{3}, 3.0, std::string(" "), Blob{{'\\', 'x', '0', '0'}}},
      {int64_t{8}, int64_t{1'767'225'600'000'000}, -1e-300, std::string("0"), Blob{{0xff}}},
  };
  ASSERT_OK(WithTx(*store_, TxMode::kWrite, [&](Tx& tx) -> Status {
    for (const Params& p : rows) {
      ASSIGN_OR_RETURN(int64_t n,
                       tx.Exec("INSERT INTO vals (id, i, d, t, b) VALUES (?, ?, ?, ?, ?)", p));
      if (n != 1) return Internal("insert changed " + std::to_string(n) + " rows");
    }
    return Status::Ok();
  }));

  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  auto got = (*tx)->Query("SELECT id, i, d, t, b FROM vals ORDER BY id");
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ((*got)[r].size(), 5u);
    for (size_t c = 0; c < 5; ++c) {
      EXPECT_TRUE((*got)[r].values[c] == rows[r][c]) << "row " << r << " column " << c;
    }
  }
  const Row& empty = (*got)[0];
  EXPECT_EQ(empty.OptText(3), std::string());  // an empty string is not NULL
  EXPECT_FALSE(empty.IsNull(4));               // nor is an empty blob
  EXPECT_TRUE(empty.Bytes(4).empty());
  const Row& nulls = (*got)[4];
  for (size_t c = 1; c < 5; ++c) EXPECT_TRUE(nulls.IsNull(c)) << c;
  EXPECT_EQ(nulls.OptInt(1), std::nullopt);
  EXPECT_EQ(nulls.OptText(3), std::nullopt);
  EXPECT_EQ((*got)[6].Double(2), 3.0);  // an integral double stays a double
  EXPECT_EQ((*got)[2].Bytes(4).size(), size_t{1} << 20);

  // Parameters compare exactly, Unicode included.
  auto by_text =
      (*tx)->QueryOne("SELECT id FROM vals WHERE t = ?", {std::get<std::string>(rows[2][3])});
  ASSERT_OK(by_text);
  ASSERT_TRUE(by_text->has_value());
  EXPECT_EQ((**by_text).Int(0), 3);
  auto by_blob = (*tx)->QueryOne("SELECT id FROM vals WHERE b = ?", {rows[1][4]});
  ASSERT_OK(by_blob);
  ASSERT_TRUE(by_blob->has_value());
  EXPECT_EQ((**by_blob).Int(0), 2);
  auto by_min = (*tx)->QueryOne("SELECT id FROM vals WHERE i = ?", {rows[0][1]});
  ASSERT_OK(by_min);
  ASSERT_TRUE(by_min->has_value());
  EXPECT_EQ((**by_min).Int(0), 1);
}

TEST_P(StoreContractTest, IntegerResultsAreInt64AndDoublesAreDouble) {
  ASSERT_OK(Script("CREATE TABLE nums (n BIGINT NOT NULL, d DOUBLE PRECISION NOT NULL)"));
  for (int64_t n : {1, 2, 3}) {
    ASSERT_OK(Write("INSERT INTO nums (n, d) VALUES (?, ?)", {n, static_cast<double>(n) / 2}));
  }
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  auto ints = (*tx)->QueryOne(
      "SELECT COUNT(*), SUM(n), MAX(n), COALESCE(SUM(n), 0), CAST(? AS BIGINT), MAX(n) > ?, "
      "MIN(n) > ? FROM nums",
      {int64_t{-7}, int64_t{2}, int64_t{2}});
  ASSERT_OK(ints);
  ASSERT_TRUE(ints->has_value());
  const Row& r = **ints;
  EXPECT_EQ(r.Int(0), 3);
  EXPECT_EQ(r.Int(1), 6);
  EXPECT_EQ(r.Int(2), 3);
  EXPECT_EQ(r.Int(3), 6);
  EXPECT_EQ(r.Int(4), -7);
  EXPECT_TRUE(r.Bool(5));
  EXPECT_FALSE(r.Bool(6));
  auto doubles = (*tx)->QueryOne("SELECT SUM(d), MAX(d), AVG(n) FROM nums");
  ASSERT_OK(doubles);
  EXPECT_EQ((**doubles).Double(0), 3.0);
  EXPECT_EQ((**doubles).Double(1), 1.5);
  EXPECT_EQ((**doubles).Double(2), 2.0);
  auto none = (*tx)->QueryOne("SELECT COALESCE(SUM(d), 0), COUNT(*) FROM nums WHERE n > 100");
  ASSERT_OK(none);
  EXPECT_EQ((**none).Double(0), 0.0);
  EXPECT_EQ((**none).Int(1), 0);
}

TEST_P(StoreContractTest, ExecReportsChangedRows) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)"));
  auto tx = store_->Begin(TxMode::kWrite);
  ASSERT_OK(tx);
  for (int64_t k = 1; k <= 3; ++k) {
    auto n = (*tx)->Exec("INSERT INTO t (k, v) VALUES (?, 0)", {k});
    ASSERT_OK(n);
    EXPECT_EQ(*n, 1);
  }
  auto updated = (*tx)->Exec("UPDATE t SET v = v + 1");
  ASSERT_OK(updated);
  EXPECT_EQ(*updated, 3);
  auto deleted = (*tx)->Exec("DELETE FROM t WHERE k > ?", {int64_t{100}});
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 0);
  auto ddl = (*tx)->Exec("CREATE TABLE u (x BIGINT)");
  ASSERT_OK(ddl);
  EXPECT_EQ(*ddl, 0);
  auto returning = (*tx)->QueryOne("UPDATE t SET v = v + 1 WHERE k = ? RETURNING v", {int64_t{2}});
  ASSERT_OK(returning);
  ASSERT_TRUE(returning->has_value());
  EXPECT_EQ((**returning).Int(0), 2);
  ASSERT_OK((*tx)->Commit());
}

TEST_P(StoreContractTest, CommitIsVisibleAndUncommittedIsNot) {
  ASSERT_OK(Script("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)"));
  auto writer = store_->Begin(TxMode::kWrite);
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->Exec("INSERT INTO t (k, v) VALUES (?, ?)", {std::string("a"), int64_t{1}}));
  EXPECT_EQ(CountIn(**writer, "t"), 1);  // a transaction sees its own writes
  EXPECT_EQ(Count("t"), 0);              // nobody else does before the commit
  ASSERT_OK((*writer)->Commit());
  EXPECT_EQ(Count("t"), 1);
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  auto tx = other->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  EXPECT_EQ(CountIn(**tx, "t"), 1);
}

TEST_P(StoreContractTest, ReadTransactionSeesOneSnapshot) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT PRIMARY KEY)"));
  ASSERT_OK(Write("INSERT INTO t (k) VALUES (1)"));
  auto reader = store_->Begin(TxMode::kRead);
  ASSERT_OK(reader);
  EXPECT_EQ(CountIn(**reader, "t"), 1);  // the snapshot is taken here
  ASSERT_OK(Write("INSERT INTO t (k) VALUES (2)"));
  EXPECT_EQ(CountIn(**reader, "t"), 1);
  ASSERT_OK((*reader)->Commit());
  EXPECT_EQ(Count("t"), 2);
}

TEST_P(StoreContractTest, DestroyingAnUncommittedTransactionRollsBack) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT)"));
  ASSERT_OK(Write("INSERT INTO t (k, v) VALUES (1, 'kept')"));
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    ASSERT_OK((*tx)->Exec("INSERT INTO t (k, v) VALUES (2, 'lost')"));
    ASSERT_OK((*tx)->Exec("UPDATE t SET v = 'changed' WHERE k = 1"));
    ASSERT_OK((*tx)->ExecScript("CREATE TABLE lost (x BIGINT); INSERT INTO lost VALUES (1);"));
  }
  EXPECT_EQ(Count("t"), 1);
  EXPECT_EQ(Count("t", "v = 'kept'"), 1);
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  EXPECT_FALSE((*tx)->Query("SELECT x FROM lost").ok());  // DDL rolls back too
}

TEST_P(StoreContractTest, CommitFinishesTheTransaction) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT PRIMARY KEY)"));
  auto tx = store_->Begin(TxMode::kWrite);
  ASSERT_OK(tx);
  ASSERT_OK((*tx)->Exec("INSERT INTO t (k) VALUES (1)"));
  ASSERT_OK((*tx)->Commit());
  EXPECT_EQ((*tx)->Exec("INSERT INTO t (k) VALUES (2)").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*tx)->Commit().code(), StatusCode::kFailedPrecondition);
  tx->reset();
  EXPECT_EQ(Count("t"), 1);
}

struct Violation {
  const char* name;
  const char* sql;
  StatusCode code;
};

TEST_P(StoreContractTest, ConstraintViolationsMapAndFailTheTransaction) {
  ASSERT_OK(Script(
      "CREATE TABLE parents (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
      "CREATE TABLE children (id BIGINT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parents "
      "(id), qty BIGINT NOT NULL CHECK (qty >= 0));"
      "INSERT INTO parents (id, name) VALUES ('p1', 'first');"
      "INSERT INTO children (id, parent_id, qty) VALUES (1, 'p1', 0);"));
  const Violation cases[] = {
      {"primary key", "INSERT INTO parents (id, name) VALUES ('p1', 'other')",
       StatusCode::kAlreadyExists},
      {"unique", "INSERT INTO parents (id, name) VALUES ('p2', 'first')",
       StatusCode::kAlreadyExists},
      {"unique on update", "UPDATE parents SET name = 'first' WHERE id = 'before'",
       StatusCode::kAlreadyExists},
      {"foreign key on insert", "INSERT INTO children (id, parent_id, qty) VALUES (2, 'nope', 1)",
       StatusCode::kFailedPrecondition},
      {"foreign key on delete", "DELETE FROM parents WHERE id = 'p1'",
       StatusCode::kFailedPrecondition},
      {"check", "INSERT INTO children (id, parent_id, qty) VALUES (3, 'p1', -1)",
       StatusCode::kFailedPrecondition},
      {"not null", "INSERT INTO parents (id, name) VALUES ('p3', NULL)",
       StatusCode::kFailedPrecondition},
  };
  for (const Violation& v : cases) {
    SCOPED_TRACE(v.name);
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    ASSERT_OK((*tx)->Exec("INSERT INTO parents (id, name) VALUES ('before', 'before')"));
    Status s = (*tx)->Exec(v.sql).status();
    ASSERT_EQ(s.code(), v.code) << s.ToString();
    // Documented: after a failed statement the transaction is over. Every later call returns
    // the same code, and nothing of the transaction is kept.
    Status again = (*tx)->Exec("INSERT INTO parents (id, name) VALUES ('after', 'after')").status();
    EXPECT_EQ(again.code(), v.code) << again.ToString();
    EXPECT_EQ((*tx)->Query("SELECT 1").status().code(), v.code);
    EXPECT_EQ((*tx)->Commit().code(), v.code);
    tx->reset();
    EXPECT_EQ(Count("parents", "id IN ('before', 'after')"), 0);
  }
  EXPECT_EQ(Count("parents"), 1);
  EXPECT_EQ(Count("children"), 1);
}

TEST_P(StoreContractTest, ErrorMessagesNeverEchoParameters) {
  ASSERT_OK(Script(
      "CREATE TABLE people (id TEXT PRIMARY KEY, email TEXT UNIQUE, age BIGINT CHECK (age >= 0),"
      " note TEXT NOT NULL, parent TEXT REFERENCES people (id))"));
  const std::string secret = "Fatima-Zahra-0612345678-سر";
  const std::string secret_email = "fz.secret@example.ma";
  ASSERT_OK(Write("INSERT INTO people (id, email, age, note) VALUES (?, ?, ?, ?)",
                  {secret, secret_email, int64_t{30}, std::string("n")}));
  struct Attempt {
    const char* name;
    const char* sql;
    Params params;
    std::string secret;
  };
  const std::vector<Attempt> attempts = {
      {"duplicate key",
       "INSERT INTO people (id, note) VALUES (?, ?)",
       {secret, std::string("n")},
       secret},
      {"duplicate unique",
       "INSERT INTO people (id, email, note) VALUES (?, ?, ?)",
       {std::string("x1"), secret_email, std::string("n")},
       secret_email},
      {"check",
       "INSERT INTO people (id, age, note) VALUES (?, ?, ?)",
       {std::string("x2"), int64_t{-987654321}, std::string("n")},
       "987654321"},
      {"not null",
       "INSERT INTO people (id, email, note) VALUES (?, ?, ?)",
       {std::string("x3"), std::string("other-secret@example.ma"), Null()},
       "other-secret@example.ma"},
      {"foreign key",
       "INSERT INTO people (id, note, parent) VALUES (?, ?, ?)",
       {std::string("x4"), std::string("n"), std::string("missing-parent-secret")},
       "missing-parent-secret"},
      {"text in a number",
       "UPDATE people SET age = ? WHERE id = ?",
       {std::string("not-a-number-secret"), secret},
       "not-a-number-secret"},
      {"invalid utf-8",
       "UPDATE people SET note = ? WHERE id = ?",
       {std::string("\xff\xfe-bad-secret"), secret},
       "bad-secret"},
      {"key with a blob",
       "INSERT INTO people (id, note) VALUES (?, ?)",
       {secret, Blob{{'s', 'e', 'c', 'r', 'e', 't', '-', 'b', 'l', 'o', 'b'}}},
       secret},
  };
  int failures = 0;
  for (const Attempt& a : attempts) {
    SCOPED_TRACE(a.name);
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    Status s = (*tx)->Exec(a.sql, a.params).status();
    if (s.ok()) continue;  // SQLite stores text in a BIGINT column; that is not this test's topic
    ++failures;
    EXPECT_EQ(s.message().find(a.secret), std::string::npos) << s.message();
    EXPECT_EQ(s.ToString().find(a.secret), std::string::npos) << s.ToString();
    Status again = (*tx)->Commit();
    EXPECT_EQ(again.message().find(a.secret), std::string::npos) << again.message();
  }
  EXPECT_GE(failures, 5);
}

TEST_P(StoreContractTest, ExecScriptRunsSeveralStatementsAtomically) {
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    ASSERT_OK((*tx)->ExecScript(
        store_->TranslateScript("CREATE TABLE s1 (a TEXT NOT NULL, b {{BLOB}});\n"
                                "INSERT INTO s1 (a) VALUES ('x;y?');  -- a comment; with ? in it\n"
                                "/* block; ? */ INSERT INTO s1 (a) VALUES ('z');\n")));
    ASSERT_OK((*tx)->Commit());
  }
  EXPECT_EQ(Count("s1"), 2);
  EXPECT_EQ(Count("s1", "a = 'x;y?'"), 1);
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    Status s = (*tx)->ExecScript(
        "CREATE TABLE s2 (a TEXT); INSERT INTO s1 (a) VALUES ('w'); INSERT INTO nowhere VALUES "
        "(1);");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInternal) << s.ToString();
    EXPECT_FALSE((*tx)->Commit().ok());
  }
  EXPECT_EQ(Count("s1"), 2);
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  EXPECT_FALSE((*tx)->Query("SELECT a FROM s2").ok());
}

TEST_P(StoreContractTest, ExecAndQueryTakeOneStatement) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT)"));
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    EXPECT_FALSE((*tx)->Exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").ok());
  }
  EXPECT_EQ(Count("t"), 0);
  // A trailing semicolon or comment is still one statement.
  EXPECT_OK(Write("INSERT INTO t VALUES (1);"));
  EXPECT_OK(Write("INSERT INTO t VALUES (2) -- done?"));
  EXPECT_EQ(Count("t"), 2);
}

TEST_P(StoreContractTest, PlaceholdersInsideLiteralsAndCommentsAreUntouched) {
  ASSERT_OK(Script("CREATE TABLE q (\"what?\" TEXT, b TEXT, n BIGINT)"));
  ASSERT_OK(Write("INSERT INTO q (\"what?\", b, n) VALUES ('is it?', ?, ?) -- really?",
                  {std::string("first"), int64_t{1}}));
  ASSERT_OK(Write("INSERT INTO q (\"what?\", b, n) VALUES (/* ? */ 'it''s ?', ?, ?)",
                  {std::string("second"), int64_t{2}}));
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_OK(tx);
  auto rows =
      (*tx)->Query("SELECT \"what?\", b, '?' FROM q WHERE b <> ? AND n >= ? -- ?\nORDER BY n",
                   {std::string("?"), int64_t{0}});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "is it?");
  EXPECT_EQ((*rows)[0].Text(1), "first");
  EXPECT_EQ((*rows)[0].Text(2), "?");
  EXPECT_EQ((*rows)[1].Text(0), "it's ?");
  EXPECT_EQ((*rows)[1].Text(1), "second");
}

TEST_P(StoreContractTest, PlaceholderCountMustMatch) {
  ASSERT_OK(Script("CREATE TABLE t (a BIGINT, b BIGINT)"));
  for (const Params& p :
       {Params{}, Params{int64_t{1}}, Params{int64_t{1}, int64_t{2}, int64_t{3}}}) {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    EXPECT_EQ((*tx)->Exec("INSERT INTO t (a, b) VALUES (?, ?)", p).status().code(),
              StatusCode::kInvalidArgument)
        << p.size();
  }
  EXPECT_EQ(Count("t"), 0);
}

TEST_P(StoreContractTest, QueryOneReturnsNothingOrTheFirstRow) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT)"));
  auto tx = store_->Begin(TxMode::kWrite);
  ASSERT_OK(tx);
  auto none = (*tx)->QueryOne("SELECT v FROM t WHERE k = ?", {int64_t{1}});
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_OK((*tx)->Exec("INSERT INTO t (k, v) VALUES (1, 'one'), (2, 'two')"));
  auto one = (*tx)->QueryOne("SELECT v FROM t WHERE k = ?", {int64_t{2}});
  ASSERT_OK(one);
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ((**one).Text(0), "two");
  auto first = (*tx)->QueryOne("SELECT v FROM t ORDER BY k");
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((**first).Text(0), "one");
}

TEST_P(StoreContractTest, ReadTransactionsCannotWrite) {
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT)"));
  {
    auto tx = store_->Begin(TxMode::kRead);
    ASSERT_OK(tx);
    EXPECT_FALSE((*tx)->Exec("INSERT INTO t (k) VALUES (1)").ok());
  }
  EXPECT_EQ(Count("t"), 0);
}

TEST_P(StoreContractTest, MigrateAppliesEachVersionOnce) {
  auto v0 = store_->SchemaVersion();
  ASSERT_OK(v0);
  EXPECT_EQ(*v0, 0);
  const Migration m1{1, "first", "CREATE TABLE m1 (id BIGINT PRIMARY KEY, data {{BLOB}});"};
  // Not idempotent on purpose: running it twice would fail.
  const Migration m2{2, "second",
                     "CREATE TABLE m2 (id BIGINT PRIMARY KEY); INSERT INTO m2 VALUES (1);"};
  const Migration m3{3, "third", "ALTER TABLE m2 ADD COLUMN note TEXT; UPDATE m2 SET note = 'x';"};
  ASSERT_OK(store_->Migrate({m2, m1}));  // order of the list does not matter
  EXPECT_EQ(*store_->SchemaVersion(), 2);
  ASSERT_OK(store_->Migrate({m1, m2}));
  EXPECT_EQ(*store_->SchemaVersion(), 2);
  EXPECT_EQ(Count("m2"), 1);
  ASSERT_OK(store_->Migrate({m1, m2, m3}));
  EXPECT_EQ(*store_->SchemaVersion(), 3);
  EXPECT_EQ(Count("m2", "note = 'x'"), 1);
  ASSERT_OK(Write("INSERT INTO m1 (id, data) VALUES (?, ?)", {int64_t{1}, Blob{{0, 1}}}));

  {
    auto tx = store_->Begin(TxMode::kRead);
    ASSERT_OK(tx);
    auto rows =
        (*tx)->Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].Int(0), 1);
    EXPECT_EQ((*rows)[0].Text(1), "first");
    EXPECT_EQ((*rows)[2].Text(1), "third");
    EXPECT_GT((*rows)[2].Int(2), int64_t{1'600'000'000'000'000});  // microseconds since the epoch
  }

  // A failing migration leaves no trace and the version where it was.
  const Migration bad{4, "broken", "CREATE TABLE m4 (id BIGINT); INSERT INTO nowhere VALUES (1);"};
  Status failed = store_->Migrate({m1, m2, m3, bad});
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("migration 4"), std::string::npos) << failed.message();
  EXPECT_EQ(*store_->SchemaVersion(), 3);
  {
    auto tx = store_->Begin(TxMode::kRead);
    ASSERT_OK(tx);
    EXPECT_FALSE((*tx)->Query("SELECT id FROM m4").ok());
  }

  // An older binary refuses a newer database.
  Status newer = store_->Migrate({m1, m2});
  EXPECT_EQ(newer.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(newer.message(), "database schema version 3 is newer than this binary (2)");
  EXPECT_EQ(store_->Migrate({m1, m1}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->SchemaVersion(), 3);
}

// Parallel branches number their schema versions in advance: a database migrated by a build that
// has versions 1 and 3 gets version 2 when a build that has all three runs (after 3, which does
// not depend on it).
TEST_P(StoreContractTest, AVersionLeftOutIsAppliedWhenItArrives) {
  const Migration m1{1, "first", "CREATE TABLE g1 (id BIGINT PRIMARY KEY);"};
  const Migration m2{2, "second", "CREATE TABLE g2 (id BIGINT PRIMARY KEY);"};
  const Migration m3{3, "third", "CREATE TABLE g3 (id BIGINT PRIMARY KEY);"};
  ASSERT_OK(store_->Migrate({m1, m3}));
  EXPECT_EQ(*store_->SchemaVersion(), 3);
  EXPECT_EQ(Count("schema_migrations"), 2);
  ASSERT_OK(store_->Migrate({m1, m2, m3}));
  EXPECT_EQ(*store_->SchemaVersion(), 3);
  EXPECT_EQ(Count("schema_migrations"), 3);
  EXPECT_EQ(Count("g2"), 0);  // the table now exists
  ASSERT_OK(store_->Migrate({m1, m2, m3}));
  EXPECT_EQ(Count("schema_migrations"), 3);
}

TEST_P(StoreContractTest, ConcurrentMigratorsApplyEachVersionOnce) {
  std::vector<Migration> migrations = {{1, "log", "CREATE TABLE log (v BIGINT NOT NULL);"}};
  migrations.reserve(8);
  for (int v = 2; v <= 8; ++v) {
    migrations.push_back({v, "entry " + std::to_string(v),
                          "INSERT INTO log (v) VALUES (" + std::to_string(v) + ");"});
  }
  std::vector<std::unique_ptr<Store>> stores(3);
  for (auto& store : stores) {
    store = OpenAnother();
    ASSERT_NE(store, nullptr);
  }
  std::vector<Status> results(stores.size());
  std::vector<std::thread> threads;
  threads.reserve(stores.size());
  for (size_t i = 0; i < stores.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(migrations); });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_OK(s);
  EXPECT_EQ(*store_->SchemaVersion(), 8);
  EXPECT_EQ(Count("log"), 7);
}

TEST_P(StoreContractTest, ConcurrentWritersLoseNothingAndReadersSeeWholeTransactions) {
  ASSERT_OK(
      Script("CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
             "INSERT INTO counter (id, n) VALUES (1, 0);"
             "CREATE TABLE events (writer BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY "
             "(writer, seq));"));
  constexpr int kWriters = 4;
  constexpr int kIncrements = 25;
  std::atomic<bool> writing{true};
  std::atomic<int> torn{0};
  std::atomic<int> reads{0};
  std::vector<Status> results(kWriters);
  std::vector<std::thread> threads;
  threads.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kIncrements && results[w].ok(); ++i) {
        results[w] = WithTx(*store_, TxMode::kWrite, [&](Tx& tx) -> Status {
          RETURN_IF_ERROR(tx.Exec("UPDATE counter SET n = n + 1 WHERE id = 1").status());
          return tx.Exec("INSERT INTO events (writer, seq) VALUES (?, ?)", {int64_t{w}, int64_t{i}})
              .status();
        });
      }
    });
  }
  std::thread reader([&] {
    while (writing.load()) {
      Status s = WithTx(*store_, TxMode::kRead, [&](Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto n, tx.QueryOne("SELECT n FROM counter WHERE id = 1"));
        ASSIGN_OR_RETURN(auto events, tx.QueryOne("SELECT COUNT(*) FROM events"));
        if (!n || !events || (*n).Int(0) != (*events).Int(0)) ++torn;
        return Status::Ok();
      });
      if (!s.ok()) ++torn;
      ++reads;
    }
  });
  for (auto& t : threads) t.join();
  writing = false;
  reader.join();
  for (const Status& s : results) EXPECT_OK(s);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(Count("counter", "n = " + std::to_string(kWriters * kIncrements)), 1);
  EXPECT_EQ(Count("events"), kWriters * kIncrements);
}

TEST_P(StoreContractTest, WithTxRetriesAbortedOnly) {
  ASSERT_OK(Script("CREATE TABLE t (attempt BIGINT NOT NULL)"));
  int calls = 0;
  auto insert_then = [&](StatusCode until_third) {
    return [&, until_third](Tx& tx) -> Status {
      ++calls;
      RETURN_IF_ERROR(tx.Exec("INSERT INTO t (attempt) VALUES (?)", {int64_t{calls}}).status());
      if (calls < 3) return Status(until_third, "simulated");
      return Status::Ok();
    };
  };
  EXPECT_OK(WithTx(*store_, TxMode::kWrite, insert_then(StatusCode::kAborted)));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count("t"), 1);  // the aborted attempts left nothing
  EXPECT_EQ(Count("t", "attempt = 3"), 1);

  calls = 0;
  EXPECT_EQ(WithTx(*store_, TxMode::kWrite, insert_then(StatusCode::kFailedPrecondition)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 1);

  calls = 0;
  Status exhausted = WithTx(
      *store_, TxMode::kWrite,
      [&](Tx& tx) -> Status {
        ++calls;
        return Aborted("always");
      },
      4);
  EXPECT_EQ(exhausted.code(), StatusCode::kAborted);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(Count("t"), 1);
}

TEST_P(StoreContractTest, BrokenConnectionsAreReplaced) {
  if (IsSqlite()) GTEST_SKIP() << "SQLite has no server connection to lose";
  auto backend_pid = [](Tx& tx) {
    auto row = tx.QueryOne("SELECT pg_backend_pid()");
    return row.ok() && row->has_value() ? (**row).Int(0) : int64_t{-1};
  };
  auto terminate = [&](int64_t pid) {
    ASSERT_OK(WithTx(*admin_, TxMode::kWrite, [&](Tx& tx) {
      return tx.Query("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)", {pid}).status();
    }));
  };
  // Two pooled connections die while idle, as in a server restart.
  int64_t pid_a = 0;
  int64_t pid_b = 0;
  {
    auto a = store_->Begin(TxMode::kRead);
    auto b = store_->Begin(TxMode::kRead);
    ASSERT_OK(a);
    ASSERT_OK(b);
    pid_a = backend_pid(**a);
    pid_b = backend_pid(**b);
  }
  terminate(pid_a);
  terminate(pid_b);
  {
    auto tx = store_->Begin(TxMode::kRead);
    ASSERT_OK(tx);
    int64_t pid = backend_pid(**tx);
    EXPECT_GT(pid, 0);
    EXPECT_NE(pid, pid_a);
    EXPECT_NE(pid, pid_b);
  }
  EXPECT_OK(store_->Ping());

  // A connection that dies in the middle of a transaction reports Unavailable.
  ASSERT_OK(Script("CREATE TABLE t (k BIGINT)"));
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_OK(tx);
    ASSERT_OK((*tx)->Exec("INSERT INTO t (k) VALUES (1)"));
    terminate(backend_pid(**tx));
    Status s = (*tx)->Exec("INSERT INTO t (k) VALUES (2)").status();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_EQ((*tx)->Commit().code(), StatusCode::kUnavailable);
  }
  EXPECT_EQ(Count("t"), 0);
  EXPECT_OK(Write("INSERT INTO t (k) VALUES (3)"));
  EXPECT_EQ(Count("t"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace tamkine::storage
