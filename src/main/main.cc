// tamkine: the one binary. Subcommands: serve, migrate, seed-demo, audit (verify, checkpoint,
// export-checkpoints), keys (init, rotate), bootstrap-admin, dedupe, backup, restore. This file
// and runtime.cc are the wiring; everything they call is tested on its own.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "audit/audit_log.h"
#include "demo/seed.h"
#include "keys/keyring_store.h"
#include "main/backup_cmd.h"
#include "main/dedupe.h"
#include "main/runtime.h"
#include "main/serve.h"
#include "storage/migrations/schema.h"

namespace tamkine::app {
namespace {

void AddPathOptions(CLI::App* cmd, Paths* p) {
  cmd->add_option("--data-dir", p->data_dir, "data directory (SQLite database)")
      ->capture_default_str();
  cmd->add_option("--database", p->database,
                  "database URL: postgresql://… (default: SQLite in the data directory)");
  cmd->add_option("--key-dir", p->key_dir,
                  "directory with the key-encryption key and audit signing key; keep it outside "
                  "the data directory and its backups")
      ->capture_default_str();
  cmd->add_option("--kek-file", p->kek_file,
                  "key-encryption key file (default KEY_DIR/kek, or env TAMKINE_KEK)");
  cmd->add_option("--audit-key", p->audit_key_file,
                  "Ed25519 audit checkpoint signing key (default KEY_DIR/audit-signing.key)");
  cmd->add_flag("--insecure-test-kdf", p->insecure_test_kdf,
                "hash passwords with tiny test parameters (automated tests only)");
}

int Fail(const Status& s) {
  std::fprintf(stderr, "tamkine: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int RunMigrate(const Paths& p) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  auto v = (*rt)->store->SchemaVersion();
  if (!v.ok()) return Fail(v.status());
  std::printf("database schema at version %d (%s)\n", *v,
              std::string((*rt)->store->Dialect()).c_str());
  return 0;
}

int RunSeedDemo(const Paths& p) {
  auto rt = OpenRuntime(p, true);
  if (!rt.ok()) return Fail(rt.status());
  auto r = demo::SeedDemo((*rt)->Deps());
  if (!r.ok()) return Fail(r.status());
  if (r->already_seeded) {
    std::printf("the database already has units; demo data not added\n");
  } else {
    std::printf("demo data: %d units, %d accounts (see docs/DEMO.md)\n", r->units, r->users);
  }
  return 0;
}

int RunAuditVerify(const Paths& p, const std::string& checkpoints_file,
                   const std::string& trusted_key) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  std::vector<audit::Checkpoint> external;
  if (!checkpoints_file.empty()) {
    std::ifstream in(checkpoints_file);
    if (!in) return Fail(InvalidArgument("cannot read " + checkpoints_file, "--checkpoints"));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      auto c = audit::CheckpointFromJsonLine(line);
      if (!c.ok()) {
        return Fail(InvalidArgument(checkpoints_file + ":" + std::to_string(n) + ": " +
                                    c.status().message()));
      }
      external.push_back(*c);
    }
  }
  auto report = audit::Verify(*(*rt)->store, external, trusted_key);
  if (!report.ok()) return Fail(report.status());
  for (const auto& pr : report->problems) {
    std::printf("problem at entry %lld: %s: %s\n", static_cast<long long>(pr.seq), pr.kind.c_str(),
                pr.message.c_str());
  }
  std::printf("%s: %lld entries, %lld checkpoints checked, %zu problems\n",
              report->ok() ? "audit log intact" : "AUDIT LOG TAMPERED",
              static_cast<long long>(report->entries),
              static_cast<long long>(report->checkpoints_checked), report->problems.size());
  return report->ok() ? 0 : 3;
}

int RunAuditCheckpoint(const Paths& p) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  if (!(*rt)->audit_key) return Fail(FailedPrecondition("no audit signing key"));
  auto c = audit::WriteCheckpoint(*(*rt)->store, *(*rt)->audit_key, *(*rt)->clock);
  if (!c.ok()) return Fail(c.status());
  if (!c->has_value()) {
    std::printf("nothing new to checkpoint\n");
  } else {
    std::printf("%s\n", audit::CheckpointToJsonLine(**c).c_str());
  }
  return 0;
}

int RunExportCheckpoints(const Paths& p, const std::string& out_file) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  auto cps = audit::ListCheckpoints(*(*rt)->store);
  if (!cps.ok()) return Fail(cps.status());
  std::ofstream out(out_file, std::ios::trunc);
  if (!out) return Fail(InvalidArgument("cannot write " + out_file, "--output"));
  for (const auto& c : *cps) out << audit::CheckpointToJsonLine(c) << "\n";
  out.close();
  std::printf("exported %zu checkpoints to %s\n", cps->size(), out_file.c_str());
  return 0;
}

int RunKeysRotate(const Paths& p) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  auto r = keys::RotateKeys(*(*rt)->store, *(*rt)->keyring, *(*rt)->clock, [](int64_t n) {
    std::fprintf(stderr, "\rre-sealed %lld values", static_cast<long long>(n));
  });
  std::fprintf(stderr, "\n");
  if (!r.ok()) return Fail(r.status());
  // A running server may have sealed a few values with the old key before it noticed the new one
  // (it re-reads the keyring every few seconds): a second pass after that interval catches them.
  std::this_thread::sleep_for(std::chrono::seconds(kKeyringRefreshSeconds + 1));
  auto again = keys::ResealAll(*(*rt)->store, *(*rt)->keyring);
  if (!again.ok()) return Fail(again.status());
  std::printf("data key version %u is current; %lld values re-sealed\n", r->new_version,
              static_cast<long long>(r->values_resealed) + static_cast<long long>(*again));
  return 0;
}

