// The encrypted backup container: a small authenticated header, a random stream key wrapped by a
// key derived from the KEK, and the payload as a libsodium secretstream (XChaCha20-Poly1305) of
// length-prefixed chunks, so that any change, reordering, truncation or extension is detected.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "crypto/keyring.h"

namespace tamkine::backup {

// File format, version 1 (all integers big-endian):
//   8 bytes   magic "TMKBKP\x00\x01"
//   4 bytes   H, the length of the header (at most 64 KiB)
//   H bytes   header: a JSON object (format, dialect, schema version, creation time…), readable
//             without any key but authenticated: it is the associated data of the key wrap
//   24 bytes  nonce of the key wrap
//   48 bytes  the 32-byte stream key sealed with XChaCha20-Poly1305-IETF under
//             crypto_kdf_derive_from_key(KEK, id 1, context "tmkbckup"), associated data = the
//             magic, the length and the header
//   24 bytes  secretstream header
//   frames    4-byte length L (17..kMaxFrame) then L bytes of secretstream ciphertext; each
//             frame holds up to kChunkBytes of payload; the last one carries TAG_FINAL and
//             nothing may follow it.
// The KEK itself is never stored; without it a backup reveals only its header.
inline constexpr size_t kChunkBytes = 64 * 1024;

// Writes a container to a new file (mode 0600). Thread safety: none; one writer per file.
class EncryptedWriter {
 public:
  // Creates `path` (AlreadyExists if anything is there) and writes the header and wrapped key.
  static StatusOr<std::unique_ptr<EncryptedWriter>> Create(const std::string& path,
                                                           const crypto::Key256& kek,
                                                           const Json& header);
  ~EncryptedWriter();  // removes the file unless Finish succeeded
  EncryptedWriter(const EncryptedWriter&) = delete;
  EncryptedWriter& operator=(const EncryptedWriter&) = delete;

  // Appends payload bytes (buffered into chunks).
  Status Write(std::string_view bytes);
  // Writes the final frame, fsyncs the file and its directory. Unavailable on I/O errors.
  Status Finish();
  int64_t payload_bytes() const { return payload_bytes_; }

 private:
  EncryptedWriter() = default;
  Status PushFrame(bool final);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<uint8_t> state_;  // crypto_secretstream_xchacha20poly1305_state
  std::string pending_;
  int64_t payload_bytes_ = 0;
  bool finished_ = false;
};

// Reads a container, authenticating as it goes. Thread safety: none.
class EncryptedReader {
 public:
  // Opens `path` and reads the header. InvalidArgument if it is not a Tamkine backup.
  static StatusOr<std::unique_ptr<EncryptedReader>> Open(const std::string& path);
  ~EncryptedReader();
  EncryptedReader(const EncryptedReader&) = delete;
  EncryptedReader& operator=(const EncryptedReader&) = delete;

  const Json& header() const { return header_; }

  // Unwraps the stream key. FailedPrecondition when `kek` is not the key the backup was made
  // with (or the header or key were altered).
  Status Unlock(const crypto::Key256& kek);

  // The next decrypted chunk (possibly empty); done() is true once the final frame has been read
  // and nothing follows it. FailedPrecondition for any altered, reordered, missing or extra data.
  StatusOr<std::string> Next();
  bool done() const { return done_; }

 private:
  EncryptedReader() = default;

  std::FILE* file_ = nullptr;
  std::string prefix_;  // magic, length and header: the associated data of the key wrap
  Json header_;
  std::array<uint8_t, 24> wrap_nonce_{};
  std::array<uint8_t, 48> wrapped_key_{};
  std::array<uint8_t, 24> stream_header_{};
  std::vector<uint8_t> state_;
  bool unlocked_ = false;
  bool done_ = false;
};

}  // namespace tamkine::backup
