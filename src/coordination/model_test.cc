// The work-item state machine, table-tested: every (kind, state, action) triple either moves to
// the expected state or is refused naming "action"; plus deadlines, percentiles and catalogue
// validation.
#include "coordination/model.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "coordination/coordination_service.h"

namespace tamkine::coordination {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;

// The complete list of allowed moves; everything else must be refused.
const std::map<Key, std::string>& Expected() {
  static const std::map<Key, std::string> kMoves = {
      {{"instruction", "issued", "acknowledge"}, "acknowledged"},
      {{"instruction", "issued", "start"}, "in_progress"},
      {{"instruction", "issued", "complete"}, "done"},
      {{"instruction", "issued", "refuse"}, "refused"},
      {{"instruction", "acknowledged", "start"}, "in_progress"},
      {{"instruction", "acknowledged", "complete"}, "done"},
      {{"instruction", "acknowledged", "refuse"}, "refused"},
      {{"instruction", "in_progress", "complete"}, "done"},
      {{"instruction", "in_progress", "refuse"}, "refused"},
      {{"withdrawal_review", "issued", "acknowledge"}, "acknowledged"},
      {{"withdrawal_review", "issued", "complete"}, "done"},
      {{"withdrawal_review", "acknowledged", "start"}, "in_progress"},
      {{"withdrawal_review", "acknowledged", "complete"}, "done"},
      {{"withdrawal_review", "in_progress", "complete"}, "done"},
      {{"health_followup", "issued", "acknowledge"}, "acknowledged"},
      {{"health_followup", "issued", "complete"}, "done"},
      {{"health_followup", "issued", "decline"}, "declined"},
      {{"health_followup", "acknowledged", "complete"}, "done"},
      {{"health_followup", "acknowledged", "decline"}, "declined"},
      {{"measure_expiry", "issued", "acknowledge"}, "acknowledged"},
      {{"measure_expiry", "issued", "complete"}, "done"},
      {{"measure_expiry", "acknowledged", "complete"}, "done"},
  };
  return kMoves;
}

TEST(WorkItemStateMachine, EveryTripleMovesOrIsRefusedNamingTheAction) {
  int allowed = 0;
  for (auto kind : WorkItemKinds()) {
    for (auto from : WorkItemStates()) {
      for (auto action : WorkItemActions()) {
        Key k{std::string(kind), std::string(from), std::string(action)};
        auto next = NextState(kind, from, action);
        auto it = Expected().find(k);
        if (it != Expected().end()) {
          ++allowed;
          ASSERT_TRUE(next.ok()) << kind << " " << from << " " << action;
          EXPECT_EQ(*next, it->second) << kind << " " << from << " " << action;
        } else {
          ASSERT_FALSE(next.ok()) << kind << " " << from << " " << action << " → " << *next;
          EXPECT_EQ(next.status().code(), StatusCode::kFailedPrecondition);
          EXPECT_EQ(next.status().field(), "action");
        }
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(Expected().size()));
}

TEST(WorkItemStateMachine, FinalStatesAreNotOpenAndUnknownActionsAreBadInput) {
  for (auto s : WorkItemStates()) {
    bool open = s == "issued" || s == "acknowledged" || s == "in_progress";
    EXPECT_EQ(IsOpenState(s), open) << s;
  }
  auto bad = NextState("instruction", "issued", "approve");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "action");
  EXPECT_LT(PriorityRank("urgent"), PriorityRank("priority"));
  EXPECT_LT(PriorityRank("priority"), PriorityRank("normal"));
}

TEST(Deadlines, FollowThePriority) {
  InstructionType t;
  t.minutes_urgent = 60;
  t.minutes_priority = 240;
  t.minutes_normal = 1440;
  EXPECT_EQ(DeadlineFor(t, "urgent"), 60 * kMicrosPerMinute);
  EXPECT_EQ(DeadlineFor(t, "priority"), 240 * kMicrosPerMinute);
  EXPECT_EQ(DeadlineFor(t, "normal"), 1440 * kMicrosPerMinute);
}

TEST(Percentile, NearestRank) {
  EXPECT_FALSE(Percentile({}, 50).has_value());
  EXPECT_EQ(*Percentile({7}, 50), 7);
  EXPECT_EQ(*Percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(*Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9);
  EXPECT_EQ(*Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 100), 10);
}

TEST(Catalogue, ValidationNamesTheField) {
  InstructionType good;
  good.code = "escort_to_court";
  good.label_ar = "مرافقة إلى المحكمة";
  good.label_fr = "Accompagner au tribunal";
  good.label_en = "Escort to court";
  good.sectors = {"police", "ngo_listening"};
  good.default_priority = "priority";
  ASSERT_TRUE(ValidateInstructionType(good).ok());
  struct Case {
    std::function<void(InstructionType*)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](InstructionType* t) { t->code = "Bad Code"; }, "code"},
      {[](InstructionType* t) { t->code = "x"; }, "code"},
      {[](InstructionType* t) { t->label_fr = ""; }, "label_fr"},
      {[](InstructionType* t) { t->sectors = {}; }, "sectors"},
      {[](InstructionType* t) {
         t->sectors = {"police", "army"};
       },
       "sectors[1]"},
      {[](InstructionType* t) { t->default_priority = "red"; }, "default_priority"},
      {[](InstructionType* t) { t->minutes_urgent = 0; }, "minutes_urgent"},
      {[](InstructionType* t) { t->minutes_urgent = 5000; }, "minutes_priority"},
  };
  for (const auto& c : cases) {
    InstructionType t = good;
    c.spoil(&t);
    Status s = ValidateInstructionType(t);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.field(), c.field);
  }
}

}  // namespace
}  // namespace tamkine::coordination
