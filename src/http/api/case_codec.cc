#include "http/api/case_codec.h"

#include "access/authorize.h"
#include "cases/classify.h"
#include "cases/lifecycle.h"
#include "cases/media.h"
#include "cases/vocab.h"
#include "crypto/encoding.h"

namespace tamkine::http::api {

namespace {

Json Opt(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<Micros>& t) {
  return t ? Json(FormatIsoTimeSeconds(*t)) : Json(nullptr);
}
Json Strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}
Json Views(const std::vector<std::string_view>& v) {
  Json a = Json::array();
  for (auto s : v) a.push_back(std::string(s));
  return a;
}

std::string Item(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// An optional array of strings (the values are checked by the domain).
Status StringArray(ObjectReader& r, const char* key, std::vector<std::string>* out,
                   size_t max_items) {
  const Json* arr = nullptr;
  RETURN_IF_ERROR(r.Array(key, &arr, max_items, /*required=*/false));
  out->clear();
  if (arr == nullptr) return Status::Ok();
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!(*arr)[i].is_string())
      return InvalidArgument("must be a string", Item(r.FieldName(key), i));
    out->push_back((*arr)[i].get<std::string>());
  }
  return Status::Ok();
}

Status OptBool(ObjectReader& r, const char* key, bool* out) {
  std::optional<bool> b;
  RETURN_IF_ERROR(r.OptBool(key, &b));
  *out = b.value_or(false);
  return Status::Ok();
}

// An optional string naming an enum value (checked by the domain); `fallback` when absent.
Status OptText(ObjectReader& r, const char* key, std::string* out, const char* fallback) {
  std::optional<std::string> v;
  RETURN_IF_ERROR(r.OptString(key, &v, 1, 64));
  *out = v.value_or(fallback);
  return Status::Ok();
}

StatusOr<cases::IntakeInput> DecodeIntake(const Json& j, const std::string& prefix) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  cases::IntakeInput in;
  RETURN_IF_ERROR(r.String("unit_id", &in.unit_id, 1, 64));
  RETURN_IF_ERROR(r.String("channel", &in.channel, 1, 64));
  std::optional<std::string> at;
  RETURN_IF_ERROR(r.OptString("received_at", &at, 1, 64));
  if (at) {
    auto t = ParseIsoTime(*at);
    if (!t) return InvalidArgument("must be an RFC 3339 time", r.FieldName("received_at"));
    in.received_at = *t;
  }
  RETURN_IF_ERROR(r.OptString("referred_by_unit_id", &in.referred_by_unit_id, 1, 64));
  RETURN_IF_ERROR(r.OptString("on_behalf_unit_id", &in.on_behalf_unit_id, 1, 64));
  RETURN_IF_ERROR(r.OptString("notes", &in.notes, 1, 2000, true));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

Status ReadActing(ObjectReader& r, std::optional<std::string>* acting) {
  if (acting == nullptr) return Status::Ok();
  return r.OptString("acting_unit_id", acting, 1, 64);
}

}  // namespace

