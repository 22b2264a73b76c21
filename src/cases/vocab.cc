#include "cases/vocab.h"

#include <algorithm>

#include "access/authorize.h"

namespace tamkine::cases {

const Vocabulary& Channels() {
  static const Vocabulary v = {"in_person",     "hotline",  "online_self_report",
                               "ngo_on_behalf", "referral", "ex_officio"};
  return v;
}
const Vocabulary& CaseKinds() {
  static const Vocabulary v = {"adult", "child"};
  return v;
}
const Vocabulary& ChildRoles() {
  static const Vocabulary v = {"victim", "accompanying"};
  return v;
}
const Vocabulary& Languages() {
  static const Vocabulary v = {"darija",  "arabic",    "tachelhit", "tamazight",
                               "tarifit", "hassaniya", "french",    "other"};
  return v;
}
const Vocabulary& ReadingAbilities() {
  static const Vocabulary v = {"reads", "reads_with_difficulty", "cannot_read", "unknown"};
  return v;
}
const Vocabulary& Disabilities() {
  static const Vocabulary v = {"physical",     "visual",       "hearing", "speech",
                               "intellectual", "psychosocial", "other"};
  return v;
}
const Vocabulary& MaritalStatuses() {
  static const Vocabulary v = {"single",    "married", "divorced", "widowed",
                               "separated", "engaged", "unknown"};
  return v;
}
const Vocabulary& Sexes() {
  static const Vocabulary v = {"female", "male", "unknown"};
  return v;
}
const Vocabulary& ViolenceForms() {
  static const Vocabulary v = {"physical", "sexual", "psychological", "economic"};
  return v;
}
const Vocabulary& PlaceTypes() {
  static const Vocabulary v = {
      "home",        "relative_home", "street",          "public_transport",
      "workplace",   "school",        "health_facility", "institution",
      "rural_field", "online",        "other",           "unknown"};
  return v;
}
const Vocabulary& Relationships() {
  static const Vocabulary v = {"husband",      "ex_husband",     "fiance",    "partner",
                               "ex_partner",   "father",         "mother",    "brother",
                               "son",          "other_relative", "in_law",    "employer",
                               "colleague",    "teacher",        "neighbour", "authority_figure",
                               "acquaintance", "stranger",       "other",     "unknown"};
  return v;
}
const Vocabulary& ConsentBases() {
  static const Vocabulary v = {"consent", "legal_ground"};
  return v;
}
const Vocabulary& ConsentMethods() {
  static const Vocabulary v = {"oral", "written", "guardian"};
  return v;
}
const Vocabulary& LegalGrounds() {
  static const Vocabulary v = {"child_protection_mandate", "judicial_order",
                               "prosecutor_instruction"};
  return v;
}
const Vocabulary& RevokeReasons() {
  static const Vocabulary v = {"survivor_request", "recorded_in_error", "other"};
  return v;
}
const Vocabulary& CloseReasons() {
  static const Vocabulary v = {"services_completed", "survivor_request",   "no_contact",
                               "moved_away",         "referred_elsewhere", "duplicate",
                               "judgment_enforced",  "no_grounds",         "other"};
  return v;
}
const Vocabulary& ExclusionReasons() {
  static const Vocabulary v = {"perpetrator", "related"};
  return v;
}
const Vocabulary& BtgReviewOutcomes() {
  static const Vocabulary v = {"justified", "unjustified"};
  return v;
}
const Vocabulary& AlertKinds() {
  static const Vocabulary v = {"high_risk", "break_glass", "intake_attached"};
  return v;
}
const Vocabulary& RiskLevels() {
  static const Vocabulary v = {"not_assessed", "low", "medium", "high"};
  return v;
}
const Vocabulary& AgeBands() {
  static const Vocabulary v = {"0-11", "12-17", "18-29", "30-44", "45-59", "60+", "unknown"};
  return v;
}
const Vocabulary& ProtectionMeasures() {
  static const Vocabulary v = {"no_contact",
                               "no_approach",
                               "no_communication",
                               "removal_from_home",
                               "return_children_home",
                               "offender_treatment",
                               "pledge"};
  return v;
}
const Vocabulary& ProsecutionDecisions() {
  static const Vocabulary v = {"prosecute", "protection_measures", "further_investigation",
                               "close_without_action", "other"};
  return v;
}
const Vocabulary& JudgmentOutcomes() {
  static const Vocabulary v = {"conviction", "acquittal", "dismissal", "other"};
  return v;
}
const Vocabulary& ComplaintRoutes() {
  static const Vocabulary v = {"in_person", "online", "phone_or_fax", "by_ngo", "written"};
  return v;
}
const Vocabulary& Compartments() { return access::CaseCompartments(); }
const Vocabulary& ConsentPurposes() { return access::ConsentPurposes(); }
const Vocabulary& DocumentTypes() { return access::CaseDocumentTypes(); }

bool IsIntimatePartner(std::string_view relationship) {
  static const Vocabulary v = {"husband", "ex_husband", "fiance", "partner", "ex_partner"};
  return std::find(v.begin(), v.end(), relationship) != v.end();
}

Status CheckEnum(const Vocabulary& v, std::string_view value, std::string_view field) {
  if (std::find(v.begin(), v.end(), value) != v.end()) return Status::Ok();
  std::string msg = "must be one of:";
  for (auto a : v) {
    msg += ' ';
    msg += a;
  }
  return InvalidArgument(msg, std::string(field));
}

}  // namespace tamkine::cases
