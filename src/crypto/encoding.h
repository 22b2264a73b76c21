// Text encodings of binary data: hex, Base64 (standard and URL-safe), and Base32 for TOTP
// secrets. Encoders never fail; decoders are strict and return InvalidArgument on bad input.
// Hex and Base64 go through libsodium's constant-time codecs, since they carry key material.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::crypto {

// Lower-case hex, two characters per byte.
std::string HexEncode(std::span<const uint8_t> bytes);
// Decodes hex (either case). Returns InvalidArgument on an odd length or a non-hex character.
StatusOr<std::vector<uint8_t>> HexDecode(std::string_view hex);

// RFC 4648 section 4 Base64 with '=' padding.
std::string Base64Encode(std::span<const uint8_t> bytes);
// Decodes padded standard Base64. Returns InvalidArgument on a character outside the alphabet,
// missing or misplaced padding, whitespace, or non-zero unused trailing bits.
StatusOr<std::vector<uint8_t>> Base64Decode(std::string_view text);

// RFC 4648 section 5 URL-safe Base64 ('-' and '_'), without padding.
std::string Base64UrlEncode(std::span<const uint8_t> bytes);
// Decodes unpadded URL-safe Base64. Returns InvalidArgument on any other character (including
// '='), an impossible length, or non-zero unused trailing bits.
StatusOr<std::vector<uint8_t>> Base64UrlDecode(std::string_view text);

// RFC 4648 section 6 Base32, upper-case, without padding (the form authenticator apps expect
// for TOTP secrets).
std::string Base32Encode(std::span<const uint8_t> bytes);
// Decodes Base32 without padding. Letters may be of either case and spaces are ignored, so a
// secret typed in groups ("JBSW Y3DP ...") decodes. Returns InvalidArgument on any other
// character (including '='), an impossible length, or non-zero unused trailing bits.
StatusOr<std::vector<uint8_t>> Base32Decode(std::string_view text);

}  // namespace tamkine::crypto
