#include "crypto/keyring.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/secret_file.h"
#include "crypto/sodium_init.h"

namespace tamkine::crypto {

namespace {

constexpr uint8_t kFormat = 0x01;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kSealedHeaderBytes = 1 + 4 + kNonceBytes;
constexpr size_t kWrappedBytes = 1 + kNonceBytes + 32 + kTagBytes;
constexpr std::string_view kKekWhat = "key-encryption key";
constexpr std::string_view kDekContext = "tamkine-dek";

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

void AppendBigEndian32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t ReadBigEndian32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

void AppendLengthPrefixed(std::vector<uint8_t>& out, std::string_view s) {
  AppendBigEndian32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

bool FitsIn32Bits(std::string_view s) { return s.size() <= UINT32_MAX; }

std::vector<uint8_t> FieldAssociatedData(std::string_view table, std::string_view column,
                                         std::string_view record_id, uint32_t version) {
  std::vector<uint8_t> ad;
  ad.reserve(16 + table.size() + column.size() + record_id.size());
  AppendLengthPrefixed(ad, table);
  AppendLengthPrefixed(ad, column);
  AppendLengthPrefixed(ad, record_id);
  AppendBigEndian32(ad, version);
  return ad;
}

std::vector<uint8_t> DekAssociatedData(uint32_t version) {
  std::vector<uint8_t> ad(kDekContext.begin(), kDekContext.end());
  AppendBigEndian32(ad, version);
  return ad;
}

std::string_view TrimWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

// Decodes a KEK written as 64 hex digits or as base64 of 32 bytes. `source` names where it came
// from, for the error message.
StatusOr<Key256> DecodeKek(std::string_view text, const std::string& source) {
  text = TrimWhitespace(text);
  StatusOr<std::vector<uint8_t>> bytes = text.size() == 64 ? HexDecode(text) : Base64Decode(text);
  if (!bytes.ok() || bytes->size() != 32) {
    if (bytes.ok()) sodium_memzero(bytes->data(), bytes->size());
    return InvalidArgument(source +
                           " must hold 32 bytes as base64 (44 characters) or hex (64 characters)");
  }
  Key256 kek{};
  std::copy(bytes->begin(), bytes->end(), kek.begin());
  sodium_memzero(bytes->data(), bytes->size());
  return kek;
}

}  // namespace

StatusOr<Key256> LoadKek(const std::string& file_path_or_empty) {
  internal::EnsureSodium();
  if (!file_path_or_empty.empty()) {
    ASSIGN_OR_RETURN(std::string content, ReadSecretFile(file_path_or_empty, kKekWhat));
    StatusOr<Key256> kek =
        DecodeKek(content, std::string(kKekWhat) + " file " + file_path_or_empty);
    sodium_memzero(content.data(), content.size());
    return kek;
  }
  // Read once at startup, before any thread could call setenv.
  const char* env = std::getenv("TAMKINE_KEK");  // NOLINT(concurrency-mt-unsafe)
  if (env == nullptr || *env == '\0') {
    return Unavailable(
        "no key-encryption key: set the TAMKINE_KEK environment variable or "
        "configure a key-encryption key file");
  }
  return DecodeKek(env, "the TAMKINE_KEK environment variable");
}

Status GenerateKekFile(const std::string& path) {
  Key256 kek = Keyring::NewDataKey();
  std::string line = Base64Encode(kek);
  line += '\n';
  Status st = WriteNewSecretFile(path, line, kKekWhat);
  sodium_memzero(line.data(), line.size());
  sodium_memzero(kek.data(), kek.size());
  return st;
}

Keyring::Keyring(Key256 kek) : kek_(kek) {
  internal::EnsureSodium();
  sodium_memzero(kek.data(), kek.size());
}

Keyring::~Keyring() {
  sodium_memzero(kek_.data(), kek_.size());
  for (auto& [version, dek] : deks_) sodium_memzero(dek.data(), dek.size());
}

Key256 Keyring::NewDataKey() {
  Key256 key{};
  SecureRandomBytes(key);
  return key;
}

std::vector<uint8_t> Keyring::WrapDataKey(uint32_t version,
                                          std::span<const uint8_t, 32> dek) const {
  internal::EnsureSodium();
  std::vector<uint8_t> out(kWrappedBytes);
  out[0] = kFormat;
  uint8_t* nonce = out.data() + 1;
  SecureRandomBytes(std::span<uint8_t>(nonce, kNonceBytes));
  std::vector<uint8_t> ad = DekAssociatedData(version);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + 1 + kNonceBytes, nullptr, dek.data(),
                                             dek.size(), ad.data(), ad.size(), nullptr, nonce,
                                             kek_.data());
  return out;
}

StatusOr<Key256> Keyring::UnwrapDataKey(uint32_t version, std::span<const uint8_t> wrapped) const {
  internal::EnsureSodium();
  Status failed = FailedPrecondition("wrong key-encryption key or corrupted data key");
  if (wrapped.size() != kWrappedBytes || wrapped[0] != kFormat) return failed;
  const uint8_t* nonce = wrapped.data() + 1;
  const uint8_t* ciphertext = nonce + kNonceBytes;
  std::vector<uint8_t> ad = DekAssociatedData(version);
  Key256 dek{};
  unsigned long long dek_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(dek.data(), &dek_len, nullptr, ciphertext,
                                                 32 + kTagBytes, ad.data(), ad.size(), nonce,
                                                 kek_.data()) != 0 ||
      dek_len != dek.size()) {
    sodium_memzero(dek.data(), dek.size());
    return failed;
  }
  return dek;
}

