#include "access/authorize.h"

#include <gtest/gtest.h>

namespace tamkine::access {
namespace {

Subject Make(std::string id, const std::vector<std::pair<std::string, std::string>>& unit_roles) {
  Subject s;
  s.user_id = std::move(id);
  for (const auto& [unit, role] : unit_roles) {
    Membership m;
    m.unit_id = unit;
    m.role = role;
    s.memberships.push_back(m);
  }
  return s;
}

struct Case {
  const char* name;
  Subject subject;
  const char* action;
  Resource resource;
  bool allowed;
};

TEST(AuthorizeTest, Table) {
  Subject admin = Make("a", {{"u1", "administrator"}});
  Subject head = Make("h", {{"u1", "unit_head"}});
  Subject officer = Make("o", {{"u1", "officer"}});
  Subject nobody = Make("n", {});
  Resource user_in_u1{"user", "x", "u1", {"u1"}};
  Resource user_in_u2{"user", "y", "u2", {"u2"}};
  std::vector<Case> cases = {
      {"admin creates unit", admin, "unit.create", {"unit"}, true},
      {"head cannot create unit", head, "unit.create", {"unit"}, false},
      {"officer lists units", officer, "unit.list", {"unit"}, true},
      {"no membership cannot list units", nobody, "unit.list", {"unit"}, false},
      {"head reads own unit member", head, "user.read", user_in_u1, true},
      {"head cannot read other unit member", head, "user.read", user_in_u2, false},
      {"officer cannot read users", officer, "user.read", user_in_u1, false},
      {"head disables own unit member", head, "user.disable", user_in_u1, true},
      {"head cannot enable", head, "user.enable", user_in_u1, false},
      {"admin reads audit", admin, "audit.read", {"audit"}, true},
      {"head cannot read audit", head, "audit.read", {"audit"}, false},
      {"unknown action denied", admin, "case.delete_everything", {"case"}, false},
      {"self enrols totp", officer, "auth.totp.enrol", {"user", "o"}, true},
      {"cannot enrol for another", officer, "auth.totp.enrol", {"user", "a"}, false},
      {"unauthenticated denied", Subject{}, "unit.list", {"unit"}, false},
  };
  for (const auto& c : cases) {
    Decision d = Authorize(c.subject, c.action, c.resource);
    EXPECT_EQ(d.allowed, c.allowed) << c.name << ": " << d.reason;
    EXPECT_FALSE(d.reason.empty()) << c.name;
  }
}

TEST(AuthorizeTest, PendingSecondFactorOnlyEnrols) {
  Subject admin = Make("a", {{"u1", "administrator"}});
  admin.must_enrol_totp = true;
  EXPECT_FALSE(Authorize(admin, "unit.create", {"unit"}).allowed);
  EXPECT_TRUE(Authorize(admin, "auth.totp.enrol", {"user", "a"}).allowed);
}

TEST(AuthorizeTest, KnownPolicies) {
  EXPECT_TRUE(IsKnownPolicy("public"));
  EXPECT_TRUE(IsKnownPolicy("unit.create"));
  EXPECT_FALSE(IsKnownPolicy(""));
  EXPECT_FALSE(IsKnownPolicy("whatever"));
}

}  // namespace
}  // namespace tamkine::access
