#include "cases/case_service.h"

#include <algorithm>

#include "audit/guarded.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/codes.h"
#include "cases/duplicate_service.h"
#include "cases/lifecycle.h"
#include "cases/vocab.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

using internal::CaseCall;
using internal::CaseResource;
using internal::CaseRow;
using internal::JsonOptString;
using internal::JsonStrings;
using internal::MustLoadCase;
using internal::OnCase;
using internal::TouchCase;
using internal::Units;

namespace {

const std::string kActingField = "acting_unit_id";

SurvivorIdentity IdentityFromJson(const Json& id) {
  SurvivorIdentity out;
  out.names = JsonStrings(id.value("names", Json::array()));
  out.birth_date = JsonOptString(id, "birth_date");
  out.id_number = JsonOptString(id, "id_number");
  out.phones = JsonStrings(id.value("phones", Json::array()));
  out.address = JsonOptString(id, "address");
  for (const auto& c : id.value("children", Json::array())) {
    ChildView v;
    v.name = JsonOptString(c, "name");
    v.birth_date = JsonOptString(c, "birth_date");
    v.sex = c.value("sex", "unknown");
    v.case_id = JsonOptString(c, "case_id");
    out.children.push_back(std::move(v));
  }
  return out;
}

}  // namespace

StatusOr<std::array<uint8_t, 32>> CaseService::NameIndexKey() {
  std::lock_guard<std::mutex> lock(key_mu_);
  if (name_key_) return *name_key_;
  ASSIGN_OR_RETURN(auto key,
                   internal::LoadNameKey(*deps_.store, *deps_.keyring, deps_.clock->Now()));
  name_key_ = key;
  return key;
}

StatusOr<CreatedCase> CaseService::Create(const access::RequestContext& ctx,
                                          const NewCaseInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  ASSIGN_OR_RETURN(internal::PreparedCase p, internal::PrepareNewCase(in, deps_.clock->Now()));
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, p.in.intake.unit_id, "intake.unit_id"));
  const access::Subject& subject = acting.subject();
  const Micros now = acting.now();
  ASSIGN_OR_RETURN(auto key, NameIndexKey());
  CreatedCase out;
  std::string acting_unit;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.create"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "case";
        r.id = p.id;
        r.unit_id = p.in.intake.unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        out = CreatedCase{};
        if (p.in.linked_case_id) {
          // The same answer whether the case does not exist or may not be read.
          ASSIGN_OR_RETURN(auto mother, internal::LoadCase(tx, *p.in.linked_case_id));
          bool readable = false;
          if (mother) {
            ASSIGN_OR_RETURN(auto mr, CaseResource(tx, *mother, subject, now));
            readable = access::Authorize(subject, "case.read", mr).allowed;
          }
          if (!readable) return InvalidArgument("is not a case you may read", "linked_case_id");
        }
        // Consents recorded at opening follow consent.record's rule (legal grounds).
        for (size_t i = 0; i < p.in.consents.size(); ++i) {
          access::Resource own;
          own.type = "case";
          own.id = p.id;
          own.unit_id = p.in.intake.unit_id;
          own.subtype = p.in.consents[i].basis;
          if (!access::Authorize(subject, "consent.record", own).allowed) {
            return InvalidArgument("your unit may not record this basis for sharing",
                                   "consents[" + std::to_string(i) + "].basis");
          }
        }
        acting_unit = d.unit_id;
        ASSIGN_OR_RETURN(auto written, internal::WriteNewCase(
                                           tx, deps_, key, {subject.user_id, d.unit_id}, p, now));
        out.followup_code = written.followup_code;
        // Only candidates she may read are named to the user; every pair goes to the review
        // queue, where the units that may read both cases see it.
        ASSIGN_OR_RETURN(
            out.possible_duplicates,
            internal::ReadableCandidates(tx, deps_, subject, now, written.duplicates, nullptr));
        RETURN_IF_ERROR(internal::QueuePairs(tx, p.id, written.duplicates, d.unit_id, now));
        ASSIGN_OR_RETURN(out.view, internal::ReloadView(tx, deps_, subject, p.id, now));
        return Status::Ok();
      }));
  if (deps_.duplicates != nullptr) deps_.duplicates->Refresh(p.id);
  // A new case is held and opened by the acting unit: a high risk at intake alerted it.
  if (out.view.core.risk_level == "high") AnnounceAlerts(deps_, {acting_unit});
  return out;
}

