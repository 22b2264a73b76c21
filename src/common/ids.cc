#include "common/ids.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdlib>

namespace tamkine {

void SecureRandomBytes(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
}

namespace {
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
}

std::string NewId() {
  std::array<uint8_t, 16> b{};
  SecureRandomBytes(b);
  // 128 bits -> 26 base32 digits (130 bits; top two bits zero).
  std::string s(26, '0');
  unsigned __int128 v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  for (int i = 25; i >= 0; --i) {
    s[static_cast<size_t>(i)] = kAlphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return s;
}

bool LooksLikeId(std::string_view s) {
  if (s.size() != 26) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') ||
              (c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u');
    if (!ok) return false;
  }
  return true;
}

}  // namespace tamkine
