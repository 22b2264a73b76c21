#include "cases/classify.h"

namespace tamkine::cases {

namespace {

struct TypeRule {
  bool IncidentFacts::*fact;
  std::string_view type;
  std::string_view implied_form;  // "" when none
};

// DOMAIN.md's order; the first "yes" is the core type.
const TypeRule kTypeRules[] = {
    {&IncidentFacts::penetration, "rape", "sexual"},
    {&IncidentFacts::unwanted_sexual_contact, "sexual_assault", "sexual"},
    {&IncidentFacts::physical_assault, "physical_assault", "physical"},
    {&IncidentFacts::forced_marriage, "forced_marriage", ""},
    {&IncidentFacts::denial_of_resources, "denial_of_resources", "economic"},
    {&IncidentFacts::psychological_abuse, "psychological_abuse", "psychological"},
};

}  // namespace

const std::vector<std::string_view>& GbvTypes() {
  static const std::vector<std::string_view> kValues = {"rape",
                                                        "sexual_assault",
                                                        "physical_assault",
                                                        "forced_marriage",
                                                        "denial_of_resources",
                                                        "psychological_abuse",
                                                        "non_gbv"};
  return kValues;
}

const std::vector<std::string_view>& ContextFlags() {
  static const std::vector<std::string_view> kValues = {
      "intimate_partner_violence", "child_sexual_abuse", "early_marriage",
      "possible_sexual_exploitation", "harmful_traditional_practice"};
  return kValues;
}

Classification Classify(const ClassificationInput& in) {
  Classification c;
  c.gbv_type = "non_gbv";
  for (const auto& rule : kTypeRules) {
    if (in.facts.*rule.fact) {
      c.gbv_type = rule.type;
      break;
    }
  }
  for (const auto& rule : kTypeRules) {
    if (!(in.facts.*rule.fact) || rule.implied_form.empty()) continue;
    bool seen = false;
    for (auto f : c.implied_forms) seen = seen || f == rule.implied_form;
    if (!seen) c.implied_forms.push_back(rule.implied_form);
  }
  const bool sexual = in.facts.penetration || in.facts.unwanted_sexual_contact;
  if (in.intimate_partner && c.gbv_type != "non_gbv")
    c.flags.emplace_back("intimate_partner_violence");
  if (sexual && in.possibly_minor) c.flags.emplace_back("child_sexual_abuse");
  if (in.facts.forced_marriage && in.possibly_minor) c.flags.emplace_back("early_marriage");
  if (in.facts.sexual_exploitation) c.flags.emplace_back("possible_sexual_exploitation");
  if (in.facts.harmful_traditional_practice) c.flags.emplace_back("harmful_traditional_practice");
  return c;
}

const std::vector<RiskQuestion>& RiskQuestions() {
  static const std::vector<RiskQuestion> kValues = {
      {"threatened_to_kill", true, "Has he threatened to kill you or your children?"},
      {"weapon_used_or_threatened", true, "Has he used or threatened you with a weapon?"},
      {"strangled_or_choked", true, "Has he ever tried to strangle or choke you?"},
      {"believes_he_could_kill", true, "Do you think he could kill you?"},
      {"violence_increasing", false, "Has the violence become more frequent or more severe?"},
      {"has_weapon_access", false, "Does he have a weapon or easy access to one?"},
      {"controlling_jealousy", false, "Is he violently jealous, does he control your days?"},
      {"recent_separation", false, "Have you left him, or are you trying to leave?"},
      {"beaten_while_pregnant", false, "Has he hit you while you were pregnant?"},
      {"threatened_suicide", false, "Has he threatened or attempted suicide?"},
      {"children_threatened", false, "Has he hurt or threatened the children?"},
      {"forced_sex", false, "Has he forced you to have sex?"},
  };
  return kValues;
}

RiskResult AssessRisk(const std::map<std::string, std::string, std::less<>>& answers) {
  RiskResult r;
  int other_yes = 0;
  for (const auto& q : RiskQuestions()) {
    auto it = answers.find(q.key);
    if (it == answers.end() || it->second != "yes") continue;
    ++r.score;
    if (q.critical) {
      r.critical_yes.push_back(q.key);
    } else {
      ++other_yes;
    }
  }
  if (!r.critical_yes.empty() || other_yes >= 4) {
    r.level = "high";
  } else if (other_yes >= 2) {
    r.level = "medium";
  } else {
    r.level = "low";
  }
  return r;
}

}  // namespace tamkine::cases
