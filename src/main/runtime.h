// The wiring of a Tamkine process: where the data and keys live, the opened Store, the keyring
// and the services built from them. Shared by every subcommand of main.cc.
#pragma once

#include <memory>
#include <string>

#include "audit/audit_service.h"
#include "common/clock.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "crypto/signing.h"
#include "identity/auth_service.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "storage/store.h"

namespace tamkine::app {

struct Paths {
  std::string data_dir = "./var";
  std::string database;  // empty: SQLite in data_dir
  std::string key_dir = "./keys";
  std::string kek_file;        // empty: key_dir/kek, or TAMKINE_KEK
  std::string audit_key_file;  // empty: key_dir/audit-signing.key
  bool insecure_test_kdf = false;
};

struct Runtime {
  Paths paths;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<crypto::Keyring> keyring;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  std::unique_ptr<crypto::SigningKey> audit_key;  // null when absent (checkpoints disabled)
  const Clock* clock = SystemClock::Get();

  identity::Deps Deps() const;
};

// Opens the database (migrating it) and loads the keyring. With create_keys, a missing key
// directory is created with a new KEK and audit-signing key (demo and `keys init`).
StatusOr<std::unique_ptr<Runtime>> OpenRuntime(const Paths& paths, bool create_keys);

// Creates the key directory with a new KEK and audit-signing key; refuses to overwrite.
Status InitKeys(const Paths& paths);

// The KEK of `paths` (its file, or TAMKINE_KEK when there is none). FailedPrecondition when the
// file lies inside the data directory.
StatusOr<crypto::Key256> LoadKekFor(const Paths& paths);

// --database, or the SQLite file in the data directory (whose directory is not created here).
std::string DatabaseUrl(const Paths& paths);

// Where the audit signing key of `paths` lives (it may not exist).
std::string AuditKeyPath(const Paths& paths);

}  // namespace tamkine::app
