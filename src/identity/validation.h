// Shared validation of identity fields (usernames, phones, e-mail addresses, roles, sectors).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace tamkine::identity {

// Lower-cases and checks a username: 3-64 of [a-z0-9._-], starting with a letter or digit.
StatusOr<std::string> NormaliseUsername(std::string_view raw, std::string_view field);

// Accepts Moroccan and international phone numbers as people write them (spaces, dots, dashes,
// 0/+212/00212 prefixes) and returns E.164 ("+212612345678"). InvalidArgument otherwise.
StatusOr<std::string> NormalisePhone(std::string_view raw, std::string_view field);

// A plausible e-mail address (one @, a dot in the domain, no spaces), at most 254 characters.
Status ValidateEmail(std::string_view email, std::string_view field);

Status ValidateSector(std::string_view sector, std::string_view field);
Status ValidateRole(std::string_view role, std::string_view field);

}  // namespace tamkine::identity
