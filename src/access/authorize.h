// The one place that decides who may do what to which record. Deny by default: an action that is
// not in the policy table, or a subject with no matching rule, is denied with a reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "access/subject.h"

namespace tamkine::access {

// One unit's active permission to work on a case for a purpose: the survivor's consent or, for a
// child, a legal ground. Revoked consents are never put in a Resource.
struct Grant {
  std::string unit_id;
  std::string purpose;  // one of ConsentPurposes()
};

// What an action is done to. Fields a rule does not need may stay empty.
struct Resource {
  std::string type;     // "unit", "user", "audit", "case", ...
  std::string id;       // record id, "" for collections
  std::string unit_id;  // the unit that owns the record (users: one of their units; cases: the
                        // unit that opened it)
  std::vector<std::string> unit_ids;  // all units the record belongs to (users: memberships)

  // Facts the case rules need (docs/cases.md); empty for other records.
  std::string subtype;        // a document type, a compartment, a consent basis or "track:status"
  std::string owner_sector;   // sector of the unit that created the record (documents)
  int region_code = 0;        // the region the record belongs to
  std::vector<Grant> grants;  // active consents and legal grounds
  std::vector<std::string> excluded_user_ids;  // users who may never act on it (perpetrator, ...)
  bool break_glass = false;  // the subject holds an unexpired break-the-glass grant on it

  // Documents: units this document was sent to with a referral that is proposed or accepted and
  // whose consent (or legal ground) is still active (docs/referrals.md).
  std::vector<std::string> shared_with_unit_ids;
  // Referrals: the referring unit and the receiving unit.
  std::string from_unit_id;
  std::string to_unit_id;
};

// The vocabularies the case policy is written in (shared with the cases module).
const std::vector<std::string_view>& CaseCompartments();   // clinical, justice, social
const std::vector<std::string_view>& ConsentPurposes();    // coordination, medical_care, ...
const std::vector<std::string_view>& CaseDocumentTypes();  // medical_certificate, complaint, ...
// The compartment a consent purpose opens to the recipient unit; "" for "coordination", which
// opens only the minimal core (reference code, status, next step, holder).
std::string_view CompartmentOfPurpose(std::string_view purpose);
// True when a unit of `sector` can use a consent for `purpose` (medical care only for health
// units, ...); recording a purpose that does not fit the recipient's sector is refused.
bool PurposeFitsSector(std::string_view purpose, std::string_view sector);

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
