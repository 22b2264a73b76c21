// The one place that decides who may do what to which record. Deny by default: an action that is
// not in the policy table, or a subject with no matching rule, is denied with a reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "access/subject.h"

namespace tamkine::access {

// What an action is done to. Fields a rule does not need may stay empty.
struct Resource {
  std::string type;     // "unit", "user", "audit", ...
  std::string id;       // record id, "" for collections
  std::string unit_id;  // the unit that owns the record (for users: one of their units)
  std::vector<std::string> unit_ids;  // all units the record belongs to (users: memberships)
};

struct Decision {
  bool allowed = false;
  std::string reason;   // why, in words an auditor understands
  std::string role;     // the role that granted it ("" when denied)
  std::string unit_id;  // the unit of that role
};

// One row of the policy table: an action and, in words, who may do it.
struct ActionPolicy {
  std::string_view action;
  std::string_view rule;
};

// The policy table, for documentation and for the test that every endpoint declares a policy.
const std::vector<ActionPolicy>& Policies();

// True for "public", "authenticated" and every action in Policies().
bool IsKnownPolicy(std::string_view policy);

// Decides whether `subject` may perform `action` on `resource`. Never throws; unknown actions are
// denied. A subject who must still enrol a second factor is denied everything but
// "auth.totp.enrol".
Decision Authorize(const Subject& subject, std::string_view action, const Resource& resource);

}  // namespace tamkine::access
