#include "cases/validate.h"

#include <algorithm>
#include <set>

#include "access/subject.h"
#include "cases/vocab.h"
#include "common/ids.h"
#include "identity/validation.h"
#include "reference/regions.h"

namespace tamkine::cases {

namespace {

std::string Field(const std::string& prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
}

std::string Item(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// Each value in `vocab`, no repeats; returns them in vocabulary order.
StatusOr<std::vector<std::string>> EnumList(const std::vector<std::string>& values,
                                            const Vocabulary& vocab, const std::string& field,
                                            size_t max) {
  if (values.size() > max) {
    return InvalidArgument("at most " + std::to_string(max) + " values", field);
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < values.size(); ++i) {
    RETURN_IF_ERROR(CheckEnum(vocab, values[i], Item(field, i)));
    if (!seen.insert(values[i]).second) return InvalidArgument("is listed twice", Item(field, i));
  }
  std::vector<std::string> out;
  for (auto v : vocab) {
    if (seen.count(std::string(v))) out.emplace_back(v);
  }
  return out;
}

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

StatusOr<Date> NotFutureDate(const Date& d, const Date& today, const std::string& field) {
  if (d.Earliest() > today) return InvalidArgument("must not be in the future", field);
  return d;
}

}  // namespace

Status ValidateNote(const std::string& text, const std::string& field, size_t min_len,
                    size_t max_len) {
  return ValidateText(text, field, min_len, max_len, /*multiline=*/true);
}

StatusOr<PreparedSurvivor> PrepareSurvivor(const SurvivorInput& in, const std::string& prefix,
                                           const Date& today) {
  PreparedSurvivor out;
  const std::string names_field = Field(prefix, "names");
  if (in.names.size() > 10) return InvalidArgument("at most 10 spellings", names_field);
  Json names = Json::array();
  for (size_t i = 0; i < in.names.size(); ++i) {
    RETURN_IF_ERROR(ValidateText(in.names[i], Item(names_field, i), 1, 200));
    names.push_back(in.names[i]);
    out.names.push_back(in.names[i]);
  }
  std::optional<std::string> birth_text;
  if (in.birth_date) {
    const std::string f = Field(prefix, "birth_date");
    ASSIGN_OR_RETURN(Date b, ParsePartialDate(*in.birth_date, f));
    ASSIGN_OR_RETURN(b, NotFutureDate(b, today, f));
    out.birth = b;
    birth_text = b.ToString();
  }
  std::optional<std::string> id_number;
  if (in.id_number) {
    std::string v;
    for (char c : *in.id_number) {
      if (c == ' ' || c == '-' || c == '.') continue;
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return InvalidArgument("must be letters and digits (e.g. AB123456)",
                               Field(prefix, "id_number"));
      }
      v += c;
    }
    if (v.size() < 4 || v.size() > 20) {
      return InvalidArgument("must be 4 to 20 letters and digits", Field(prefix, "id_number"));
    }
    id_number = v;
  }
  const std::string phones_field = Field(prefix, "phones");
  if (in.phones.size() > 5) return InvalidArgument("at most 5 phone numbers", phones_field);
  Json phones = Json::array();
  for (size_t i = 0; i < in.phones.size(); ++i) {
    ASSIGN_OR_RETURN(std::string p, identity::NormalisePhone(in.phones[i], Item(phones_field, i)));
    phones.push_back(p);
  }
  if (in.address) {
    RETURN_IF_ERROR(ValidateText(*in.address, Field(prefix, "address"), 1, 500, true));
  }
  ASSIGN_OR_RETURN(auto languages, EnumList(in.languages, Languages(), Field(prefix, "languages"),
                                            Languages().size()));
  RETURN_IF_ERROR(
      CheckEnum(ReadingAbilities(), in.reading_ability, Field(prefix, "reading_ability")));
  ASSIGN_OR_RETURN(auto disabilities,
                   EnumList(in.disabilities, Disabilities(), Field(prefix, "disabilities"),
                            Disabilities().size()));
  RETURN_IF_ERROR(CheckEnum(MaritalStatuses(), in.marital_status, Field(prefix, "marital_status")));
  const std::string contact = Field(prefix, "contact");
  if (in.contact.safe_times) {
    RETURN_IF_ERROR(ValidateText(*in.contact.safe_times, Field(contact, "safe_times"), 1, 200));
  }
  if (in.contact.notes) {
    RETURN_IF_ERROR(ValidateNote(*in.contact.notes, Field(contact, "notes"), 1, 500));
  }
  const std::string children_field = Field(prefix, "children");
  if (in.children.size() > 20) return InvalidArgument("at most 20 children", children_field);
  Json children = Json::array();
  for (size_t i = 0; i < in.children.size(); ++i) {
    const auto& c = in.children[i];
    const std::string f = Item(children_field, i);
    if (c.name) RETURN_IF_ERROR(ValidateText(*c.name, Field(f, "name"), 1, 200));
    std::optional<std::string> birth;
    if (c.birth_date) {
      ASSIGN_OR_RETURN(Date b, ParsePartialDate(*c.birth_date, Field(f, "birth_date")));
      ASSIGN_OR_RETURN(b, NotFutureDate(b, today, Field(f, "birth_date")));
      birth = b.ToString();
    }
    RETURN_IF_ERROR(CheckEnum(Sexes(), c.sex, Field(f, "sex")));
    if (c.case_id) {
      if (!LooksLikeId(*c.case_id)) return InvalidArgument("is not a case id", Field(f, "case_id"));
      out.child_case_ids.push_back(*c.case_id);
    }
    children.push_back({{"name", OptJson(c.name)},
                        {"birth_date", OptJson(birth)},
                        {"sex", c.sex},
                        {"case_id", OptJson(c.case_id)}});
  }
  out.identity = {
      {"names", names},   {"birth_date", OptJson(birth_text)}, {"id_number", OptJson(id_number)},
      {"phones", phones}, {"address", OptJson(in.address)},    {"children", children}};
  out.profile = {{"languages", languages},
                 {"needs_translator", in.needs_translator},
                 {"reading_ability", in.reading_ability},
                 {"disabilities", disabilities},
                 {"marital_status", in.marital_status},
                 {"contact",
                  {{"safe_to_call", in.contact.safe_to_call},
                   {"safe_to_text", in.contact.safe_to_text},
                   {"safe_times", OptJson(in.contact.safe_times)},
                   {"notes", OptJson(in.contact.notes)}}}};
  return out;
}

StatusOr<PreparedIncident> PrepareIncident(const IncidentInput& input, const std::string& prefix,
                                           const Date& today, const std::optional<Date>& birth,
                                           bool child_case, const std::string& birth_field) {
  PreparedIncident out;
  out.in = input;
  IncidentInput& in = out.in;
  ASSIGN_OR_RETURN(out.date, ParseDate(in.date, Field(prefix, "date")));
  if (out.date > today) return InvalidArgument("must not be in the future", Field(prefix, "date"));
  if (birth && birth->Earliest() > out.date) {
    return InvalidArgument("is after the date of the incident (" + in.date + ")", birth_field);
  }
  if (in.time) {
    ASSIGN_OR_RETURN(in.time, ParseTimeOfDay(*in.time, Field(prefix, "time")));
  }
  if (reference::FindProvince(in.province_code) == nullptr) {
    return InvalidArgument("is not a known province code", Field(prefix, "province_code"));
  }
  if (in.commune) RETURN_IF_ERROR(ValidateText(*in.commune, Field(prefix, "commune"), 1, 100));
  RETURN_IF_ERROR(CheckEnum(PlaceTypes(), in.place_type, Field(prefix, "place_type")));
  ASSIGN_OR_RETURN(auto given, EnumList(in.forms, ViolenceForms(), Field(prefix, "forms"),
                                        ViolenceForms().size()));
  if (in.description) {
    RETURN_IF_ERROR(ValidateNote(*in.description, Field(prefix, "description"), 1, 5000));
  }
  const std::string pf = Field(prefix, "perpetrators");
  if (in.perpetrators.size() > 5) return InvalidArgument("at most 5 perpetrators", pf);
  bool intimate = false;
  for (size_t i = 0; i < in.perpetrators.size(); ++i) {
    const auto& p = in.perpetrators[i];
    const std::string f = Item(pf, i);
    RETURN_IF_ERROR(CheckEnum(Relationships(), p.relationship, Field(f, "relationship")));
    intimate = intimate || IsIntimatePartner(p.relationship);
    if (p.works_in_sector) {
      RETURN_IF_ERROR(
          CheckEnum(access::Sectors(), *p.works_in_sector, Field(f, "works_in_sector")));
    }
    if (p.user_id && !LooksLikeId(*p.user_id)) {
      return InvalidArgument("is not a user id", Field(f, "user_id"));
    }
    if (p.name) RETURN_IF_ERROR(ValidateText(*p.name, Field(f, "name"), 1, 200));
    if (p.description) {
      RETURN_IF_ERROR(ValidateNote(*p.description, Field(f, "description"), 1, 2000));
    }
  }
  out.possibly_minor = child_case || (birth && MinimumAge(*birth, out.date) < 18);
  out.classification = Classify({in.facts, out.possibly_minor, intimate});
  std::set<std::string> forms(given.begin(), given.end());
  for (auto f : out.classification.implied_forms) forms.insert(std::string(f));
  for (auto f : ViolenceForms()) {
    if (forms.count(std::string(f))) out.forms.emplace_back(f);
  }
  if (out.forms.empty()) {
    return InvalidArgument("name at least one form of violence (or a fact implying one)",
                           Field(prefix, "forms"));
  }
  const IncidentFacts& x = in.facts;
  out.details = {{"commune", OptJson(in.commune)},
                 {"description", OptJson(in.description)},
                 {"facts",
                  {{"penetration", x.penetration},
                   {"unwanted_sexual_contact", x.unwanted_sexual_contact},
                   {"physical_assault", x.physical_assault},
                   {"forced_marriage", x.forced_marriage},
                   {"denial_of_resources", x.denial_of_resources},
                   {"psychological_abuse", x.psychological_abuse},
                   {"sexual_exploitation", x.sexual_exploitation},
                   {"harmful_traditional_practice", x.harmful_traditional_practice}}}};
  return out;
}

Status ValidateIntake(IntakeInput* in, const std::string& prefix, Micros now) {
  RETURN_IF_ERROR(CheckEnum(Channels(), in->channel, Field(prefix, "channel")));
  if (in->unit_id.empty()) return InvalidArgument("is required", Field(prefix, "unit_id"));
  if (!in->received_at) in->received_at = now;
  if (*in->received_at > now + 5 * kMicrosPerMinute) {
    return InvalidArgument("must not be in the future", Field(prefix, "received_at"));
  }
  if (in->channel == "referral" && !in->referred_by_unit_id) {
    return InvalidArgument("is required for a referral", Field(prefix, "referred_by_unit_id"));
  }
  if (in->channel == "ngo_on_behalf" && !in->on_behalf_unit_id) {
    return InvalidArgument("is required when an NGO acts on her behalf",
                           Field(prefix, "on_behalf_unit_id"));
  }
  if (in->notes) RETURN_IF_ERROR(ValidateNote(*in->notes, Field(prefix, "notes"), 1, 2000));
  return Status::Ok();
}

Status ValidateConsent(const ConsentInput& in, const std::string& prefix, bool child_case) {
  if (in.unit_id.empty()) return InvalidArgument("is required", Field(prefix, "unit_id"));
  if (in.purposes.empty()) {
    return InvalidArgument("name at least one purpose", Field(prefix, "purposes"));
  }
  RETURN_IF_ERROR(
      EnumList(in.purposes, ConsentPurposes(), Field(prefix, "purposes"), ConsentPurposes().size())
          .status());
  RETURN_IF_ERROR(CheckEnum(ConsentBases(), in.basis, Field(prefix, "basis")));
  RETURN_IF_ERROR(CheckEnum(ConsentMethods(), in.method, Field(prefix, "method")));
  if (in.basis == "legal_ground") {
    if (!child_case) {
      return InvalidArgument("a legal ground replaces consent only for a child's case",
                             Field(prefix, "basis"));
    }
    if (!in.legal_ground) {
      return InvalidArgument("is required with basis legal_ground", Field(prefix, "legal_ground"));
    }
    RETURN_IF_ERROR(CheckEnum(LegalGrounds(), *in.legal_ground, Field(prefix, "legal_ground")));
  } else if (in.legal_ground) {
    return InvalidArgument("only with basis legal_ground", Field(prefix, "legal_ground"));
  }
  return Status::Ok();
}

Status ValidateRisk(const RiskInput& in, const std::string& prefix) {
  const std::string f = Field(prefix, "answers");
  if (in.answers.empty()) return InvalidArgument("answer at least one question", f);
  for (const auto& answer : in.answers) {
    const std::string& key = answer.first;
    bool known = std::any_of(RiskQuestions().begin(), RiskQuestions().end(),
                             [&](const RiskQuestion& q) { return q.key == key; });
    std::string field = f;
    field.append(".").append(key);
    if (!known) return InvalidArgument("is not a question of the assessment", field);
    if (answer.second != "yes" && answer.second != "no" && answer.second != "unknown") {
      return InvalidArgument("must be one of: yes no unknown", field);
    }
  }
  return Status::Ok();
}

// --- document metadata ---------------------------------------------------------------------------

namespace {

enum class Kind { kText, kLongText, kPastDate, kAnyDate, kDays, kCount, kBool, kEnum, kEnumList };

struct MetaField {
  std::string_view name;
  Kind kind;
  bool required;
  const Vocabulary& (*vocab)() = nullptr;
};

const Vocabulary& Authorities() {
  static const Vocabulary kValues = {"prosecution", "court"};
  return kValues;
}

struct MetaSpec {
  std::string_view type;
  std::vector<MetaField> fields;
};

const std::vector<MetaSpec>& MetaSpecs() {
  static const std::vector<MetaSpec> kSpecs = {
      {"medical_certificate",
       {{"hospital_name", Kind::kText, false},
        {"doctor_name", Kind::kText, true},
        {"issued_on", Kind::kPastDate, true},
        {"itt_days", Kind::kDays, true},
        {"psychological_incapacity", Kind::kBool, false},
        {"psychological_itt_days", Kind::kDays, false},
        {"copy_handed_to_survivor", Kind::kBool, true},
        {"findings", Kind::kLongText, false}}},
      {"complaint",
       {{"filed_on", Kind::kPastDate, true},
        {"route", Kind::kEnum, true, ComplaintRoutes},
        {"registration_number", Kind::kText, false},
        {"summary", Kind::kLongText, false}}},
      {"police_minutes",
       {{"recorded_on", Kind::kPastDate, true},
        {"minutes_number", Kind::kText, false},
        {"statement_language", Kind::kEnum, false, Languages},
        {"read_back_in_her_language", Kind::kBool, false},
        {"interpreter_present", Kind::kBool, false},
        {"summary", Kind::kLongText, false}}},
      {"prosecution_decision",
       {{"decided_on", Kind::kPastDate, true},
        {"decision", Kind::kEnum, true, ProsecutionDecisions},
        {"measures", Kind::kEnumList, false, ProtectionMeasures},
        {"summary", Kind::kLongText, false}}},
      {"protection_order",
       {{"issued_on", Kind::kPastDate, true},
        {"issuing_authority", Kind::kEnum, true, Authorities},
        {"measures", Kind::kEnumList, true, ProtectionMeasures},
        {"valid_until", Kind::kAnyDate, false},
        {"summary", Kind::kLongText, false}}},
      {"hearing_record",
       {{"held_on", Kind::kPastDate, true},
        {"next_hearing_on", Kind::kAnyDate, false},
        {"private_hearing", Kind::kBool, false},
        {"summary", Kind::kLongText, false}}},
      {"judgment",
       {{"delivered_on", Kind::kPastDate, true},
        {"outcome", Kind::kEnum, true, JudgmentOutcomes},
        {"appealed", Kind::kBool, false},
        {"copy_given_to_survivor", Kind::kBool, true},
        {"summary", Kind::kLongText, false}}},
      {"shelter_admission",
       {{"admitted_on", Kind::kPastDate, true},
        {"expected_until", Kind::kAnyDate, false},
        {"children_admitted", Kind::kCount, false}}},
      {"other",
       {{"title", Kind::kText, true},
        {"dated", Kind::kPastDate, false},
        {"summary", Kind::kLongText, false}}},
  };
  return kSpecs;
}

Status CheckMetaValue(const MetaField& f, const Json& v, const std::string& field,
                      const Date& today) {
  switch (f.kind) {
    case Kind::kText:
    case Kind::kLongText:
      if (!v.is_string()) return InvalidArgument("must be a string", field);
      return ValidateText(v.get<std::string>(), field, 1, f.kind == Kind::kText ? 200 : 5000,
                          f.kind == Kind::kLongText);
    case Kind::kPastDate:
    case Kind::kAnyDate: {
      if (!v.is_string()) return InvalidArgument("must be a date YYYY-MM-DD", field);
      ASSIGN_OR_RETURN(Date d, ParseDate(v.get<std::string>(), field));
      if (f.kind == Kind::kPastDate && d > today) {
        return InvalidArgument("must not be in the future", field);
      }
      return Status::Ok();
    }
    case Kind::kDays:
    case Kind::kCount: {
      int64_t max = f.kind == Kind::kDays ? 365 : 20;
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > max) {
        return InvalidArgument("must be an integer between 0 and " + std::to_string(max), field);
      }
      return Status::Ok();
    }
    case Kind::kBool:
      if (!v.is_boolean()) return InvalidArgument("must be true or false", field);
      return Status::Ok();
    case Kind::kEnum:
      if (!v.is_string()) return InvalidArgument("must be a string", field);
      return CheckEnum(f.vocab(), v.get<std::string>(), field);
    case Kind::kEnumList: {
      if (!v.is_array()) return InvalidArgument("must be an array", field);
      std::vector<std::string> values;
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) return InvalidArgument("must be a string", Item(field, i));
        values.push_back(v[i].get<std::string>());
      }
      if (f.required && values.empty()) return InvalidArgument("name at least one", field);
      return EnumList(values, f.vocab(), field, f.vocab().size()).status();
    }
  }
  return Internal("unknown metadata kind");
}

}  // namespace

