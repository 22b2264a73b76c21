#include "http/router.h"

#include <gtest/gtest.h>

namespace tamkine::http {
namespace {

Route MakeRoute(const std::string& method, const std::string& pattern, std::string policy = "authenticated",
                size_t max_body = 1 << 20) {
  Route r;
  r.method = method;
  r.pattern = pattern;
  r.policy = std::move(policy);
  r.summary = "test";
  r.max_body_bytes = max_body;
  r.handler = [pattern](Request&) {
    Response res;
    res.body = pattern;
    return res;
  };
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(MakeRoute("GET", "/api/v1/units"));
    router_.Add(MakeRoute("POST", "/api/v1/units", "unit.create", 4096));
    router_.Add(MakeRoute("GET", "/api/v1/units/{id}"));
    router_.Add(MakeRoute("PATCH", "/api/v1/units/{id}", "unit.update"));
    router_.Add(MakeRoute("GET", "/api/v1/units/mine"));
    router_.Add(MakeRoute("GET", "/api/v1/units/{unit_id}/members/{user_id}"));
    router_.Add(MakeRoute("DELETE", "/api/v1/units/mine/members/{user_id}"));
    router_.Add(MakeRoute("GET", "/"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralsAndParams) {
  Router::Match m = router_.Find("GET", "/api/v1/units/01abc");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/units/{id}");
  EXPECT_EQ(m.params, (std::map<std::string, std::string>{{"id", "01abc"}}));

  m = router_.Find("GET", "/api/v1/units");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/units");
  EXPECT_TRUE(m.params.empty());

  m = router_.Find("GET", "/");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/");
}

TEST_F(RouterTest, LiteralBeatsParam) {
  Router::Match m = router_.Find("GET", "/api/v1/units/mine");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/units/mine");
}

TEST_F(RouterTest, BacktracksFromLiteralToParam) {
  // "mine" is a literal at this depth, but only the parameter route continues with GET members.
  Router::Match m = router_.Find("GET", "/api/v1/units/mine/members/u1");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/units/{unit_id}/members/{user_id}");
  EXPECT_EQ(m.params, (std::map<std::string, std::string>{{"unit_id", "mine"}, {"user_id", "u1"}}));

  m = router_.Find("DELETE", "/api/v1/units/mine/members/u1");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/units/mine/members/{user_id}");
}

TEST_F(RouterTest, ParamsNeverEmptyAndNeverSpanSlash) {
  EXPECT_EQ(router_.Find("GET", "/api/v1/units/").result, Router::MatchResult::kNotFound);
  EXPECT_EQ(router_.Find("GET", "/api/v1/units//members/x").result, Router::MatchResult::kNotFound);
  EXPECT_EQ(router_.Find("GET", "/api/v1/units/a/b").result, Router::MatchResult::kNotFound);
  EXPECT_EQ(router_.Find("GET", "/api/v1/units/a/members/").result, Router::MatchResult::kNotFound);
}

TEST_F(RouterTest, NotFoundVersusMethodNotAllowed) {
  EXPECT_EQ(router_.Find("GET", "/api/v1/nothing").result, Router::MatchResult::kNotFound);
  EXPECT_EQ(router_.Find("GET", "").result, Router::MatchResult::kNotFound);
  EXPECT_EQ(router_.Find("GET", "relative").result, Router::MatchResult::kNotFound);

  Router::Match m = router_.Find("DELETE", "/api/v1/units/x1");
  ASSERT_EQ(m.result, Router::MatchResult::kMethodNotAllowed);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.AllowHeader(), "GET, HEAD, PATCH");

  // The literal "/units/mine" allows GET; the parameter route adds PATCH.
  m = router_.Find("PUT", "/api/v1/units/mine");
  ASSERT_EQ(m.result, Router::MatchResult::kMethodNotAllowed);
  EXPECT_EQ(m.AllowHeader(), "GET, HEAD, PATCH");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  Router::Match m = router_.Find("HEAD", "/api/v1/units/x1");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->method, "GET");
}

TEST_F(RouterTest, ResolveSetsRequestOrError) {
  Request req;
  req.method = "PATCH";
  req.path = "/api/v1/units/u9";
  Response error;
  const Route* route = router_.Resolve(req, &error);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(req.route, "/api/v1/units/{id}");
  EXPECT_EQ(req.path_params.at("id"), "u9");
  EXPECT_EQ(route->handler(req).body, "/api/v1/units/{id}");

  req = Request();
  req.method = "POST";
  req.path = "/api/v1/units/u9";
  EXPECT_EQ(router_.Resolve(req, &error), nullptr);
  EXPECT_EQ(error.status, 405);
  EXPECT_EQ(error.GetHeader("Allow"), "GET, HEAD, PATCH");
  EXPECT_NE(error.body.find("method_not_allowed"), std::string::npos);
  EXPECT_TRUE(req.route.empty());

  req.path = "/nope";
  EXPECT_EQ(router_.Resolve(req, &error), nullptr);
  EXPECT_EQ(error.status, 404);
  EXPECT_NE(error.body.find("not_found"), std::string::npos);
}

TEST_F(RouterTest, BodyLimit) {
  EXPECT_EQ(router_.BodyLimit("POST", "/api/v1/units", 7), 4096u);
  EXPECT_EQ(router_.BodyLimit("GET", "/api/v1/units", 7), size_t{1} << 20);
  EXPECT_EQ(router_.BodyLimit("PUT", "/api/v1/units", 7), 7u);
  EXPECT_EQ(router_.BodyLimit("POST", "/elsewhere", 7), 7u);
}

TEST_F(RouterTest, RoutesAreEnumerableWithPolicies) {
  ASSERT_EQ(router_.routes().size(), 8u);
  for (const Route& r : router_.routes()) EXPECT_FALSE(r.policy.empty()) << r.pattern;
  EXPECT_EQ(router_.routes()[1].policy, "unit.create");
}

TEST_F(RouterTest, ManyRoutesStayCorrect) {
  Router r;
  for (int i = 0; i < 200; ++i) {
    r.Add(MakeRoute("GET", "/api/v1/r" + std::to_string(i) + "/{id}"));
  }
  Router::Match m = r.Find("GET", "/api/v1/r137/zz");
  ASSERT_EQ(m.result, Router::MatchResult::kMatched);
  EXPECT_EQ(m.route->pattern, "/api/v1/r137/{id}");
  EXPECT_EQ(m.params.at("id"), "zz");
}

using RouterDeathTest = RouterTest;

TEST_F(RouterDeathTest, ProgrammingErrorsAbort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "/api/v1/units/{other}")), "duplicate");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "/x", "")), "empty policy");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "x")), "start with");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "/a/b{id}")), "whole segment");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "/a/{id}/{id}")), "repeated");
  EXPECT_DEATH(router_.Add(MakeRoute("GET", "/a/{}")), "parameter name");
}

}  // namespace
}  // namespace tamkine::http
