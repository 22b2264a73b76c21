// The referral rules without a database, table by table: her consent for the receiving unit (or a
// child's legal ground), who provides which service, the state machine, and the document rule
// of access/authorize.cc extended to documents sent with a referral.
#include "referrals/rules.h"

#include <gtest/gtest.h>

#include "access/authorize.h"

namespace tamkine::referrals {
namespace {

TEST(ReferralRulesTest, EveryProviderSectorCanReceiveConsentForTheServicesPurpose) {
  // Otherwise her consent could never be recorded and the service never referred to.
  for (const auto& r : ServiceRules()) {
    ASSERT_FALSE(r.sectors.empty()) << r.service;
    for (const auto& sector : r.sectors) {
      EXPECT_TRUE(access::PurposeFitsSector(r.purpose, sector)) << r.service << " / " << sector;
    }
    EXPECT_NE(r.purpose, "coordination") << "coordination opens no file: " << r.service;
  }
}

struct ConsentRow {
  const char* name;
  std::string kind;
  std::string to_sector;
  std::string service;
  std::vector<ActiveConsent> active;
  std::string to_unit = "to";
  std::string want_basis;  // "" when refused
  std::string want_field;  // the field a refusal names
};

TEST(ReferralRulesTest, ConsentTable) {
  const ActiveConsent shelter{"to", "shelter", "consent"};
  const std::vector<ConsentRow> rows = {
      {"consent for the unit and purpose",
       "adult",
       "ngo_shelter",
       "shelter",
       {shelter},
       "to",
       "consent",
       ""},
      {"no consent at all", "adult", "ngo_shelter", "shelter", {}, "to", "", "to_unit_id"},
      {"consent for another purpose",
       "adult",
       "ngo_shelter",
       "shelter",
       {{"to", "legal_aid", "consent"}},
       "to",
       "",
       "to_unit_id"},
      {"consent for another unit",
       "adult",
       "ngo_shelter",
       "shelter",
       {{"other", "shelter", "consent"}},
       "to",
       "",
       "to_unit_id"},
      {"coordination is not enough",
       "adult",
       "ngo_shelter",
       "shelter",
       {{"to", "coordination", "consent"}},
       "to",
       "",
       "to_unit_id"},
      {"a legal ground does not replace an adult's consent",
       "adult",
       "ngo_shelter",
       "shelter",
       {{"to", "shelter", "legal_ground"}},
       "to",
       "",
       "to_unit_id"},
      {"a child's legal ground",
       "child",
       "child_protection",
       "child_protection",
       {{"to", "child_protection", "legal_ground"}},
       "to",
       "legal_ground",
       ""},
      {"a guardian's consent for a child",
       "child",
       "ngo_shelter",
       "shelter",
       {shelter},
       "to",
       "consent",
       ""},
      {"a child without consent or legal ground",
       "child",
       "child_protection",
       "child_protection",
       {},
       "to",
       "",
       "to_unit_id"},
      {"sector does not provide the service",
       "adult",
       "police",
       "shelter",
       {shelter},
       "to",
       "",
       "to_unit_id"},
      {"psychological care only from health",
       "adult",
       "ngo_listening",
       "psychological_care",
       {{"to", "psychological_care", "consent"}},
       "to",
       "",
       "to_unit_id"},
      {"translation rests on social support",
       "adult",
       "court",
       "translation",
       {{"to", "social_support", "consent"}},
       "to",
       "consent",
       ""},
      {"unknown service", "adult", "health", "massage", {}, "to", "", "service"},
      {"back to the opening unit needs no consent",
       "adult",
       "health",
       "medical_care",
       {},
       "opener",
       "opening_unit",
       ""},
      {"to itself", "adult", "ngo_shelter", "shelter", {shelter}, "from", "", "to_unit_id"},
  };
  for (const auto& row : rows) {
    ConsentCheck c;
    c.case_kind = row.kind;
    c.opening_unit_id = "opener";
    c.from_unit_id = "from";
    c.to_unit_id = row.to_unit;
    c.to_sector = row.to_sector;
    c.service = row.service;
    c.active = row.active;
    for (auto& a : c.active) {
      if (a.unit_id == "to") a.unit_id = row.to_unit;
    }
    auto got = CheckConsent(c);
    if (row.want_basis.empty()) {
      ASSERT_FALSE(got.ok()) << row.name;
      EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << row.name;
      EXPECT_EQ(got.status().field(), row.want_field) << row.name;
    } else {
      ASSERT_TRUE(got.ok()) << row.name << ": " << got.status().ToString();
      EXPECT_EQ(*got, row.want_basis) << row.name;
    }
  }
}

TEST(ReferralRulesTest, StateMachineTable) {
  const std::vector<std::string> actions = {"accept", "decline", "cancel", "complete"};
  // state → action → next state ("" = refused).
  const std::map<std::string, std::map<std::string, std::string>> want = {
      {"proposed", {{"accept", "accepted"}, {"decline", "declined"}, {"cancel", "cancelled"}}},
      {"accepted", {{"complete", "completed"}}},
      {"declined", {}},
      {"cancelled", {}},
      {"completed", {}},
  };
  ASSERT_EQ(want.size(), States().size());
  for (const auto& state : States()) {
    for (const auto& action : actions) {
      const auto& moves = want.at(std::string(state));
      auto it = moves.find(action);
      auto got = NextState(state, action);
      if (it == moves.end()) {
        ASSERT_FALSE(got.ok()) << state << " " << action;
        EXPECT_EQ(got.status().code(), StatusCode::kFailedPrecondition);
        EXPECT_EQ(got.status().field(), "state");
      } else {
        ASSERT_TRUE(got.ok()) << state << " " << action;
        EXPECT_EQ(*got, it->second);
      }
    }
  }
}

access::Subject Staff(const std::string& unit, const std::string& sector, const std::string& role) {
  access::Subject s;
  s.user_id = "u-" + unit + "-" + role;
  s.memberships.push_back({unit, unit, sector, 3, "03.01", role});
  return s;
}

TEST(ReferralRulesTest, DocumentSharedWithAReferralTable) {
  // A complaint, opened by the police; the shelter holds her consent for shelter.
  access::Resource doc;
  doc.type = "case";
  doc.id = "case";
  doc.unit_id = "police";
  doc.region_code = 3;
  doc.subtype = "complaint";
  doc.owner_sector = "police";
  doc.grants = {{"shelter", "shelter"}, {"shelter2", "coordination"}};
  struct Row {
    const char* name;
    access::Subject who;
    std::vector<std::string> shared_with;
    std::vector<std::string> excluded;
    bool want;
  };
  const std::vector<Row> rows = {
      {"shelter without a share", Staff("shelter", "ngo_shelter", "social_worker"), {}, {}, false},
      {"shelter with a share",
       Staff("shelter", "ngo_shelter", "social_worker"),
       {"shelter"},
       {},
       true},
      {"share for another unit",
       Staff("shelter", "ngo_shelter", "social_worker"),
       {"other"},
       {},
       false},
      {"share but only a coordination consent",
       Staff("shelter2", "ngo_shelter", "unit_head"),
       {"shelter2"},
       {},
       false},
      {"share but the user is excluded",
       Staff("shelter", "ngo_shelter", "social_worker"),
       {"shelter"},
       {"u-shelter-social_worker"},
       false},
      {"share but not a case role",
       Staff("shelter", "ngo_shelter", "administrator"),
       {"shelter"},
       {},
       false},
      {"the opening unit reads it by sector", Staff("police", "police", "officer"), {}, {}, true},
  };
  for (const auto& row : rows) {
    access::Resource r = doc;
    r.shared_with_unit_ids = row.shared_with;
    r.excluded_user_ids = row.excluded;
    EXPECT_EQ(access::Authorize(row.who, "document.read", r).allowed, row.want) << row.name;
  }
}

TEST(ReferralRulesTest, OnlyTheReceivingUnitDecidesAndOnlyTheReferringUnitCancels) {
  access::Resource r;
  r.type = "case";
  r.id = "case";
  r.unit_id = "police";
  r.from_unit_id = "police";
  r.to_unit_id = "shelter";
  struct Row {
    const char* name;
    access::Subject who;
    const char* action;
    bool want;
  };
  const std::vector<Row> rows = {
      {"receiving staff decide", Staff("shelter", "ngo_shelter", "social_worker"),
       "referral.decide", true},
      {"referring staff do not decide", Staff("police", "police", "officer"), "referral.decide",
       false},
      {"another unit does not decide", Staff("other", "ngo_shelter", "unit_head"),
       "referral.decide", false},
      {"an administrator of the unit does not decide",
       Staff("shelter", "ngo_shelter", "administrator"), "referral.decide", false},
      {"referring staff cancel", Staff("police", "police", "officer"), "referral.cancel", true},
      {"receiving staff do not cancel", Staff("shelter", "ngo_shelter", "social_worker"),
       "referral.cancel", false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(access::Authorize(row.who, row.action, r).allowed, row.want) << row.name;
  }
  access::Resource excluded = r;
  excluded.excluded_user_ids = {"u-shelter-social_worker"};
  EXPECT_FALSE(access::Authorize(Staff("shelter", "ngo_shelter", "social_worker"),
                                 "referral.decide", excluded)
                   .allowed);
}

}  // namespace
}  // namespace tamkine::referrals
