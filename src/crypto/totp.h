// Time-based one-time passwords (RFC 6238, HMAC-SHA-1, as authenticator apps implement them):
// secret generation, code computation and verification, and the otpauth:// enrolment URI.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tamkine::crypto {

// A new random TOTP secret of 20 bytes (160 bits, the HMAC-SHA-1 block-size recommendation).
std::vector<uint8_t> NewTotpSecret();

// The TOTP code for `secret` at `unix_seconds`: the RFC 4226 HOTP value of time step
// floor(unix_seconds / period), as `digits` decimal digits with leading zeros.
// Returns "" when `secret` is empty, `digits` is outside [1, 9], `period` is not positive, or
// the time is before the epoch; "" never verifies.
std::string TotpCode(std::span<const uint8_t> secret, int64_t unix_seconds, int digits = 6,
                     int period = 30);

// Checks a 6-digit, 30-second code against the time steps within `window` steps either side of
// the one containing `unix_seconds` (window is clamped to [0, 10]). Returns the matched time step
// (the earliest one if several match), or nullopt. Callers store the last step used and refuse a
// step at or below it, so that a code cannot be replayed. `code` must be exactly six ASCII
// digits (no spaces); anything else is refused. Comparisons are constant-time and every
// candidate step is computed, so timing does not reveal which step matched.
std::optional<int64_t> VerifyTotp(std::span<const uint8_t> secret, std::string_view code,
                                  int64_t unix_seconds, int window = 1);

// The key URI authenticator apps read from a QR code:
// otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded (RFC 3986: everything but unreserved characters).
std::string OtpauthUri(std::string_view issuer, std::string_view account,
                       std::span<const uint8_t> secret);

}  // namespace tamkine::crypto
