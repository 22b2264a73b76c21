// Backups and restores on every backend (SQLite always; PostgreSQL with TAMKINE_TEST_PG_URL, each
// database a schema of its own): every table, every row and every column comes back, sealed
// values still open with the same KEK, the audit chain still verifies, a backup taken while
// writers run is consistent, and a restore never touches a target it should not.
#include "backup/backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "audit/audit_log.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/signing.h"
#include "demo/seed.h"
#include "identity/auth_service.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::backup {
namespace {

namespace fs = std::filesystem;

#define ASSERT_OK(expr)                                               \
  do {                                                                \
    const auto& _s = (expr);                                          \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << StatusOf(_s).ToString(); \
  } while (0)

Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const StatusOr<T>& s) {
  return s.status();
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
}

// Every row of every table, rendered exactly (type-tagged), sorted; read with plain SELECT * so
// that it does not depend on the backup code it checks.
using Dump = std::map<std::string, std::vector<std::string>>;

std::string Render(const storage::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (const auto* i = std::get_if<int64_t>(&v)) return "i:" + std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "d:%a", *d);
    return buf;
  }
  if (const auto* s = std::get_if<std::string>(&v))
    return "s:" + crypto::HexEncode(std::span<const uint8_t>(
                      reinterpret_cast<const uint8_t*>(s->data()), s->size()));
  return "b:" + crypto::HexEncode(std::get<storage::Blob>(v).bytes);
}

