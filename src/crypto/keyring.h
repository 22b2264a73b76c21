// Field encryption at rest. A key-encryption key (KEK), kept outside the data directory, wraps
// versioned data keys (DEKs) that are stored with the data; the current DEK seals identifying
// fields with XChaCha20-Poly1305, bound to the table, column and record they belong to.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::crypto {

using Key256 = std::array<uint8_t, 32>;

// Loads the KEK: from the file `file_path_or_empty` when that is non-empty, else from the
// environment variable TAMKINE_KEK. Either holds 32 bytes as base64 (44 characters) or hex (64
// characters); surrounding whitespace is ignored.
// Returns Unavailable if the file cannot be read or the variable is unset or empty,
// FailedPrecondition if group or others have any access to the file, InvalidArgument if the
// content is not 32 bytes in one of those encodings. Messages never include key material.
StatusOr<Key256> LoadKek(const std::string& file_path_or_empty);

// Writes a new random KEK (base64, one line) to a new file `path` created with mode 0600.
// Returns AlreadyExists rather than overwrite anything, Unavailable on I/O failure.
Status GenerateKekFile(const std::string& path);

// The KEK and the data keys loaded from storage, and sealing and opening of field values.
//
// Sealed value format (version 1), all of it stored in one BLOB:
//   byte 0       0x01 (format)
//   bytes 1-4    key version, big-endian
//   bytes 5-28   random 24-byte XChaCha20 nonce
//   bytes 29-    ciphertext followed by the 16-byte Poly1305 tag
// The associated data is be32(len(table)) table be32(len(column)) column be32(len(record_id))
// record_id be32(version), so a value copied to another row, column or table, or whose version
// bytes were changed, fails to open.
//
// Wrapped data key format: 0x01, 24-byte nonce, 48 bytes of ciphertext and tag, sealed under the
// KEK with associated data "tamkine-dek" be32(version).
//
// Thread safety: all methods may be called concurrently. Seal and Open take a shared lock, so
// they run in parallel with each other; AddDataKey and SetCurrentVersion take it exclusively.
// The KEK never changes after construction.
class Keyring {
 public:
  // Takes the KEK. The caller should wipe its own copy (sodium_memzero) once this is built.
  explicit Keyring(Key256 kek);
  ~Keyring();
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  // A new random data key.
  static Key256 NewDataKey();

  // Encrypts `dek` under the KEK for storage, bound to `version`.
  std::vector<uint8_t> WrapDataKey(uint32_t version, std::span<const uint8_t, 32> dek) const;

  // Decrypts a data key made by WrapDataKey with the same KEK and version. Returns
  // FailedPrecondition "wrong key-encryption key or corrupted data key" otherwise (including
  // when `wrapped` has the wrong size or belongs to another version).
  StatusOr<Key256> UnwrapDataKey(uint32_t version, std::span<const uint8_t> wrapped) const;

  // Makes `dek` available for sealing (when current) and opening under `version`. Adding a
  // version that is already present replaces its key.
  void AddDataKey(uint32_t version, const Key256& dek);

  // Makes `version` the one new values are sealed under. Seal fails with FailedPrecondition
  // until a key for that version has been added.
  void SetCurrentVersion(uint32_t version);

  // The version new values are sealed under; 0 when none has been set.
  uint32_t current_version() const;  // NOLINT(readability-identifier-naming): accessor

  bool HasVersion(uint32_t version) const;

  // Encrypts `plaintext` with the current data key for the field `column` of the row
  // `record_id` in `table`. Returns FailedPrecondition if no current version is set or its key
  // is not loaded, InvalidArgument if a name or the plaintext is absurdly long (>= 4 GiB).
  StatusOr<std::vector<uint8_t>> Seal(std::string_view table, std::string_view column,
                                      std::string_view record_id, std::string_view plaintext) const;

  // Decrypts a value made by Seal for the same table, column and record id. Returns
  // FailedPrecondition "unknown key version N" when that data key is not loaded,
  // "sealed value does not open (wrong key, or moved to another record or column)" when
  // authentication fails, and a FailedPrecondition naming the problem for a value that is
  // truncated or of an unknown format.
  StatusOr<std::string> Open(std::string_view table, std::string_view column,
                             std::string_view record_id, std::span<const uint8_t> sealed) const;

  // The key version a sealed value was made with, or nullopt if it is not a well-formed sealed
  // value (too short, or an unknown format byte). Does not authenticate the value.
  static std::optional<uint32_t> KeyVersionOf(std::span<const uint8_t> sealed);

 private:
  Key256 kek_;
  mutable std::shared_mutex mu_;
  std::map<uint32_t, Key256> deks_;  // guarded by mu_
  std::optional<uint32_t> current_;  // guarded by mu_
};

}  // namespace tamkine::crypto
