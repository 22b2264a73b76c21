// Ed25519 signatures (libsodium crypto_sign), used to sign audit-log checkpoints, and the key
// file that holds the signing seed: one line "tamkine-ed25519-secret:<base64 of 32-byte seed>".
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace tamkine::crypto {

// An Ed25519 key pair. The secret is wiped from memory when the key is destroyed or moved from;
// a moved-from key must not be used. Not copyable, so the secret exists in as few places as
// possible.
//
// Thread safety: Sign and PublicKey are const and may be called concurrently.
class SigningKey {
 public:
  // A new key pair from a fresh random seed.
  static SigningKey Generate();

  // Reads a key saved by SaveToFile. Returns Unavailable if the file cannot be read,
  // FailedPrecondition if group or others have any access to it, InvalidArgument if it is not
  // one line "tamkine-ed25519-secret:<base64 of 32 bytes>" (surrounding whitespace allowed).
  static StatusOr<SigningKey> LoadFromFile(const std::string& path);

  // Writes the seed to a new file `path` created with mode 0600. Returns AlreadyExists rather than
  // overwrite anything, Unavailable on I/O failure.
  Status SaveToFile(const std::string& path) const;

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  // The detached Ed25519 signature of `message`.
  std::array<uint8_t, 64> Sign(std::span<const uint8_t> message) const;

  std::array<uint8_t, 32> PublicKey() const;

 private:
  explicit SigningKey(std::span<const uint8_t, 32> seed);

  // libsodium's secret key: the 32-byte seed followed by the 32-byte public key.
  std::array<uint8_t, 64> secret_key_{};
};

// True when `signature` is a valid Ed25519 signature of `message` under `public_key`.
bool VerifySignature(std::span<const uint8_t, 32> public_key, std::span<const uint8_t> message,
                     std::span<const uint8_t, 64> signature);

}  // namespace tamkine::crypto
