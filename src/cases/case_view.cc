#include "cases/case_view.h"

#include "audit/guarded.h"
#include "cases/case_write.h"
#include "cases/lifecycle.h"
#include "cases/names.h"
#include "crypto/keyring.h"

namespace tamkine::cases::internal {

StatusOr<std::string> MaskedName(storage::Tx& tx, const Deps& deps, const CaseRow& c) {
  ASSIGN_OR_RETURN(Json identity,
                   OpenSurvivorPart(tx, *deps.keyring, c.survivor_id, "identity_sealed"));
  auto names = JsonStrings(identity.value("names", Json::array()));
  return names.empty() ? std::string() : MaskName(names.front());
}

StatusOr<CaseSummary> LoadSummary(storage::Tx& tx, const Deps& deps, Units& units,
                                  const CaseRow& c) {
  CaseSummary s;
  ASSIGN_OR_RETURN(s.masked_name, MaskedName(tx, deps, c));
  ASSIGN_OR_RETURN(Json profile,
                   OpenSurvivorPart(tx, *deps.keyring, c.survivor_id, "profile_sealed"));
  ASSIGN_OR_RETURN(Json identity,
                   OpenSurvivorPart(tx, *deps.keyring, c.survivor_id, "identity_sealed"));
  s.age_band = c.age_band;
  s.languages = JsonStrings(profile.value("languages", Json::array()));
  s.needs_translator = profile.value("needs_translator", false);
  s.reading_ability = profile.value("reading_ability", "unknown");
  s.disabilities = JsonStrings(profile.value("disabilities", Json::array()));
  s.marital_status = profile.value("marital_status", "unknown");
  const Json contact = profile.value("contact", Json::object());
  s.contact.safe_to_call = contact.value("safe_to_call", false);
  s.contact.safe_to_text = contact.value("safe_to_text", false);
  s.contact.safe_times = JsonOptString(contact, "safe_times");
  s.contact.notes = JsonOptString(contact, "notes");
  s.children_count = static_cast<int>(identity.value("children", Json::array()).size());
  ASSIGN_OR_RETURN(auto kids, tx.Query("SELECT id FROM cases WHERE linked_case_id = ? "
                                       "ORDER BY created_at",
                                       {c.id}));
  for (const auto& k : kids) s.child_case_ids.push_back(k.Text(0));
  s.violence_forms = SplitList(c.violence_forms);

  ASSIGN_OR_RETURN(auto incidents,
                   tx.Query("SELECT id, occurred_on, occurred_time, province_code, place_type, "
                            "forms, gbv_type, flags, repeat_incident, created_at FROM incidents "
                            "WHERE case_id = ? ORDER BY occurred_on, created_at, id",
                            {c.id}));
  ASSIGN_OR_RETURN(auto perps, tx.Query("SELECT incident_id, relationship, cohabiting, weapon, "
                                        "prior_violence, works_in_sector, user_id FROM "
                                        "perpetrators WHERE case_id = ? ORDER BY created_at, id",
                                        {c.id}));
  for (const auto& r : incidents) {
    IncidentView v;
    v.id = r.Text(0);
    v.date = r.Text(1);
    v.time = r.OptText(2);
    v.province_code = r.Text(3);
    v.place_type = r.Text(4);
    v.forms = SplitList(r.Text(5));
    v.gbv_type = r.Text(6);
    v.flags = SplitList(r.Text(7));
    v.repeat = r.Bool(8);
    v.created_at = r.Int(9);
    for (const auto& p : perps) {
      if (p.Text(0) != v.id) continue;
      PerpetratorView pv;
      pv.relationship = p.Text(1);
      pv.cohabiting = p.Bool(2);
      pv.weapon = p.Bool(3);
      pv.prior_violence = p.Bool(4);
      pv.works_in_sector = p.OptText(5);
      pv.is_staff_user = !p.IsNull(6);
      v.perpetrators.push_back(std::move(pv));
    }
    s.incidents.push_back(std::move(v));
  }
  ASSIGN_OR_RETURN(auto intakes, tx.Query("SELECT id, channel, receiving_unit_id, received_at, "
                                          "referred_by_unit_id, on_behalf_unit_id FROM intakes "
                                          "WHERE case_id = ? ORDER BY received_at, id",
                                          {c.id}));
  for (const auto& r : intakes) {
    IntakeView v;
    v.id = r.Text(0);
    v.channel = r.Text(1);
    ASSIGN_OR_RETURN(v.unit, units.Get(tx, r.Text(2)));
    v.received_at = r.Int(3);
    ASSIGN_OR_RETURN(v.referred_by, units.GetOpt(tx, r.OptText(4)));
    ASSIGN_OR_RETURN(v.on_behalf, units.GetOpt(tx, r.OptText(5)));
    s.intakes.push_back(std::move(v));
  }
  ASSIGN_OR_RETURN(auto risk, tx.QueryOne("SELECT id, level, score, unit_id, assessed_at FROM "
                                          "risk_assessments WHERE case_id = ? "
                                          "ORDER BY assessed_at DESC, id DESC LIMIT 1",
                                          {c.id}));
  if (risk) {
    RiskView v;
    v.id = risk->Text(0);
    v.level = risk->Text(1);
    v.score = static_cast<int>(risk->Int(2));
    ASSIGN_OR_RETURN(v.unit, units.Get(tx, risk->Text(3)));
    v.assessed_at = risk->Int(4);
    s.risk = std::move(v);
  }
  return s;
}

Permissions ComputePermissions(const access::Subject& subject, const CaseRow& c,
                               const access::Resource& r) {
  auto allowed = [&](std::string_view action, std::string subtype = "") {
    access::Resource with = r;
    with.subtype = std::move(subtype);
    return access::Authorize(subject, action, with).allowed;
  };
  Permissions p;
  p.read = allowed("case.read");
  p.read_identity = allowed("case.read_identity");
  p.update = allowed("case.update");
  p.assess_risk = allowed("case.risk.assess");
  p.record_consent = allowed("consent.record", "consent");
  p.access_log = allowed("case.access_log");
  p.break_glass = allowed("case.break_glass");
  p.exclusion = allowed("case.exclusion");
  for (auto comp : access::CaseCompartments()) {
    if (allowed("case.read_compartment", std::string(comp))) p.compartments.emplace_back(comp);
    if (allowed("case.note.create", std::string(comp))) p.note_compartments.emplace_back(comp);
  }
  const std::string service(ServiceTrack(c.kind));
  for (const auto& [track, status] :
       {std::pair<std::string, std::string>{service, c.service_status},
        {"justice", c.justice_status}}) {
    for (const auto& e : Edges()) {
      if (e.track != track || e.from != status) continue;
      std::string move = track + ":" + std::string(e.to);
      if (allowed("case.transition", move)) p.transitions.push_back(move);
    }
  }
  for (auto type : access::CaseDocumentTypes()) {
    access::Resource doc = r;
    doc.subtype = std::string(type);
    if (type == "other") {
      // Readable "other" documents depend on who added each; listed per document instead.
    } else if (access::Authorize(subject, "document.read", doc).allowed) {
      p.document_types_readable.emplace_back(type);
    }
    if (access::Authorize(subject, "document.create", doc).allowed) {
      p.document_types_creatable.emplace_back(type);
    }
  }
  return p;
}

StatusOr<CaseView> BuildView(storage::Tx& tx, const Deps& deps, Units& units,
                             const access::Subject& subject, const CaseRow& c,
                             const access::Resource& r, Micros now,
                             access::Decision* summary_decision) {
  CaseView v;
  ASSIGN_OR_RETURN(v.core, MakeCore(tx, units, c, now));
  v.permissions = ComputePermissions(subject, c, r);
  if (r.break_glass) {
    ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT MAX(expires_at) FROM btg_grants WHERE "
                                           "case_id = ? AND user_id = ? AND expires_at > ?",
                                           {c.id, subject.user_id, now}));
    if (row && !row->IsNull(0)) v.permissions.break_glass_until = row->Int(0);
  }
  access::Resource plain = r;
  plain.subtype.clear();
  access::Decision d = access::Authorize(subject, "case.read", plain);
  if (d.allowed) {
    ASSIGN_OR_RETURN(CaseSummary s, LoadSummary(tx, deps, units, c));
    v.summary = std::move(s);
  }
  if (summary_decision != nullptr) *summary_decision = d;
  return v;
}

