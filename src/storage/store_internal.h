// Pieces shared by the Store backends and not part of the public interface: the migration runner
// (with a hook a backend uses to take a cross-process lock) and the fatal-error helper behind the
// CHECKs of this library. Only src/storage includes this header.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace tamkine::storage::internal {

// Applies `migrations` to `store` as Store::Migrate documents. `lock` runs first in every write
// transaction the runner opens (PostgreSQL takes an advisory lock there so that several processes
// migrating at once apply each migration exactly once; SQLite needs nothing because its write
// transactions are already exclusive across processes).
//
// Returns InvalidArgument if two migrations share a version or a version is not positive, and
// FailedPrecondition if the database records a version above the highest one in `migrations`.
Status RunMigrations(Store& store, const std::vector<Migration>& migrations,
                     const std::function<Status(Tx&)>& lock);

// Returns `text` with every occurrence of `from` replaced by `to` (TranslateScript's tokens).
std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to);

// Prints "FATAL: <message>" to stderr and aborts. For broken invariants only; never for input.
[[noreturn]] void Fatal(std::string_view message);

}  // namespace tamkine::storage::internal