StatusOr<CaseView> CaseService::AttachIntake(const access::RequestContext& ctx,
                                             const std::string& case_id,
                                             const AttachIntakeInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  IntakeInput intake = in.intake;
  RETURN_IF_ERROR(ValidateIntake(&intake, "intake", deps_.clock->Now()));
  ConsentInput consent{intake.unit_id, in.purposes, "consent", std::nullopt, in.method};
  RETURN_IF_ERROR(ValidateConsent(consent, "", false));
  auto code = NormaliseReferenceCode(in.reference_code);
  if (!code) return InvalidArgument("is not a valid reference code", "reference_code");
  {
    // She is present and holds her receipt: the reference code must be this case's.
    ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(CaseRow row, MustLoadCase(*tx, case_id));
    if (row.reference_code != *code) {
      tx.reset();
      internal::Acting acting;
      RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, intake.unit_id, "intake.unit_id"));
      RETURN_IF_ERROR(audit::AuditStandalone(*deps_.store, *deps_.clock, acting.ctx(),
                                             "case.intake", {"case", case_id}, false,
                                             "the reference code does not match the case"));
      return PermissionDenied("the reference code does not match this case");
    }
  }
  CaseView out;
  std::vector<std::string> notify;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, intake.unit_id, "intake.unit_id", "case.intake", case_id, "",
      [&](CaseCall& c) -> Status {
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        RETURN_IF_ERROR(
            internal::WriteIntake(c.tx, deps_, case_id, c.actor, intake, "intake", c.now));
        RETURN_IF_ERROR(internal::WriteConsent(c.tx, deps_, case_id, c.actor, consent, "", c.now));
        notify.assign({c.row.holder_unit_id});
        if (c.row.created_by_unit_id != c.row.holder_unit_id) {
          notify.push_back(c.row.created_by_unit_id);
        }
        std::erase(notify, c.actor.unit_id);
        for (const auto& u : notify) {
          RETURN_IF_ERROR(
              internal::InsertAlert(c.tx, u, "intake_attached", case_id, c.actor.unit_id, c.now));
        }
        ASSIGN_OR_RETURN(out, internal::ReloadView(c.tx, deps_, c.subject, case_id, c.now));
        return Status::Ok();
      }));
  if (deps_.duplicates != nullptr) deps_.duplicates->Refresh(case_id);
  AnnounceAlerts(deps_, notify);
  return out;
}

StatusOr<CaseView> CaseService::Get(const access::RequestContext& ctx, const std::string& case_id) {
  CaseView out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.read_core", case_id, "", [&](CaseCall& c) -> Status {
        Units units;
        access::Decision summary;
        ASSIGN_OR_RETURN(out, internal::BuildView(c.tx, deps_, units, c.subject, c.row, c.resource,
                                                  c.now, &summary));
        if (!summary.allowed) return Status::Ok();
        return internal::AuditRead(c.tx, *deps_.clock, c.ctx, "case.read", case_id, summary);
      }));
  return out;
}

StatusOr<SurvivorIdentity> CaseService::GetIdentity(const access::RequestContext& ctx,
                                                    const std::string& case_id) {
  SurvivorIdentity out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.read_identity", case_id, "", [&](CaseCall& c) -> Status {
        ASSIGN_OR_RETURN(Json id, internal::OpenSurvivorPart(c.tx, *deps_.keyring,
                                                             c.row.survivor_id, "identity_sealed"));
        out = IdentityFromJson(id);
        return Status::Ok();
      }));
  return out;
}

