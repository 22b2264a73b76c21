#include "crypto/token.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/encoding.h"

namespace tamkine::crypto {
namespace {

TEST(TokenTest, NewSessionTokenIs32RandomBytesInBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = NewSessionToken();
    EXPECT_EQ(t.size(), 43u);
    auto raw = Base64UrlDecode(t);
    ASSERT_TRUE(raw.ok()) << t;
    EXPECT_EQ(raw->size(), 32u);
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(TokenTest, DigestIsHexSha256) {
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string t = NewSessionToken();
  EXPECT_EQ(TokenDigest(t), TokenDigest(t));
  EXPECT_NE(TokenDigest(t), TokenDigest(NewSessionToken()));
  EXPECT_EQ(TokenDigest(t).find(t), std::string::npos);
}

}  // namespace
}  // namespace tamkine::crypto
