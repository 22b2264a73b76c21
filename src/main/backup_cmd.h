// `tamkine backup` and `tamkine restore`: the command lines around backup/backup.h (encrypted
// online backups, verified restores into an empty data directory or database).
#pragma once

#include <functional>
#include <string>

#include "main/runtime.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace tamkine::app {

struct BackupCmdOptions {
  std::string output;  // backup
  std::string format;  // backup: "", "physical" or "logical"
  std::string input;   // restore
  bool force = false;  // restore
};

struct BackupCommands {
  CLI::App* backup = nullptr;
  CLI::App* restore = nullptr;
};

// Adds both subcommands, their options bound to *o; `add_paths` adds the shared path options.
BackupCommands AddBackupCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_paths,
                                 BackupCmdOptions* o);

// Exit codes: 0 done; 1 failed (nothing left behind); 2 invalid options.
int RunBackup(const Paths& paths, const BackupCmdOptions& o);
int RunRestore(const Paths& paths, const BackupCmdOptions& o);

}  // namespace tamkine::app