StatusOr<SurvivorIdentity> CaseService::UpdateSurvivor(
    const access::RequestContext& ctx, const std::string& case_id, const SurvivorInput& in,
    const std::optional<std::string>& acting_unit_id) {
  ASSIGN_OR_RETURN(PreparedSurvivor p, PrepareSurvivor(in, "", MoroccoDate(deps_.clock->Now())));
  ASSIGN_OR_RETURN(auto key, NameIndexKey());
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, acting_unit_id, kActingField, "case.update", case_id, "",
      [&](CaseCall& c) -> Status {
        for (size_t i = 0; i < in.children.size(); ++i) {
          if (!in.children[i].case_id) continue;
          ASSIGN_OR_RETURN(auto child, internal::LoadCase(c.tx, *in.children[i].case_id));
          if (!child) {
            return InvalidArgument("is not a known case",
                                   "children[" + std::to_string(i) + "].case_id");
          }
        }
        if (p.birth) {
          ASSIGN_OR_RETURN(auto first, c.tx.QueryOne("SELECT MIN(occurred_on) FROM incidents "
                                                     "WHERE case_id = ?",
                                                     {case_id}));
          if (first && !first->IsNull(0) && p.birth->Earliest().ToString() > first->Text(0)) {
            return InvalidArgument("is after the date of an incident (" + first->Text(0) + ")",
                                   "birth_date");
          }
        }
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        const crypto::Keyring& k = *deps_.keyring;
        ASSIGN_OR_RETURN(auto identity, internal::Seal(k, "survivors", "identity_sealed",
                                                       c.row.survivor_id, DumpJson(p.identity)));
        ASSIGN_OR_RETURN(auto profile, internal::Seal(k, "survivors", "profile_sealed",
                                                      c.row.survivor_id, DumpJson(p.profile)));
        RETURN_IF_ERROR(c.tx.Exec("UPDATE survivors SET identity_sealed = ?, profile_sealed = ?, "
                                  "updated_at = ? WHERE id = ?",
                                  {identity, profile, c.now, c.row.survivor_id})
                            .status());
        RETURN_IF_ERROR(internal::WriteNameKeys(c.tx, key, case_id, p.names));
        std::string band = "unknown";
        if (p.birth) {
          band = std::string(AgeBand(MinimumAge(*p.birth, MoroccoDate(c.row.created_at))));
        }
        RETURN_IF_ERROR(
            c.tx.Exec("UPDATE cases SET age_band = ? WHERE id = ?", {band, case_id}).status());
        internal::Event e;
        e.kind = "survivor_updated";
        e.visibility = "summary";
        RETURN_IF_ERROR(
            internal::AppendEvent(c.tx, k, case_id, c.now, c.actor.user_id, c.actor.unit_id, e));
        if (deps_.duplicates == nullptr) return Status::Ok();
        // The edited person is checked too (pairs marked different are left out); what it
        // finds waits in the review queue.
        ASSIGN_OR_RETURN(auto matches,
                         deps_.duplicates->Candidates(c.tx, in, case_id, kDuplicateLimit));
        return internal::QueuePairs(c.tx, case_id, matches, c.actor.unit_id, c.now);
      }));
  if (deps_.duplicates != nullptr) deps_.duplicates->Refresh(case_id);
  return IdentityFromJson(p.identity);
}

StatusOr<IncidentView> CaseService::AddIncident(const access::RequestContext& ctx,
                                                const std::string& case_id, const IncidentInput& in,
                                                const std::optional<std::string>& acting_unit_id) {
  IncidentView out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, acting_unit_id, kActingField, "case.update", case_id, "",
      [&](CaseCall& c) -> Status {
        ASSIGN_OR_RETURN(Json id, internal::OpenSurvivorPart(c.tx, *deps_.keyring,
                                                             c.row.survivor_id, "identity_sealed"));
        std::optional<Date> birth;
        if (auto b = JsonOptString(id, "birth_date")) {
          ASSIGN_OR_RETURN(birth, ParsePartialDate(*b, "birth_date"));
        }
        ASSIGN_OR_RETURN(PreparedIncident p, PrepareIncident(in, "", MoroccoDate(c.now), birth,
                                                             c.row.kind == "child", "date"));
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        std::string incident_id;
        RETURN_IF_ERROR(
            internal::WriteIncident(c.tx, deps_, case_id, c.actor, p, "", c.now, &incident_id));
        out = IncidentView{};
        out.id = incident_id;
        out.date = p.date.ToString();
        out.time = p.in.time;
        out.province_code = p.in.province_code;
        out.place_type = p.in.place_type;
        out.forms = p.forms;
        out.gbv_type = std::string(p.classification.gbv_type);
        for (auto f : p.classification.flags) out.flags.emplace_back(f);
        out.repeat = p.in.repeat;
        for (const auto& perp : p.in.perpetrators) {
          out.perpetrators.push_back({perp.relationship, perp.cohabiting, perp.weapon,
                                      perp.prior_violence, perp.works_in_sector,
                                      perp.user_id.has_value()});
        }
        out.created_at = c.now;
        return Status::Ok();
      }));
  return out;
}

StatusOr<RiskView> CaseService::AssessRisk(const access::RequestContext& ctx,
                                           const std::string& case_id, const RiskInput& in,
                                           const std::optional<std::string>& acting_unit_id) {
  RETURN_IF_ERROR(ValidateRisk(in, ""));
  RiskView out;
  std::vector<std::string> alerted;
  RETURN_IF_ERROR(OnCase(deps_, ctx, acting_unit_id, kActingField, "case.risk.assess", case_id, "",
                         [&](CaseCall& c) -> Status {
                           RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
                           ASSIGN_OR_RETURN(
                               out, internal::WriteRisk(c.tx, deps_, c.row, c.actor, in, c.now));
                           alerted.clear();
                           if (out.level == "high") {
                             alerted = internal::RiskAlertUnits(c.row, c.actor);
                           }
                           Units units;
                           ASSIGN_OR_RETURN(out.unit, units.Get(c.tx, c.actor.unit_id));
                           return Status::Ok();
                         }));
  AnnounceAlerts(deps_, alerted);
  return out;
}

