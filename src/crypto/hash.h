// Hashing primitives: SHA-256, HMAC-SHA-256, and constant-time comparison of secrets.
// Use ConstantTimeEquals whenever one side of a comparison is a secret or is derived from one.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace tamkine::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

// SHA-256 of `data`.
Sha256Digest Sha256(std::span<const uint8_t> data);
// SHA-256 of the bytes of `data`.
Sha256Digest Sha256(std::string_view data);

// HMAC-SHA-256 (RFC 2104) of `msg` under `key`; the key may be of any length.
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> msg);
// HMAC-SHA-256 over the bytes of `key` and `msg`.
Sha256Digest HmacSha256(std::string_view key, std::string_view msg);

// True when `a` and `b` hold the same bytes. Takes time that depends only on the sizes; returns
// false at once when the sizes differ (sizes are not treated as secret).
bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b);
// The same, over the bytes of two strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tamkine::crypto