Dump DumpAll(storage::Store& store) {
  Dump out;
  auto tx = store.Begin(storage::TxMode::kRead);
  EXPECT_TRUE(tx.ok());
  if (!tx.ok()) return out;
  std::string sql = store.Dialect() == "postgresql"
                        ? "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE "
                          "table_schema = current_schema() AND table_type = 'BASE TABLE'"
                        : "SELECT name FROM sqlite_master WHERE type = 'table'";
  auto names = (*tx)->Query(sql);
  EXPECT_TRUE(names.ok());
  for (const auto& n : *names) {
    const std::string table = n.Text(0);
    auto rows = (*tx)->Query("SELECT * FROM " + QuoteIdentifier(table));
    EXPECT_TRUE(rows.ok()) << table;
    auto& lines = out[table];
    for (const auto& r : *rows) {
      std::string line;
      for (const auto& v : r.values) line += Render(v) + "|";
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
  }
  return out;
}

class BackupTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-backup-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    kek_.fill(0x5A);
    if (Pg()) {
      base_url_ = Env("TAMKINE_TEST_PG_URL");
      if (base_url_.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") FAIL() << "TAMKINE_REQUIRE_PG=1 without a URL";
        GTEST_SKIP() << "PostgreSQL skipped: TAMKINE_TEST_PG_URL is not set";
      }
      auto admin = storage::OpenStore(base_url_);
      ASSERT_TRUE(admin.ok()) << admin.status().ToString();
      admin_ = std::move(*admin);
    }
  }
  void TearDown() override {
    for (const auto& s : schemas_) {
      EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("DROP SCHEMA IF EXISTS " + s + " CASCADE");
                  }).ok());
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  bool Pg() const { return GetParam() == "postgresql"; }

  // A new empty database on `backend`: a SQLite file path or a PostgreSQL URL whose connections
  // work in a schema of their own.
  std::string NewDatabase(const std::string& name, const std::string& backend) {
    if (backend == "sqlite") return (dir_ / name / "tamkine.db").string();
    std::string schema = "backup_" + name + "_" + RandomSuffix();
    EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                  return tx.ExecScript("CREATE SCHEMA " + schema);
                }).ok());
    schemas_.push_back(schema);
    return base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema;
  }
  std::string NewDatabase(const std::string& name) { return NewDatabase(name, GetParam()); }

  RestoreTarget TargetFor(const std::string& url) {
    RestoreTarget t;
    if (url.rfind("postgresql://", 0) == 0) {
      t.database_url = url;
    } else {
      t.sqlite_path = url;
    }
    return t;
  }

  std::unique_ptr<storage::Store> Open(const std::string& url) {
    auto s = storage::OpenStore(url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // A database as a running Tamkine leaves it: the demo province and a few case files, a rotated
  // data key, a user sealed under the new key, a session, denied and allowed audit entries, a
  // signed checkpoint.
  std::unique_ptr<storage::Store> Populated(const std::string& url) {
    auto store = Open(url);
    EXPECT_TRUE(store->Migrate(storage::SchemaMigrations(store->Dialect())).ok());
    crypto::Keyring keyring(kek_);
    EXPECT_TRUE(keys::LoadKeyring(*store, keyring, clock_).ok());
    crypto::PasswordHasher hasher(crypto::PasswordParams::ForTests());
    identity::Deps deps{store.get(), &keyring, &hasher, &clock_};
    demo::SeedOptions seed;
    seed.cases = 8;  // case files with documents, notes, risk and links between cases
    auto seeded = demo::SeedDemo(deps, seed);
    EXPECT_TRUE(seeded.ok()) << seeded.status().ToString();
    EXPECT_EQ(seeded->cases, 8);
    auto rotated = keys::RotateKeys(*store, keyring, clock_);
    EXPECT_TRUE(rotated.ok()) << rotated.status().ToString();
    identity::UserService users(deps);
    identity::UserInput in;
    in.username = "after.rotation";
    in.display_name = "Amal Après Rotation";
    in.password = "correct horse battery";
    in.email = "amal@example.ma";
    in.phone = "0612345678";
    auto units = identity::UnitService(deps);
    identity::UnitInput ui;
    ui.name = "Cellule de sauvegarde";
    ui.sector = "health";
    ui.province_code = "03.01";
    auto unit = units.CreateBootstrap(ui);
    EXPECT_TRUE(unit.ok()) << unit.status().ToString();
    in.memberships.push_back({unit->id, "doctor"});
    EXPECT_TRUE(users.CreateBootstrap(in, std::nullopt).ok());
    identity::AuthService auth(deps, identity::AuthOptions{});
    EXPECT_TRUE(
        auth.Login({"police.officer", demo::kDemoPassword, std::nullopt, "10.0.0.1", "r1"}).ok());
    EXPECT_FALSE(auth.Login({"police.officer", "wrong", std::nullopt, "10.0.0.2", "r2"}).ok());
    auto key = crypto::SigningKey::Generate();
    EXPECT_TRUE(audit::WriteCheckpoint(*store, key, clock_).ok());
    audit_public_key_ = crypto::Base64Encode(key.PublicKey());
    return store;
  }

  // Every user's sealed fields, opened with a keyring loaded from `store` and our KEK.
  std::map<std::string, std::string> OpenedUsers(storage::Store& store) {
    crypto::Keyring keyring(kek_);
    EXPECT_TRUE(keys::LoadKeyring(store, keyring, clock_).ok());
    std::map<std::string, std::string> out;
    auto tx = std::move(*store.Begin(storage::TxMode::kRead));
    auto ids = *tx->Query("SELECT id FROM users");
    for (const auto& r : ids) {
      auto u = identity::LoadUser(*tx, keyring, r.Text(0));
      EXPECT_TRUE(u.ok() && u->has_value()) << u.status().ToString();
      if (!u.ok() || !u->has_value()) continue;
      const identity::User& user = **u;
      out[user.id] = user.username + "|" + user.display_name + "|" + user.email.value_or("-") +
                     "|" + user.phone.value_or("-");
    }
    return out;
  }

  std::string BackupPath(const std::string& name) { return (dir_ / name).string(); }
  BackupOptions DefaultOptions() const {
    BackupOptions opts;
    opts.scratch_dir = dir_.string();
    return opts;
  }

  fs::path dir_;
  crypto::Key256 kek_{};
  FakeClock clock_;
  std::string base_url_;
  std::unique_ptr<storage::Store> admin_;
  std::vector<std::string> schemas_;
  std::string audit_public_key_;
};

TEST_P(BackupTest, RoundTripKeepsEveryRowAndSealedValues) {
  auto source = Populated(NewDatabase("source"));
  ASSERT_NE(source, nullptr);
  const Dump before = DumpAll(*source);
  const auto users_before = OpenedUsers(*source);
  ASSERT_GE(users_before.size(), 15u);
  ASSERT_GT(before.at("audit_log").size(), 10u);
  ASSERT_EQ(before.at("data_keys").size(), 2u);
  ASSERT_EQ(before.at("sessions").size(), 1u);
  ASSERT_EQ(before.at("audit_checkpoints").size(), 1u);

  std::vector<Format> formats = {Format::kLogical};
  if (!Pg()) formats.push_back(Format::kSqlitePhysical);
  for (Format format : formats) {
    SCOPED_TRACE(std::string(FormatName(format)));
    const std::string file = BackupPath(std::string(FormatName(format)) + ".tkb");
    BackupOptions opts;
    opts.format = format;
    opts.scratch_dir = dir_.string();
    auto made = CreateBackup(*source, kek_, file, clock_, opts);
    ASSERT_OK(made);
    EXPECT_EQ(made->info.schema_version, storage::LatestSchemaVersion());
    auto info = ReadBackupInfo(file);
    ASSERT_OK(info);
    EXPECT_EQ(info->format, format);
    EXPECT_EQ(info->dialect, source->Dialect());

    const std::string target_url =
        NewDatabase("target_" + std::string(FormatName(format)).substr(0, 7));
    RestoreTarget target = TargetFor(target_url);
    target.trusted_audit_key = audit_public_key_;
    auto restored = RestoreBackup(file, kek_, target, clock_);
    ASSERT_OK(restored);
    EXPECT_EQ(restored->verified.audit_entries,
              static_cast<int64_t>(before.at("audit_log").size()));
    EXPECT_EQ(restored->verified.audit_checkpoints, 1);
    EXPECT_EQ(restored->verified.data_keys, 2);
    EXPECT_GE(restored->verified.sealed_values, static_cast<int64_t>(users_before.size()));
    if (format == Format::kLogical) {
      int64_t rows = 0;
      for (const auto& [t, r] : before) rows += static_cast<int64_t>(r.size());
      EXPECT_EQ(restored->rows, rows);
    }

    auto again = Open(target_url);
    ASSERT_NE(again, nullptr);
    const Dump after = DumpAll(*again);
    ASSERT_EQ(after.size(), before.size());
    for (const auto& [table, rows] : before) {
      ASSERT_TRUE(after.count(table)) << table;
      EXPECT_EQ(after.at(table), rows) << "table " << table;
    }
    EXPECT_EQ(OpenedUsers(*again), users_before);
    // The restored database serves: the next audit entry chains onto the restored head.
    crypto::Keyring keyring(kek_);
    ASSERT_OK(keys::LoadKeyring(*again, keyring, clock_));
    crypto::PasswordHasher hasher(crypto::PasswordParams::ForTests());
    identity::AuthService auth({again.get(), &keyring, &hasher, &clock_}, identity::AuthOptions{});
    ASSERT_OK(auth.Login({"police.officer", demo::kDemoPassword, std::nullopt, "10.0.0.3", "r3"}));
    auto verify = audit::Verify(*again, {}, audit_public_key_);
    ASSERT_OK(verify);
    EXPECT_TRUE(verify->ok());
  }
}

TEST_P(BackupTest, RestoreRefusesANonEmptyTargetUnlessForced) {
  auto source = Populated(NewDatabase("source"));
  const std::string file = BackupPath("b.tkb");
  ASSERT_OK(CreateBackup(*source, kek_, file, clock_, DefaultOptions()));

  // The target already holds another database, with one unit more.
  const std::string target_url = NewDatabase("target");
  {
    auto other = Populated(target_url);
    ASSERT_NE(other, nullptr);
  }
  const Dump other_dump = DumpAll(*Open(target_url));
  auto refused = RestoreBackup(file, kek_, TargetFor(target_url), clock_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(DumpAll(*Open(target_url)), other_dump);

  RestoreTarget forced = TargetFor(target_url);
  forced.force = true;
  auto restored = RestoreBackup(file, kek_, forced, clock_);
  ASSERT_OK(restored);
  EXPECT_EQ(DumpAll(*Open(target_url)), DumpAll(*source));
  if (!Pg()) {
    // The replaced database is kept aside, intact, and a second forced restore in the same
    // second keeps it too.
    ASSERT_FALSE(restored->replaced_path.empty());
    EXPECT_EQ(DumpAll(*Open(restored->replaced_path)), other_dump);
    auto again = RestoreBackup(file, kek_, forced, clock_);
    ASSERT_OK(again);
    EXPECT_NE(again->replaced_path, restored->replaced_path);
    EXPECT_EQ(DumpAll(*Open(restored->replaced_path)), other_dump);
    EXPECT_EQ(DumpAll(*Open(again->replaced_path)), DumpAll(*source));
  }
}

TEST_P(BackupTest, WrongKekOrDamagedBackupLeavesTheTargetUntouched) {
  auto source = Populated(NewDatabase("source"));
  const std::string file = BackupPath("b.tkb");
  ASSERT_OK(CreateBackup(*source, kek_, file, clock_, DefaultOptions()));

  crypto::Key256 other = kek_;
  other[0] ^= 0xFF;
  const std::string target_url = NewDatabase("target");
  auto wrong = RestoreBackup(file, other, TargetFor(target_url), clock_);
  EXPECT_EQ(wrong.status().code(), StatusCode::kFailedPrecondition);

  // Cut the last frame off: it no longer authenticates, and nothing is written.
  fs::resize_file(file, fs::file_size(file) - 20);
  auto damaged = RestoreBackup(file, kek_, TargetFor(target_url), clock_);
  EXPECT_EQ(damaged.status().code(), StatusCode::kFailedPrecondition);
  if (Pg()) {
    EXPECT_TRUE(DumpAll(*Open(target_url)).empty());
  } else {
    EXPECT_TRUE(fs::is_empty(fs::path(target_url).parent_path()) ||
                !fs::exists(fs::path(target_url).parent_path()));
  }
}

TEST_P(BackupTest, BackupTakenWhileWritersRunIsConsistent) {
  const std::string url = NewDatabase("source");
  auto source = Populated(url);
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  // Stops and joins the writer however the test ends (an ASSERT returns early).
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Joiner() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  };
  std::thread writer([&] {
    auto store = Open(url);  // another connection, as the server would be
    crypto::Keyring keyring(kek_);
    ASSERT_TRUE(keys::LoadKeyring(*store, keyring, clock_).ok());
    crypto::PasswordHasher hasher(crypto::PasswordParams::ForTests());
    identity::UnitService units({store.get(), &keyring, &hasher, &clock_});
    for (int i = 0; !stop; ++i) {
      identity::UnitInput ui;
      ui.name = "Unité concurrente " + std::to_string(i);
      ui.sector = "police";
      ui.province_code = "03.01";
      if (units.CreateBootstrap(ui).ok()) ++created;
    }
  });
  Joiner joiner{stop, writer};
  while (created < 5) std::this_thread::yield();
  std::vector<Format> formats = {Format::kLogical};
  if (!Pg()) formats.push_back(Format::kSqlitePhysical);
  for (Format format : formats) {
    const std::string file = BackupPath(std::string(FormatName(format)) + ".tkb");
    BackupOptions opts;
    opts.format = format;
    opts.scratch_dir = dir_.string();
    ASSERT_OK(CreateBackup(*source, kek_, file, clock_, opts));
    auto restored = RestoreBackup(
        file, kek_, TargetFor(NewDatabase("t" + std::to_string(static_cast<int>(format)))), clock_);
    ASSERT_OK(restored);  // includes the audit chain check: the snapshot is one moment
  }
  EXPECT_GT(created.load(), 5);
}

TEST_P(BackupTest, VerifyFindsASealedValueMovedToAnotherRow) {
  auto store = Populated(NewDatabase("source"));
  ASSERT_OK(VerifyDatabase(*store, kek_));
  ASSERT_OK(storage::WithTx(*store, storage::TxMode::kWrite, [](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, display_name_sealed FROM users ORDER BY id "
                                         "LIMIT 2"));
    RETURN_IF_ERROR(tx.Exec("UPDATE users SET display_name_sealed = ? WHERE id = ?",
                            {storage::Blob{rows[1].Bytes(1)}, rows[0].Text(0)})
                        .status());
    return Status::Ok();
  }));
  auto bad = VerifyDatabase(*store, kek_);
  EXPECT_EQ(bad.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(bad.status().message().find("users.display_name_sealed"), std::string::npos);
  crypto::Key256 other = kek_;
  other[3] ^= 1;
  EXPECT_NE(VerifyDatabase(*store, other).status().message().find("does not unwrap"),
            std::string::npos);
}

