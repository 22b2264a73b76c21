#include "cases/vocab.h"

#include <algorithm>

#include "access/authorize.h"

namespace tamkine::cases {

const Vocabulary& Channels() {
  static const Vocabulary kValues = {"in_person",     "hotline",  "online_self_report",
                                     "ngo_on_behalf", "referral", "ex_officio"};
  return kValues;
}
const Vocabulary& CaseKinds() {
  static const Vocabulary kValues = {"adult", "child"};
  return kValues;
}
const Vocabulary& ChildRoles() {
  static const Vocabulary kValues = {"victim", "accompanying"};
  return kValues;
}
const Vocabulary& Languages() {
  static const Vocabulary kValues = {"darija",  "arabic",    "tachelhit", "tamazight",
                                     "tarifit", "hassaniya", "french",    "other"};
  return kValues;
}
const Vocabulary& ReadingAbilities() {
  static const Vocabulary kValues = {"reads", "reads_with_difficulty", "cannot_read", "unknown"};
  return kValues;
}
const Vocabulary& Disabilities() {
  static const Vocabulary kValues = {"physical",     "visual",       "hearing", "speech",
                                     "intellectual", "psychosocial", "other"};
  return kValues;
}
const Vocabulary& MaritalStatuses() {
  static const Vocabulary kValues = {"single",    "married", "divorced", "widowed",
                                     "separated", "engaged", "unknown"};
  return kValues;
}
const Vocabulary& Sexes() {
  static const Vocabulary kValues = {"female", "male", "unknown"};
  return kValues;
}
const Vocabulary& ViolenceForms() {
  static const Vocabulary kValues = {"physical", "sexual", "psychological", "economic"};
  return kValues;
}
const Vocabulary& PlaceTypes() {
  static const Vocabulary kValues = {
      "home",        "relative_home", "street",          "public_transport",
      "workplace",   "school",        "health_facility", "institution",
      "rural_field", "online",        "other",           "unknown"};
  return kValues;
}
const Vocabulary& Relationships() {
  static const Vocabulary kValues = {
      "husband",          "ex_husband",   "fiance",    "partner", "ex_partner",
      "father",           "mother",       "brother",   "son",     "other_relative",
      "in_law",           "employer",     "colleague", "teacher", "neighbour",
      "authority_figure", "acquaintance", "stranger",  "other",   "unknown"};
  return kValues;
}
const Vocabulary& ConsentBases() {
  static const Vocabulary kValues = {"consent", "legal_ground"};
  return kValues;
}
const Vocabulary& ConsentMethods() {
  static const Vocabulary kValues = {"oral", "written", "guardian"};
  return kValues;
}
const Vocabulary& LegalGrounds() {
  static const Vocabulary kValues = {"child_protection_mandate", "judicial_order",
                                     "prosecutor_instruction"};
  return kValues;
}
const Vocabulary& RevokeReasons() {
  static const Vocabulary kValues = {"survivor_request", "recorded_in_error", "other"};
  return kValues;
}
const Vocabulary& CloseReasons() {
  static const Vocabulary kValues = {"services_completed", "survivor_request",   "no_contact",
                                     "moved_away",         "referred_elsewhere", "duplicate",
                                     "judgment_enforced",  "no_grounds",         "other"};
  return kValues;
}
const Vocabulary& ExclusionReasons() {
  static const Vocabulary kValues = {"perpetrator", "related"};
  return kValues;
}
const Vocabulary& BtgReviewOutcomes() {
  static const Vocabulary kValues = {"justified", "unjustified"};
  return kValues;
}
const Vocabulary& AlertKinds() {
  static const Vocabulary kValues = {"high_risk", "break_glass", "intake_attached",
                                     "work_item_overdue"};
  return kValues;
}
const Vocabulary& RiskLevels() {
  static const Vocabulary kValues = {"not_assessed", "low", "medium", "high"};
  return kValues;
}
const Vocabulary& AgeBands() {
  static const Vocabulary kValues = {"0-11", "12-17", "18-29", "30-44", "45-59", "60+", "unknown"};
  return kValues;
}
const Vocabulary& ProtectionMeasures() {
  static const Vocabulary kValues = {"no_contact",
                                     "no_approach",
                                     "no_communication",
                                     "removal_from_home",
                                     "return_children_home",
                                     "offender_treatment",
                                     "pledge"};
  return kValues;
}
const Vocabulary& ProsecutionDecisions() {
  static const Vocabulary kValues = {"prosecute", "protection_measures", "further_investigation",
                                     "close_without_action", "other"};
  return kValues;
}
const Vocabulary& JudgmentOutcomes() {
  static const Vocabulary kValues = {"conviction", "acquittal", "dismissal", "other"};
  return kValues;
}
const Vocabulary& ComplaintRoutes() {
  static const Vocabulary kValues = {"in_person", "online", "phone_or_fax", "by_ngo", "written"};
  return kValues;
}
const Vocabulary& Compartments() { return access::CaseCompartments(); }
const Vocabulary& ConsentPurposes() { return access::ConsentPurposes(); }
const Vocabulary& DocumentTypes() { return access::CaseDocumentTypes(); }

bool IsIntimatePartner(std::string_view relationship) {
  static const Vocabulary kValues = {"husband", "ex_husband", "fiance", "partner", "ex_partner"};
  return std::find(kValues.begin(), kValues.end(), relationship) != kValues.end();
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
