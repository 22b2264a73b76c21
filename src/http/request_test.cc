#include "http/request.h"

#include <gtest/gtest.h>

namespace tamkine::http {
namespace {

TEST(RequestTest, HeaderIsFirstMatch) {
  Request r;
  r.headers = {{"x-a", "1"}, {"x-a", "2"}, {"content-type", "application/json"}};
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-b"), std::nullopt);
}

TEST(RequestTest, CookiesAcrossHeaders) {
  Request r;
  r.headers = {{"cookie", "a=1; session=abc ;b=\"quoted\""}, {"cookie", "late=yes"}};
  EXPECT_EQ(r.Cookie("a"), "1");
  EXPECT_EQ(r.Cookie("session"), "abc");
  EXPECT_EQ(r.Cookie("b"), "quoted");
  EXPECT_EQ(r.Cookie("late"), "yes");
  EXPECT_EQ(r.Cookie("sess"), std::nullopt);
  EXPECT_EQ(r.Cookie("missing"), std::nullopt);
}

TEST(RequestTest, CookieIgnoresMalformedPieces) {
  Request r;
  r.headers = {{"cookie", "garbage; ; =x; token=t"}};
  EXPECT_EQ(r.Cookie("token"), "t");
  EXPECT_EQ(r.Cookie("garbage"), std::nullopt);
}

TEST(RequestTest, Query) {
  Request r;
  r.query = {{"q", "a b"}, {"q", "second"}, {"empty", ""}};
  EXPECT_EQ(r.Query("q"), "a b");
  EXPECT_EQ(r.Query("empty"), "");
  EXPECT_EQ(r.Query("nope"), std::nullopt);
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response r = Response::JsonBody(201, Json{{"id", "x"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"id":"x"})");
  r.SetHeader("content-type", "text/plain");
  EXPECT_EQ(r.GetHeader("Content-Type"), "text/plain");
  int count = 0;
  for (const auto& h : r.headers) count += h.first == "content-type" || h.first == "Content-Type";
  EXPECT_EQ(count, 1);
}

}  // namespace
}  // namespace tamkine::http