namespace {

bool IsRead(std::string_view action) {
  return action.rfind("case.read", 0) == 0 || action == "document.read" ||
         action == "case.access_log" || action == "referral.read";
}

}  // namespace

Status OnCase(const Deps& deps, const access::RequestContext& ctx,
              const std::optional<std::string>& unit_id, const std::string& unit_field,
              std::string_view action, const std::string& case_id, const std::string& subtype,
              const std::function<Status(CaseCall&)>& act) {
  Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps.clock, unit_id, unit_field));
  CaseRow row;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps.store, *deps.clock, acting.ctx(), {action},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(row, MustLoadCase(tx, case_id));
        ASSIGN_OR_RETURN(resource, CaseResource(tx, row, acting.subject(), acting.now(), subtype));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        // A case merged into another is read there; it takes no more writes until unmerged.
        if (row.merged_into_case_id && !IsRead(action)) {
          return FailedPrecondition("this case was merged into case " + *row.merged_into_case_id +
                                    "; work on that case");
        }
        CaseCall call{tx,           row,
                      resource,     acting.subject(),
                      acting.ctx(), {acting.subject().user_id, d.unit_id},
                      acting.now()};
        return act(call);
      });
  return HideFromExcluded(st, resource, acting.subject());
}

StatusOr<CaseView> ReloadView(storage::Tx& tx, const Deps& deps, const access::Subject& subject,
                              const std::string& case_id, Micros now) {
  ASSIGN_OR_RETURN(CaseRow c, MustLoadCase(tx, case_id));
  ASSIGN_OR_RETURN(auto r, CaseResource(tx, c, subject, now));
  Units units;
  return BuildView(tx, deps, units, subject, c, r, now, nullptr);
}

}  // namespace tamkine::cases::internal
