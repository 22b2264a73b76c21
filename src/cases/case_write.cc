#include "cases/case_write.h"

#include <algorithm>
#include <set>

#include "access/authorize.h"
#include "cases/codes.h"
#include "cases/lifecycle.h"
#include "cases/names.h"
#include "cases/vocab.h"
#include "common/ids.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/keyring.h"

namespace tamkine::cases::internal {

namespace {

std::string Item(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

Status RequireUser(storage::Tx& tx, const std::string& id, const std::string& field) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM users WHERE id = ?", {id}));
  if (!row) return InvalidArgument("is not a known user", field);
  return Status::Ok();
}

Status RequireCase(storage::Tx& tx, const std::string& id, const std::string& field) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM cases WHERE id = ?", {id}));
  if (!row) return InvalidArgument("is not a known case", field);
  return Status::Ok();
}

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Status WriteIntake(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                   const Actor& actor, const IntakeInput& in, const std::string& prefix,
                   Micros now) {
  if (in.referred_by_unit_id) {
    RETURN_IF_ERROR(
        RequireActiveUnit(tx, *in.referred_by_unit_id, prefix + ".referred_by_unit_id").status());
  }
  if (in.on_behalf_unit_id) {
    ASSIGN_OR_RETURN(UnitRef ngo,
                     RequireActiveUnit(tx, *in.on_behalf_unit_id, prefix + ".on_behalf_unit_id"));
    if (ngo.sector != "ngo_listening" && ngo.sector != "ngo_shelter") {
      return InvalidArgument("must be an NGO unit", prefix + ".on_behalf_unit_id");
    }
  }
  const std::string id = NewId();
  ASSIGN_OR_RETURN(auto notes, SealOpt(*deps.keyring, "intakes", "notes_sealed", id, in.notes));
  RETURN_IF_ERROR(tx.Exec("INSERT INTO intakes (id, case_id, channel, receiving_unit_id, "
                          "received_by_user_id, received_at, referred_by_unit_id, "
                          "on_behalf_unit_id, notes_sealed, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          {id, case_id, in.channel, in.unit_id, actor.user_id,
                           in.received_at.value_or(now), storage::Opt(in.referred_by_unit_id),
                           storage::Opt(in.on_behalf_unit_id), notes, now})
                      .status());
  Event e;
  e.kind = "intake";
  e.topic = in.channel;
  e.ref_id = in.unit_id;
  return AppendEvent(tx, *deps.keyring, case_id, in.received_at.value_or(now), actor.user_id,
                     actor.unit_id, e);
}

StatusOr<PreparedCase> PrepareNewCase(const NewCaseInput& input, Micros now) {
  PreparedCase p;
  p.id = NewId();
  p.in = input;
  NewCaseInput& in = p.in;
  RETURN_IF_ERROR(CheckEnum(CaseKinds(), in.kind, "kind"));
  const bool child = in.kind == "child";
  if (child) {
    if (!in.child_role) return InvalidArgument("is required for a child's case", "child_role");
    RETURN_IF_ERROR(CheckEnum(ChildRoles(), *in.child_role, "child_role"));
  } else {
    if (in.child_role) return InvalidArgument("only for a child's case", "child_role");
    if (in.linked_case_id) return InvalidArgument("only for a child's case", "linked_case_id");
  }
  if (in.linked_case_id && !LooksLikeId(*in.linked_case_id)) {
    return InvalidArgument("is not a case id", "linked_case_id");
  }
  RETURN_IF_ERROR(ValidateIntake(&in.intake, "intake", now));
  const Date today = MoroccoDate(now);
  ASSIGN_OR_RETURN(p.survivor, PrepareSurvivor(in.survivor, "survivor", today));
  if (in.incidents.size() > 20) return InvalidArgument("at most 20 incidents", "incidents");
  for (size_t i = 0; i < in.incidents.size(); ++i) {
    ASSIGN_OR_RETURN(auto inc, PrepareIncident(in.incidents[i], Item("incidents", i), today,
                                               p.survivor.birth, child, "survivor.birth_date"));
    p.incidents.push_back(std::move(inc));
  }
  if (in.consents.size() > 20) return InvalidArgument("at most 20 consents", "consents");
  for (size_t i = 0; i < in.consents.size(); ++i) {
    RETURN_IF_ERROR(ValidateConsent(in.consents[i], Item("consents", i), child));
  }
  if (in.risk) RETURN_IF_ERROR(ValidateRisk(*in.risk, "risk"));
  p.age_band = "unknown";
  if (p.survivor.birth) {
    p.age_band =
        std::string(AgeBand(MinimumAge(*p.survivor.birth, MoroccoDate(*in.intake.received_at))));
  }
  return p;
}