StatusOr<cases::SurvivorInput> DecodeSurvivor(const Json& j, const std::string& prefix,
                                              std::optional<std::string>* acting) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  cases::SurvivorInput in;
  RETURN_IF_ERROR(StringArray(r, "names", &in.names, 10));
  RETURN_IF_ERROR(r.OptString("birth_date", &in.birth_date, 1, 10));
  RETURN_IF_ERROR(r.OptString("id_number", &in.id_number, 1, 40));
  RETURN_IF_ERROR(StringArray(r, "phones", &in.phones, 5));
  RETURN_IF_ERROR(r.OptString("address", &in.address, 1, 500, true));
  RETURN_IF_ERROR(StringArray(r, "languages", &in.languages, 8));
  RETURN_IF_ERROR(OptBool(r, "needs_translator", &in.needs_translator));
  RETURN_IF_ERROR(OptText(r, "reading_ability", &in.reading_ability, "unknown"));
  RETURN_IF_ERROR(StringArray(r, "disabilities", &in.disabilities, 7));
  RETURN_IF_ERROR(OptText(r, "marital_status", &in.marital_status, "unknown"));
  const Json* contact = nullptr;
  RETURN_IF_ERROR(r.Object("contact", &contact, false));
  if (contact != nullptr) {
    ObjectReader c(*contact, r.FieldName("contact"));
    RETURN_IF_ERROR(OptBool(c, "safe_to_call", &in.contact.safe_to_call));
    RETURN_IF_ERROR(OptBool(c, "safe_to_text", &in.contact.safe_to_text));
    RETURN_IF_ERROR(c.OptString("safe_times", &in.contact.safe_times, 1, 200));
    RETURN_IF_ERROR(c.OptString("notes", &in.contact.notes, 1, 500, true));
    RETURN_IF_ERROR(c.Finish());
  }
  const Json* children = nullptr;
  RETURN_IF_ERROR(r.Array("children", &children, 20, false));
  if (children != nullptr) {
    for (size_t i = 0; i < children->size(); ++i) {
      ObjectReader c((*children)[i], Item(r.FieldName("children"), i));
      RETURN_IF_ERROR(c.Check());
      cases::ChildInput child;
      RETURN_IF_ERROR(c.OptString("name", &child.name, 1, 200));
      RETURN_IF_ERROR(c.OptString("birth_date", &child.birth_date, 1, 10));
      RETURN_IF_ERROR(OptText(c, "sex", &child.sex, "unknown"));
      RETURN_IF_ERROR(c.OptString("case_id", &child.case_id, 1, 64));
      RETURN_IF_ERROR(c.Finish());
      in.children.push_back(std::move(child));
    }
  }
  RETURN_IF_ERROR(ReadActing(r, acting));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::IncidentInput> DecodeIncident(const Json& j, const std::string& prefix,
                                              std::optional<std::string>* acting) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  cases::IncidentInput in;
  RETURN_IF_ERROR(r.String("date", &in.date, 1, 10));
  RETURN_IF_ERROR(r.OptString("time", &in.time, 1, 5));
  RETURN_IF_ERROR(r.String("province_code", &in.province_code, 1, 10));
  RETURN_IF_ERROR(r.OptString("commune", &in.commune, 1, 100));
  RETURN_IF_ERROR(r.String("place_type", &in.place_type, 1, 64));
  RETURN_IF_ERROR(StringArray(r, "forms", &in.forms, 4));
  const Json* facts = nullptr;
  RETURN_IF_ERROR(r.Object("facts", &facts, false));
  if (facts != nullptr) {
    ObjectReader f(*facts, r.FieldName("facts"));
    cases::IncidentFacts& x = in.facts;
    RETURN_IF_ERROR(OptBool(f, "penetration", &x.penetration));
    RETURN_IF_ERROR(OptBool(f, "unwanted_sexual_contact", &x.unwanted_sexual_contact));
    RETURN_IF_ERROR(OptBool(f, "physical_assault", &x.physical_assault));
    RETURN_IF_ERROR(OptBool(f, "forced_marriage", &x.forced_marriage));
    RETURN_IF_ERROR(OptBool(f, "denial_of_resources", &x.denial_of_resources));
    RETURN_IF_ERROR(OptBool(f, "psychological_abuse", &x.psychological_abuse));
    RETURN_IF_ERROR(OptBool(f, "sexual_exploitation", &x.sexual_exploitation));
    RETURN_IF_ERROR(OptBool(f, "harmful_traditional_practice", &x.harmful_traditional_practice));
    RETURN_IF_ERROR(f.Finish());
  }
  RETURN_IF_ERROR(OptBool(r, "repeat", &in.repeat));
  RETURN_IF_ERROR(r.OptString("description", &in.description, 1, 5000, true));
  const Json* perps = nullptr;
  RETURN_IF_ERROR(r.Array("perpetrators", &perps, 5, false));
  if (perps != nullptr) {
    for (size_t i = 0; i < perps->size(); ++i) {
      ObjectReader p((*perps)[i], Item(r.FieldName("perpetrators"), i));
      RETURN_IF_ERROR(p.Check());
      cases::PerpetratorInput v;
      RETURN_IF_ERROR(p.String("relationship", &v.relationship, 1, 64));
      RETURN_IF_ERROR(OptBool(p, "cohabiting", &v.cohabiting));
      RETURN_IF_ERROR(OptBool(p, "weapon", &v.weapon));
      RETURN_IF_ERROR(OptBool(p, "prior_violence", &v.prior_violence));
      RETURN_IF_ERROR(p.OptString("works_in_sector", &v.works_in_sector, 1, 64));
      RETURN_IF_ERROR(p.OptString("user_id", &v.user_id, 1, 64));
      RETURN_IF_ERROR(p.OptString("name", &v.name, 1, 200));
      RETURN_IF_ERROR(p.OptString("description", &v.description, 1, 2000, true));
      RETURN_IF_ERROR(p.Finish());
      in.perpetrators.push_back(std::move(v));
    }
  }
  RETURN_IF_ERROR(ReadActing(r, acting));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::ConsentInput> DecodeConsent(const Json& j, const std::string& prefix,
                                            std::optional<std::string>* acting) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  cases::ConsentInput in;
  RETURN_IF_ERROR(r.String("unit_id", &in.unit_id, 1, 64));
  RETURN_IF_ERROR(StringArray(r, "purposes", &in.purposes, 9));
  RETURN_IF_ERROR(OptText(r, "basis", &in.basis, "consent"));
  RETURN_IF_ERROR(r.OptString("legal_ground", &in.legal_ground, 1, 64));
  RETURN_IF_ERROR(OptText(r, "method", &in.method, "oral"));
  RETURN_IF_ERROR(ReadActing(r, acting));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::RiskInput> DecodeRisk(const Json& j, const std::string& prefix,
                                      std::optional<std::string>* acting) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  const Json* answers = nullptr;
  RETURN_IF_ERROR(r.Object("answers", &answers, true));
  cases::RiskInput in;
  for (auto it = answers->begin(); it != answers->end(); ++it) {
    std::string field = r.FieldName("answers") + "." + it.key();
    if (!it->is_string()) return InvalidArgument("must be yes, no or unknown", field);
    in.answers[it.key()] = it->get<std::string>();
  }
  RETURN_IF_ERROR(ReadActing(r, acting));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::NewCaseInput> DecodeNewCase(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  cases::NewCaseInput in;
  RETURN_IF_ERROR(OptText(r, "kind", &in.kind, "adult"));
  RETURN_IF_ERROR(r.OptString("child_role", &in.child_role, 1, 64));
  RETURN_IF_ERROR(r.OptString("linked_case_id", &in.linked_case_id, 1, 64));
  const Json* intake = nullptr;
  RETURN_IF_ERROR(r.Object("intake", &intake, true));
  ASSIGN_OR_RETURN(in.intake, DecodeIntake(*intake, "intake"));
  const Json* survivor = nullptr;
  RETURN_IF_ERROR(r.Object("survivor", &survivor, false));
  if (survivor != nullptr) {
    ASSIGN_OR_RETURN(in.survivor, DecodeSurvivor(*survivor, "survivor"));
  }
  const Json* incidents = nullptr;
  RETURN_IF_ERROR(r.Array("incidents", &incidents, 20, false));
  if (incidents != nullptr) {
    for (size_t i = 0; i < incidents->size(); ++i) {
      ASSIGN_OR_RETURN(auto inc, DecodeIncident((*incidents)[i], Item("incidents", i)));
      in.incidents.push_back(std::move(inc));
    }
  }
  const Json* consents = nullptr;
  RETURN_IF_ERROR(r.Array("consents", &consents, 20, false));
  if (consents != nullptr) {
    for (size_t i = 0; i < consents->size(); ++i) {
      ASSIGN_OR_RETURN(auto c, DecodeConsent((*consents)[i], Item("consents", i)));
      in.consents.push_back(std::move(c));
    }
  }
  const Json* risk = nullptr;
  RETURN_IF_ERROR(r.Object("risk", &risk, false));
  if (risk != nullptr) {
    ASSIGN_OR_RETURN(in.risk, DecodeRisk(*risk, "risk"));
  }
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::AttachIntakeInput> DecodeAttachIntake(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  cases::AttachIntakeInput in;
  RETURN_IF_ERROR(r.String("reference_code", &in.reference_code, 1, 40));
  const Json* intake = nullptr;
  RETURN_IF_ERROR(r.Object("intake", &intake, true));
  ASSIGN_OR_RETURN(in.intake, DecodeIntake(*intake, "intake"));
  RETURN_IF_ERROR(StringArray(r, "purposes", &in.purposes, 9));
  RETURN_IF_ERROR(OptText(r, "method", &in.method, "oral"));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::TransitionInput> DecodeTransition(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  cases::TransitionInput in;
  RETURN_IF_ERROR(r.String("track", &in.track, 1, 32));
  RETURN_IF_ERROR(r.String("to", &in.to, 1, 64));
  RETURN_IF_ERROR(r.OptString("reason", &in.reason, 1, 1000, true));
  RETURN_IF_ERROR(r.OptString("close_reason", &in.close_reason, 1, 64));
  RETURN_IF_ERROR(r.OptString("holder_unit_id", &in.holder_unit_id, 1, 64));
  RETURN_IF_ERROR(r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::DocumentFileInput> DecodeFile(const Json& j, const std::string& prefix) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  cases::DocumentFileInput in;
  RETURN_IF_ERROR(r.String("filename", &in.filename, 1, 200));
  RETURN_IF_ERROR(r.OptString("content_type", &in.content_type, 1, 100));
  const std::string field = r.FieldName("content_base64");
  const size_t max_len = (cases::kMaxDocumentBytes / 3 + 1) * 4;
  auto it = j.find("content_base64");
  if (it != j.end() && it->is_string() && it->get_ref<const std::string&>().size() > max_len) {
    return Status(
        StatusCode::kPayloadTooLarge,
        "must be at most " + std::to_string(cases::kMaxDocumentBytes / (1024 * 1024)) + " MiB",
        field);
  }
  std::string text;
  RETURN_IF_ERROR(r.String("content_base64", &text, 1, max_len));
  auto bytes = crypto::Base64Decode(text);
  if (!bytes.ok()) return InvalidArgument("is not valid base64", field);
  in.content = std::move(*bytes);
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<cases::DocumentInput> DecodeDocument(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  cases::DocumentInput in;
  RETURN_IF_ERROR(r.String("type", &in.type, 1, 64));
  const Json* metadata = nullptr;
  RETURN_IF_ERROR(r.Object("metadata", &metadata, true));
  in.metadata = *metadata;
  const Json* file = nullptr;
  RETURN_IF_ERROR(r.Object("file", &file, false));
  if (file != nullptr) {
    ASSIGN_OR_RETURN(in.file, DecodeFile(*file, "file"));
  }
  RETURN_IF_ERROR(r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

Json EncodeUnitRef(const cases::UnitRef& u) {
  return {{"id", u.id}, {"name", u.name}, {"sector", u.sector}};
}

namespace {
Json OptUnit(const std::optional<cases::UnitRef>& u) {
  return u ? EncodeUnitRef(*u) : Json(nullptr);
}
Json Track(const cases::TrackView& t) {
  return {{"track", t.track},
          {"status", t.status},
          {"next_step", t.next_step.empty() ? Json(nullptr) : Json(t.next_step)}};
}
}  // namespace

Json EncodeCaseCore(const cases::CaseCore& c) {
  Json child = nullptr;
  if (c.kind == "child") {
    child = {{"role", Opt(c.child_role)},
             {"linked_case_id", Opt(c.linked_case_id)},
             {"report_due_at", OptTime(c.report_due_at)},
             {"report_sent_at", OptTime(c.report_sent_at)},
             {"report_overdue", c.report_overdue}};
  }
  return {{"id", c.id},
          {"reference_code", c.reference_code},
          {"kind", c.kind},
          {"status", c.status},
          {"merged_into_case_id", Opt(c.merged_into_case_id)},
          {"tracks", {{"service", Track(c.service)}, {"justice", Track(c.justice)}}},
          {"holder", EncodeUnitRef(c.holder)},
          {"opened_by", EncodeUnitRef(c.opened_by)},
          {"risk_level", c.risk_level},
          {"close_reason", Opt(c.close_reason)},
          {"child", child},
          {"created_at", FormatIsoTimeSeconds(c.created_at)},
          {"updated_at", FormatIsoTimeSeconds(c.updated_at)}};
}

Json EncodeIncident(const cases::IncidentView& i) {
  Json perps = Json::array();
  for (const auto& p : i.perpetrators) {
    perps.push_back({{"relationship", p.relationship},
                     {"cohabiting", p.cohabiting},
                     {"weapon", p.weapon},
                     {"prior_violence", p.prior_violence},
                     {"works_in_sector", Opt(p.works_in_sector)},
                     {"is_staff_user", p.is_staff_user}});
  }
  return {{"id", i.id},
          {"date", i.date},
          {"time", Opt(i.time)},
          {"province_code", i.province_code},
          {"place_type", i.place_type},
          {"forms", Strings(i.forms)},
          {"gbv_type", i.gbv_type},
          {"flags", Strings(i.flags)},
          {"repeat", i.repeat},
          {"perpetrators", perps},
          {"created_at", FormatIsoTimeSeconds(i.created_at)}};
}

Json EncodeRisk(const cases::RiskView& r) {
  return {{"id", r.id},
          {"level", r.level},
          {"score", r.score},
          {"critical_yes", Strings(r.critical_yes)},
          {"unit", EncodeUnitRef(r.unit)},
          {"assessed_at", FormatIsoTimeSeconds(r.assessed_at)}};
}

Json EncodeCaseView(const cases::CaseView& v) {
  Json j = EncodeCaseCore(v.core);
  Json summary = nullptr;
  if (v.summary) {
    const cases::CaseSummary& s = *v.summary;
    Json incidents = Json::array(), intakes = Json::array();
    for (const auto& i : s.incidents) incidents.push_back(EncodeIncident(i));
    for (const auto& i : s.intakes) {
      intakes.push_back({{"id", i.id},
                         {"channel", i.channel},
                         {"unit", EncodeUnitRef(i.unit)},
                         {"received_at", FormatIsoTimeSeconds(i.received_at)},
                         {"referred_by", OptUnit(i.referred_by)},
                         {"on_behalf", OptUnit(i.on_behalf)}});
    }
    summary = {{"masked_name", s.masked_name.empty() ? Json(nullptr) : Json(s.masked_name)},
               {"age_band", s.age_band},
               {"languages", Strings(s.languages)},
               {"needs_translator", s.needs_translator},
               {"reading_ability", s.reading_ability},
               {"disabilities", Strings(s.disabilities)},
               {"marital_status", s.marital_status},
               {"contact",
                {{"safe_to_call", s.contact.safe_to_call},
                 {"safe_to_text", s.contact.safe_to_text},
                 {"safe_times", Opt(s.contact.safe_times)},
                 {"notes", Opt(s.contact.notes)}}},
               {"children_count", s.children_count},
               {"child_case_ids", Strings(s.child_case_ids)},
               {"violence_forms", Strings(s.violence_forms)},
               {"incidents", incidents},
               {"intakes", intakes},
               {"risk", s.risk ? EncodeRisk(*s.risk) : Json(nullptr)}};
  }
  j["summary"] = summary;
  const cases::Permissions& p = v.permissions;
  j["permissions"] = {{"read", p.read},
                      {"read_identity", p.read_identity},
                      {"update", p.update},
                      {"assess_risk", p.assess_risk},
                      {"record_consent", p.record_consent},
                      {"access_log", p.access_log},
                      {"break_glass", p.break_glass},
                      {"exclusion", p.exclusion},
                      {"compartments", Strings(p.compartments)},
                      {"note_compartments", Strings(p.note_compartments)},
                      {"transitions", Strings(p.transitions)},
                      {"document_types_readable", Strings(p.document_types_readable)},
                      {"document_types_creatable", Strings(p.document_types_creatable)},
                      {"break_glass_until", OptTime(p.break_glass_until)}};
  return j;
}

Json EncodeDuplicateEvidence(const std::vector<cases::DuplicateEvidence>& evidence) {
  Json out = Json::array();
  for (const auto& e : evidence) {
    out.push_back({{"field", e.field}, {"agreement", e.agreement}, {"weight", e.weight}});
  }
  return out;
}

Json EncodeDuplicateCaseRef(const cases::DuplicateCaseRef& c) {
  return {{"id", c.id},
          {"reference_code", c.reference_code},
          {"status", c.status},
          {"opened_at", FormatIsoTimeSeconds(c.opened_at)},
          {"held_by_unit_name", c.held_by_unit_name},
          {"masked_name", c.masked_name}};
}

Json EncodeDuplicateCandidates(const std::vector<cases::DuplicateCandidateView>& candidates) {
  Json out = Json::array();
  for (const auto& c : candidates) {
    out.push_back({{"decision", c.decision},
                   {"score", c.score},
                   {"evidence", EncodeDuplicateEvidence(c.evidence)},
                   {"case", EncodeDuplicateCaseRef(c.case_ref)}});
  }
  return out;
}

Json EncodeCaseList(const cases::CaseList& l) {
  Json items = Json::array();
  for (const auto& i : l.items) {
    Json j = EncodeCaseCore(i.core);
    j["masked_name"] = Opt(i.masked_name);
    items.push_back(std::move(j));
  }
  return {{"items", items}, {"next_offset", l.next_offset ? Json(*l.next_offset) : Json(nullptr)}};
}

Json EncodeIdentity(const cases::SurvivorIdentity& s) {
  Json children = Json::array();
  for (const auto& c : s.children) {
    children.push_back({{"name", Opt(c.name)},
                        {"birth_date", Opt(c.birth_date)},
                        {"sex", c.sex},
                        {"case_id", Opt(c.case_id)}});
  }
  return {{"names", Strings(s.names)},     {"birth_date", Opt(s.birth_date)},
          {"id_number", Opt(s.id_number)}, {"phones", Strings(s.phones)},
          {"address", Opt(s.address)},     {"children", children}};
}

Json EncodeNote(const cases::NoteView& n) {
  return {{"id", n.id},
          {"compartment", n.compartment},
          {"unit", EncodeUnitRef(n.unit)},
          {"created_at", FormatIsoTimeSeconds(n.created_at)},
          {"text", n.text}};
}

Json EncodeCompartment(const cases::CompartmentView& c) {
  Json notes = Json::array(), incidents = Json::array(), perps = Json::array();
  for (const auto& n : c.notes) notes.push_back(EncodeNote(n));
  for (const auto& i : c.incidents) {
    const cases::IncidentFacts& f = i.facts;
    incidents.push_back({{"incident_id", i.incident_id},
                         {"commune", Opt(i.commune)},
                         {"description", Opt(i.description)},
                         {"facts",
                          {{"penetration", f.penetration},
                           {"unwanted_sexual_contact", f.unwanted_sexual_contact},
                           {"physical_assault", f.physical_assault},
                           {"forced_marriage", f.forced_marriage},
                           {"denial_of_resources", f.denial_of_resources},
                           {"psychological_abuse", f.psychological_abuse},
                           {"sexual_exploitation", f.sexual_exploitation},
                           {"harmful_traditional_practice", f.harmful_traditional_practice}}}});
  }
  for (const auto& p : c.perpetrators) {
    perps.push_back({{"incident_id", p.incident_id},
                     {"relationship", p.relationship},
                     {"name", Opt(p.name)},
                     {"description", Opt(p.description)},
                     {"user_id", Opt(p.user_id)}});
  }
  return {{"compartment", c.compartment},
          {"notes", notes},
          {"incidents", incidents},
          {"perpetrators", perps},
          {"intake_notes", Strings(c.intake_notes)}};
}

Json EncodeTimeline(const std::vector<cases::TimelineEntry>& t) {
  Json items = Json::array();
  for (const auto& e : t) {
    items.push_back({{"id", e.id},
                     {"seq", e.seq},
                     {"at", FormatIsoTimeSeconds(e.at)},
                     {"unit", OptUnit(e.unit)},
                     {"kind", e.kind},
                     {"topic", Opt(e.topic)},
                     {"from", Opt(e.from)},
                     {"to", Opt(e.to)},
                     {"reason_code", Opt(e.reason_code)},
                     {"related_unit", OptUnit(e.related_unit)},
                     {"detail", Opt(e.detail)},
                     {"detail_withheld", e.detail_withheld}});
  }
  return {{"items", items}};
}

Json EncodeConsent(const cases::ConsentView& c) {
  return {{"id", c.id},
          {"unit", EncodeUnitRef(c.unit)},
          {"purpose", c.purpose},
          {"basis", c.basis},
          {"legal_ground", Opt(c.legal_ground)},
          {"method", Opt(c.method)},
          {"granted_at", FormatIsoTimeSeconds(c.granted_at)},
          {"recorded_by_unit", EncodeUnitRef(c.recorded_by_unit)},
          {"revoked_at", OptTime(c.revoked_at)},
          {"revoked_by_unit", OptUnit(c.revoked_by_unit)},
          {"revoke_reason", Opt(c.revoke_reason)},
          {"active", !c.revoked_at}};
}

Json EncodeBtg(const cases::BtgView& b) {
  return {{"id", b.id},
          {"case_id", b.case_id},
          {"reference_code", b.reference_code},
          {"user_id", b.user_id},
          {"username", b.username},
          {"unit", EncodeUnitRef(b.unit)},
          {"reason", Opt(b.reason)},
          {"granted_at", FormatIsoTimeSeconds(b.granted_at)},
          {"expires_at", FormatIsoTimeSeconds(b.expires_at)},
          {"review_outcome", Opt(b.review_outcome)},
          {"reviewed_at", OptTime(b.reviewed_at)},
          {"review_note", Opt(b.review_note)}};
}

Json EncodeAlert(const cases::AlertView& a) {
  return {{"id", a.id},
          {"unit_id", a.unit_id},
          {"kind", a.kind},
          {"case_id", Opt(a.case_id)},
          {"reference_code", Opt(a.reference_code)},
          {"ref_id", Opt(a.ref_id)},
          {"created_at", FormatIsoTimeSeconds(a.created_at)},
          {"acknowledged_at", OptTime(a.acknowledged_at)}};
}

Json EncodeAccessLog(const std::vector<cases::AccessLogEntry>& log) {
  Json items = Json::array();
  for (const auto& e : log) {
    items.push_back({{"seq", e.seq},
                     {"time", FormatIsoTimeSeconds(e.time)},
                     {"action", e.action},
                     {"decision", e.decision},
                     {"username", Opt(e.username)},
                     {"unit", OptUnit(e.unit)},
                     {"role", Opt(e.role)},
                     {"reason", e.reason}});
  }
  return {{"items", items}};
}

Json EncodeDocument(const cases::DocumentView& d) {
  Json versions = Json::array();
  for (const auto& v : d.versions) {
    versions.push_back({{"version", v.version},
                        {"mime", v.mime},
                        {"size_bytes", v.size_bytes},
                        {"stripped", Strings(v.stripped)},
                        {"uploaded_by", EncodeUnitRef(v.uploaded_by)},
                        {"uploaded_at", FormatIsoTimeSeconds(v.uploaded_at)},
                        {"filename", Opt(v.filename)}});
  }
  return {{"id", d.id},
          {"case_id", d.case_id},
          {"type", d.type},
          {"created_by", EncodeUnitRef(d.created_by)},
          {"created_at", FormatIsoTimeSeconds(d.created_at)},
          {"updated_at", FormatIsoTimeSeconds(d.updated_at)},
          {"current_version", d.current_version},
          {"metadata", d.metadata ? *d.metadata : Json(nullptr)},
          {"versions", versions}};
}

Json EncodePublicStatus(const cases::PublicStatus& s) {
  return {{"status", s.status}, {"updated_on", Opt(s.updated_on)}};
}

Json CaseVocabulary() {
  Json tracks = Json::object();
  for (auto t : cases::Tracks()) tracks[std::string(t)] = Views(cases::TrackStatuses(t));
  Json moves = Json::array();
  for (const auto& e : cases::Edges()) {
    moves.push_back({{"track", std::string(e.track)},
                     {"from", std::string(e.from)},
                     {"to", std::string(e.to)}});
  }
  Json questions = Json::array();
  for (const auto& q : cases::RiskQuestions()) {
    questions.push_back(
        {{"key", std::string(q.key)}, {"critical", q.critical}, {"text_en", std::string(q.text)}});
  }
  Json purposes = Json::array();
  for (auto p : access::ConsentPurposes()) {
    Json sectors = Json::array();
    for (auto s : access::Sectors()) {
      if (access::PurposeFitsSector(p, s)) sectors.push_back(std::string(s));
    }
    std::string_view comp = access::CompartmentOfPurpose(p);
    purposes.push_back({{"purpose", std::string(p)},
                        {"compartment", comp.empty() ? Json(nullptr) : Json(std::string(comp))},
                        {"sectors", sectors}});
  }
  return {{"channels", Views(cases::Channels())},
          {"case_kinds", Views(cases::CaseKinds())},
          {"child_roles", Views(cases::ChildRoles())},
          {"languages", Views(cases::Languages())},
          {"reading_abilities", Views(cases::ReadingAbilities())},
          {"disabilities", Views(cases::Disabilities())},
          {"marital_statuses", Views(cases::MaritalStatuses())},
          {"sexes", Views(cases::Sexes())},
          {"violence_forms", Views(cases::ViolenceForms())},
          {"gbv_types", Views(cases::GbvTypes())},
          {"context_flags", Views(cases::ContextFlags())},
          {"place_types", Views(cases::PlaceTypes())},
          {"relationships", Views(cases::Relationships())},
          {"consent_bases", Views(cases::ConsentBases())},
          {"consent_methods", Views(cases::ConsentMethods())},
          {"legal_grounds", Views(cases::LegalGrounds())},
          {"consent_purposes", purposes},
          {"revoke_reasons", Views(cases::RevokeReasons())},
          {"close_reasons", Views(cases::CloseReasons())},
          {"exclusion_reasons", Views(cases::ExclusionReasons())},
          {"btg_review_outcomes", Views(cases::BtgReviewOutcomes())},
          {"alert_kinds", Views(cases::AlertKinds())},
          {"risk_levels", Views(cases::RiskLevels())},
          {"age_bands", Views(cases::AgeBands())},
          {"compartments", Views(cases::Compartments())},
          {"document_types", Views(cases::DocumentTypes())},
          {"protection_measures", Views(cases::ProtectionMeasures())},
          {"prosecution_decisions", Views(cases::ProsecutionDecisions())},
          {"judgment_outcomes", Views(cases::JudgmentOutcomes())},
          {"complaint_routes", Views(cases::ComplaintRoutes())},
          {"tracks", tracks},
          {"moves", moves},
          {"risk_questions", questions},
          {"max_document_bytes", cases::kMaxDocumentBytes}};
}

}  // namespace tamkine::http::api
