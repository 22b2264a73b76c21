#include "crypto/hash.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace tamkine::crypto {

namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> data) {
  internal::EnsureSodium();
  Sha256Digest out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256Digest Sha256(std::string_view data) { return Sha256(Bytes(data)); }

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> msg) {
  internal::EnsureSodium();
  crypto_auth_hmacsha256_state state;
  // libsodium declares the key pointer non-null even for an empty key.
  static constexpr uint8_t kNoKey = 0;
  crypto_auth_hmacsha256_init(&state, key.empty() ? &kNoKey : key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, msg.data(), msg.size());
  Sha256Digest out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof(state));
  return out;
}

Sha256Digest HmacSha256(std::string_view key, std::string_view msg) {
  return HmacSha256(Bytes(key), Bytes(msg));
}

bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  internal::EnsureSodium();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return ConstantTimeEquals(Bytes(a), Bytes(b));
}

}  // namespace tamkine::crypto
