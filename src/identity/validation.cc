#include "identity/validation.h"

#include <algorithm>

#include "access/subject.h"

namespace tamkine::identity {

StatusOr<std::string> NormaliseUsername(std::string_view raw, std::string_view field) {
  std::string u;
  for (char c : raw) u += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (u.size() < 3 || u.size() > 64) {
    return InvalidArgument("must be 3 to 64 characters", std::string(field));
  }
  for (size_t i = 0; i < u.size(); ++i) {
    char c = u[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && (c == '.' || c == '_' || c == '-'))) {
      return InvalidArgument("may contain only letters, digits, '.', '_' and '-'",
                             std::string(field));
    }
  }
  return u;
}

StatusOr<std::string> NormalisePhone(std::string_view raw, std::string_view field) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')') {
      continue;
    } else {
      return InvalidArgument("is not a phone number", std::string(field));
    }
  }
  std::string e164;
  if (plus) {
    e164 = "+" + digits;
  } else if (digits.rfind("00", 0) == 0) {
    e164 = "+" + digits.substr(2);
  } else if (digits.size() == 10 && digits[0] == '0') {
    e164 = "+212" + digits.substr(1);
  } else {
    return InvalidArgument("is not a phone number (write 06…, +212… or 00212…)",
                           std::string(field));
  }
  if (e164.rfind("+212", 0) == 0) {
    std::string national = e164.substr(4);
    if (national.size() != 9 ||
        (national[0] != '5' && national[0] != '6' && national[0] != '7' && national[0] != '8')) {
      return InvalidArgument("a Moroccan number has 9 digits after +212 and starts with 5, 6 or 7",
                             std::string(field));
    }
  } else if (e164.size() < 8 || e164.size() > 16) {
    return InvalidArgument("is not a phone number", std::string(field));
  }
  return e164;
}

Status ValidateEmail(std::string_view email, std::string_view field) {
  auto at = email.find('@');
  if (email.size() > 254 || at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos ||
      email.find('.', at) == std::string_view::npos || email.back() == '.' ||
      std::any_of(email.begin(), email.end(),
                  [](char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x21; })) {
    return InvalidArgument("is not an e-mail address", std::string(field));
  }
  return Status::Ok();
}

Status ValidateSector(std::string_view sector, std::string_view field) {
  const auto& s = access::Sectors();
  if (std::find(s.begin(), s.end(), sector) == s.end()) {
    return InvalidArgument("is not a known sector", std::string(field));
  }
  return Status::Ok();
}

Status ValidateRole(std::string_view role, std::string_view field) {
  const auto& r = access::Roles();
  if (std::find(r.begin(), r.end(), role) == r.end()) {
    return InvalidArgument("is not a known role", std::string(field));
  }
  return Status::Ok();
}

}  // namespace tamkine::identity