StatusOr<WrittenCase> WriteNewCase(storage::Tx& tx, const Deps& deps, const NameKey& name_key,
                                   const Actor& actor, const PreparedCase& p, Micros now) {
  const NewCaseInput& in = p.in;
  const crypto::Keyring& k = *deps.keyring;
  ASSIGN_OR_RETURN(auto unit, tx.QueryOne("SELECT region_code, province_code, active FROM units "
                                          "WHERE id = ?",
                                          {in.intake.unit_id}));
  if (!unit || !unit->Bool(2)) {
    return InvalidArgument("is not a known active unit", "intake.unit_id");
  }
  if (in.linked_case_id) {
    ASSIGN_OR_RETURN(auto mother, LoadCase(tx, *in.linked_case_id));
    if (!mother) return InvalidArgument("is not a known case", "linked_case_id");
    if (mother->kind != "adult") {
      return InvalidArgument("must be the mother's (adult) case", "linked_case_id");
    }
  }
  for (size_t i = 0; i < in.survivor.children.size(); ++i) {
    if (in.survivor.children[i].case_id) {
      RETURN_IF_ERROR(RequireCase(tx, *in.survivor.children[i].case_id,
                                  Item("survivor.children", i) + ".case_id"));
    }
  }

  WrittenCase out;
  const std::string survivor_id = NewId();
  ASSIGN_OR_RETURN(auto identity, Seal(k, "survivors", "identity_sealed", survivor_id,
                                       DumpJson(p.survivor.identity)));
  ASSIGN_OR_RETURN(auto profile, Seal(k, "survivors", "profile_sealed", survivor_id,
                                      DumpJson(p.survivor.profile)));
  RETURN_IF_ERROR(tx.Exec("INSERT INTO survivors (id, identity_sealed, profile_sealed, "
                          "created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                          {survivor_id, identity, profile, now, now})
                      .status());

  const bool child = in.kind == "child";
  const Micros received = in.intake.received_at.value_or(now);
  std::set<std::string> forms;
  for (const auto& inc : p.incidents) forms.insert(inc.forms.begin(), inc.forms.end());
  std::vector<std::string> ordered;
  for (auto f : ViolenceForms()) {
    if (forms.count(std::string(f))) ordered.emplace_back(f);
  }
  out.reference_code = NewReferenceCode();
  RETURN_IF_ERROR(
      tx.Exec("INSERT INTO cases (id, reference_code, survivor_id, kind, child_role, "
              "linked_case_id, created_by_unit_id, created_by_user_id, holder_unit_id, "
              "region_code, province_code, status, service_status, justice_status, risk_level, "
              "age_band, violence_forms, legal_ground, report_due_at, report_sent_at, "
              "close_reason, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, 'none', 'not_assessed', ?, ?, "
              "NULL, ?, NULL, NULL, ?, ?)",
              {p.id, out.reference_code, survivor_id, in.kind, storage::Opt(in.child_role),
               storage::Opt(in.linked_case_id), in.intake.unit_id, actor.user_id, in.intake.unit_id,
               unit->Int(0), unit->Text(1), std::string(InitialStatus(ServiceTrack(in.kind))),
               p.age_band, JoinList(ordered),
               child ? storage::Value(received + deps.options.child_report_deadline)
                     : storage::Null(),
               now, now})
          .status());
  RETURN_IF_ERROR(WriteNameKeys(tx, name_key, p.id, p.survivor.names));
  out.followup_code = NewFollowupCode();
  RETURN_IF_ERROR(tx.Exec("INSERT INTO followup_codes (digest, case_id, created_at) "
                          "VALUES (?, ?, ?)",
                          {FollowupDigest(out.followup_code), p.id, now})
                      .status());

  Event opened;
  opened.kind = "case_opened";
  opened.topic = in.kind;
  RETURN_IF_ERROR(AppendEvent(tx, k, p.id, received, actor.user_id, actor.unit_id, opened));
  RETURN_IF_ERROR(WriteIntake(tx, deps, p.id, actor, in.intake, "intake", now));
  for (size_t i = 0; i < p.incidents.size(); ++i) {
    RETURN_IF_ERROR(
        WriteIncident(tx, deps, p.id, actor, p.incidents[i], Item("incidents", i), now));
  }
  for (size_t i = 0; i < in.consents.size(); ++i) {
    RETURN_IF_ERROR(WriteConsent(tx, deps, p.id, actor, in.consents[i], Item("consents", i), now));
  }
  if (in.risk) {
    ASSIGN_OR_RETURN(CaseRow row, MustLoadCase(tx, p.id));
    RETURN_IF_ERROR(WriteRisk(tx, deps, row, actor, *in.risk, now).status());
  }
  if (in.linked_case_id) {
    RETURN_IF_ERROR(TouchCase(tx, *in.linked_case_id, now));
    Event linked;
    linked.kind = "child_case_linked";
    linked.ref_id = p.id;
    linked.visibility = "summary";
    RETURN_IF_ERROR(
        AppendEvent(tx, k, *in.linked_case_id, now, actor.user_id, actor.unit_id, linked));
  }
  if (deps.duplicates != nullptr) {
    ASSIGN_OR_RETURN(out.duplicates,
                     deps.duplicates->Candidates(tx, in.survivor, "", kDuplicateLimit));
  }
  return out;
}

Status WriteIncident(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                     const Actor& actor, const PreparedIncident& p, const std::string& prefix,
                     Micros now, std::string* id_out) {
  const crypto::Keyring& k = *deps.keyring;
  const std::string id = NewId();
  if (id_out != nullptr) *id_out = id;
  for (size_t i = 0; i < p.in.perpetrators.size(); ++i) {
    if (p.in.perpetrators[i].user_id) {
      RETURN_IF_ERROR(RequireUser(tx, *p.in.perpetrators[i].user_id,
                                  Item(prefix + ".perpetrators", i) + ".user_id"));
    }
  }
  std::vector<std::string> flags;
  for (auto f : p.classification.flags) flags.emplace_back(f);
  ASSIGN_OR_RETURN(auto details, Seal(k, "incidents", "details_sealed", id, DumpJson(p.details)));
  RETURN_IF_ERROR(
      tx.Exec("INSERT INTO incidents (id, case_id, occurred_on, occurred_time, "
              "province_code, place_type, forms, gbv_type, flags, repeat_incident, "
              "survivor_minor, details_sealed, created_by_unit_id, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {id, case_id, p.date.ToString(), storage::Opt(p.in.time), p.in.province_code,
               p.in.place_type, JoinList(p.forms), std::string(p.classification.gbv_type),
               JoinList(flags), storage::Bool(p.in.repeat), storage::Bool(p.possibly_minor),
               details, actor.unit_id, now})
          .status());
  for (const auto& perp : p.in.perpetrators) {
    const std::string pid = NewId();
    std::optional<std::string> detail;
    if (perp.name || perp.description) {
      detail = DumpJson({{"name", OptJson(perp.name)}, {"description", OptJson(perp.description)}});
    }
    ASSIGN_OR_RETURN(auto sealed, SealOpt(k, "perpetrators", "details_sealed", pid, detail));
    RETURN_IF_ERROR(
        tx.Exec("INSERT INTO perpetrators (id, case_id, incident_id, relationship, "
                "cohabiting, weapon, prior_violence, works_in_sector, user_id, "
                "details_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {pid, case_id, id, perp.relationship, storage::Bool(perp.cohabiting),
                 storage::Bool(perp.weapon), storage::Bool(perp.prior_violence),
                 storage::Opt(perp.works_in_sector), storage::Opt(perp.user_id), sealed, now})
            .status());
    if (perp.user_id) {
      RETURN_IF_ERROR(tx.Exec("INSERT INTO case_exclusions (case_id, user_id, reason, "
                              "created_by_user_id, created_at) VALUES (?, ?, 'perpetrator', ?, ?) "
                              "ON CONFLICT (case_id, user_id) DO NOTHING",
                              {case_id, *perp.user_id, actor.user_id, now})
                          .status());
    }
  }
  ASSIGN_OR_RETURN(auto row,
                   tx.QueryOne("SELECT violence_forms FROM cases WHERE id = ?", {case_id}));
  if (!row) return NotFound("no such case");
  std::set<std::string> forms;
  for (const auto& f : SplitList(row->Text(0))) forms.insert(f);
  forms.insert(p.forms.begin(), p.forms.end());
  std::vector<std::string> ordered;
  for (auto f : ViolenceForms()) {
    if (forms.count(std::string(f))) ordered.emplace_back(f);
  }
  RETURN_IF_ERROR(
      tx.Exec("UPDATE cases SET violence_forms = ? WHERE id = ?", {JoinList(ordered), case_id})
          .status());
  Event e;
  e.kind = "incident_added";
  e.topic = std::string(p.classification.gbv_type);
  e.ref_id = id;
  e.visibility = "summary";
  RETURN_IF_ERROR(AppendEvent(tx, k, case_id, now, actor.user_id, actor.unit_id, e));
  if (deps.hooks != nullptr) return deps.hooks->AfterWrite(tx, case_id, now);
  return Status::Ok();
}

