#include "identity/validation.h"

#include <gtest/gtest.h>

namespace tamkine::identity {
namespace {

TEST(ValidationTest, PhonesAsPeopleWriteThem) {
  struct {
    const char* in;
    const char* want;
  } ok[] = {
      {"06 12 34 56 78", "+212612345678"},     {"0612345678", "+212612345678"},
      {"+212 6 12 34 56 78", "+212612345678"}, {"00212612345678", "+212612345678"},
      {"06.12.34.56.78", "+212612345678"},     {"05-35-12-34-56", "+212535123456"},
      {"+33 1 23 45 67 89", "+33123456789"},
  };
  for (const auto& c : ok) {
    auto r = NormalisePhone(c.in, "phone");
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.in;
  }
  for (const char* bad : {"", "12345", "+212 1 23 45 67 89", "06123456789", "phone", "06 12;34"}) {
    auto r = NormalisePhone(bad, "phone");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().field(), "phone");
    }
  }
}

TEST(ValidationTest, Usernames) {
  EXPECT_EQ(*NormaliseUsername("Police.Head", "u"), "police.head");
  for (const char* bad : {"ab", ".lead", "with space", "ünïcode", "a/b", ""}) {
    EXPECT_FALSE(NormaliseUsername(bad, "u").ok()) << bad;
  }
}

TEST(ValidationTest, EmailsSectorsRoles) {
  EXPECT_TRUE(ValidateEmail("unit@example.ma", "e").ok());
  for (const char* bad : {"", "a@", "@b.c", "a b@c.d", "a@b", "a@@b.c"}) {
    EXPECT_FALSE(ValidateEmail(bad, "e").ok()) << bad;
  }
  EXPECT_TRUE(ValidateSector("ngo_shelter", "s").ok());
  EXPECT_FALSE(ValidateSector("army", "s").ok());
  EXPECT_TRUE(ValidateRole("accompagnatrice", "r").ok());
  EXPECT_FALSE(ValidateRole("root", "r").ok());
}

}  // namespace
}  // namespace tamkine::identity