int RunBootstrapAdmin(const Paths& p, const std::string& username, const std::string& name,
                      const std::string& unit_name, const std::string& province) {
  auto rt = OpenRuntime(p, false);
  if (!rt.ok()) return Fail(rt.status());
  std::string password;
  std::fprintf(stderr, "password for %s (one line on standard input): ", username.c_str());
  std::getline(std::cin, password);
  identity::UnitService units((*rt)->Deps());
  identity::UserService users((*rt)->Deps());
  identity::UnitInput ui;
  ui.name = unit_name;
  ui.sector = "commission";
  ui.province_code = province;
  auto unit = units.CreateBootstrap(ui);
  if (!unit.ok()) return Fail(unit.status());
  identity::UserInput in;
  in.username = username;
  in.display_name = name;
  in.password = password;
  in.memberships.push_back({unit->id, "administrator"});
  auto u = users.CreateBootstrap(in, std::nullopt);
  if (!u.ok()) return Fail(u.status());
  std::printf(
      "administrator %s created in unit %s; they must enrol a second factor at first "
      "sign-in\n",
      u->username.c_str(), unit->name.c_str());
  return 0;
}

}  // namespace
}  // namespace tamkine::app

int main(int argc, char** argv) {
  using namespace tamkine::app;  // NOLINT(google-build-using-namespace): main only
  CLI::App cli{
      "Tamkine: one secure case file for the response to violence against women and "
      "children"};
  cli.require_subcommand(1);

  Paths paths;
  ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server");
  AddPathOptions(serve_cmd, &paths);
  AddServeOptions(serve_cmd, &serve);

  auto* migrate_cmd = cli.add_subcommand("migrate", "apply database migrations and exit");
  AddPathOptions(migrate_cmd, &paths);

  auto* seed_cmd = cli.add_subcommand("seed-demo", "add the demo province, units and accounts");
  AddPathOptions(seed_cmd, &paths);

  auto* audit_cmd = cli.add_subcommand("audit", "audit log tools");
  audit_cmd->require_subcommand(1);
  std::string checkpoints_file, trusted_key, export_file;
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "verify the hash chain and checkpoints");
  AddPathOptions(verify_cmd, &paths);
  verify_cmd->add_option("--checkpoints", checkpoints_file,
                         "JSON-lines file of checkpoints exported earlier to another system");
  verify_cmd->add_option("--trusted-key", trusted_key,
                         "base64 public key the checkpoints must be signed with");
  auto* checkpoint_cmd = audit_cmd->add_subcommand("checkpoint", "sign the chain head now");
  AddPathOptions(checkpoint_cmd, &paths);
  auto* export_cmd =
      audit_cmd->add_subcommand("export-checkpoints", "write all checkpoints as JSON lines");
  AddPathOptions(export_cmd, &paths);
  export_cmd->add_option("--output", export_file, "file to write")->required();

  auto* keys_cmd = cli.add_subcommand("keys", "key management");
  keys_cmd->require_subcommand(1);
  auto* keys_init = keys_cmd->add_subcommand("init", "create the key directory and keys");
  AddPathOptions(keys_init, &paths);
  auto* keys_rotate =
      keys_cmd->add_subcommand("rotate", "new data key; re-seal every value (online)");
  AddPathOptions(keys_rotate, &paths);

  std::string admin_user, admin_name, admin_unit = "Administration Tamkine",
                                      admin_province = "04.01";
  auto* boot_cmd = cli.add_subcommand(
      "bootstrap-admin", "create the first administrator (password read from standard input)");
  AddPathOptions(boot_cmd, &paths);
  boot_cmd->add_option("--username", admin_user)->required();
  boot_cmd->add_option("--display-name", admin_name)->required();
  boot_cmd->add_option("--unit-name", admin_unit)->capture_default_str();
  boot_cmd->add_option("--province", admin_province, "province code of the unit")
      ->capture_default_str();

  DedupeOptions dedupe;
  auto* dedupe_cmd = AddDedupeCommand(cli, &dedupe);

  BackupCmdOptions backup;
  BackupCommands backup_cmds = AddBackupCommands(
      cli, [&paths](CLI::App* c) { AddPathOptions(c, &paths); }, &backup);

  CLI11_PARSE(cli, argc, argv);

  if (*serve_cmd) return RunServe(paths, serve);
  if (*dedupe_cmd) return RunDedupe(dedupe);
  if (*backup_cmds.backup) return RunBackup(paths, backup);
  if (*backup_cmds.restore) return RunRestore(paths, backup);
  if (*migrate_cmd) return RunMigrate(paths);
  if (*seed_cmd) return RunSeedDemo(paths);
  if (*verify_cmd) return RunAuditVerify(paths, checkpoints_file, trusted_key);
  if (*checkpoint_cmd) return RunAuditCheckpoint(paths);
  if (*export_cmd) return RunExportCheckpoints(paths, export_file);
  if (*keys_init) {
    tamkine::Status s = InitKeys(paths);
    if (!s.ok()) return Fail(s);
    std::printf("keys in %s\n", paths.key_dir.c_str());
    return 0;
  }
  if (*keys_rotate) return RunKeysRotate(paths);
  if (*boot_cmd)
    return RunBootstrapAdmin(paths, admin_user, admin_name, admin_unit, admin_province);
  return 0;
}