Status WriteConsent(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                    const Actor& actor, const ConsentInput& c, const std::string& prefix,
                    Micros now, std::vector<std::string>* ids_out) {
  ASSIGN_OR_RETURN(UnitRef unit, RequireActiveUnit(tx, c.unit_id, prefix + ".unit_id"));
  for (size_t j = 0; j < c.purposes.size(); ++j) {
    if (!access::PurposeFitsSector(c.purposes[j], unit.sector)) {
      return InvalidArgument("does not fit a unit of sector " + unit.sector,
                             Item(prefix + ".purposes", j));
    }
  }
  ASSIGN_OR_RETURN(auto held, tx.Query("SELECT purpose FROM consents WHERE case_id = ? AND "
                                       "unit_id = ? AND revoked_at IS NULL",
                                       {case_id, c.unit_id}));
  std::set<std::string> have;
  for (const auto& h : held) have.insert(h.Text(0));
  for (const auto& purpose : c.purposes) {
    if (have.count(purpose)) continue;
    const std::string id = NewId();
    RETURN_IF_ERROR(tx.Exec("INSERT INTO consents (id, case_id, unit_id, purpose, basis, "
                            "legal_ground, method, granted_at, recorded_by_user_id, "
                            "recorded_by_unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {id, case_id, c.unit_id, purpose, c.basis, storage::Opt(c.legal_ground),
                             c.method, now, actor.user_id, actor.unit_id})
                        .status());
    if (ids_out != nullptr) ids_out->push_back(id);
    Event e;
    e.kind = "consent_recorded";
    e.topic = purpose;
    e.to = c.basis;
    e.ref_id = c.unit_id;
    RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, case_id, now, actor.user_id, actor.unit_id, e));
  }
  if (c.legal_ground) {
    RETURN_IF_ERROR(tx.Exec("UPDATE cases SET legal_ground = COALESCE(legal_ground, ?) "
                            "WHERE id = ?",
                            {*c.legal_ground, case_id})
                        .status());
  }
  if (deps.hooks != nullptr) return deps.hooks->AfterWrite(tx, case_id, now);
  return Status::Ok();
}

