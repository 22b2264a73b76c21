#include "crypto/token.h"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace tamkine::crypto {

std::string NewSessionToken() {
  std::array<uint8_t, 32> raw{};
  SecureRandomBytes(raw);
  std::string token = Base64UrlEncode(raw);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

std::string TokenDigest(std::string_view token) { return HexEncode(Sha256(token)); }

}  // namespace tamkine::crypto
