// Who is acting: the authenticated subject (a staff user with their unit memberships) and the
// request context every domain service receives (subject, client address, request id).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tamkine::access {

// Sectors of units (Law 103-13 multi-sectoral response).
inline const std::vector<std::string_view>& Sectors() {
  static const std::vector<std::string_view> kSectors = {
      "police",           "gendarmerie",   "prosecution",     "court",
      "health",           "ngo_listening", "ngo_shelter",     "entraide_nationale",
      "child_protection", "commission",    "local_authority", "education"};
  return kSectors;
}

// Roles a user holds within a unit.
inline const std::vector<std::string_view>& Roles() {
  static const std::vector<std::string_view> kRoles = {
      "unit_head",       "officer",           "prosecutor",   "judge",
      "clerk",           "social_worker",     "doctor",       "psychologist",
      "accompagnatrice", "commission_member", "administrator"};
  return kRoles;
}

// Roles that must use a second factor (TOTP) before they can do anything else.
bool RoleRequiresSecondFactor(std::string_view role);

struct Membership {
  std::string unit_id;
  std::string unit_name;
  std::string sector;
  int region_code = 0;
  std::string province_code;
  std::string role;
};

struct Subject {
  std::string user_id;
  std::string username;
  std::vector<Membership> memberships;
  // True while a unit head or administrator has not enrolled TOTP: only enrolment is allowed.
  bool must_enrol_totp = false;

  bool HasRole(std::string_view role) const;
  bool HasRoleInUnit(std::string_view role, std::string_view unit_id) const;
  bool InUnit(std::string_view unit_id) const;
};

// Passed to every domain service call.
struct RequestContext {
  const Subject* subject = nullptr;  // null for public endpoints
  std::string client_addr;
  std::string request_id;
};

}  // namespace tamkine::access