std::vector<std::string> RiskAlertUnits(const CaseRow& c, const Actor& actor) {
  std::vector<std::string> units;
  for (const auto& u : {actor.unit_id, c.holder_unit_id, c.created_by_unit_id}) {
    if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
  }
  return units;
}

StatusOr<RiskView> WriteRisk(storage::Tx& tx, const Deps& deps, const CaseRow& c,
                             const Actor& actor, const RiskInput& in, Micros now) {
  RiskResult r = AssessRisk(in.answers);
  RiskView v;
  v.id = NewId();
  v.level = std::string(r.level);
  v.score = r.score;
  for (auto q : r.critical_yes) v.critical_yes.emplace_back(q);
  v.assessed_at = now;
  Json answers = Json::object();
  for (const auto& [key, value] : in.answers) answers[key] = value;
  ASSIGN_OR_RETURN(auto sealed, Seal(*deps.keyring, "risk_assessments", "answers_sealed", v.id,
                                     DumpJson(answers)));
  RETURN_IF_ERROR(tx.Exec("INSERT INTO risk_assessments (id, case_id, unit_id, user_id, "
                          "assessed_at, level, score, answers_sealed) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          {v.id, c.id, actor.unit_id, actor.user_id, now, v.level,
                           static_cast<int64_t>(v.score), sealed})
                      .status());
  RETURN_IF_ERROR(
      tx.Exec("UPDATE cases SET risk_level = ? WHERE id = ?", {v.level, c.id}).status());
  Event e;
  e.kind = "risk_assessed";
  e.to = v.level;
  e.ref_id = v.id;
  e.visibility = "summary";
  RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, c.id, now, actor.user_id, actor.unit_id, e));
  if (v.level == "high") {
    for (const auto& u : RiskAlertUnits(c, actor)) {
      RETURN_IF_ERROR(InsertAlert(tx, u, "high_risk", c.id, v.id, now));
    }
  }
  return v;
}

