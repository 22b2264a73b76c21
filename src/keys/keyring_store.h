// Persistence of the field-encryption keyring: data keys live in the database wrapped by the
// key-encryption key (which never does), and rotation re-seals every sealed column online.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::keys {

// A table whose listed BLOB columns hold sealed values bound to (table, column, id_column value).
struct SealedTable {
  std::string table;
  std::string id_column;
  std::vector<std::string> columns;
  int batch_rows = 200;  // rows re-sealed per transaction (small for large values)
};

// Every sealed column in the schema. Rotation and the plaintext-leak test use it.
const std::vector<SealedTable>& SealedTables();

// Loads every data key into `keyring` (unwrapping with its KEK) and makes the newest active one
// current. On an empty database creates version 1. FailedPrecondition when the KEK is not the one
// the keys were wrapped with (the server must refuse to start).
Status LoadKeyring(storage::Store& store, crypto::Keyring& keyring, const Clock& clock);

// Re-reads data keys added by another process (e.g. `tamkine keys rotate`) and switches to the
// newest. Cheap when nothing changed.
Status RefreshKeyring(storage::Store& store, crypto::Keyring& keyring);

struct RotationReport {
  uint32_t new_version = 0;
  int64_t values_resealed = 0;
};

// Creates a new data key version, makes it current, and re-seals every sealed value under it in
// small transactions (the server keeps serving meanwhile; values under older versions still open
// until they are re-sealed). `progress` is called after each batch.
StatusOr<RotationReport> RotateKeys(storage::Store& store, crypto::Keyring& keyring,
                                    const Clock& clock,
                                    const std::function<void(int64_t)>& progress = {});

// Re-seals values not under the current version (used by rotation; safe to run again).
StatusOr<int64_t> ResealAll(storage::Store& store, const crypto::Keyring& keyring,
                            const std::function<void(int64_t)>& progress = {});

}  // namespace tamkine::keys