StatusOr<CaseView> CaseService::Transition(const access::RequestContext& ctx,
                                           const std::string& case_id, const TransitionInput& in) {
  RETURN_IF_ERROR(CheckEnum(Tracks(), in.track, "track"));
  const auto& statuses = TrackStatuses(in.track);
  if (std::find(statuses.begin(), statuses.end(), in.to) == statuses.end()) {
    return InvalidArgument("is not a status of the " + in.track + " track", "to");
  }
  // A status no move leads to (a track's first status) is refused before anything is read.
  if (std::none_of(Edges().begin(), Edges().end(),
                   [&](const Edge& e) { return e.track == in.track && e.to == in.to; })) {
    return FailedPrecondition("no move leads to " + in.to, "to");
  }
  CaseView out;
  RETURN_IF_ERROR(
      OnCase(deps_, ctx, in.acting_unit_id, kActingField, "case.transition", case_id,
             in.track + ":" + in.to, [&](CaseCall& c) -> Status {
               RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
               RETURN_IF_ERROR(internal::WriteTransition(c.tx, deps_, c.row, c.actor, in, c.now));
               ASSIGN_OR_RETURN(out, internal::ReloadView(c.tx, deps_, c.subject, case_id, c.now));
               return Status::Ok();
             }));
  return out;
}

StatusOr<CaseView> CaseService::MarkChildReportSent(
    const access::RequestContext& ctx, const std::string& case_id,
    const std::optional<std::string>& acting_unit_id) {
  CaseView out;
  RETURN_IF_ERROR(
      OnCase(deps_, ctx, acting_unit_id, kActingField, "case.child_report", case_id, "",
             [&](CaseCall& c) -> Status {
               if (c.row.kind != "child") {
                 return FailedPrecondition("only a child's case has a report to send");
               }
               if (c.row.report_sent_at) {
                 return FailedPrecondition("the report is already recorded as sent");
               }
               RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
               RETURN_IF_ERROR(
                   c.tx.Exec("UPDATE cases SET report_sent_at = ? WHERE id = ?", {c.now, case_id})
                       .status());
               internal::Event e;
               e.kind = "child_report_sent";
               RETURN_IF_ERROR(internal::AppendEvent(c.tx, *deps_.keyring, case_id, c.now,
                                                     c.actor.user_id, c.actor.unit_id, e));
               ASSIGN_OR_RETURN(out, internal::ReloadView(c.tx, deps_, c.subject, case_id, c.now));
               return Status::Ok();
             }));
  return out;
}

