// Online backups and verified restores of a whole Tamkine database, encrypted under the KEK
// (encrypted_file.h). SQLite is copied page by page with its online backup API; PostgreSQL (or
// SQLite on request) is exported table by table through the Store (logical.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backup/logical.h"
#include "common/clock.h"
#include "common/status.h"
#include "crypto/keyring.h"
#include "storage/store.h"

namespace tamkine::backup {

enum class Format {
  kSqlitePhysical,  // "sqlite-physical": the database file as of one read transaction
  kLogical,         // "logical-jsonl": logical.h's stream
};
std::string_view FormatName(Format f);

// What the (authenticated, unencrypted) header of a backup says.
struct BackupInfo {
  Format format = Format::kLogical;
  std::string dialect;  // of the database it was taken from
  int schema_version = 0;
  Micros created_at = 0;
  std::string tool;  // "tamkine 0.1.0"
};

struct BackupOptions {
  // Default: physical for SQLite, logical for PostgreSQL (which cannot be physical).
  std::optional<Format> format;
  // For a physical backup, where SQLite writes its plaintext copy before it is encrypted and
  // removed: a directory as private as the database (the data directory). Required then.
  std::string scratch_dir;
};

struct BackupReport {
  BackupInfo info;
  int64_t payload_bytes = 0;
  int64_t tables = 0;  // logical only
  int64_t rows = 0;    // logical only
};

// Writes a consistent backup of `store` (which may be serving meanwhile) to `output_path`, a new
// file with mode 0600, encrypted under a key derived from `kek`. AlreadyExists if the output
// exists; InvalidArgument for a physical backup of a non-SQLite store or without scratch_dir.
// On failure nothing is left at output_path.
StatusOr<BackupReport> CreateBackup(storage::Store& store, const crypto::Key256& kek,
                                    const std::string& output_path, const Clock& clock,
                                    const BackupOptions& options);

// Reads a backup's header without decrypting anything. InvalidArgument if it is not a backup.
StatusOr<BackupInfo> ReadBackupInfo(const std::string& input_path);

// Decrypts the whole backup without restoring it: every frame authenticates with `kek`, nothing
// is missing or added, and a logical stream is well formed. FailedPrecondition otherwise.
StatusOr<BackupInfo> CheckBackup(const std::string& input_path, const crypto::Key256& kek);

// What VerifyDatabase checked.
struct VerifyResult {
  int data_keys = 0;
  int64_t sealed_values = 0;  // every one opened with its data key
  int64_t audit_entries = 0;
  int64_t audit_checkpoints = 0;
};

// Checks a database as a restore must: SQLite's integrity_check (SQLite only), every data key
// unwraps with `kek`, every sealed value of keys::SealedTables() present in the schema opens,
// and the audit chain and its checkpoints verify (signatures against `trusted_audit_key`, base64,
// when non-empty). Read-only. FailedPrecondition describing the first failure.
StatusOr<VerifyResult> VerifyDatabase(storage::Store& store, const crypto::Key256& kek,
                                      const std::string& trusted_audit_key = {});

struct RestoreTarget {
  // Exactly one: the SQLite database file to create, or a PostgreSQL URL.
  std::string sqlite_path;
  std::string database_url;
  // Replace a non-empty target: SQLite's file (and -wal, -shm) is renamed aside to
  // "<path>.replaced-<time>"; PostgreSQL's tables and functions in the current schema are
  // dropped (after the backup has been fully authenticated, before anything is written).
  bool force = false;
  std::string trusted_audit_key;  // passed to VerifyDatabase
};

struct RestoreReport {
  BackupInfo info;
  int64_t tables = 0;  // logical only
  int64_t rows = 0;    // logical only
  VerifyResult verified;
  std::string replaced_path;  // SQLite with force: where the previous database went
};

// Restores a backup into an empty target and verifies it (VerifyDatabase). The whole backup is
// authenticated before the target is touched. SQLite targets are built in a temporary file next
// to the target and renamed into place only once verified, so a failed restore leaves nothing.
// A PostgreSQL target receives the migrations up to the backup's schema version and then all
// rows in one transaction. Later migrations are left to `tamkine migrate` or the next start.
// Errors: FailedPrecondition for a non-empty target without force, a wrong KEK, a backup that
// does not authenticate, a newer schema than this binary knows, or a failed verification;
// InvalidArgument for a physical SQLite backup aimed at PostgreSQL.
StatusOr<RestoreReport> RestoreBackup(const std::string& input_path, const crypto::Key256& kek,
                                      const RestoreTarget& target, const Clock& clock);

}  // namespace tamkine::backup
