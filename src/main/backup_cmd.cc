#include "main/backup_cmd.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "backup/backup.h"
#include "crypto/encoding.h"
#include "crypto/signing.h"
#include "storage/migrations/schema.h"

namespace tamkine::app {

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "tamkine: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace

BackupCommands AddBackupCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_paths,
                                 BackupCmdOptions* o) {
  BackupCommands c;
  c.backup = app.add_subcommand(
      "backup", "write an encrypted, consistent backup of the database while it serves");
  add_paths(c.backup);
  c.backup->add_option("--output", o->output, "backup file to create (never overwritten)")
      ->required();
  c.backup
      ->add_option("--format", o->format,
                   "physical (SQLite only, the default there) or logical (PostgreSQL's only "
                   "format; restores into either backend)")
      ->check(CLI::IsMember({"physical", "logical"}));
  c.restore = app.add_subcommand(
      "restore", "restore a backup into an empty data directory or database, then verify it");
  add_paths(c.restore);
  c.restore->add_option("--input", o->input, "backup file")->required()->check(CLI::ExistingFile);
  c.restore->add_flag("--force", o->force,
                      "replace a non-empty target (SQLite: the old database is moved aside; "
                      "PostgreSQL: its tables are dropped)");
  return c;
}

int RunBackup(const Paths& paths, const BackupCmdOptions& o) {
  auto kek = LoadKekFor(paths);
  if (!kek.ok()) return Fail(kek.status());
  const std::string url = DatabaseUrl(paths);
  if (paths.database.empty() && !std::filesystem::exists(url)) {
    return Fail(FailedPrecondition("no database at " + url));
  }
  auto store = storage::OpenStore(url);
  if (!store.ok()) return Fail(store.status());
  backup::BackupOptions opts;
  if (o.format == "physical") opts.format = backup::Format::kSqlitePhysical;
  if (o.format == "logical") opts.format = backup::Format::kLogical;
  opts.scratch_dir = paths.data_dir;  // as private as the database itself
  auto made = backup::CreateBackup(**store, *kek, o.output, *SystemClock::Get(), opts);
  if (!made.ok()) return Fail(made.status());
  // Read it back once: a backup that does not decrypt is worse than none.
  auto checked = backup::CheckBackup(o.output, *kek);
  if (!checked.ok()) {
    std::error_code ignored;
    std::filesystem::remove(o.output, ignored);
    return Fail(checked.status());
  }
  std::printf("backup of the %s database (schema version %d, %s) written to %s: %lld bytes",
              made->info.dialect.c_str(), made->info.schema_version,
              std::string(backup::FormatName(made->info.format)).c_str(), o.output.c_str(),
              static_cast<long long>(made->payload_bytes));
  if (made->info.format == backup::Format::kLogical) {
    std::printf(", %lld tables, %lld rows", static_cast<long long>(made->tables),
                static_cast<long long>(made->rows));
  }
  std::printf(
      "; read back and authenticated. It opens only with this KEK: keep the KEK's own "
      "backup elsewhere.\n");
  return 0;
}

int RunRestore(const Paths& paths, const BackupCmdOptions& o) {
  auto kek = LoadKekFor(paths);
  if (!kek.ok()) return Fail(kek.status());
  backup::RestoreTarget target;
  if (paths.database.empty()) {
    target.sqlite_path = DatabaseUrl(paths);
  } else {
    target.database_url = paths.database;
  }
  target.force = o.force;
  if (std::filesystem::exists(AuditKeyPath(paths))) {
    auto key = crypto::SigningKey::LoadFromFile(AuditKeyPath(paths));
    if (!key.ok()) return Fail(key.status());
    target.trusted_audit_key = crypto::Base64Encode(key->PublicKey());
  }
  auto r = backup::RestoreBackup(o.input, *kek, target, *SystemClock::Get());
  if (!r.ok()) return Fail(r.status());
  std::printf("restored the %s backup of %s (schema version %d, %s)",
              std::string(backup::FormatName(r->info.format)).c_str(),
              FormatIsoTime(r->info.created_at).c_str(), r->info.schema_version,
              r->info.dialect.c_str());
  if (r->info.format == backup::Format::kLogical) {
    std::printf(": %lld tables, %lld rows", static_cast<long long>(r->tables),
                static_cast<long long>(r->rows));
  }
  std::printf(
      "\nverified: %d data keys unwrap, %lld sealed values open, audit log intact (%lld entries, "
      "%lld checkpoints%s)\n",
      r->verified.data_keys, static_cast<long long>(r->verified.sealed_values),
      static_cast<long long>(r->verified.audit_entries),
      static_cast<long long>(r->verified.audit_checkpoints),
      target.trusted_audit_key.empty() || r->verified.audit_checkpoints == 0
          ? ""
          : ", signed by this audit key");
  if (!r->replaced_path.empty()) {
    std::printf("the database it replaced is kept at %s\n", r->replaced_path.c_str());
  }
  if (r->info.schema_version < storage::LatestSchemaVersion()) {
    std::printf("the next `tamkine migrate` or start brings it to schema version %d\n",
                storage::LatestSchemaVersion());
  }
  return 0;
}

}  // namespace tamkine::app
