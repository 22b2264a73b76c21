#include "cases/codes.h"

#include <array>
#include <cstdint>

#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace tamkine::cases {

namespace {

int ValueOf(char c) {
  auto pos = kCrockford.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::string RandomChars(size_t n) {
  std::string out;
  std::array<uint8_t, 32> bytes{};
  SecureRandomBytes(bytes);
  for (size_t i = 0; i < n; ++i) out += kCrockford[bytes[i % bytes.size()] & 31];
  return out;
}

// Upper-cases, drops spaces and dashes, reads I/L as 1 and O as 0; "" on any other character.
std::string Canonical(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (ValueOf(c) < 0) return "";
    out += c;
  }
  return out;
}

std::string Group(std::string_view s, size_t size) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && i % size == 0) out += '-';
    out += s[i];
  }
  return out;
}

}  // namespace

namespace {

// Multiplication by x in GF(2^5) = GF(2)[x] / (x^5 + x^2 + 1).
int TimesX(int v) {
  v <<= 1;
  if (v & 0x20) v ^= 0x25;
  return v;
}

}  // namespace

char CheckCharacter(std::string_view body) {
  // interim ↦ x·interim ⊕ value is a weakly totally anti-symmetric quasigroup operation: a
  // single changed value changes the result (multiplication by x is invertible), and swapping
  // neighbours a, b changes it by (x ⊕ 1)(a ⊕ b) ≠ 0.
  int interim = 0;
  for (char c : body) interim = TimesX(interim) ^ ValueOf(c);
  return kCrockford[static_cast<size_t>(TimesX(interim))];
}

std::string NewReferenceCode() {
  std::string body = RandomChars(11);
  return "TMK-" + Group(body + CheckCharacter(body), 4);
}

std::optional<std::string> NormaliseReferenceCode(std::string_view typed) {
  std::string c = Canonical(typed);
  if (c.size() == 15 && c.rfind("TMK", 0) == 0) c = c.substr(3);
  if (c.size() != 12) return std::nullopt;
  if (CheckCharacter(c.substr(0, 11)) != c[11]) return std::nullopt;
  return "TMK-" + Group(c, 4);
}

std::string NewFollowupCode() {
  std::string body = RandomChars(19);
  return Group(body + CheckCharacter(body), 5);
}

std::optional<std::string> NormaliseFollowupCode(std::string_view typed) {
  std::string c = Canonical(typed);
  if (c.size() != 20) return std::nullopt;
  if (CheckCharacter(c.substr(0, 19)) != c[19]) return std::nullopt;
  return Group(c, 5);
}

std::string FollowupDigest(std::string_view canonical) {
  return crypto::HexEncode(crypto::Sha256("tamkine-followup-code|" + std::string(canonical)));
}

}  // namespace tamkine::cases
