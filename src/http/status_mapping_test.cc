#include "http/status_mapping.h"

#include <gtest/gtest.h>

#include "http/request.h"

namespace tamkine::http {
namespace {

struct Case {
  StatusCode code;
  int http;
  const char* name;
};

TEST(StatusMappingTest, EveryCodeMapsToItsHttpStatus) {
  const Case cases[] = {
      {StatusCode::kOk, 200, "ok"},
      {StatusCode::kInvalidArgument, 400, "invalid_argument"},
      {StatusCode::kUnauthenticated, 401, "unauthenticated"},
      {StatusCode::kPermissionDenied, 403, "permission_denied"},
      {StatusCode::kNotFound, 404, "not_found"},
      {StatusCode::kAlreadyExists, 409, "already_exists"},
      {StatusCode::kAborted, 409, "conflict"},
      {StatusCode::kFailedPrecondition, 409, "failed_precondition"},
      {StatusCode::kResourceExhausted, 429, "resource_exhausted"},
      {StatusCode::kPayloadTooLarge, 413, "payload_too_large"},
      {StatusCode::kDeadlineExceeded, 408, "deadline_exceeded"},
      {StatusCode::kUnavailable, 503, "unavailable"},
      {StatusCode::kInternal, 500, "internal"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(HttpStatusFor(c.code), c.http);
    if (c.code == StatusCode::kOk) continue;
    Response r = Response::FromStatus(Status(c.code, "the message", "the.field"));
    EXPECT_EQ(r.status, c.http);
    EXPECT_EQ(r.GetHeader("content-type"), "application/json");
    Json j = Json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], c.name);
    EXPECT_EQ(j["error"]["field"], "the.field");
    if (c.http == 500) {
      EXPECT_EQ(j["error"]["message"], "An internal error occurred.");
    } else if (c.http == 503) {
      EXPECT_NE(j["error"]["message"], "the message");
    } else {
      EXPECT_EQ(j["error"]["message"], "the message");
    }
  }
}

TEST(StatusMappingTest, InternalMessageNeverLeaks) {
  Response r = Response::FromStatus(Internal("sqlite: table cases is locked at 0xdeadbeef"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
  EXPECT_EQ(r.body.find("deadbeef"), std::string::npos);
}

// An outage is a 503 with a sentence a person can act on, never the database's own words.
TEST(StatusMappingTest, UnavailableMessageNamesNoHostOrFile) {
  Response r =
      Response::FromStatus(Unavailable("postgresql: cannot connect: connection to server on socket "
                                       "\"/run/db/.s.PGSQL.5432\" failed"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.find("PGSQL"), std::string::npos);
  EXPECT_NE(Json::parse(r.body)["error"]["message"].get<std::string>().find("database"),
            std::string::npos);
}

TEST(StatusMappingTest, EmptyFieldIsNull) {
  Response r = Response::FromStatus(NotFound("no such case"));
  Json j = Json::parse(r.body);
  ASSERT_TRUE(j["error"].contains("field"));
  EXPECT_TRUE(j["error"]["field"].is_null());
  EXPECT_EQ(j["error"].size(), 3u);
}

TEST(StatusMappingTest, ProtocolErrorShape) {
  Response r = Response::Error(431, "header_too_large", "too big");
  EXPECT_EQ(r.status, 431);
  Json j = Json::parse(r.body);
  EXPECT_EQ(j, Json::parse(R"({"error":{"code":"header_too_large","message":"too big",
                                        "field":null}})"));
}

}  // namespace
}  // namespace tamkine::http