Status WriteTransition(storage::Tx& tx, const Deps& deps, const CaseRow& c, const Actor& actor,
                       const TransitionInput& in, Micros now) {
  const std::string service(ServiceTrack(c.kind));
  if (in.track != service && in.track != "justice") {
    return InvalidArgument("this case's tracks are " + service + " and justice", "track");
  }
  const bool justice = in.track == "justice";
  const std::string from = justice ? c.justice_status : c.service_status;
  ASSIGN_OR_RETURN(MoveKind kind, CheckMove(in.track, from, in.to));
  if (deps.hooks != nullptr) RETURN_IF_ERROR(deps.hooks->BeforeMove(tx, c.id, in.track, in.to));
  if (kind == MoveKind::kClose) {
    if (!in.close_reason) return InvalidArgument("is required to close", "close_reason");
    RETURN_IF_ERROR(CheckEnum(CloseReasons(), *in.close_reason, "close_reason"));
    if (!in.reason) return InvalidArgument("is required to close", "reason");
  } else if (in.close_reason) {
    return InvalidArgument("only when closing", "close_reason");
  }
  if (kind == MoveKind::kReopen && !in.reason) {
    return InvalidArgument("is required to reopen", "reason");
  }
  if (in.reason) RETURN_IF_ERROR(ValidateNote(*in.reason, "reason", 3, 1000));
  std::string holder = c.holder_unit_id;
  if (in.holder_unit_id && *in.holder_unit_id != c.holder_unit_id) {
    RETURN_IF_ERROR(RequireActiveUnit(tx, *in.holder_unit_id, "holder_unit_id").status());
    bool reaches = *in.holder_unit_id == c.created_by_unit_id;
    if (!reaches) {
      ASSIGN_OR_RETURN(auto g, tx.QueryOne("SELECT COUNT(*) FROM consents WHERE case_id = ? AND "
                                           "unit_id = ? AND revoked_at IS NULL AND "
                                           "purpose <> 'coordination'",
                                           {c.id, *in.holder_unit_id}));
      reaches = g && g->Int(0) > 0;
    }
    if (!reaches) {
      return InvalidArgument("the unit has no consent beyond coordination to hold this case",
                             "holder_unit_id");
    }
    holder = *in.holder_unit_id;
  }
  const std::string new_service = justice ? c.service_status : in.to;
  const std::string new_justice = justice ? in.to : c.justice_status;
  const std::string status(CaseStatus(service, new_service, new_justice));
  std::optional<std::string> close_reason = c.close_reason;
  if (status == "closed" && c.status == "open") close_reason = in.close_reason;
  if (status == "open") close_reason.reset();
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Exec("UPDATE cases SET service_status = ?, justice_status = ?, status = ?, "
                           "close_reason = ?, holder_unit_id = ?, updated_at = ? WHERE id = ? AND "
                           "service_status = ? AND justice_status = ?",
                           {new_service, new_justice, status, storage::Opt(close_reason), holder,
                            now, c.id, c.service_status, c.justice_status}));
  if (changed != 1) return Aborted("the case changed meanwhile; reload it and try again");
  Event e;
  e.kind = "transition";
  e.topic = in.track;
  e.from = from;
  e.to = in.to;
  e.ref_id = in.close_reason;
  e.detail_visibility = "summary";
  e.detail = in.reason;
  RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, c.id, now, actor.user_id, actor.unit_id, e));
  if (status != c.status) {
    Event s;
    s.kind = status == "closed" ? "case_closed" : "case_reopened";
    s.topic = close_reason;
    RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, c.id, now, actor.user_id, actor.unit_id, s));
  }
  if (holder != c.holder_unit_id) {
    Event h;
    h.kind = "holder_changed";
    h.ref_id = holder;
    RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, c.id, now, actor.user_id, actor.unit_id, h));
  }
  return Status::Ok();
}

