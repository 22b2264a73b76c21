// Organisations (units), users and their memberships as the identity services see them.
// Personal fields of staff (display name, e-mail, phone) are sealed at rest like any other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/subject.h"
#include "common/clock.h"

namespace tamkine::identity {

struct Unit {
  std::string id;
  std::string name;
  std::string sector;
  int region_code = 0;
  std::string province_code;
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  bool active = true;
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct UnitInput {
  std::string name;
  std::string sector;
  std::string province_code;
  std::optional<int64_t> region_code;  // must agree with the province when given
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> email;
};

struct UnitPatch {
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::optional<bool> active;
};

struct UnitFilter {
  std::optional<int64_t> region_code;
  std::optional<std::string> province_code;
  std::optional<std::string> sector;
};

struct MembershipInput {
  std::string unit_id;
  std::string role;
};

struct User {
  std::string id;
  std::string username;
  std::string display_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  bool active = true;
  bool totp_enabled = false;
  std::vector<access::Membership> memberships;
  Micros created_at = 0;
};

struct UserInput {
  std::string username;
  std::string display_name;
  std::string password;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::vector<MembershipInput> memberships;
};

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

}  // namespace tamkine::identity
