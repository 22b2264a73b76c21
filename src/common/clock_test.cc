#include "common/clock.h"

#include <gtest/gtest.h>

namespace tamkine {
namespace {

TEST(ClockTest, FormatAndParseRoundTrip) {
  Micros t = 1'767'225'600'123'456;  // 2026-01-01T00:00:00.123456Z
  EXPECT_EQ(FormatIsoTime(t), "2026-01-01T00:00:00.123456Z");
  EXPECT_EQ(FormatIsoTimeSeconds(t), "2026-01-01T00:00:00Z");
  EXPECT_EQ(ParseIsoTime("2026-01-01T00:00:00.123456Z"), t);
  EXPECT_EQ(ParseIsoTime("2026-01-01T01:00:00.123456+01:00"), t);
}

TEST(ClockTest, RejectsMalformed) {
  for (const char* s :
       {"", "2026-01-01", "2026-02-30T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00",
        "2026-01-01T00:00:00Zjunk", "x026-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseIsoTime(s).has_value()) << s;
  }
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock c(100);
  EXPECT_EQ(c.Now(), 100);
  c.Advance(50);
  EXPECT_EQ(c.Now(), 150);
}

}  // namespace
}  // namespace tamkine
