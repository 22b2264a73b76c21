// What other modules (coordination) may know about a case and do to it, without reaching into
// the case services' internals: the plain facts rules and routing need, the access::Resource the
// policy decides on, and an entry on the case's timeline. Callers run these inside their own
// transaction and authorize and audit themselves.
#pragma once

#include <optional>
#include <string>

#include "access/authorize.h"
#include "cases/deps.h"
#include "cases/model.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::cases {

struct CaseFacts {
  std::string id;
  std::string reference_code;
  std::string kind;  // adult | child
  std::string created_by_unit_id;
  std::string holder_unit_id;
  int region_code = 0;
  std::string province_code;
  std::string justice_status;
  Micros created_at = 0;
};

// NotFound ("no such case") when the case does not exist or was merged into another.
StatusOr<CaseFacts> LoadCaseFacts(storage::Tx& tx, const std::string& case_id);

// The access facts of the case for `subject` at `now` (opening unit, holder, region, consents,
// excluded users, break-the-glass); `subtype` as the policy needs it.
StatusOr<access::Resource> CaseAccessResource(storage::Tx& tx, const std::string& case_id,
                                              const access::Subject& subject, Micros now,
                                              std::string subtype = "");

// A denial caused by the subject being excluded from the case becomes NotFound.
Status HideCaseFromExcluded(Status st, const access::Resource& r, const access::Subject& s);

// One entry on the case's timeline, visible to those `visibility` names. `detail` is sealed. Locks
// the case row first so that entries are numbered without gaps.
struct TimelineNote {
  std::string kind;  // e.g. "instruction"
  std::optional<std::string> topic;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> ref_id;
  std::optional<std::string> detail;
  std::string visibility = "core";         // or a compartment: who sees the entry
  std::string detail_visibility = "core";  // or a compartment: who may read `detail`
};
Status AppendCaseTimeline(storage::Tx& tx, const crypto::Keyring& keyring,
                          const std::string& case_id, Micros at, const std::string& user_id,
                          const std::string& unit_id, const TimelineNote& note);

// An alert for the heads of `unit_id` (listed with GET /api/v1/alerts).
Status RaiseUnitAlert(storage::Tx& tx, const std::string& unit_id, const std::string& kind,
                      const std::string& case_id, const std::string& ref_id, Micros now);

// Validates and writes an incident on the case (classification, perpetrators, timeline entry),
// as `user_id` of `unit_id`: what CaseService::AddIncident writes, for a caller that authorized
// and audits it itself (a violation of a protection measure). InvalidArgument naming the field
// under `prefix` ("incident.date", ...). Returns the incident's id.
StatusOr<std::string> WriteCaseIncident(storage::Tx& tx, const Deps& deps,
                                        const std::string& case_id, const std::string& user_id,
                                        const std::string& unit_id, const IncidentInput& in,
                                        const std::string& prefix, Micros now);

}  // namespace tamkine::cases
