// Internal to the case services: reading case rows, building the access::Resource the rules
// decide on, sealing, the per-case event log (timeline) and alerts. Not for other modules, except
// referrals/: a referral is a step on the case file and takes the same path (OnCase, TouchCase,
// AppendEvent).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "access/authorize.h"
#include "access/subject.h"
#include "cases/model.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::cases::internal {

struct CaseRow {
  std::string id;
  std::string reference_code;
  std::string survivor_id;
  std::string kind;
  std::optional<std::string> child_role;
  std::optional<std::string> linked_case_id;
  std::string created_by_unit_id;
  std::string created_by_user_id;
  std::string holder_unit_id;
  int region_code = 0;
  std::string province_code;
  std::string status;
  std::string service_status;
  std::string justice_status;
  std::string risk_level;
  std::string age_band;
  std::string violence_forms;  // ",a,b,"
  std::optional<std::string> legal_ground;
  std::optional<Micros> report_due_at;
  std::optional<Micros> report_sent_at;
  std::optional<std::string> close_reason;
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<std::string> merged_into_case_id;  // absorbed by a merge into that case
};

// The columns LoadCase* read, prefixed with "c." for joins.
extern const char kCaseColumns[];
CaseRow CaseFromRow(const storage::Row& r, size_t first = 0);

StatusOr<std::optional<CaseRow>> LoadCase(storage::Tx& tx, const std::string& id);
StatusOr<std::optional<CaseRow>> LoadCaseByReference(storage::Tx& tx, const std::string& code);
// The rows of these cases, by id (unknown ids are left out). One query.
StatusOr<std::map<std::string, CaseRow>> LoadCases(storage::Tx& tx,
                                                   const std::vector<std::string>& ids);
// "?, ?, ?" for n parameters.
std::string Placeholders(size_t n);
// LoadCase, NotFound when absent.
StatusOr<CaseRow> MustLoadCase(storage::Tx& tx, const std::string& id);

// The facts the access rules need about `c` for `subject` at `now`: the opening unit, the holder,
// the region, active consents, excluded users and whether the subject holds an unexpired
// break-the-glass grant.
StatusOr<access::Resource> CaseResource(storage::Tx& tx, const CaseRow& c,
                                        const access::Subject& subject, Micros now,
                                        std::string subtype = "");

// CaseResource for several cases in a fixed number of queries, whatever their number (lists and
// duplicate candidates must not read the store once per case).
StatusOr<std::map<std::string, access::Resource>> CaseResources(
    storage::Tx& tx, const std::map<std::string, CaseRow>& cases, const access::Subject& subject,
    Micros now);

// A user recorded as the perpetrator of, or related to, the case must not even learn that it
// exists: a denial caused by that (audited with its real reason) is answered as NotFound.
Status HideFromExcluded(Status st, const access::Resource& r, const access::Subject& s,
                        std::string_view not_found = "no such case");

// Unit names and sectors, cached for one request.
class Units {
 public:
  StatusOr<UnitRef> Get(storage::Tx& tx, const std::string& id);
  StatusOr<std::optional<UnitRef>> GetOpt(storage::Tx& tx, const std::optional<std::string>& id);

 private:
  std::map<std::string, UnitRef> cache_;
};

// Checks that a unit exists and is active. InvalidArgument naming `field` otherwise.
StatusOr<UnitRef> RequireActiveUnit(storage::Tx& tx, const std::string& id,
                                    const std::string& field);

StatusOr<CaseCore> MakeCore(storage::Tx& tx, Units& units, const CaseRow& c, Micros now);

// Takes the case row's lock (PostgreSQL) and stamps updated_at: every write on a case starts here
// so that its events are numbered without gaps or duplicates.
Status TouchCase(storage::Tx& tx, const std::string& case_id, Micros now);

struct Event {
  std::string kind;
  std::optional<std::string> topic;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::optional<std::string> ref_id;
  std::string visibility = "core";         // who sees the entry (see Visible)
  std::string detail_visibility = "core";  // who sees `detail`
  std::optional<std::string> detail;       // sealed free text
};

// Appends to the case's timeline (call TouchCase first in the same transaction).
Status AppendEvent(storage::Tx& tx, const crypto::Keyring& keyring, const std::string& case_id,
                   Micros at, const std::string& user_id, const std::string& unit_id,
                   const Event& e);

// A visibility label ("core", "summary", "identity", a compartment, "doc:<type>:<sector>") as
// the access action and subtype that decide it.
std::pair<std::string, std::string> VisibilityAction(const std::string& visibility,
                                                     std::string* owner_sector);

Status InsertAlert(storage::Tx& tx, const std::string& unit_id, const std::string& kind,
                   const std::optional<std::string>& case_id,
                   const std::optional<std::string>& ref_id, Micros now);

StatusOr<storage::Value> Seal(const crypto::Keyring& k, std::string_view table,
                              std::string_view column, const std::string& id,
                              std::string_view plaintext);
StatusOr<storage::Value> SealOpt(const crypto::Keyring& k, std::string_view table,
                                 std::string_view column, const std::string& id,
                                 const std::optional<std::string>& v);
StatusOr<std::optional<std::string>> OpenOpt(const crypto::Keyring& k, std::string_view table,
                                             std::string_view column, const std::string& id,
                                             const storage::Row& r, size_t i);

// ",a,b," and back.
std::string JoinList(const std::vector<std::string>& v);
std::vector<std::string> SplitList(const std::string& s);

// The subject restricted to its memberships in `unit_id` (when given): the unit the user acts
// for. InvalidArgument naming `field` when the user is not a member of it.
StatusOr<access::Subject> ActingAs(const access::Subject& s,
                                   const std::optional<std::string>& unit_id,
                                   const std::string& field);

// A request made as the unit the user acts for (ActingAs), with the clock read once. Not
// movable: ctx().subject points into it.
class Acting {
 public:
  Acting() = default;
  Acting(const Acting&) = delete;
  Acting& operator=(const Acting&) = delete;

  // Unauthenticated without a subject; InvalidArgument naming `field` for a unit the user does
  // not belong to.
  Status Init(const access::RequestContext& ctx, const Clock& clock,
              const std::optional<std::string>& unit_id, const std::string& field);

  const access::Subject& subject() const { return subject_; }
  const access::RequestContext& ctx() const { return ctx_; }
  Micros now() const { return now_; }

 private:
  access::Subject subject_;
  access::RequestContext ctx_;
  Micros now_ = 0;
};

// String values of a JSON array (others skipped) and an optional string member.
std::vector<std::string> JsonStrings(const Json& j);
std::optional<std::string> JsonOptString(const Json& j, const char* key);

// Appends an audit entry for an extra read made within an allowed action (e.g. the summary read
// along with the core), in the same transaction.
Status AuditRead(storage::Tx& tx, const Clock& clock, const access::RequestContext& ctx,
                 std::string_view action, const std::string& case_id, const access::Decision& d);

}  // namespace tamkine::cases::internal
