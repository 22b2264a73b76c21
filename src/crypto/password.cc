#include "crypto/password.h"

#include <sodium.h>

#include <array>
#include <cerrno>
#include <optional>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/sodium_init.h"

namespace tamkine::crypto {

namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kMinPasswordCodePoints = 12;
constexpr size_t kMaxPasswordBytes = 256;

bool ParamsInRange(const PasswordParams& p) {
  return p.opslimit >= crypto_pwhash_argon2id_opslimit_min() &&
         p.opslimit <= crypto_pwhash_argon2id_opslimit_max() &&
         p.memlimit_bytes >= crypto_pwhash_argon2id_memlimit_min() &&
         p.memlimit_bytes <= crypto_pwhash_argon2id_memlimit_max();
}

// Copies `encoded` into the NUL-terminated fixed-size buffer libsodium's parsers expect.
// Returns false when it cannot be an encoded hash (too long, or an embedded NUL).
bool ToEncodedBuffer(std::string_view encoded, std::array<char, crypto_pwhash_STRBYTES>& buf) {
  if (encoded.size() >= buf.size() || encoded.find('\0') != std::string_view::npos) return false;
  buf.fill('\0');
  encoded.copy(buf.data(), encoded.size());
  return true;
}

// libsodium declares password pointers non-null even for an empty password.
const char* PasswordPtr(std::string_view password) {
  return password.data() != nullptr ? password.data() : "";
}

// The number of code points in `s`, or nullopt if `s` is not valid UTF-8 (overlong forms,
// surrogates and values above U+10FFFF are invalid).
std::optional<size_t> CountUtf8CodePoints(std::string_view s) {
  size_t count = 0;
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (s.size() - i < len) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

}  // namespace

PasswordParams PasswordParams::Default() { return {.opslimit = 3, .memlimit_bytes = 64 * kMiB}; }

PasswordParams PasswordParams::ForTests() {
  return {.opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN,
          .memlimit_bytes = crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

bool PasswordParams::MeetsProductionMinimum() const {
  struct Row {
    size_t memory;
    uint64_t passes;
  };
  static constexpr Row kOwasp[] = {
      {46 * kMiB, 1}, {19 * kMiB, 2}, {12 * kMiB, 3}, {9 * kMiB, 4}, {7 * kMiB, 5}};
  for (const Row& row : kOwasp) {
    if (memlimit_bytes >= row.memory && opslimit >= row.passes) return true;
  }
  return false;
}

PasswordHasher::PasswordHasher(PasswordParams params) : params_(params) {
  // The dummy hash is of a random password nobody knows, so DummyVerify can never succeed.
  std::array<uint8_t, 16> unknown{};
  SecureRandomBytes(unknown);
  std::string password = HexEncode(unknown);
  auto hashed = Hash(password);
  if (hashed.ok()) dummy_encoded_ = std::move(hashed).value();
  sodium_memzero(password.data(), password.size());
  sodium_memzero(unknown.data(), unknown.size());
}

StatusOr<std::string> PasswordHasher::Hash(std::string_view password) const {
  internal::EnsureSodium();
  if (!ParamsInRange(params_)) {
    return InvalidArgument("password hashing parameters are outside what Argon2id accepts");
  }
  if (password.size() > crypto_pwhash_PASSWD_MAX) {
    return InvalidArgument("password is too long", "password");
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), PasswordPtr(password), password.size(), params_.opslimit,
                            params_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("password hashing failed: not enough memory");
  }
  return std::string(out.data());
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
  internal::EnsureSodium();
  std::array<char, crypto_pwhash_STRBYTES> buf{};
  if (!ToEncodedBuffer(encoded, buf)) return false;
  return crypto_pwhash_str_verify(buf.data(), PasswordPtr(password), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view encoded) const {
  internal::EnsureSodium();
  std::array<char, crypto_pwhash_STRBYTES> buf{};
  if (!ToEncodedBuffer(encoded, buf)) return true;
  // The Argon2id-specific check also reports an Argon2i hash as unparsable (-1), which is what we
  // want: anything but Argon2id with our parameters gets replaced.
  return crypto_pwhash_argon2id_str_needs_rehash(buf.data(), params_.opslimit,
                                                 params_.memlimit_bytes) != 0;
}

void PasswordHasher::DummyVerify(std::string_view password) const {
  internal::EnsureSodium();
  if (!dummy_encoded_.empty()) {
    (void)Verify(dummy_encoded_, password);
    return;
  }
  // Hashing failed at construction (out of memory); spend the same effort another way.
  std::array<uint8_t, crypto_pwhash_argon2id_BYTES_MIN> out{};
  std::array<uint8_t, crypto_pwhash_argon2id_SALTBYTES> salt{};
  int ignored =
      crypto_pwhash(out.data(), out.size(), PasswordPtr(password), password.size(), salt.data(),
                    params_.opslimit, params_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13);
  (void)ignored;
  sodium_memzero(out.data(), out.size());
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument(
        "password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes", "password");
  }
  std::optional<size_t> chars = CountUtf8CodePoints(password);
  if (!chars) return InvalidArgument("password must be valid UTF-8 text", "password");
  if (*chars < kMinPasswordCodePoints) {
    return InvalidArgument(
        "password must be at least " + std::to_string(kMinPasswordCodePoints) + " characters",
        "password");
  }
  return Status::Ok();
}

}  // namespace tamkine::crypto
