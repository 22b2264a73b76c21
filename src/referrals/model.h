// What referrals take and give: a referral to another unit for a service, the documents it
// carries, a decision (accept, decline with a next step, cancel, complete) and the views of the
// case's referral path and of a unit's incoming and outgoing referrals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/model.h"
#include "common/clock.h"

namespace tamkine::referrals {

struct ReferralInput {
  std::string to_unit_id;
  std::string service;  // rules.h ServiceRules()
  std::string priority = "normal";
  std::optional<std::string> reason;  // free text, sealed
  // Exactly the documents she agreed to send; each must be of the case and readable by the
  // referring unit.
  std::vector<std::string> document_ids;
  // How she agreed to send them (oral, written, guardian); required with documents.
  std::optional<std::string> documents_agreement;
  std::optional<std::string> acting_unit_id;
};

// What follows a declined referral, so that there is no dead end: a new referral from the
// declining unit in the same call, or a named step held by a unit that reaches the case.
struct NextStepInput {
  std::optional<ReferralInput> referral;
  std::optional<std::string> text;
  std::optional<std::string> holder_unit_id;
};

struct DecisionInput {
  // The version the user saw; a referral changed meanwhile is refused (FailedPrecondition).
  std::optional<int64_t> version;
  std::optional<std::string> note;  // free text, sealed (accept, cancel, complete)
  std::optional<std::string> acting_unit_id;
};

struct DeclineInput {
  std::optional<int64_t> version;
  std::string reason;  // required, sealed
  NextStepInput next_step;
  std::optional<std::string> acting_unit_id;
};

struct SharedDocumentView {
  std::string id;
  std::string type;
  std::string agreement;  // how she agreed: oral, written, guardian
  std::string recorded_by_user_id;
  Micros recorded_at = 0;
};

struct ReferralView {
  std::string id;
  std::string case_id;
  std::string reference_code;
  cases::UnitRef from_unit;
  cases::UnitRef to_unit;
  std::string service;
  std::string purpose;
  std::string priority;
  std::string state;
  std::string consent_basis;
  std::optional<std::string> reason;
  std::vector<SharedDocumentView> documents;
  std::optional<Micros> decided_at;
  std::optional<cases::UnitRef> decided_by_unit;
  std::optional<std::string> decision_note;  // decline reason or note
  std::optional<std::string> next_step_referral_id;
  std::optional<std::string> next_step;
  std::optional<cases::UnitRef> next_step_unit;
  std::optional<std::string> parent_referral_id;
  int64_t version = 0;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// One line of a unit's inbox: no identity, no free text, only the case's reference code.
struct InboxItem {
  std::string id;
  std::string case_id;
  std::string reference_code;
  cases::UnitRef from_unit;
  cases::UnitRef to_unit;
  std::string service;
  std::string priority;
  std::string state;
  int64_t version = 0;
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct InboxFilter {
  std::string box = "incoming";        // incoming | outgoing
  std::optional<std::string> state;    // one of States()
  std::optional<std::string> unit_id;  // one of the user's units; all of them when absent
  int limit = 100;                     // 1..200
};

}  // namespace tamkine::referrals
