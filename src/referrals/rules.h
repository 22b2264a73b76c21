// The rules of a referral that need no database: which services exist, which consent purpose each
// rests on and which sectors provide it; whether her consents allow a referral; and the state
// machine (proposed → accepted | declined | cancelled; accepted → completed). Table-tested in
// rules_test.cc; docs/referrals.md states them in words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::referrals {

struct ServiceRule {
  std::string_view service;
  std::string_view purpose;               // the consent purpose it rests on (access::PurposeRules)
  std::vector<std::string_view> sectors;  // sectors of the units that provide it
};

// medical_care, psychological_care, shelter, legal_aid, social_support, child_protection,
// economic_integration, translation.
const std::vector<ServiceRule>& ServiceRules();
const ServiceRule* FindService(std::string_view service);
const std::vector<std::string_view>& Priorities();  // urgent, priority, normal
const std::vector<std::string_view>& States();      // proposed, accepted, declined, ...

// One active (unrevoked) consent or legal ground of the case.
struct ActiveConsent {
  std::string unit_id;
  std::string purpose;
  std::string basis;  // consent | legal_ground
};

// What a new referral is checked against.
struct ConsentCheck {
  std::string case_kind;        // adult | child
  std::string opening_unit_id;  // the unit that opened the case
  std::string from_unit_id;     // the referring unit
  std::string to_unit_id;       // the receiving unit
  std::string to_sector;
  std::string service;
  std::vector<ActiveConsent> active;
};

// The basis the referral rests on: "consent", "legal_ground" (a child's case only) or
// "opening_unit" (back to the unit that opened the case, which needs no consent). InvalidArgument
// naming "service" (unknown) or "to_unit_id" (the referring unit itself, a sector that does not
// provide the service, no active consent for that unit and the service's purpose).
StatusOr<std::string> CheckConsent(const ConsentCheck& c);

// The state `action` (accept, decline, cancel, complete) leads to from `state`.
// FailedPrecondition naming "state" when the move does not exist.
StatusOr<std::string> NextState(std::string_view state, std::string_view action);

}  // namespace tamkine::referrals
