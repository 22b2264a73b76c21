#include "http/url.h"

#include <gtest/gtest.h>

namespace tamkine::http {
namespace {

TEST(UrlTest, DecodesPathAndQuery) {
  StatusOr<ParsedTarget> t = ParseTarget("/api/v1/units/a%20b?q=x+y%21&flag&=v&&z=%3D");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->path, "/api/v1/units/a b");
  using P = std::pair<std::string, std::string>;
  std::vector<P> want = {{"q", "x y!"}, {"flag", ""}, {"", "v"}, {"z", "="}};
  EXPECT_EQ(t->query, want);
}

TEST(UrlTest, PlusIsLiteralInPath) {
  StatusOr<ParsedTarget> t = ParseTarget("/a+b");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/a+b");
}

TEST(UrlTest, RejectsBadTargets) {
  for (const char* bad : {"", "*", "http://example.org/", "relative", "/a%", "/a%2", "/a%zz",
                          "/a%00b", "/?q=%", "/?q=%g1", "/?%00=1"}) {
    SCOPED_TRACE(bad);
    StatusOr<ParsedTarget> t = ParseTarget(bad);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(UrlTest, PercentDecode) {
  EXPECT_EQ(*PercentDecode("%41%62c", false), "Abc");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("%e2%9c%93", false), "\xe2\x9c\x93");
  EXPECT_FALSE(PercentDecode("%", false).ok());
}

}  // namespace
}  // namespace tamkine::http
