// What the identity services are built from; the wiring in main/ owns these objects.
#pragma once

#include "common/clock.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
class PasswordHasher;
}  // namespace tamkine::crypto

namespace tamkine::identity {

struct Deps {
  storage::Store* store = nullptr;
  crypto::Keyring* keyring = nullptr;
  const crypto::PasswordHasher* hasher = nullptr;
  const Clock* clock = nullptr;
};

}  // namespace tamkine::identity