StatusOr<NoteView> WriteNote(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                             const Actor& actor, const std::string& compartment,
                             const std::string& text, Micros now) {
  RETURN_IF_ERROR(ValidateNote(text, "text", 1, 10000));
  NoteView n;
  n.id = NewId();
  n.compartment = compartment;
  n.created_at = now;
  n.text = text;
  ASSIGN_OR_RETURN(auto body, Seal(*deps.keyring, "case_notes", "body_sealed", n.id, text));
  RETURN_IF_ERROR(tx.Exec("INSERT INTO case_notes (id, case_id, compartment, unit_id, user_id, "
                          "created_at, body_sealed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          {n.id, case_id, compartment, actor.unit_id, actor.user_id, now, body})
                      .status());
  Event e;
  e.kind = "note_added";
  e.topic = compartment;
  e.ref_id = n.id;
  e.visibility = compartment;
  RETURN_IF_ERROR(AppendEvent(tx, *deps.keyring, case_id, now, actor.user_id, actor.unit_id, e));
  return n;
}

StatusOr<CleanDocument> CleanDocumentFile(const DocumentFileInput& in) {
  RETURN_IF_ERROR(ValidateText(in.filename, "file.filename", 1, 200));
  ASSIGN_OR_RETURN(CleanFile f, CleanUpload(in.content, "file.content_base64"));
  if (in.content_type && *in.content_type != f.mime) {
    return InvalidArgument("does not match the file's content (" + f.mime + ")",
                           "file.content_type");
  }
  return CleanDocument{std::move(f), in.filename};
}

Status WriteDocumentVersion(storage::Tx& tx, const crypto::Keyring& k, const std::string& doc_id,
                            int64_t version, const CleanDocument& c, const Actor& actor,
                            Micros now) {
  const std::string id = NewId();
  ASSIGN_OR_RETURN(auto name, Seal(k, "document_versions", "filename_sealed", id, c.filename));
  std::string_view bytes(reinterpret_cast<const char*>(c.file.bytes.data()), c.file.bytes.size());
  ASSIGN_OR_RETURN(auto content, Seal(k, "document_versions", "content_sealed", id, bytes));
  std::vector<std::string> stripped = c.file.removed;
  for (const auto& w : c.file.warnings) stripped.push_back("warning: " + w);
  for (auto& s : stripped) std::replace(s.begin(), s.end(), ',', ';');
  return tx
      .Exec(
          "INSERT INTO document_versions (id, document_id, version, mime, size_bytes, stripped, "
          "uploaded_by_user_id, uploaded_by_unit_id, uploaded_at, filename_sealed, "
          "content_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, doc_id, version, c.file.mime, static_cast<int64_t>(c.file.bytes.size()),
           JoinList(stripped), actor.user_id, actor.unit_id, now, name, content})
      .status();
}

Status DocumentEvent(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                     const Actor& actor, Micros now, const char* kind, const std::string& type,
                     const std::string& owner_sector, const std::string& document_id,
                     std::optional<std::string> version) {
  Event e;
  e.kind = kind;
  e.topic = type;
  e.ref_id = document_id;
  e.to = std::move(version);
  e.visibility = "doc:" + type + ":" + owner_sector;
  return AppendEvent(tx, *deps.keyring, case_id, now, actor.user_id, actor.unit_id, e);
}

