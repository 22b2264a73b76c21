#include "access/authorize.h"

#include <algorithm>
#include <functional>

namespace tamkine::access {

bool RoleRequiresSecondFactor(std::string_view role) {
  return role == "unit_head" || role == "administrator";
}

bool Subject::HasRole(std::string_view role) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.role == role; });
}

bool Subject::HasRoleInUnit(std::string_view role, std::string_view unit_id) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.role == role && m.unit_id == unit_id; });
}

bool Subject::InUnit(std::string_view unit_id) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.unit_id == unit_id; });
}

namespace {

using Rule = std::function<Decision(const Subject&, const Resource&)>;

Decision Allow(std::string reason, const Membership* m) {
  Decision d;
  d.allowed = true;
  d.reason = std::move(reason);
  if (m != nullptr) {
    d.role = m->role;
    d.unit_id = m->unit_id;
  }
  return d;
}

Decision Deny(std::string reason) {
  Decision d;
  d.reason = std::move(reason);
  return d;
}

const Membership* FindRole(const Subject& s, std::string_view role) {
  for (const auto& m : s.memberships) {
    if (m.role == role) return &m;
  }
  return nullptr;
}

Decision AdministratorOnly(const Subject& s, const Resource&) {
  if (const Membership* m = FindRole(s, "administrator")) return Allow("administrator", m);
  return Deny("requires the administrator role");
}

Decision AnyStaff(const Subject& s, const Resource&) {
  if (s.memberships.empty()) return Deny("user has no unit membership");
  return Allow("staff member", &s.memberships.front());
}

// Administrators anywhere; unit heads for users who belong to one of the units they head.
Decision AdministratorOrHeadOfUnit(const Subject& s, const Resource& r) {
  if (const Membership* m = FindRole(s, "administrator")) return Allow("administrator", m);
  for (const auto& m : s.memberships) {
    if (m.role != "unit_head") continue;
    bool in = m.unit_id == r.unit_id ||
              std::find(r.unit_ids.begin(), r.unit_ids.end(), m.unit_id) != r.unit_ids.end();
    if (in) return Allow("head of the record's unit", &m);
  }
  return Deny("requires the administrator role or being head of the record's unit");
}

Decision Self(const Subject& s, const Resource& r) {
  if (!r.id.empty() && r.id == s.user_id) {
    return Allow("own account", s.memberships.empty() ? nullptr : &s.memberships.front());
  }
  return Deny("only the account holder");
}

struct Entry {
  ActionPolicy policy;
  Rule rule;
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> kTable = {
      {{"unit.list", "any staff member"}, AnyStaff},
      {{"unit.read", "any staff member"}, AnyStaff},
      {{"unit.create", "administrators"}, AdministratorOnly},
      {{"unit.update", "administrators"}, AdministratorOnly},
      {{"user.list", "administrators; unit heads for their own units"}, AdministratorOrHeadOfUnit},
      {{"user.read", "administrators; unit heads for members of their units"},
       AdministratorOrHeadOfUnit},
      {{"user.create", "administrators"}, AdministratorOnly},
      {{"user.update", "administrators"}, AdministratorOnly},
      {{"user.memberships", "administrators"}, AdministratorOnly},
      {{"user.disable", "administrators; unit heads for members of their units"},
       AdministratorOrHeadOfUnit},
      {{"user.enable", "administrators"}, AdministratorOnly},
      {{"auth.totp.enrol", "the account holder"}, Self},
      {{"auth.password.change", "the account holder"}, Self},
      {{"audit.read", "administrators"}, AdministratorOnly},
      {{"audit.verify", "administrators"}, AdministratorOnly},
  };
  return kTable;
}

}  // namespace

const std::vector<ActionPolicy>& Policies() {
  static const std::vector<ActionPolicy> kPolicies = [] {
    std::vector<ActionPolicy> v;
    for (const auto& e : Table()) v.push_back(e.policy);
    return v;
  }();
  return kPolicies;
}

bool IsKnownPolicy(std::string_view policy) {
  if (policy == "public" || policy == "authenticated") return true;
  for (const auto& e : Table()) {
    if (e.policy.action == policy) return true;
  }
  return false;
}

Decision Authorize(const Subject& subject, std::string_view action, const Resource& resource) {
  if (subject.user_id.empty()) return Deny("not authenticated");
  if (subject.must_enrol_totp && action != "auth.totp.enrol") {
    return Deny("a second factor must be enrolled first");
  }
  for (const auto& e : Table()) {
    if (e.policy.action == action) return e.rule(subject, resource);
  }
  return Deny("no policy for this action (denied by default)");
}

}  // namespace tamkine::access
