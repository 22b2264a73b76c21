// Bearer tokens (session and CSRF tokens): 256 random bits, handed to the client once. The server
// stores only TokenDigest(token), so a leaked database does not yield usable sessions.
#pragma once

#include <string>
#include <string_view>

namespace tamkine::crypto {

// A new token: 32 random bytes as unpadded base64url (43 characters).
std::string NewSessionToken();

// The value to store and look tokens up by: lower-case hex SHA-256 of the token (64 characters).
std::string TokenDigest(std::string_view token);

}  // namespace tamkine::crypto
