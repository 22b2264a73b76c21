#include "referrals/rules.h"

#include <algorithm>

namespace tamkine::referrals {

namespace {

bool In(const std::vector<std::string_view>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

}  // namespace

const std::vector<ServiceRule>& ServiceRules() {
  // Each provider sector must fit the purpose (access::PurposeFitsSector), or her consent could
  // never be recorded for it; rules_test.cc checks that.
  static const std::vector<ServiceRule> kRules = {
      {"medical_care", "medical_care", {"health"}},
      {"psychological_care", "psychological_care", {"health"}},
      {"shelter", "shelter", {"ngo_shelter", "entraide_nationale"}},
      {"legal_aid", "legal_aid", {"ngo_listening", "ngo_shelter", "entraide_nationale"}},
      {"social_support",
       "social_support",
       {"ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection", "health"}},
      {"child_protection", "child_protection", {"child_protection"}},
      {"economic_integration",
       "economic_integration",
       {"ngo_listening", "ngo_shelter", "entraide_nationale"}},
      // Translators work in courts, listening centres and Entraide; they need her social file.
      {"translation", "social_support", {"ngo_listening", "entraide_nationale", "court"}},
  };
  return kRules;
}

const ServiceRule* FindService(std::string_view service) {
  for (const auto& r : ServiceRules()) {
    if (r.service == service) return &r;
  }
  return nullptr;
}

const std::vector<std::string_view>& Priorities() {
  static const std::vector<std::string_view> kValues = {"urgent", "priority", "normal"};
  return kValues;
}

const std::vector<std::string_view>& States() {
  static const std::vector<std::string_view> kValues = {"proposed", "accepted", "declined",
                                                        "cancelled", "completed"};
  return kValues;
}

StatusOr<std::string> CheckConsent(const ConsentCheck& c) {
  const ServiceRule* rule = FindService(c.service);
  if (rule == nullptr) return InvalidArgument("is not a known service", "service");
  if (c.to_unit_id == c.from_unit_id) {
    return InvalidArgument("a unit cannot refer her to itself", "to_unit_id");
  }
  if (!In(rule->sectors, c.to_sector)) {
    return InvalidArgument("a unit of sector " + c.to_sector + " does not provide " + c.service,
                           "to_unit_id");
  }
  if (c.to_unit_id == c.opening_unit_id) return std::string("opening_unit");
  for (const auto& a : c.active) {
    if (a.unit_id != c.to_unit_id || a.purpose != rule->purpose) continue;
    if (a.basis == "consent") return std::string("consent");
    if (a.basis == "legal_ground" && c.case_kind == "child") return std::string("legal_ground");
  }
  return InvalidArgument(std::string("she has not consented to sharing her case with this unit "
                                     "for ") +
                             std::string(rule->purpose) +
                             (c.case_kind == "child" ? " (nor is there a legal ground)" : "") +
                             "; record her consent first",
                         "to_unit_id");
}

StatusOr<std::string> NextState(std::string_view state, std::string_view action) {
  struct Move {
    std::string_view from;
    std::string_view action;
    std::string_view to;
  };
  static const Move kMoves[] = {
      {"proposed", "accept", "accepted"},
      {"proposed", "decline", "declined"},
      {"proposed", "cancel", "cancelled"},
      {"accepted", "complete", "completed"},
  };
  for (const auto& m : kMoves) {
    if (m.from == state && m.action == action) return std::string(m.to);
  }
  return FailedPrecondition(
      "a referral that is " + std::string(state) + " does not allow " + std::string(action),
      "state");
}

}  // namespace tamkine::referrals
