// Identifiers: random, unguessable, URL-safe record ids. Never derived from a person's data.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tamkine {

// Fills `out` with cryptographically secure random bytes (getrandom(2)); aborts if the kernel
// cannot supply them, since nothing safe can be done without randomness.
void SecureRandomBytes(std::span<uint8_t> out);

// A new 128-bit random id as 26 lower-case Crockford base32 characters.
std::string NewId();

// True when `s` has the shape of an id made by NewId (used to reject junk in paths early).
bool LooksLikeId(std::string_view s);

}  // namespace tamkine
