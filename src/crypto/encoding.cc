#include "crypto/encoding.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace tamkine::crypto {

namespace {

std::string Base64EncodeVariant(std::span<const uint8_t> bytes, int variant) {
  internal::EnsureSodium();
  // sodium_base64_ENCODED_LEN counts the terminating NUL.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);
  return out;
}

StatusOr<std::vector<uint8_t>> Base64DecodeVariant(std::string_view text, int variant,
                                                   std::string_view name) {
  internal::EnsureSodium();
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  // A null end pointer makes libsodium fail unless the whole input is consumed.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), /*ignore=*/nullptr, &len,
                        /*b64_end=*/nullptr, variant) != 0) {
    sodium_memzero(out.data(), out.size());
    return InvalidArgument("not valid " + std::string(name));
  }
  out.resize(len);
  return out;
}

constexpr int kBase32Bits = 5;

// The Base32 digit for a 5-bit value without a table lookup: 'A'..'Z' for 0..25, '2'..'7'
// for 26..31. Arithmetic rather than indexing keeps secret-dependent memory access out.
char Base32Digit(unsigned v) {
  int x = static_cast<int>(v);
  int above_25 = (25 - x) >> 8;  // -1 (all ones) when x > 25, else 0
  return static_cast<char>(x + 'A' - (above_25 & ('A' - '2' + 26)));
}

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string HexEncode(std::span<const uint8_t> bytes) {
  internal::EnsureSodium();
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.resize(bytes.size() * 2);
  return out;
}

StatusOr<std::vector<uint8_t>> HexDecode(std::string_view hex) {
  internal::EnsureSodium();
  if (hex.size() % 2 != 0) return InvalidArgument("not valid hex: odd number of digits");
  if (hex.empty()) return std::vector<uint8_t>();  // libsodium wants a non-null output buffer
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), /*ignore=*/nullptr, &len,
                     /*hex_end=*/nullptr) != 0 ||
      len != out.size()) {
    sodium_memzero(out.data(), out.size());
    return InvalidArgument("not valid hex");
  }
  return out;
}

std::string Base64Encode(std::span<const uint8_t> bytes) {
  return Base64EncodeVariant(bytes, sodium_base64_VARIANT_ORIGINAL);
}

StatusOr<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  return Base64DecodeVariant(text, sodium_base64_VARIANT_ORIGINAL, "base64");
}

std::string Base64UrlEncode(std::span<const uint8_t> bytes) {
  return Base64EncodeVariant(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

StatusOr<std::vector<uint8_t>> Base64UrlDecode(std::string_view text) {
  return Base64DecodeVariant(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "base64url");
}

std::string Base32Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + kBase32Bits - 1) / kBase32Bits);
  unsigned acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= kBase32Bits) {
      bits -= kBase32Bits;
      out += Base32Digit((acc >> bits) & 31u);
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out += Base32Digit((acc << (kBase32Bits - bits)) & 31u);
  return out;
}

StatusOr<std::vector<uint8_t>> Base32Decode(std::string_view text) {
  std::vector<uint8_t> out;
  out.reserve(text.size() * kBase32Bits / 8);
  unsigned acc = 0;
  int bits = 0;
  size_t digits = 0;
  for (char c : text) {
    if (c == ' ') continue;
    int v = Base32Value(c);
    if (v < 0) {
      return InvalidArgument(c == '=' ? "not valid base32: padding ('=') is not accepted"
                                      : "not valid base32: unexpected character");
    }
    ++digits;
    acc = (acc << kBase32Bits) | static_cast<unsigned>(v);
    bits += kBase32Bits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  // Whole bytes end on a digit count that is 0, 2, 4, 5 or 7 modulo 8; the leftover bits of the
  // last digit must be zero, or two different strings would decode to the same bytes.
  size_t rem = digits % 8;
  if (rem == 1 || rem == 3 || rem == 6) {
    return InvalidArgument("not valid base32: impossible length");
  }
  if (acc != 0) return InvalidArgument("not valid base32: non-zero trailing bits");
  return out;
}

}  // namespace tamkine::crypto
