// Every endpoint declares an access policy the policy table knows, and the OpenAPI document
// describes exactly the routes the server has, with the same policy.
#include "http/api/api.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "access/authorize.h"
#include "common/json.h"

namespace tamkine::http::api {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(ApiRoutesTest, EveryRouteHasAKnownPolicy) {
  Api api(ApiDeps{});
  ASSERT_FALSE(api.router().routes().empty());
  for (const auto& r : api.router().routes()) {
    EXPECT_FALSE(r.policy.empty()) << r.method << " " << r.pattern;
    EXPECT_TRUE(access::IsKnownPolicy(r.policy))
        << r.method << " " << r.pattern << " declares unknown policy '" << r.policy << "'";
  }
}

TEST(ApiRoutesTest, OpenApiDescribesEveryRouteAndNothingElse) {
  Api api(ApiDeps{});
  auto doc = ParseJson(OpenApiDocument());
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ((*doc)["openapi"], "3.1.0");
  const Json& paths = (*doc)["paths"];
  std::set<std::string> routes;
  for (const auto& r : api.router().routes()) {
    std::string m = Lower(r.method);
    routes.insert(m + " " + r.pattern);
    ASSERT_TRUE(paths.contains(r.pattern)) << "OpenAPI lacks path " << r.pattern;
    ASSERT_TRUE(paths[r.pattern].contains(m)) << "OpenAPI lacks " << r.method << " " << r.pattern;
    EXPECT_EQ(paths[r.pattern][m].value("x-tamkine-policy", ""), r.policy)
        << r.method << " " << r.pattern;
  }
  for (auto it = paths.begin(); it != paths.end(); ++it) {
    for (auto op = it->begin(); op != it->end(); ++op) {
      EXPECT_TRUE(routes.count(op.key() + " " + it.key()))
          << "OpenAPI documents " << op.key() << " " << it.key() << " which the server lacks";
    }
  }
}

}  // namespace
}  // namespace tamkine::http::api