StatusOr<CompartmentView> CaseService::GetCompartment(const access::RequestContext& ctx,
                                                      const std::string& case_id,
                                                      const std::string& compartment) {
  RETURN_IF_ERROR(CheckEnum(Compartments(), compartment, "compartment"));
  CompartmentView out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.read_compartment", case_id, compartment,
      [&](CaseCall& c) -> Status {
        const crypto::Keyring& k = *deps_.keyring;
        out = CompartmentView{};
        out.compartment = compartment;
        Units units;
        ASSIGN_OR_RETURN(auto notes, c.tx.Query("SELECT id, unit_id, created_at, body_sealed FROM "
                                                "case_notes WHERE case_id = ? AND "
                                                "compartment = ? ORDER BY created_at, id",
                                                {case_id, compartment}));
        for (const auto& n : notes) {
          NoteView v;
          v.id = n.Text(0);
          v.compartment = compartment;
          ASSIGN_OR_RETURN(v.unit, units.Get(c.tx, n.Text(1)));
          v.created_at = n.Int(2);
          ASSIGN_OR_RETURN(v.text, k.Open("case_notes", "body_sealed", v.id, n.Bytes(3)));
          out.notes.push_back(std::move(v));
        }
        if (compartment == "justice" || compartment == "social") {
          ASSIGN_OR_RETURN(auto incidents, c.tx.Query("SELECT id, details_sealed FROM incidents "
                                                      "WHERE case_id = ? ORDER BY occurred_on, id",
                                                      {case_id}));
          for (const auto& i : incidents) {
            IncidentDetail v;
            v.incident_id = i.Text(0);
            ASSIGN_OR_RETURN(std::string text,
                             k.Open("incidents", "details_sealed", v.incident_id, i.Bytes(1)));
            ASSIGN_OR_RETURN(Json j, ParseJson(text));
            v.commune = JsonOptString(j, "commune");
            v.description = JsonOptString(j, "description");
            const Json f = j.value("facts", Json::object());
            v.facts.penetration = f.value("penetration", false);
            v.facts.unwanted_sexual_contact = f.value("unwanted_sexual_contact", false);
            v.facts.physical_assault = f.value("physical_assault", false);
            v.facts.forced_marriage = f.value("forced_marriage", false);
            v.facts.denial_of_resources = f.value("denial_of_resources", false);
            v.facts.psychological_abuse = f.value("psychological_abuse", false);
            v.facts.sexual_exploitation = f.value("sexual_exploitation", false);
            v.facts.harmful_traditional_practice = f.value("harmful_traditional_practice", false);
            out.incidents.push_back(std::move(v));
          }
        }
        if (compartment == "justice") {
          ASSIGN_OR_RETURN(auto perps, c.tx.Query("SELECT id, incident_id, relationship, "
                                                  "user_id, details_sealed FROM perpetrators "
                                                  "WHERE case_id = ? ORDER BY created_at, id",
                                                  {case_id}));
          for (const auto& p : perps) {
            PerpetratorDetail v;
            v.incident_id = p.Text(1);
            v.relationship = p.Text(2);
            v.user_id = p.OptText(3);
            ASSIGN_OR_RETURN(
                auto text, internal::OpenOpt(k, "perpetrators", "details_sealed", p.Text(0), p, 4));
            if (text) {
              ASSIGN_OR_RETURN(Json j, ParseJson(*text));
              v.name = JsonOptString(j, "name");
              v.description = JsonOptString(j, "description");
            }
            out.perpetrators.push_back(std::move(v));
          }
        }
        if (compartment == "social") {
          ASSIGN_OR_RETURN(auto intakes, c.tx.Query("SELECT id, notes_sealed FROM intakes WHERE "
                                                    "case_id = ? ORDER BY received_at, id",
                                                    {case_id}));
          for (const auto& i : intakes) {
            ASSIGN_OR_RETURN(auto text,
                             internal::OpenOpt(k, "intakes", "notes_sealed", i.Text(0), i, 1));
            if (text) out.intake_notes.push_back(*text);
          }
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<NoteView> CaseService::AddNote(const access::RequestContext& ctx,
                                        const std::string& case_id, const std::string& compartment,
                                        const std::string& text,
                                        const std::optional<std::string>& acting_unit_id) {
  RETURN_IF_ERROR(CheckEnum(Compartments(), compartment, "compartment"));
  RETURN_IF_ERROR(ValidateNote(text, "text", 1, 10000));
  NoteView out;
  RETURN_IF_ERROR(OnCase(deps_, ctx, acting_unit_id, kActingField, "case.note.create", case_id,
                         compartment, [&](CaseCall& c) -> Status {
                           RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
                           ASSIGN_OR_RETURN(out, internal::WriteNote(c.tx, deps_, case_id, c.actor,
                                                                     compartment, text, c.now));
                           Units units;
                           ASSIGN_OR_RETURN(out.unit, units.Get(c.tx, c.actor.unit_id));
                           return Status::Ok();
                         }));
  return out;
}

StatusOr<std::string> CaseService::ReissueFollowupCode(
    const access::RequestContext& ctx, const std::string& case_id,
    const std::optional<std::string>& acting_unit_id) {
  std::string code;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, acting_unit_id, kActingField, "case.followup_code", case_id, "",
      [&](CaseCall& c) -> Status {
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        RETURN_IF_ERROR(c.tx.Exec("UPDATE followup_codes SET revoked_at = ? WHERE case_id = ? AND "
                                  "revoked_at IS NULL",
                                  {c.now, case_id})
                            .status());
        code = NewFollowupCode();
        RETURN_IF_ERROR(c.tx.Exec("INSERT INTO followup_codes (digest, case_id, created_at) "
                                  "VALUES (?, ?, ?)",
                                  {FollowupDigest(code), case_id, c.now})
                            .status());
        internal::Event e;
        e.kind = "followup_code_issued";
        e.visibility = "summary";
        return internal::AppendEvent(c.tx, *deps_.keyring, case_id, c.now, c.actor.user_id,
                                     c.actor.unit_id, e);
      }));
  return code;
}

}  // namespace tamkine::cases
