// Password storage with Argon2id (libsodium's crypto_pwhash_str format, "$argon2id$v=19$..."),
// the constant-work check for unknown usernames, and the password policy new passwords meet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tamkine::crypto {

// Argon2id cost parameters. Parallelism is fixed at 1 by libsodium.
struct PasswordParams {
  uint64_t opslimit = 0;      // passes over memory ("t")
  size_t memlimit_bytes = 0;  // memory in bytes ("m")

  // 3 passes over 64 MiB: above every OWASP-recommended Argon2id configuration.
  static PasswordParams Default();
  // The smallest parameters libsodium accepts (1 pass, 8 KiB), so tests run fast. Never in
  // production: MeetsProductionMinimum() is false.
  static PasswordParams ForTests();

  // True when these parameters are at least as strong as one of the OWASP Password Storage
  // Cheat Sheet Argon2id configurations (46 MiB x 1, 19 MiB x 2, 12 MiB x 3, 9 MiB x 4,
  // 7 MiB x 5), i.e. both the memory and the passes reach those of one row.
  bool MeetsProductionMinimum() const;
};

// Hashes and verifies passwords with fixed parameters.
//
// Thread safety: all methods are const and may be called concurrently.
class PasswordHasher {
 public:
  // Computes, once, the fixed hash DummyVerify checks against, so the constructor costs one
  // hash with `params`.
  explicit PasswordHasher(PasswordParams params);

  // Returns the encoded Argon2id hash of `password` with a fresh random salt. Returns
  // InvalidArgument if the parameters are outside libsodium's bounds and ResourceExhausted if
  // the memory could not be allocated. The message never includes the password.
  StatusOr<std::string> Hash(std::string_view password) const;

  // True when `encoded` (as made by Hash, with any parameters) matches `password`. False for a
  // wrong password and for an encoded hash that does not parse.
  bool Verify(std::string_view encoded, std::string_view password) const;

  // True when `encoded` should be replaced by Hash(password) after a successful Verify: it was
  // made with other parameters, with another algorithm than Argon2id, or it does not parse.
  bool NeedsRehash(std::string_view encoded) const;

  // Does the work of Verify against a fixed hash made with the current parameters and discards
  // the result, so that a sign-in for an unknown username takes as long as one for a known one.
  void DummyVerify(std::string_view password) const;

 private:
  PasswordParams params_;
  std::string dummy_encoded_;  // empty if hashing failed at construction
};

// Checks a new password against the policy: at least 12 characters (Unicode code points) and at
// most 256 bytes of valid UTF-8. Returns InvalidArgument with field "password" otherwise; the
// message never includes the password.
Status CheckPasswordPolicy(std::string_view password);

}  // namespace tamkine::crypto
