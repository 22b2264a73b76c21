// Pure rules over incident and risk facts: the GBVIMS core type (asked in DOMAIN.md's order,
// stopping at the first yes), the context flags, the forms of violence the facts imply, and the
// short danger assessment whose "high" result raises an urgent alert.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tamkine::cases {

// What happened, as yes/no facts (an unanswered fact is "no").
struct IncidentFacts {
  bool penetration = false;              // 1 rape
  bool unwanted_sexual_contact = false;  // 2 sexual assault (including attempted rape)
  bool physical_assault = false;         // 3
  bool forced_marriage = false;          // 4
  bool denial_of_resources = false;      // 5 resources, opportunities or services
  bool psychological_abuse = false;      // 6
  bool sexual_exploitation = false;      // context: possible sexual exploitation
  bool harmful_traditional_practice = false;
};

struct ClassificationInput {
  IncidentFacts facts;
  bool possibly_minor = false;    // she may have been under 18 on the day (unknown birth: false)
  bool intimate_partner = false;  // a perpetrator is a (former) husband, fiancé or partner
};

struct Classification {
  std::string_view gbv_type;                    // rape … psychological_abuse, or non_gbv
  std::vector<std::string_view> flags;          // ipv, child_sexual_abuse, early_marriage, ...
  std::vector<std::string_view> implied_forms;  // Law 103-13 forms the facts imply
};

// The GBVIMS core types in the order they are asked, then "non_gbv".
const std::vector<std::string_view>& GbvTypes();
const std::vector<std::string_view>& ContextFlags();

Classification Classify(const ClassificationInput& in);

// The danger assessment: yes/no/unknown answers to fixed questions.
struct RiskQuestion {
  std::string_view key;
  bool critical;  // one "yes" makes the result high
  std::string_view text;
};
const std::vector<RiskQuestion>& RiskQuestions();

struct RiskResult {
  std::string_view level;  // low | medium | high
  int score = 0;           // number of "yes" answers
  std::vector<std::string_view> critical_yes;
};

// High when any critical question is "yes" or at least 4 others are; medium from 2; else low.
// `answers` maps question keys to "yes", "no" or "unknown" (validated by the caller).
RiskResult AssessRisk(const std::map<std::string, std::string, std::less<>>& answers);

}  // namespace tamkine::cases
