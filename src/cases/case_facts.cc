#include "cases/case_facts.h"

#include "cases/case_store.h"
#include "cases/case_write.h"
#include "cases/dates.h"
#include "cases/validate.h"

namespace tamkine::cases {

StatusOr<CaseFacts> LoadCaseFacts(storage::Tx& tx, const std::string& case_id) {
  ASSIGN_OR_RETURN(internal::CaseRow c, internal::MustLoadCase(tx, case_id));
  if (c.merged_into_case_id) return NotFound("no such case");
  CaseFacts f;
  f.id = c.id;
  f.reference_code = c.reference_code;
  f.kind = c.kind;
  f.created_by_unit_id = c.created_by_unit_id;
  f.holder_unit_id = c.holder_unit_id;
  f.region_code = c.region_code;
  f.province_code = c.province_code;
  f.justice_status = c.justice_status;
  f.created_at = c.created_at;
  return f;
}

StatusOr<access::Resource> CaseAccessResource(storage::Tx& tx, const std::string& case_id,
                                              const access::Subject& subject, Micros now,
                                              std::string subtype) {
  ASSIGN_OR_RETURN(internal::CaseRow c, internal::MustLoadCase(tx, case_id));
  return internal::CaseResource(tx, c, subject, now, std::move(subtype));
}

Status HideCaseFromExcluded(Status st, const access::Resource& r, const access::Subject& s) {
  return internal::HideFromExcluded(std::move(st), r, s);
}

Status AppendCaseTimeline(storage::Tx& tx, const crypto::Keyring& keyring,
                          const std::string& case_id, Micros at, const std::string& user_id,
                          const std::string& unit_id, const TimelineNote& note) {
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, at));
  internal::Event e;
  e.kind = note.kind;
  e.topic = note.topic;
  e.from = note.from;
  e.to = note.to;
  e.ref_id = note.ref_id;
  e.detail = note.detail;
  e.visibility = note.visibility;
  e.detail_visibility = note.detail_visibility;
  return internal::AppendEvent(tx, keyring, case_id, at, user_id, unit_id, e);
}

Status RaiseUnitAlert(storage::Tx& tx, const std::string& unit_id, const std::string& kind,
                      const std::string& case_id, const std::string& ref_id, Micros now) {
  return internal::InsertAlert(tx, unit_id, kind, case_id, ref_id, now);
}

StatusOr<std::string> WriteCaseIncident(storage::Tx& tx, const Deps& deps,
                                        const std::string& case_id, const std::string& user_id,
                                        const std::string& unit_id, const IncidentInput& in,
                                        const std::string& prefix, Micros now) {
  ASSIGN_OR_RETURN(internal::CaseRow c, internal::MustLoadCase(tx, case_id));
  ASSIGN_OR_RETURN(Json identity,
                   internal::OpenSurvivorPart(tx, *deps.keyring, c.survivor_id, "identity_sealed"));
  std::optional<Date> birth;
  if (auto b = internal::JsonOptString(identity, "birth_date")) {
    ASSIGN_OR_RETURN(birth, ParsePartialDate(*b, "birth_date"));
  }
  ASSIGN_OR_RETURN(PreparedIncident p, PrepareIncident(in, prefix, MoroccoDate(now), birth,
                                                       c.kind == "child", "birth_date"));
  RETURN_IF_ERROR(internal::TouchCase(tx, case_id, now));
  std::string id;
  RETURN_IF_ERROR(
      internal::WriteIncident(tx, deps, case_id, {user_id, unit_id}, p, prefix, now, &id));
  return id;
}

}  // namespace tamkine::cases
