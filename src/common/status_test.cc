#include "common/status.h"

#include <gtest/gtest.h>

namespace tamkine {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd", "x");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ASSIGN_OR_RETURN(*out, Half(x));
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = InvalidArgument("bad", "name");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "name");
  EXPECT_EQ(s.ToString(), "invalid_argument: bad (field name)");
}

TEST(StatusTest, FieldPrefix) {
  EXPECT_EQ(InvalidArgument("x", "role").WithFieldPrefix("memberships[1]").field(),
            "memberships[1].role");
  EXPECT_EQ(InvalidArgument("x", "[2]").WithFieldPrefix("items").field(), "items[2]");
  EXPECT_EQ(InvalidArgument("x").WithFieldPrefix("unit").field(), "unit");
}

TEST(StatusTest, StatusOrPropagates) {
  int out = 0;
  EXPECT_TRUE(UseHalf(4, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = UseHalf(3, &out);
  EXPECT_EQ(s.field(), "x");
}

}  // namespace
}  // namespace tamkine
