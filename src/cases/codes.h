// The two codes a case has. The reference code ("TMK-7K3F-9QXD-M2PA") names the case across
// sectors instead of her name: 55 random bits in Crockford base32 plus a check character, readable
// over the phone. The follow-up code on her receipt ("K7M2Q-9XDP4-ABCDE-FGHJ5") is a secret of 95
// random bits plus a check character, shown once; only its SHA-256 digest is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tamkine::cases {

// Crockford's base32 alphabet (no I, L, O, U).
inline constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The check character over Crockford characters, computed in GF(32) as in Damm's algorithm
// (interim = 2·interim ⊕ value; the check character brings it to 0): catches every single-character
// error and every transposition of two different adjacent characters (Luhn mod 32 misses 0↔Z).
char CheckCharacter(std::string_view body);

// A new random reference code "TMK-XXXX-XXXX-XXXX" (11 random characters, 1 check character).
std::string NewReferenceCode();
// The canonical form of a typed reference code: case, spaces and dashes are ignored, the "TMK"
// prefix is optional, I/L read as 1 and O as 0. nullopt when malformed or the check fails.
std::optional<std::string> NormaliseReferenceCode(std::string_view typed);

// A new follow-up code "XXXXX-XXXXX-XXXXX-XXXXX" (19 random characters, 1 check character).
std::string NewFollowupCode();
// As NormaliseReferenceCode, for follow-up codes.
std::optional<std::string> NormaliseFollowupCode(std::string_view typed);
// What is stored and looked up: hex SHA-256 of the canonical code, domain-separated.
std::string FollowupDigest(std::string_view canonical);

}  // namespace tamkine::cases