StatusOr<Json> ValidateDocumentMetadata(const std::string& type, const Json& metadata,
                                        const Date& today) {
  const MetaSpec* spec = nullptr;
  for (const auto& s : MetaSpecs()) {
    if (s.type == type) spec = &s;
  }
  if (spec == nullptr) {
    RETURN_IF_ERROR(CheckEnum(DocumentTypes(), type, "type"));
    return Internal("no metadata fields for document type " + type);
  }
  if (!metadata.is_object()) return InvalidArgument("must be a JSON object", "metadata");
  Json out = Json::object();
  for (auto it = metadata.begin(); it != metadata.end(); ++it) {
    bool known = std::any_of(spec->fields.begin(), spec->fields.end(),
                             [&](const MetaField& f) { return f.name == it.key(); });
    if (!known) {
      return InvalidArgument("is not a field of a " + type + " document", "metadata." + it.key());
    }
  }
  for (const auto& f : spec->fields) {
    const std::string field = "metadata." + std::string(f.name);
    auto it = metadata.find(f.name);
    if (it == metadata.end() || it->is_null()) {
      if (f.required) return InvalidArgument("is required", field);
      continue;
    }
    RETURN_IF_ERROR(CheckMetaValue(f, *it, field, today));
    out[std::string(f.name)] = *it;
  }
  return out;
}

}  // namespace tamkine::cases
