// Internal to crypto/: the one place libsodium is initialised. Every entry point that calls into
// libsodium calls EnsureSodium() first; it is cheap after the first call.
#pragma once

namespace tamkine::crypto::internal {

// Initialises libsodium exactly once (thread-safe). Aborts the process if libsodium cannot
// initialise, since no cryptographic operation could then be trusted.
void EnsureSodium();

}  // namespace tamkine::crypto::internal
