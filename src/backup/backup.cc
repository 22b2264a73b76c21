#include "backup/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "audit/audit_log.h"
#include "backup/encrypted_file.h"
#include "common/ids.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"
#include "storage/sqlite/sqlite_store.h"

namespace tamkine::backup {

namespace fs = std::filesystem;

namespace {

constexpr int kBackupVersion = 1;
constexpr int kSealedPageRows = 50;

Json HeaderJson(const BackupInfo& info) {
  return Json{{"tamkine_backup", kBackupVersion},
              {"format", std::string(FormatName(info.format))},
              {"dialect", info.dialect},
              {"schema_version", info.schema_version},
              {"created_at", FormatIsoTime(info.created_at)},
              {"created_at_us", info.created_at},
              {"tool", info.tool},
              {"cipher", "xchacha20poly1305-secretstream, key wrapped under a KEK-derived key"}};
}

StatusOr<BackupInfo> InfoFromHeader(const Json& h) {
  auto bad = [] { return InvalidArgument("the backup header is not one this version reads"); };
  if (!h.is_object() || h.value("tamkine_backup", 0) != kBackupVersion) return bad();
  BackupInfo info;
  const std::string format = h.value("format", std::string());
  if (format == FormatName(Format::kSqlitePhysical)) {
    info.format = Format::kSqlitePhysical;
  } else if (format == FormatName(Format::kLogical)) {
    info.format = Format::kLogical;
  } else {
    return bad();
  }
  if (!h.contains("schema_version") || !h["schema_version"].is_number_integer() ||
      !h.contains("created_at_us") || !h["created_at_us"].is_number_integer()) {
    return bad();
  }
  info.dialect = h.value("dialect", std::string());
  info.schema_version = h["schema_version"].get<int>();
  info.created_at = h["created_at_us"].get<int64_t>();
  info.tool = h.value("tool", std::string());
  return info;
}

// Removes the listed files when it goes out of scope, unless released.
class FileGuard {
 public:
  explicit FileGuard(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  ~FileGuard() {
    for (const auto& p : paths_) {
      std::error_code ignored;
      fs::remove(p, ignored);
    }
  }
  void Release() { paths_.clear(); }
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;

 private:
  std::vector<std::string> paths_;
};

std::vector<std::string> SqliteFiles(const std::string& db) {
  return {db, db + "-wal", db + "-shm", db + "-journal"};
}

Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable("cannot open directory " + dir.string());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Unavailable("cannot sync directory " + dir.string());
  return Status::Ok();
}

// Copies the file at `path` into the writer.
Status CopyInto(const std::string& path, EncryptedWriter& writer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot read " + path);
  std::string buf(kChunkBytes, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    if (n > 0) RETURN_IF_ERROR(writer.Write(std::string_view(buf.data(), static_cast<size_t>(n))));
  }
  if (in.bad()) return Unavailable("cannot read " + path);
  return Status::Ok();
}

// Decrypts the rest of `reader` into `fn`, chunk by chunk.
Status Drain(EncryptedReader& reader, const std::function<Status(std::string_view)>& fn) {
  while (!reader.done()) {
    ASSIGN_OR_RETURN(std::string chunk, reader.Next());
    if (!chunk.empty()) RETURN_IF_ERROR(fn(chunk));
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<EncryptedReader>> OpenUnlocked(const std::string& path,
                                                        const crypto::Key256& kek) {
  ASSIGN_OR_RETURN(auto reader, EncryptedReader::Open(path));
  RETURN_IF_ERROR(reader->Unlock(kek));
  return reader;
}

// Migrations up to `version`: the schema the backup's rows belong to.
std::vector<storage::Migration> MigrationsUpTo(std::string_view dialect, int version) {
  std::vector<storage::Migration> out;
  for (auto& m : storage::SchemaMigrations(dialect)) {
    if (m.version <= version) out.push_back(std::move(m));
  }
  return out;
}

// Feeds a logical stream into `store` (empty, migrated to the stream's version) in one
// transaction.
StatusOr<LogicalStats> ImportLogical(EncryptedReader& reader, storage::Store& store) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kWrite));
  ASSIGN_OR_RETURN(auto tables, ListTables(*tx, store.Dialect()));
  LogicalImporter importer(*tx, store.Dialect(), std::move(tables));
  LineSplitter lines([&](std::string_view l) { return importer.Line(l); });
  RETURN_IF_ERROR(Drain(reader, [&](std::string_view c) { return lines.Feed(c); }));
  RETURN_IF_ERROR(lines.Finish());
  ASSIGN_OR_RETURN(LogicalStats stats, importer.Finish());
  RETURN_IF_ERROR(tx->Commit());
  return stats;
}

Status CheckSchemaVersion(storage::Store& store, int expected) {
  ASSIGN_OR_RETURN(int v, store.SchemaVersion());
  if (v != expected) {
    return FailedPrecondition("the restored database is at schema version " + std::to_string(v) +
                              " but the backup says " + std::to_string(expected));
  }
  return Status::Ok();
}

StatusOr<RestoreReport> RestoreSqlite(const std::string& input, const crypto::Key256& kek,
                                      const RestoreTarget& target, const BackupInfo& info,
                                      const Clock& clock) {
  const std::string& path = target.sqlite_path;
  const bool occupied = fs::exists(path) || fs::exists(path + "-wal");
  if (occupied && !target.force) {
    return FailedPrecondition(path +
                              " already holds a database; restore into an empty data directory, "
                              "or pass --force to replace it (it is kept aside, not deleted)");
  }
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::exists(dir)) {
    fs::create_directories(dir, ec);
    if (ec) return Unavailable("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }

  RestoreReport report;
  report.info = info;
  const std::string tmp = path + ".restore-" + NewId();
  FileGuard guard(SqliteFiles(tmp));
  ASSIGN_OR_RETURN(auto reader, OpenUnlocked(input, kek));
  if (info.format == Format::kSqlitePhysical) {
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Unavailable("cannot create " + tmp + ": " + std::strerror(errno));
    Status written = Drain(*reader, [&](std::string_view c) -> Status {
      while (!c.empty()) {
        ssize_t n = ::write(fd, c.data(), c.size());
        if (n <= 0) return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
        c.remove_prefix(static_cast<size_t>(n));
      }
      return Status::Ok();
    });
    if (written.ok() && ::fsync(fd) != 0) written = Unavailable("cannot sync " + tmp);
    ::close(fd);
    RETURN_IF_ERROR(written);
  }
  {
    ASSIGN_OR_RETURN(auto store, storage::SqliteStore::Open(tmp));
    if (info.format == Format::kLogical) {
      RETURN_IF_ERROR(store->Migrate(MigrationsUpTo(store->Dialect(), info.schema_version)));
      ASSIGN_OR_RETURN(LogicalStats stats, ImportLogical(*reader, *store));
      report.tables = stats.tables;
      report.rows = stats.rows;
    }
    RETURN_IF_ERROR(CheckSchemaVersion(*store, info.schema_version));
    ASSIGN_OR_RETURN(report.verified, VerifyDatabase(*store, kek, target.trusted_audit_key));
  }  // closing the store checkpoints and removes tmp's WAL

  if (occupied) {
    // Never over an earlier replaced database (fs::rename would silently overwrite it).
    const std::string base = path + ".replaced-" + std::to_string(clock.Now() / kMicrosPerSecond);
    report.replaced_path = base;
    for (int n = 2; fs::exists(report.replaced_path) || fs::exists(report.replaced_path + "-wal");
         ++n) {
      report.replaced_path = base + "-" + std::to_string(n);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
      if (!fs::exists(path + suffix)) continue;
      fs::rename(path + suffix, report.replaced_path + suffix, ec);
      if (ec) return Unavailable("cannot move " + path + suffix + " aside: " + ec.message());
    }
  }
  for (const char* suffix : {"-wal", "-shm"}) {
    if (fs::exists(tmp + suffix)) fs::rename(tmp + suffix, path + suffix, ec);
    if (ec) return Unavailable("cannot move " + tmp + suffix + " into place: " + ec.message());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot move " + tmp + " into place: " + ec.message());
  guard.Release();
  RETURN_IF_ERROR(SyncDir(dir));
  return report;
}

// Drops every table and function of the current schema (PostgreSQL restore --force).
Status DropPostgresSchemaObjects(storage::Store& store) {
  return storage::WithTx(store, storage::TxMode::kWrite, [](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto tables,
                     tx.Query("SELECT CAST(table_name AS TEXT) FROM information_schema.tables "
                              "WHERE table_schema = current_schema() AND table_type = 'BASE "
                              "TABLE'"));
    for (const auto& t : tables) {
      RETURN_IF_ERROR(
          tx.Exec("DROP TABLE IF EXISTS " + QuoteIdentifier(t.Text(0)) + " CASCADE").status());
    }
    ASSIGN_OR_RETURN(auto fns, tx.Query("SELECT CAST(CAST(p.oid AS regprocedure) AS TEXT) FROM "
                                        "pg_proc p JOIN pg_namespace n ON n.oid = "
                                        "p.pronamespace WHERE n.nspname = current_schema()"));
    for (const auto& f : fns) {
      RETURN_IF_ERROR(tx.Exec("DROP FUNCTION IF EXISTS " + f.Text(0) + " CASCADE").status());
    }
    return Status::Ok();
  });
}

// Authenticates every frame of a backup (and checks a logical stream's structure).
Status CheckStream(const std::string& input, const crypto::Key256& kek, Format format) {
  ASSIGN_OR_RETURN(auto reader, OpenUnlocked(input, kek));
  if (format != Format::kLogical) {
    return Drain(*reader, [](std::string_view) { return Status::Ok(); });
  }
  LogicalChecker checker;
  LineSplitter lines([&](std::string_view l) { return checker.Line(l); });
  RETURN_IF_ERROR(Drain(*reader, [&](std::string_view c) { return lines.Feed(c); }));
  RETURN_IF_ERROR(lines.Finish());
  return checker.Finish().status();
}

StatusOr<RestoreReport> RestorePostgres(const std::string& input, const crypto::Key256& kek,
                                        const RestoreTarget& target, const BackupInfo& info) {
  if (info.format != Format::kLogical) {
    return InvalidArgument(
        "a physical SQLite backup restores only into SQLite; to move to PostgreSQL, take a "
        "logical backup (tamkine backup --format logical) and restore that");
  }
  RestoreReport report;
  report.info = info;
  // First pass: authenticate the whole backup and check its structure before touching anything.
  RETURN_IF_ERROR(CheckStream(input, kek, info.format));
  ASSIGN_OR_RETURN(auto store, storage::OpenStore(target.database_url));
  {
    ASSIGN_OR_RETURN(auto tx, store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto existing,
                     tx->QueryOne("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                  "table_schema = current_schema()"));
    RETURN_IF_ERROR(tx->Commit());
    if (existing && existing->Int(0) > 0) {
      if (!target.force) {
        return FailedPrecondition(
            "the target database already has tables; restore into an empty database, or pass "
            "--force to drop them first");
      }
      RETURN_IF_ERROR(DropPostgresSchemaObjects(*store));
    }
  }
  RETURN_IF_ERROR(store->Migrate(MigrationsUpTo(store->Dialect(), info.schema_version)));
  ASSIGN_OR_RETURN(auto reader, OpenUnlocked(input, kek));
  ASSIGN_OR_RETURN(LogicalStats stats, ImportLogical(*reader, *store));
  report.tables = stats.tables;
  report.rows = stats.rows;
  RETURN_IF_ERROR(CheckSchemaVersion(*store, info.schema_version));
  ASSIGN_OR_RETURN(report.verified, VerifyDatabase(*store, kek, target.trusted_audit_key));
  return report;
}

}  // namespace

std::string_view FormatName(Format f) {
  return f == Format::kSqlitePhysical ? "sqlite-physical" : "logical-jsonl";
}

StatusOr<BackupReport> CreateBackup(storage::Store& store, const crypto::Key256& kek,
                                    const std::string& output_path, const Clock& clock,
                                    const BackupOptions& options) {
  BackupReport report;
  BackupInfo& info = report.info;
  info.dialect = std::string(store.Dialect());
  info.format = options.format.value_or(info.dialect == "sqlite" ? Format::kSqlitePhysical
                                                                 : Format::kLogical);
  auto* sqlite = dynamic_cast<storage::SqliteStore*>(&store);
  if (info.format == Format::kSqlitePhysical) {
    if (sqlite == nullptr) return InvalidArgument("only a SQLite database has a physical backup");
    if (options.scratch_dir.empty()) return InvalidArgument("a physical backup needs scratch_dir");
  }
  ASSIGN_OR_RETURN(info.schema_version, store.SchemaVersion());
  info.created_at = clock.Now();
  info.tool = "tamkine " TAMKINE_VERSION;
  if (fs::exists(output_path)) return AlreadyExists(output_path + " already exists");

  ASSIGN_OR_RETURN(auto writer, EncryptedWriter::Create(output_path, kek, HeaderJson(info)));
  if (info.format == Format::kSqlitePhysical) {
    const std::string tmp =
        (fs::path(options.scratch_dir) / (".backup-" + NewId() + ".db")).string();
    FileGuard guard(SqliteFiles(tmp));
    RETURN_IF_ERROR(sqlite->Backup(tmp));
    RETURN_IF_ERROR(CopyInto(tmp, *writer));
  } else {
    ASSIGN_OR_RETURN(LogicalStats stats,
                     ExportLogical(store, [&](std::string_view l) { return writer->Write(l); }));
    report.tables = stats.tables;
    report.rows = stats.rows;
  }
  report.payload_bytes = writer->payload_bytes();
  RETURN_IF_ERROR(writer->Finish());
  return report;
}

StatusOr<BackupInfo> ReadBackupInfo(const std::string& input_path) {
  ASSIGN_OR_RETURN(auto reader, EncryptedReader::Open(input_path));
  return InfoFromHeader(reader->header());
}

StatusOr<BackupInfo> CheckBackup(const std::string& input_path, const crypto::Key256& kek) {
  ASSIGN_OR_RETURN(BackupInfo info, ReadBackupInfo(input_path));
  RETURN_IF_ERROR(CheckStream(input_path, kek, info.format));
  return info;
}

StatusOr<VerifyResult> VerifyDatabase(storage::Store& store, const crypto::Key256& kek,
                                      const std::string& trusted_audit_key) {
  VerifyResult result;
  {
    ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
    if (store.Dialect() == "sqlite") {
      ASSIGN_OR_RETURN(auto check, tx->Query("PRAGMA integrity_check"));
      if (check.size() != 1 || check[0].Text(0) != "ok") {
        return FailedPrecondition("SQLite integrity check failed: " +
                                  (check.empty() ? std::string("no answer") : check[0].Text(0)));
      }
      ASSIGN_OR_RETURN(auto fk, tx->Query("PRAGMA foreign_key_check"));
      if (!fk.empty()) {
        return FailedPrecondition("a row of " + fk[0].Text(0) + " references a missing row");
      }
    }
    ASSIGN_OR_RETURN(auto tables, ListTables(*tx, store.Dialect()));
    auto find = [&](const std::string& name) -> const TableInfo* {
      for (const auto& t : tables) {
        if (t.name == name) return &t;
      }
      return nullptr;
    };

    crypto::Keyring keyring(kek);
    if (find("data_keys") != nullptr) {
      ASSIGN_OR_RETURN(auto keys, tx->Query("SELECT version, wrapped FROM data_keys"));
      for (const auto& k : keys) {
        auto version = static_cast<uint32_t>(k.Int(0));
        auto dek = keyring.UnwrapDataKey(version, k.Bytes(1));
        if (!dek.ok()) {
          return FailedPrecondition("data key version " + std::to_string(version) +
                                    " does not unwrap with this key-encryption key");
        }
        keyring.AddDataKey(version, *dek);
        ++result.data_keys;
      }
    }

    for (const auto& sealed : keys::SealedTables()) {
      const TableInfo* t = find(sealed.table);
      if (t == nullptr) continue;  // a table of a later schema version
      std::string cols;
      for (const auto& c : sealed.columns) cols += ", " + QuoteIdentifier(c);
      const std::string select = "SELECT " + QuoteIdentifier(sealed.id_column) + cols + " FROM " +
                                 QuoteIdentifier(sealed.table);
      const std::string order = " ORDER BY " + QuoteIdentifier(sealed.id_column) + " LIMIT " +
                                std::to_string(kSealedPageRows);
      std::optional<std::string> last;
      while (true) {
        std::vector<storage::Row> rows;
        if (last) {
          std::string sql = select;
          sql += " WHERE " + QuoteIdentifier(sealed.id_column) + " > ?";
          sql += order;
          ASSIGN_OR_RETURN(rows, tx->Query(sql, {*last}));
        } else {
          ASSIGN_OR_RETURN(rows, tx->Query(select + order));
        }
        for (const auto& r : rows) {
          const std::string& id = r.Text(0);
          for (size_t c = 0; c < sealed.columns.size(); ++c) {
            if (r.IsNull(c + 1)) continue;
            auto opened = keyring.Open(sealed.table, sealed.columns[c], id, r.Bytes(c + 1));
            if (!opened.ok()) {
              return FailedPrecondition("a sealed value in " + sealed.table + "." +
                                        sealed.columns[c] +
                                        " does not open: " + opened.status().message());
            }
            ++result.sealed_values;
          }
        }
        if (rows.size() < static_cast<size_t>(kSealedPageRows)) break;
        last = rows.back().Text(0);
      }
    }
    RETURN_IF_ERROR(tx->Commit());
  }

  ASSIGN_OR_RETURN(auto audit_report, audit::Verify(store, {}, trusted_audit_key));
  result.audit_entries = audit_report.entries;
  result.audit_checkpoints = audit_report.checkpoints_checked;
  if (!audit_report.ok()) {
    const auto& p = audit_report.problems.front();
    return FailedPrecondition(
        "the audit log does not verify: " + std::to_string(audit_report.problems.size()) +
        " problems, the first at entry " + std::to_string(p.seq) + " (" + p.kind + ": " +
        p.message + ")");
  }
  return result;
}

StatusOr<RestoreReport> RestoreBackup(const std::string& input_path, const crypto::Key256& kek,
                                      const RestoreTarget& target, const Clock& clock) {
  if (target.sqlite_path.empty() == target.database_url.empty()) {
    return InvalidArgument("restore needs exactly one target: a SQLite file or a database URL");
  }
  ASSIGN_OR_RETURN(BackupInfo info, ReadBackupInfo(input_path));
  if (info.schema_version > storage::LatestSchemaVersion()) {
    return FailedPrecondition("the backup is at schema version " +
                              std::to_string(info.schema_version) + ", newer than this binary (" +
                              std::to_string(storage::LatestSchemaVersion()) +
                              "); restore with the version of Tamkine that made it");
  }
  if (!target.sqlite_path.empty()) return RestoreSqlite(input_path, kek, target, info, clock);
  return RestorePostgres(input_path, kek, target, info);
}

}  // namespace tamkine::backup