StatusOr<std::string> WriteDocument(storage::Tx& tx, const Deps& deps, const std::string& case_id,
                                    const Actor& actor, const std::string& owner_sector,
                                    const std::string& type, const Json& metadata,
                                    const CleanDocument* file, Micros now) {
  std::string id = NewId();
  ASSIGN_OR_RETURN(auto meta,
                   Seal(*deps.keyring, "documents", "metadata_sealed", id, DumpJson(metadata)));
  RETURN_IF_ERROR(tx.Exec("INSERT INTO documents (id, case_id, doc_type, owner_sector, "
                          "created_by_unit_id, created_by_user_id, created_at, updated_at, "
                          "current_version, metadata_sealed) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          {id, case_id, type, owner_sector, actor.unit_id, actor.user_id, now, now,
                           static_cast<int64_t>(file != nullptr ? 1 : 0), meta})
                      .status());
  if (file != nullptr) {
    RETURN_IF_ERROR(WriteDocumentVersion(tx, *deps.keyring, id, 1, *file, actor, now));
  }
  RETURN_IF_ERROR(DocumentEvent(tx, deps, case_id, actor, now, "document_added", type, owner_sector,
                                id, std::nullopt));
  return id;
}

std::string BlindKey(const NameKey& key, const std::string& skeleton) {
  const std::string msg = "tamkine-name|" + skeleton;
  auto mac = crypto::HmacSha256(
      key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(msg.data()), msg.size()));
  return crypto::HexEncode(std::span<const uint8_t>(mac.data(), 16));
}

Status WriteNameKeys(storage::Tx& tx, const NameKey& key, const std::string& case_id,
                     const std::vector<std::string>& names) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM case_name_keys WHERE case_id = ?", {case_id}).status());
  std::set<std::string> keys;
  for (const auto& n : names) {
    for (const auto& s : NameKeys(n)) keys.insert(BlindKey(key, s));
  }
  for (const auto& k : keys) {
    RETURN_IF_ERROR(
        tx.Exec("INSERT INTO case_name_keys (key, case_id) VALUES (?, ?)", {k, case_id}).status());
  }
  return Status::Ok();
}

StatusOr<Json> OpenSurvivorPart(storage::Tx& tx, const crypto::Keyring& k,
                                const std::string& survivor_id, const char* column) {
  ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne(std::string("SELECT ") + column + " FROM survivors WHERE id = ?", {survivor_id}));
  if (!row) return Internal("a case without its survivor");
  ASSIGN_OR_RETURN(std::string text, k.Open("survivors", column, survivor_id, row->Bytes(0)));
  return ParseJson(text);
}

StatusOr<NameKey> LoadNameKey(storage::Store& store, const crypto::Keyring& k, Micros now) {
  auto read = [&]() -> StatusOr<std::optional<NameKey>> {
    ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT key_sealed FROM index_keys WHERE name = ?",
                                            {std::string("name_index")}));
    if (!row) return std::optional<NameKey>();
    ASSIGN_OR_RETURN(std::string raw,
                     k.Open("index_keys", "key_sealed", "name_index", row->Bytes(0)));
    if (raw.size() != 32) return Internal("the name index key is damaged");
    NameKey key{};
    std::copy(raw.begin(), raw.end(), key.begin());
    return std::optional<NameKey>(key);
  };
  ASSIGN_OR_RETURN(auto existing, read());
  if (existing) return *existing;
  NameKey key{};
  SecureRandomBytes(key);
  std::string raw(key.begin(), key.end());
  Status s = storage::WithTx(store, storage::TxMode::kWrite, [&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto sealed, Seal(k, "index_keys", "key_sealed", "name_index", raw));
    return tx
        .Exec("INSERT INTO index_keys (name, key_sealed, created_at) VALUES (?, ?, ?)",
              {std::string("name_index"), sealed, now})
        .status();
  });
  if (s.code() == StatusCode::kAlreadyExists) {
    ASSIGN_OR_RETURN(auto winner, read());
    if (winner) return *winner;
  }
  RETURN_IF_ERROR(s);
  return key;
}

}  // namespace tamkine::cases::internal
