#include "crypto/sodium_init.h"

#include <sodium.h>

#include <cstdlib>

namespace tamkine::crypto::internal {

void EnsureSodium() {
  // A function-local static is initialised once even under concurrent first calls.
  static const bool kInitialised = [] {
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)kInitialised;
}

}  // namespace tamkine::crypto::internal
