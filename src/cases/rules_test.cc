// The pure rules of the case file, table-driven: GBVIMS classification (every branch and flag),
// the danger assessment, the lifecycle (every allowed move, a sample of forbidden ones, and a
// policy row for every move), reference and follow-up codes, dates, names.
#include <gtest/gtest.h>

#include <set>

#include "access/authorize.h"
#include "cases/classify.h"
#include "cases/codes.h"
#include "cases/dates.h"
#include "cases/lifecycle.h"
#include "cases/names.h"

namespace tamkine::cases {
namespace {

struct ClassCase {
  const char* name;
  IncidentFacts facts;
  bool minor;
  bool partner;
  std::string_view type;
  std::vector<std::string_view> flags;
  std::vector<std::string_view> forms;
};

IncidentFacts F(std::initializer_list<bool IncidentFacts::*> set) {
  IncidentFacts f;
  for (auto m : set) f.*m = true;
  return f;
}

TEST(ClassifyTest, EveryBranchInOrder) {
  using I = IncidentFacts;
  std::vector<ClassCase> cases = {
      {"nothing", {}, false, false, "non_gbv", {}, {}},
      {"rape", F({&I::penetration}), false, false, "rape", {}, {"sexual"}},
      {"rape wins over everything",
       F({&I::penetration, &I::unwanted_sexual_contact, &I::physical_assault, &I::forced_marriage,
          &I::denial_of_resources, &I::psychological_abuse}),
       false,
       false,
       "rape",
       {},
       {"sexual", "physical", "economic", "psychological"}},
      {"sexual assault",
       F({&I::unwanted_sexual_contact}),
       false,
       false,
       "sexual_assault",
       {},
       {"sexual"}},
      {"sexual assault over physical",
       F({&I::unwanted_sexual_contact, &I::physical_assault}),
       false,
       false,
       "sexual_assault",
       {},
       {"sexual", "physical"}},
      {"physical", F({&I::physical_assault}), false, false, "physical_assault", {}, {"physical"}},
      {"physical over forced marriage",
       F({&I::physical_assault, &I::forced_marriage}),
       false,
       false,
       "physical_assault",
       {},
       {"physical"}},
      {"forced marriage", F({&I::forced_marriage}), false, false, "forced_marriage", {}, {}},
      {"forced marriage over denial",
       F({&I::forced_marriage, &I::denial_of_resources}),
       false,
       false,
       "forced_marriage",
       {},
       {"economic"}},
      {"denial",
       F({&I::denial_of_resources}),
       false,
       false,
       "denial_of_resources",
       {},
       {"economic"}},
      {"denial over psychological",
       F({&I::denial_of_resources, &I::psychological_abuse}),
       false,
       false,
       "denial_of_resources",
       {},
       {"economic", "psychological"}},
      {"psychological",
       F({&I::psychological_abuse}),
       false,
       false,
       "psychological_abuse",
       {},
       {"psychological"}},
      // Flags.
      {"intimate partner",
       F({&I::physical_assault}),
       false,
       true,
       "physical_assault",
       {"intimate_partner_violence"},
       {"physical"}},
      {"no IPV flag without GBV", {}, false, true, "non_gbv", {}, {}},
      {"child sexual abuse (rape)",
       F({&I::penetration}),
       true,
       false,
       "rape",
       {"child_sexual_abuse"},
       {"sexual"}},
      {"child sexual abuse (assault)",
       F({&I::unwanted_sexual_contact}),
       true,
       false,
       "sexual_assault",
       {"child_sexual_abuse"},
       {"sexual"}},
      {"no CSA for an adult", F({&I::penetration}), false, false, "rape", {}, {"sexual"}},
      {"no CSA for physical only",
       F({&I::physical_assault}),
       true,
       false,
       "physical_assault",
       {},
       {"physical"}},
      {"early marriage",
       F({&I::forced_marriage}),
       true,
       false,
       "forced_marriage",
       {"early_marriage"},
       {}},
      {"no early marriage for an adult",
       F({&I::forced_marriage}),
       false,
       false,
       "forced_marriage",
       {},
       {}},
      {"possible exploitation",
       F({&I::sexual_exploitation}),
       false,
       false,
       "non_gbv",
       {"possible_sexual_exploitation"},
       {}},
      {"harmful practice",
       F({&I::harmful_traditional_practice, &I::physical_assault}),
       false,
       false,
       "physical_assault",
       {"harmful_traditional_practice"},
       {"physical"}},
      {"every flag",
       F({&I::penetration, &I::forced_marriage, &I::sexual_exploitation,
          &I::harmful_traditional_practice}),
       true,
       true,
       "rape",
       {"intimate_partner_violence", "child_sexual_abuse", "early_marriage",
        "possible_sexual_exploitation", "harmful_traditional_practice"},
       {"sexual"}},
  };
  for (const auto& c : cases) {
    Classification got = Classify({c.facts, c.minor, c.partner});
    EXPECT_EQ(got.gbv_type, c.type) << c.name;
    EXPECT_EQ(got.flags, c.flags) << c.name;
    EXPECT_EQ(got.implied_forms, c.forms) << c.name;
  }
}

TEST(ClassifyTest, GbvTypesListTheOrder) {
  EXPECT_EQ(GbvTypes().front(), "rape");
  EXPECT_EQ(GbvTypes().back(), "non_gbv");
  EXPECT_EQ(GbvTypes().size(), 7u);
}

TEST(RiskTest, Levels) {
  using Answers = std::map<std::string, std::string, std::less<>>;
  struct Row {
    const char* name;
    Answers answers;
    std::string_view level;
    int score;
  };
  std::vector<Row> rows = {
      {"nothing", {}, "low", 0},
      {"all no", {{"threatened_to_kill", "no"}, {"violence_increasing", "no"}}, "low", 0},
      {"one critical", {{"strangled_or_choked", "yes"}}, "high", 1},
      {"each critical alone (kill)", {{"threatened_to_kill", "yes"}}, "high", 1},
      {"each critical alone (weapon)", {{"weapon_used_or_threatened", "yes"}}, "high", 1},
      {"each critical alone (belief)", {{"believes_he_could_kill", "yes"}}, "high", 1},
      {"one other", {{"violence_increasing", "yes"}}, "low", 1},
      {"two others",
       {{"violence_increasing", "yes"}, {"controlling_jealousy", "yes"}},
       "medium",
       2},
      {"three others",
       {{"violence_increasing", "yes"}, {"controlling_jealousy", "yes"}, {"forced_sex", "yes"}},
       "medium",
       3},
      {"four others",
       {{"violence_increasing", "yes"},
        {"controlling_jealousy", "yes"},
        {"forced_sex", "yes"},
        {"recent_separation", "yes"}},
       "high",
       4},
      {"unknown is not yes",
       {{"threatened_to_kill", "unknown"}, {"forced_sex", "unknown"}},
       "low",
       0},
  };
  for (const auto& r : rows) {
    RiskResult got = AssessRisk(r.answers);
    EXPECT_EQ(got.level, r.level) << r.name;
    EXPECT_EQ(got.score, r.score) << r.name;
  }
}

TEST(LifecycleTest, EveryAllowedMove) {
  for (const auto& e : Edges()) {
    auto k = CheckMove(e.track, e.from, e.to);
    ASSERT_TRUE(k.ok()) << e.track << " " << e.from << "->" << e.to << ": "
                        << k.status().ToString();
    MoveKind want = IsClosedStatus(e.track, e.to)     ? MoveKind::kClose
                    : IsClosedStatus(e.track, e.from) ? MoveKind::kReopen
                                                      : MoveKind::kStep;
    EXPECT_EQ(*k, want) << e.track << " " << e.from << "->" << e.to;
  }
}

TEST(LifecycleTest, ForbiddenMoves) {
  struct Row {
    const char* track;
    const char* from;
    const char* to;
  };
  std::vector<Row> rows = {
      {"care", "reception", "shelter"},
      {"care", "reception", "economic_integration"},
      {"care", "orientation", "economic_integration"},
      {"care", "medical", "medical"},
      {"care", "closed", "economic_integration"},
      {"care", "economic_integration", "reception"},
      {"justice", "none", "judgment"},
      {"justice", "none", "closed"},
      {"justice", "complaint", "judgment"},
      {"justice", "hearings", "closed_without_action"},
      {"justice", "closed", "enforcement"},
      {"justice", "enforcement", "complaint"},
      {"child", "report", "support"},
      {"child", "closed", "support"},
      {"child", "reception", "report"},
  };
  for (const auto& r : rows) {
    auto k = CheckMove(r.track, r.from, r.to);
    EXPECT_EQ(k.status().code(), StatusCode::kFailedPrecondition)
        << r.track << " " << r.from << "->" << r.to;
    EXPECT_EQ(k.status().field(), "to");
  }
  EXPECT_EQ(CheckMove("care", "reception", "hearings").status().field(), "to");
  EXPECT_EQ(CheckMove("care", "reception", "hearings").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckMove("money", "a", "b").status().field(), "track");
}

TEST(LifecycleTest, EveryMoveHasSomeoneAllowedToMakeIt) {
  // The policy (access/authorize.cc) must name at least one sector and role for each target.
  std::set<std::string> targets;
  for (const auto& e : Edges()) targets.insert(std::string(e.track) + ":" + std::string(e.to));
  for (const auto& t : targets) {
    bool someone = false;
    for (auto sector : access::Sectors()) {
      for (auto role : access::Roles()) {
        access::Subject s;
        s.user_id = "u";
        s.memberships.push_back(
            {"unit", "Unit", std::string(sector), 3, "03.01", std::string(role)});
        access::Resource r;
        r.type = "case";
        r.id = "c";
        r.unit_id = "unit";
        r.region_code = 3;
        r.subtype = t;
        someone = someone || access::Authorize(s, "case.transition", r).allowed;
      }
    }
    EXPECT_TRUE(someone) << "nobody may make the move " << t;
  }
}

TEST(LifecycleTest, NextStepAndCaseStatus) {
  EXPECT_EQ(NextStep("care", "reception"), "orientation");
  EXPECT_EQ(NextStep("care", "shelter"), "training");
  EXPECT_EQ(NextStep("care", "closed"), "");
  EXPECT_EQ(NextStep("justice", "none"), "complaint");
  EXPECT_EQ(NextStep("justice", "judgment"), "enforcement");
  EXPECT_EQ(NextStep("justice", "closed_without_action"), "");
  EXPECT_EQ(NextStep("child", "report"), "reception");
  EXPECT_EQ(CaseStatus("care", "closed", "none"), "closed");
  EXPECT_EQ(CaseStatus("care", "closed", "hearings"), "open");
  EXPECT_EQ(CaseStatus("care", "closed", "closed_without_action"), "closed");
  EXPECT_EQ(CaseStatus("care", "medical", "closed"), "open");
  EXPECT_EQ(InitialStatus("care"), "reception");
  EXPECT_EQ(InitialStatus("justice"), "none");
  EXPECT_EQ(InitialStatus("child"), "report");
}

TEST(CodesTest, ReferenceCodesAreReadableAndChecked) {
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) {
    std::string code = NewReferenceCode();
    ASSERT_EQ(code.size(), 18u) << code;
    EXPECT_EQ(code.substr(0, 4), "TMK-");
    EXPECT_EQ(code[8], '-');
    EXPECT_EQ(code[13], '-');
    EXPECT_TRUE(seen.insert(code).second);
    EXPECT_EQ(NormaliseReferenceCode(code), code);
    std::string typed;
    for (char c : code.substr(4)) {
      if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(NormaliseReferenceCode(typed), code) << typed;
    // Every single-character substitution is caught.
    std::string body = code.substr(4, 4) + code.substr(9, 4) + code.substr(14, 4);
    for (size_t pos = 0; pos < body.size(); ++pos) {
      std::string wrong = body;
      wrong[pos] = wrong[pos] == 'A' ? 'B' : 'A';
      EXPECT_FALSE(NormaliseReferenceCode(wrong)) << body << " vs " << wrong;
    }
    // And every transposition of two different adjacent characters.
    for (size_t pos = 0; pos + 1 < body.size(); ++pos) {
      if (body[pos] == body[pos + 1]) continue;
      std::string swapped = body;
      std::swap(swapped[pos], swapped[pos + 1]);
      EXPECT_FALSE(NormaliseReferenceCode(swapped)) << body << " vs " << swapped;
    }
  }
  EXPECT_FALSE(NormaliseReferenceCode("TMK-1234"));
  EXPECT_FALSE(NormaliseReferenceCode("TMK-UUUU-UUUU-UUUU"));
}

TEST(CodesTest, FollowupCodes) {
  std::string code = NewFollowupCode();
  ASSERT_EQ(code.size(), 23u);
  EXPECT_EQ(NormaliseFollowupCode(code), code);
  std::string lower;
  for (char c : code) {
    if (c != '-') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(NormaliseFollowupCode(lower), code);
  EXPECT_NE(FollowupDigest(code), FollowupDigest(NewFollowupCode()));
  EXPECT_EQ(FollowupDigest(code).size(), 64u);
  EXPECT_EQ(FollowupDigest(code).find(code), std::string::npos);
  std::string wrong = code;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(NormaliseFollowupCode(wrong));
  // I, L and O are read as 1, 1 and 0.
  EXPECT_EQ(CheckCharacter("10"), CheckCharacter("10"));
}

TEST(DatesTest, ParsingAndAges) {
  EXPECT_EQ(ParsePartialDate("1990", "f")->ToString(), "1990");
  EXPECT_EQ(ParsePartialDate("1990-05", "f")->ToString(), "1990-05");
  EXPECT_EQ(ParsePartialDate("2024-02-29", "f")->ToString(), "2024-02-29");
  EXPECT_EQ(ParsePartialDate("2025-02-29", "f").status().field(), "f");
  EXPECT_EQ(ParsePartialDate("1990-13", "f").status().field(), "f");
  EXPECT_FALSE(ParsePartialDate("90-01-01", "f").ok());
  EXPECT_FALSE(ParseDate("1990-05", "f").ok());
  EXPECT_FALSE(ParseTimeOfDay("24:00", "t").ok());
  EXPECT_TRUE(ParseTimeOfDay("23:59", "t").ok());
  Date on{2026, 6, 15};
  EXPECT_EQ(MinimumAge(*ParsePartialDate("2008-06-15", "f"), on), 18);
  EXPECT_EQ(MinimumAge(*ParsePartialDate("2008-06-16", "f"), on), 17);
  EXPECT_EQ(MinimumAge(*ParsePartialDate("2008", "f"), on), 17);  // may be born in December
  EXPECT_EQ(AgeBand(17), "12-17");
  EXPECT_EQ(AgeBand(18), "18-29");
  EXPECT_EQ(AgeBand(-1), "unknown");
  // 2026-01-01T23:30:00Z is already 2026-01-02 in Morocco (UTC+1).
  EXPECT_EQ(
      MoroccoDate(1'767'225'600'000'000 + 23 * kMicrosPerHour + 30 * kMicrosPerMinute).ToString(),
      "2026-01-02");
  EXPECT_EQ(MoroccoDate(1'767'225'600'000'000).ToString(), "2026-01-01");
  EXPECT_EQ(DaysSinceEpoch({1970, 1, 1}), 0);
  EXPECT_EQ(DaysSinceEpoch({2026, 1, 1}), 20454);
}

// True when, in some plan, every word of `query` finds a key of `indexed` (how name search
// matches, without the HMAC).
bool Matches(const std::string& indexed, const std::string& query) {
  auto keys = NameKeys(indexed);
  std::set<std::string> have(keys.begin(), keys.end());
  for (const auto& plan : QueryPlans(query)) {
    bool all = true;
    for (const auto& word : plan) {
      bool any = false;
      for (const auto& k : word) any = any || have.count(k) > 0;
      all = all && any;
    }
    if (all) return true;
  }
  return false;
}

TEST(NamesTest, TokensFoldScriptsAndDropParticles) {
  EXPECT_EQ(NameTokens("Fatima-Zahra EL IDRISSI"),
            (std::vector<std::string>{"fatima", "zahra", "idrissi"}));
  EXPECT_EQ(NameTokens("Aïcha Ben Âli"), (std::vector<std::string>{"aicha", "ali"}));
  EXPECT_EQ(NameTokens("Ait Ouahmane"), (std::vector<std::string>{"ouahmane"}));
  // فَاطِمَة (with short vowels) → فاطمه
  EXPECT_EQ(NameTokens("\xD9\x81\xD9\x8E\xD8\xA7\xD8\xB7\xD9\x90\xD9\x85\xD9\x8E\xD8\xA9"),
            (std::vector<std::string>{"\xD9\x81\xD8\xA7\xD8\xB7\xD9\x85\xD9\x87"}));
}

TEST(NamesTest, SpellingsOfOneNameMatch) {
  const std::string latin = "Fatima Zahra El Idrissi";
  for (const char* q : {"fatima", "Fatimezzahra", "Fatim-Zahra", "FATIMA ZOHRA", "idrissi",
                        "El Idrissi", "Elidrissi", "Fatema Zahra"}) {
    EXPECT_TRUE(Matches(latin, q)) << q;
  }
  for (const char* q : {"Khadija", "Fatima Bennani", "Zineb"}) {
    EXPECT_FALSE(Matches(latin, q)) << q;
  }
  EXPECT_TRUE(Matches("Khadidja Ouazzani", "Khadija Wazzani"));
  EXPECT_TRUE(Matches("Fatimezzahra Bennani", "Fatima Zahra")) << "words joined in the query";
  EXPECT_TRUE(Matches("Fatimezzahra Bennani", "fatima zahra bennani"));
  EXPECT_FALSE(Matches("Fatimezzahra Bennani", "Zahra"));
  // فاطمة الزهراء الإدريسي
  const std::string arabic =
      "\xD9\x81\xD8\xA7\xD8\xB7\xD9\x85\xD8\xA9 \xD8\xA7\xD9\x84\xD8\xB2\xD9\x87\xD8\xB1\xD8\xA7"
      "\xD8\xA1 \xD8\xA7\xD9\x84\xD8\xA5\xD8\xAF\xD8\xB1\xD9\x8A\xD8\xB3\xD9\x8A";
  // فاطمه (taa marbuta written as haa), الادريسي (plain alef), ادريسي (without the article)
  for (const char* q : {"\xD9\x81\xD8\xA7\xD8\xB7\xD9\x85\xD9\x87",
                        "\xD8\xA7\xD9\x84\xD8\xA7\xD8\xAF\xD8\xB1\xD9\x8A\xD8\xB3\xD9\x8A",
                        "\xD8\xA7\xD8\xAF\xD8\xB1\xD9\x8A\xD8\xB3\xD9\x8A"}) {
    EXPECT_TRUE(Matches(arabic, q)) << q;
  }
}

TEST(NamesTest, Masking) {
  EXPECT_EQ(MaskName("Fatima Zahra El Idrissi"), "F*** Z*** E*** I***");
  EXPECT_EQ(MaskName("aicha"), "A***");
  EXPECT_EQ(MaskName(""), "");
  EXPECT_EQ(MaskName("One Two Three Four Five"), "O*** T*** T*** F***");
  // Arabic: the first letter of each word.
  EXPECT_EQ(MaskName("\xD9\x81\xD8\xA7\xD8\xB7\xD9\x85\xD8\xA9"), "\xD9\x81***");
}

}  // namespace
}  // namespace tamkine::cases
