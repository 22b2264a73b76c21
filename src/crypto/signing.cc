#include "crypto/signing.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/secret_file.h"
#include "crypto/sodium_init.h"

namespace tamkine::crypto {

namespace {

constexpr std::string_view kFilePrefix = "tamkine-ed25519-secret:";
constexpr std::string_view kWhat = "signing key";

std::string_view TrimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

}  // namespace

SigningKey::SigningKey(std::span<const uint8_t, 32> seed) {
  internal::EnsureSodium();
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_seed_keypair(pk.data(), secret_key_.data(), seed.data());
}

SigningKey SigningKey::Generate() {
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed{};
  SecureRandomBytes(seed);
  SigningKey key(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

StatusOr<SigningKey> SigningKey::LoadFromFile(const std::string& path) {
  internal::EnsureSodium();
  ASSIGN_OR_RETURN(std::string content, ReadSecretFile(path, kWhat));
  std::string_view line = TrimWhitespace(content);
  Status bad = InvalidArgument(std::string(kWhat) + " file " + path +
                               " is not one line \"tamkine-ed25519-secret:<base64 of 32 bytes>\"");
  if (!line.starts_with(kFilePrefix)) {
    sodium_memzero(content.data(), content.size());
    return bad;
  }
  StatusOr<std::vector<uint8_t>> seed = Base64Decode(line.substr(kFilePrefix.size()));
  sodium_memzero(content.data(), content.size());
  if (!seed.ok() || seed->size() != crypto_sign_SEEDBYTES) {
    if (seed.ok()) sodium_memzero(seed->data(), seed->size());
    return bad;
  }
  SigningKey key(std::span<const uint8_t, 32>(seed->data(), 32));
  sodium_memzero(seed->data(), seed->size());
  return key;
}

Status SigningKey::SaveToFile(const std::string& path) const {
  std::string line(kFilePrefix);
  line += Base64Encode(std::span<const uint8_t>(secret_key_.data(), crypto_sign_SEEDBYTES));
  line += '\n';
  Status st = WriteNewSecretFile(path, line, kWhat);
  sodium_memzero(line.data(), line.size());
  return st;
}

SigningKey::SigningKey(SigningKey&& other) noexcept : secret_key_(other.secret_key_) {
  sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_key_ = other.secret_key_;
    sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::array<uint8_t, 64> SigningKey::Sign(std::span<const uint8_t> message) const {
  internal::EnsureSodium();
  std::array<uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

std::array<uint8_t, 32> SigningKey::PublicKey() const {
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::copy(secret_key_.begin() + crypto_sign_SEEDBYTES, secret_key_.end(), pk.begin());
  return pk;
}

bool VerifySignature(std::span<const uint8_t, 32> public_key, std::span<const uint8_t> message,
                     std::span<const uint8_t, 64> signature) {
  internal::EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

}  // namespace tamkine::crypto
