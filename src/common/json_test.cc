#include "common/json.h"

#include <gtest/gtest.h>

namespace tamkine {
namespace {

TEST(JsonTest, ParseRejectsMalformedAndInvalidUtf8) {
  EXPECT_FALSE(ParseJson("{").ok());
  EXPECT_FALSE(ParseJson("{\"a\": \"\xff\"}").ok());
  EXPECT_FALSE(ParseJson(std::string(100, '[') + std::string(100, ']')).ok());
  EXPECT_TRUE(ParseJson("{\"name\": \"فاطمة\"}").ok());
}

TEST(JsonTest, ReaderNamesTheField) {
  auto j = *ParseJson(R"({"name": 5, "extra": true})");
  ObjectReader r(j, "unit");
  std::string name;
  Status s = r.String("name", &name, 1, 10);
  EXPECT_EQ(s.field(), "unit.name");
  EXPECT_EQ(s.message(), "must be a string");
}

TEST(JsonTest, ReaderRejectsUnknownFields) {
  auto j = *ParseJson(R"({"name": "x", "extra": true})");
  ObjectReader r(j);
  std::string name;
  ASSERT_TRUE(r.String("name", &name, 1, 10).ok());
  Status s = r.Finish();
  EXPECT_EQ(s.field(), "extra");
  EXPECT_EQ(s.message(), "unknown field");
}

TEST(JsonTest, TextRules) {
  EXPECT_FALSE(ValidateText("a\x01", "f", 0, 10).ok());
  EXPECT_TRUE(ValidateText("a\nb", "f", 0, 10, true).ok());
  EXPECT_FALSE(ValidateText("a\nb", "f", 0, 10, false).ok());
  EXPECT_FALSE(ValidateText("", "f", 1, 10).ok());
  EXPECT_TRUE(ValidateText("فاطمة", "f", 1, 5).ok());  // five code points, ten bytes
  EXPECT_FALSE(ValidateText("فاطمةا", "f", 1, 5).ok());
}

TEST(JsonTest, EnumAndIntRanges) {
  auto j = *ParseJson(R"({"sector": "police", "n": 7, "big": 18446744073709551615})");
  ObjectReader r(j);
  std::string sector;
  EXPECT_TRUE(r.Enum("sector", &sector, {"police", "health"}).ok());
  int64_t n = 0;
  EXPECT_FALSE(r.Int("n", &n, 0, 5).ok());
  EXPECT_FALSE(r.Int("big", &n, 0, INT64_MAX).ok());
}

}  // namespace
}  // namespace tamkine
