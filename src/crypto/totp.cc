#include "crypto/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <climits>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace tamkine::crypto {

namespace {

constexpr int kVerifyDigits = 6;
constexpr int kVerifyPeriod = 30;
constexpr int kMaxWindow = 10;
constexpr size_t kSecretBytes = 20;

// RFC 4226 section 5.3: HMAC-SHA-1 of the big-endian counter, dynamically truncated to 31 bits.
std::optional<uint32_t> Hotp(std::span<const uint8_t> secret, uint64_t counter) {
  if (secret.empty() || secret.size() > static_cast<size_t>(INT_MAX)) return std::nullopt;
  std::array<uint8_t, 8> msg{};
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<size_t>(i)] = static_cast<uint8_t>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg.data(), msg.size(),
           mac.data(), &mac_len) == nullptr ||
      mac_len != 20) {
    return std::nullopt;
  }
  size_t offset = mac[19] & 0x0F;
  uint32_t value = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                   (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                   (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  sodium_memzero(mac.data(), mac.size());
  return value;
}

std::string FormatCode(uint32_t value, int digits) {
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  value %= modulus;
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out;
}

std::string CodeForStep(std::span<const uint8_t> secret, int64_t step, int digits) {
  if (step < 0) return "";
  std::optional<uint32_t> value = Hotp(secret, static_cast<uint64_t>(step));
  if (!value) return "";
  return FormatCode(*value, digits);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsSixAsciiDigits(std::string_view code) {
  return code.size() == static_cast<size_t>(kVerifyDigits) &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void AppendPercentEncoded(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
}

}  // namespace

std::vector<uint8_t> NewTotpSecret() {
  std::vector<uint8_t> secret(kSecretBytes);
  SecureRandomBytes(secret);
  return secret;
}

std::string TotpCode(std::span<const uint8_t> secret, int64_t unix_seconds, int digits,
                     int period) {
  if (secret.empty() || digits < 1 || digits > 9 || period <= 0) return "";
  return CodeForStep(secret, FloorDiv(unix_seconds, period), digits);
}

std::optional<int64_t> VerifyTotp(std::span<const uint8_t> secret, std::string_view code,
                                  int64_t unix_seconds, int window) {
  if (secret.empty() || !IsSixAsciiDigits(code)) return std::nullopt;
  window = std::clamp(window, 0, kMaxWindow);
  const int64_t now_step = FloorDiv(unix_seconds, kVerifyPeriod);
  std::optional<int64_t> matched;
  // No early exit: every candidate is computed and compared whatever matched before.
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    std::string expected = CodeForStep(secret, step, kVerifyDigits);
    bool equal = !expected.empty() && ConstantTimeEquals(expected, code);
    if (equal && !matched) matched = step;
  }
  return matched;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::span<const uint8_t> secret) {
  std::string uri = "otpauth://totp/";
  AppendPercentEncoded(uri, issuer);
  uri += ':';
  AppendPercentEncoded(uri, account);
  uri += "?secret=";
  uri += Base32Encode(secret);
  uri += "&issuer=";
  AppendPercentEncoded(uri, issuer);
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

}  // namespace tamkine::crypto
