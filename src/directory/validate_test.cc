// The directory's rules without a database: clock times, opening hours (order, overlaps, the one
// way "open day and night" is written), coordinates, movements and the haversine distance.
#include "directory/validate.h"

#include <gtest/gtest.h>

namespace tamkine::directory {
namespace {

TEST(ParseClockTest, AcceptsHhMmUpTo2400) {
  struct Case {
    const char* in;
    int minutes;  // -1: refused
  };
  for (const Case& c : std::vector<Case>{{"00:00", 0},
                                         {"08:30", 510},
                                         {"23:59", 1439},
                                         {"24:00", 1440},
                                         {"24:01", -1},
                                         {"25:00", -1},
                                         {"12:60", -1},
                                         {"8:30", -1},
                                         {"08h30", -1},
                                         {"", -1},
                                         {"08:30 ", -1}}) {
    auto m = ParseClock(c.in, "opens");
    if (c.minutes < 0) {
      EXPECT_FALSE(m.ok()) << c.in;
      EXPECT_EQ(m.status().field(), "opens") << c.in;
    } else {
      ASSERT_TRUE(m.ok()) << c.in;
      EXPECT_EQ(*m, c.minutes) << c.in;
    }
  }
}

TEST(ValidateHoursTest, OrderOverlapsAndDays) {
  struct Case {
    std::vector<OpeningHours> hours;
    std::string field;  // "" = valid
  };
  std::vector<Case> cases = {
      {{{{"MO"}, "08:00", "12:00"}, {{"MO"}, "12:00", "16:00"}}, ""},  // touching is fine
      {{{{"MO"}, "08:00", "12:00"}, {{"MO"}, "11:59", "16:00"}}, "hours[1]"},
      {{{{"MO", "TU"}, "08:00", "12:00"}, {{"WE"}, "08:00", "12:00"}}, ""},
      {{{{"MO"}, "12:00", "12:00"}}, "hours[0].closes"},
      {{{{}, "08:00", "12:00"}}, "hours[0].days"},
      {{{{"MO", "MO"}, "08:00", "12:00"}}, "hours[0].days"},
      {{{{"mo"}, "08:00", "12:00"}}, "hours[0].days[0]"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Status s = ValidateHours(&cases[i].hours, "hours");
    if (cases[i].field.empty()) {
      EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
    } else {
      EXPECT_EQ(s.field(), cases[i].field) << i << ": " << s.ToString();
    }
  }
  std::vector<OpeningHours> unordered = {{{"FR", "MO", "WE"}, "08:00", "12:00"}};
  ASSERT_TRUE(ValidateHours(&unordered, "hours").ok());
  EXPECT_EQ(unordered[0].days, (std::vector<std::string>{"MO", "WE", "FR"}));
}

ServiceInput Minimal() {
  ServiceInput in;
  in.unit_id = "u";
  in.name = "Écoute";
  in.kinds = {"listening"};
  return in;
}

TEST(ValidateServiceInputTest, EveryDayAllDayIsOpen24h) {
  ServiceInput in = Minimal();
  in.hours = {{{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}, "00:00", "24:00"}};
  ASSERT_TRUE(ValidateServiceInput(&in).ok());
  EXPECT_TRUE(in.open_24h);
  EXPECT_TRUE(in.hours.empty());
}

TEST(ValidateServiceInputTest, ListsAreSortedAndPrefixNamesTheField) {
  ServiceInput in = Minimal();
  in.kinds = {"shelter", "listening", "listening"};
  in.languages = {"zgh", "ar"};
  in.shelter = ShelterInput{4, 2, {}};
  ASSERT_TRUE(ValidateServiceInput(&in).ok());
  EXPECT_EQ(in.kinds, (std::vector<std::string>{"listening", "shelter"}));
  EXPECT_EQ(in.languages, (std::vector<std::string>{"ar", "zgh"}));
  in.shelter->child_places = -1;
  EXPECT_EQ(ValidateServiceInput(&in, "organizations[0].services[1].").field(),
            "organizations[0].services[1].shelter.child_places");
}

TEST(ValidateMovementTest, CountsOnlyAtLeastOnePerson) {
  EXPECT_TRUE(ValidateMovement({1, 0}).ok());
  EXPECT_TRUE(ValidateMovement({0, 2}).ok());
  EXPECT_EQ(ValidateMovement({0, 0}).field(), "adults");
  EXPECT_EQ(ValidateMovement({51, 0}).field(), "adults");
  EXPECT_EQ(ValidateMovement({1, -1}).field(), "children");
}

TEST(HaversineTest, KnownDistances) {
  // Fès (34.0331, -5.0003) to Rabat (34.0209, -6.8416): about 170 km as the crow flies.
  EXPECT_NEAR(HaversineKm(34.0331, -5.0003, 34.0209, -6.8416), 170.0, 3.0);
  EXPECT_DOUBLE_EQ(HaversineKm(30.0, -9.0, 30.0, -9.0), 0.0);
  // Symmetric.
  EXPECT_DOUBLE_EQ(HaversineKm(35.7595, -5.834, 27.1536, -13.2033),
                   HaversineKm(27.1536, -13.2033, 35.7595, -5.834));
}

}  // namespace
}  // namespace tamkine::directory