// The logical codec with values the schema does not use yet: doubles of every kind, text that
// is not plain, empty and binary blobs, the int64 extremes, NULLs, a composite primary key over
// several pages, and names that need quoting.
TEST_P(BackupTest, LogicalFormatKeepsOddValues) {
  // "tree" references itself, and its first row (in key order) a later one.
  const std::string odd = R"(CREATE TABLE "odd ""table""" (k1 BIGINT NOT NULL, k2 TEXT NOT NULL,
    d DOUBLE PRECISION, t TEXT, b {{BLOB}}, n BIGINT, PRIMARY KEY (k1, k2));
    CREATE TABLE tree (id TEXT PRIMARY KEY, parent TEXT REFERENCES tree (id)))";
  auto source = Open(NewDatabase("source"));
  auto target = Open(NewDatabase("target"));
  ASSERT_TRUE(source != nullptr && target != nullptr);
  for (auto* store : {source.get(), target.get()}) {
    ASSERT_OK(storage::WithTx(*store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
      return tx.ExecScript(store->TranslateScript(odd));
    }));
  }
  ASSERT_OK(storage::WithTx(*source, storage::TxMode::kWrite, [&](storage::Tx& tx) -> Status {
    const std::vector<double> doubles = {
        0.0, -0.0, 1.0 / 3, 1e-310, -1.7976931348623157e308, INFINITY, -INFINITY};
    std::vector<std::string> texts = {"", "plain", "tab\tand\nnewline", "مرحبا 👋", "bell\x07"};
    // SQLite keeps any bytes in TEXT; PostgreSQL refuses NUL and invalid UTF-8 outright.
    if (!Pg()) texts.emplace_back("nul\0byte\xff", 9);
    for (int i = 0; i < 250; ++i) {
      storage::Params p = {static_cast<int64_t>(i % 7), "k" + std::to_string(i)};
      p.push_back(i % 9 == 8 ? storage::Null() : storage::Value(doubles[i % doubles.size()]));
      p.push_back(i % 11 == 10 ? storage::Null() : storage::Value(texts[i % texts.size()]));
      std::vector<uint8_t> bytes(static_cast<size_t>(i % 5) * 7);
      for (size_t j = 0; j < bytes.size(); ++j) bytes[j] = static_cast<uint8_t>(j * 37 + i);
      p.push_back(storage::Blob{bytes});
      p.push_back(i % 3 == 0 ? storage::Value(INT64_MIN) : storage::Value(INT64_MAX - i));
      RETURN_IF_ERROR(
          tx.Exec(R"(INSERT INTO "odd ""table""" VALUES (?, ?, ?, ?, ?, ?))", p).status());
    }
    RETURN_IF_ERROR(tx.Exec("INSERT INTO tree (id, parent) VALUES ('z', NULL)").status());
    return tx.Exec("INSERT INTO tree (id, parent) VALUES ('a', 'z'), ('b', 'a')").status();
  }));
  std::string stream;
  auto exported = ExportLogical(*source, [&](std::string_view l) {
    stream += l;
    return Status::Ok();
  });
  ASSERT_OK(exported);
  EXPECT_EQ(exported->tables, 2);
  EXPECT_EQ(exported->rows, 253);
  auto tx = std::move(*target->Begin(storage::TxMode::kWrite));
  auto tables = ListTables(*tx, target->Dialect());
  ASSERT_OK(tables);
  LogicalImporter importer(*tx, target->Dialect(), *tables);
  LineSplitter lines([&](std::string_view l) { return importer.Line(l); });
  ASSERT_OK(lines.Feed(stream));
  ASSERT_OK(lines.Finish());
  ASSERT_OK(importer.Finish());
  ASSERT_OK(tx->Commit());
  tx.reset();
  EXPECT_EQ(DumpAll(*target), DumpAll(*source));
}

// A logical backup of SQLite restores into PostgreSQL: the way to move a deployment.
TEST_P(BackupTest, SqliteLogicalBackupRestoresIntoPostgres) {
  if (!Pg()) GTEST_SKIP() << "needs PostgreSQL";
  auto source = Populated(NewDatabase("source", "sqlite"));
  const std::string file = BackupPath("b.tkb");
  BackupOptions opts;
  opts.format = Format::kLogical;
  ASSERT_OK(CreateBackup(*source, kek_, file, clock_, opts));
  const std::string url = NewDatabase("target");
  ASSERT_OK(RestoreBackup(file, kek_, TargetFor(url), clock_));
  EXPECT_EQ(DumpAll(*Open(url)), DumpAll(*source));
  EXPECT_EQ(OpenedUsers(*Open(url)), OpenedUsers(*source));
  // A physical backup cannot go there.
  const std::string physical = BackupPath("p.tkb");
  opts.format = Format::kSqlitePhysical;
  opts.scratch_dir = dir_.string();
  ASSERT_OK(CreateBackup(*source, kek_, physical, clock_, opts));
  EXPECT_EQ(RestoreBackup(physical, kek_, TargetFor(NewDatabase("t2")), clock_).status().code(),
            StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::backup
