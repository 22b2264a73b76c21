#include "main/runtime.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::app {

namespace fs = std::filesystem;

namespace {

std::string KekPath(const Paths& p) {
  return p.kek_file.empty() ? (fs::path(p.key_dir) / "kek").string() : p.kek_file;
}
bool Inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(child, ec);
  fs::path p = fs::weakly_canonical(parent, ec);
  auto [pe, ce] = std::mismatch(p.begin(), p.end(), c.begin(), c.end());
  return pe == p.end();
}

bool KekFromEnv(const Paths& p) {
  return p.kek_file.empty() && std::getenv("TAMKINE_KEK") != nullptr && !fs::exists(KekPath(p));
}

}  // namespace

std::string AuditKeyPath(const Paths& p) {
  return p.audit_key_file.empty() ? (fs::path(p.key_dir) / "audit-signing.key").string()
                                  : p.audit_key_file;
}

std::string DatabaseUrl(const Paths& p) {
  return p.database.empty() ? (fs::path(p.data_dir) / "tamkine.db").string() : p.database;
}

StatusOr<crypto::Key256> LoadKekFor(const Paths& paths) {
  const bool from_env = KekFromEnv(paths);
  if (!from_env && Inside(KekPath(paths), paths.data_dir)) {
    return FailedPrecondition("the key-encryption key must live outside the data directory (" +
                              paths.data_dir +
                              "), so that a copy of the data is not a copy of "
                              "the key");
  }
  return crypto::LoadKek(from_env ? std::string() : KekPath(paths));
}

identity::Deps Runtime::Deps() const {
  return identity::Deps{store.get(), keyring.get(), hasher.get(), clock};
}

Status InitKeys(const Paths& paths) {
  std::error_code ec;
  fs::create_directories(paths.key_dir, ec);
  if (ec) return Unavailable("cannot create key directory " + paths.key_dir + ": " + ec.message());
  ::chmod(paths.key_dir.c_str(), 0700);
  if (!fs::exists(KekPath(paths))) RETURN_IF_ERROR(crypto::GenerateKekFile(KekPath(paths)));
  if (!fs::exists(AuditKeyPath(paths))) {
    RETURN_IF_ERROR(crypto::SigningKey::Generate().SaveToFile(AuditKeyPath(paths)));
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Runtime>> OpenRuntime(const Paths& paths, bool create_keys) {
  auto rt = std::make_unique<Runtime>();
  rt->paths = paths;
  if (create_keys && !KekFromEnv(paths) && !Inside(KekPath(paths), paths.data_dir)) {
    RETURN_IF_ERROR(InitKeys(paths));
  }
  ASSIGN_OR_RETURN(auto kek, LoadKekFor(paths));
  rt->keyring = std::make_unique<crypto::Keyring>(kek);

  if (fs::exists(AuditKeyPath(paths))) {
    ASSIGN_OR_RETURN(auto key, crypto::SigningKey::LoadFromFile(AuditKeyPath(paths)));
    rt->audit_key = std::make_unique<crypto::SigningKey>(std::move(key));
  } else {
    spdlog::warn("no audit signing key at {}: signed audit checkpoints are disabled",
                 AuditKeyPath(paths));
  }

  if (paths.database.empty()) {
    std::error_code ec;
    fs::create_directories(paths.data_dir, ec);
    if (ec) return Unavailable("cannot create data directory " + paths.data_dir);
    ::chmod(paths.data_dir.c_str(), 0700);
  }
  ASSIGN_OR_RETURN(rt->store, storage::OpenStore(DatabaseUrl(paths)));
  RETURN_IF_ERROR(rt->store->Migrate(storage::SchemaMigrations(rt->store->Dialect())));
  RETURN_IF_ERROR(keys::LoadKeyring(*rt->store, *rt->keyring, *rt->clock));

  crypto::PasswordParams params = crypto::PasswordParams::Default();
  if (paths.insecure_test_kdf) {
    spdlog::warn(
        "--insecure-test-kdf: passwords are hashed with test parameters; never use this "
        "outside automated tests");
    params = crypto::PasswordParams::ForTests();
  }
  rt->hasher = std::make_unique<crypto::PasswordHasher>(params);
  return rt;
}

}  // namespace tamkine::app