void Keyring::AddDataKey(uint32_t version, const Key256& dek) {
  std::unique_lock lock(mu_);
  auto [it, inserted] = deks_.try_emplace(version, dek);
  if (!inserted) {
    sodium_memzero(it->second.data(), it->second.size());
    it->second = dek;
  }
}

void Keyring::SetCurrentVersion(uint32_t version) {
  std::unique_lock lock(mu_);
  current_ = version;
}

uint32_t Keyring::current_version() const {
  std::shared_lock lock(mu_);
  return current_.value_or(0);
}

bool Keyring::HasVersion(uint32_t version) const {
  std::shared_lock lock(mu_);
  return deks_.contains(version);
}

StatusOr<std::vector<uint8_t>> Keyring::Seal(std::string_view table, std::string_view column,
                                             std::string_view record_id,
                                             std::string_view plaintext) const {
  internal::EnsureSodium();
  if (!FitsIn32Bits(table) || !FitsIn32Bits(column) || !FitsIn32Bits(record_id) ||
      !FitsIn32Bits(plaintext)) {
    return InvalidArgument("value too large to seal");
  }
  std::shared_lock lock(mu_);
  if (!current_) return FailedPrecondition("the keyring has no current data key");
  const uint32_t version = *current_;
  auto it = deks_.find(version);
  if (it == deks_.end()) {
    return FailedPrecondition("unknown key version " + std::to_string(version));
  }
  std::vector<uint8_t> out(kSealedHeaderBytes + plaintext.size() + kTagBytes);
  out[0] = kFormat;
  out[1] = static_cast<uint8_t>(version >> 24);
  out[2] = static_cast<uint8_t>(version >> 16);
  out[3] = static_cast<uint8_t>(version >> 8);
  out[4] = static_cast<uint8_t>(version);
  uint8_t* nonce = out.data() + 5;
  SecureRandomBytes(std::span<uint8_t>(nonce, kNonceBytes));
  std::vector<uint8_t> ad = FieldAssociatedData(table, column, record_id, version);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kSealedHeaderBytes, nullptr, reinterpret_cast<const uint8_t*>(plaintext.data()),
      plaintext.size(), ad.data(), ad.size(), nullptr, nonce, it->second.data());
  return out;
}

StatusOr<std::string> Keyring::Open(std::string_view table, std::string_view column,
                                    std::string_view record_id,
                                    std::span<const uint8_t> sealed) const {
  internal::EnsureSodium();
  if (sealed.size() < kSealedHeaderBytes + kTagBytes) {
    return FailedPrecondition("sealed value is truncated");
  }
  if (sealed[0] != kFormat) return FailedPrecondition("sealed value has an unknown format");
  if (!FitsIn32Bits(table) || !FitsIn32Bits(column) || !FitsIn32Bits(record_id)) {
    return InvalidArgument("record name too large");
  }
  const uint32_t version = ReadBigEndian32(sealed.data() + 1);
  const uint8_t* nonce = sealed.data() + 5;
  const uint8_t* ciphertext = sealed.data() + kSealedHeaderBytes;
  const size_t ciphertext_len = sealed.size() - kSealedHeaderBytes;
  std::vector<uint8_t> ad = FieldAssociatedData(table, column, record_id, version);
  std::string plaintext(ciphertext_len - kTagBytes, '\0');
  unsigned long long plaintext_len = 0;
  std::shared_lock lock(mu_);
  auto it = deks_.find(version);
  if (it == deks_.end()) {
    return FailedPrecondition("unknown key version " + std::to_string(version));
  }
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(plaintext.data()), &plaintext_len, nullptr, ciphertext,
          ciphertext_len, ad.data(), ad.size(), nonce, it->second.data()) != 0 ||
      plaintext_len != plaintext.size()) {
    sodium_memzero(plaintext.data(), plaintext.size());
    return FailedPrecondition(
        "sealed value does not open (wrong key, or moved to another record or column)");
  }
  return plaintext;
}

std::optional<uint32_t> Keyring::KeyVersionOf(std::span<const uint8_t> sealed) {
  if (sealed.size() < kSealedHeaderBytes + kTagBytes || sealed[0] != kFormat) {
    return std::nullopt;
  }
  return ReadBigEndian32(sealed.data() + 1);
}

}  // namespace tamkine::crypto
