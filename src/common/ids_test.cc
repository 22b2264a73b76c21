#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace tamkine {
namespace {

TEST(IdsTest, UniqueAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    EXPECT_TRUE(LooksLikeId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_FALSE(LooksLikeId("../../etc/passwd"));
  EXPECT_FALSE(LooksLikeId("ABCDEFGHJKMNPQRSTVWXYZ0123"));
}

}  // namespace
}  // namespace tamkine
