#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/encoding.h"

namespace tamkine::crypto {
namespace {

TEST(HashTest, Sha256KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::vector<uint8_t> abc{'a', 'b', 'c'};
  EXPECT_EQ(Sha256(abc), Sha256("abc"));
}

// RFC 4231 test cases 1, 2 and 6 (a key longer than the block size).
TEST(HashTest, HmacSha256Rfc4231) {
  std::vector<uint8_t> key1(20, 0x0b);
  std::string hi = "Hi There";
  EXPECT_EQ(HexEncode(HmacSha256(key1, std::vector<uint8_t>(hi.begin(), hi.end()))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string key6(131, '\xaa');
  EXPECT_EQ(HexEncode(HmacSha256(key6, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HashTest, ConstantTimeEquals) {
  std::vector<uint8_t> a{1, 2, 3};
  std::vector<uint8_t> b{1, 2, 3};
  std::vector<uint8_t> c{1, 2, 4};
  std::vector<uint8_t> shorter{1, 2};
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, c));
  EXPECT_FALSE(ConstantTimeEquals(a, shorter));
  EXPECT_FALSE(ConstantTimeEquals(shorter, a));
  EXPECT_TRUE(ConstantTimeEquals(std::vector<uint8_t>{}, std::vector<uint8_t>{}));
  EXPECT_TRUE(ConstantTimeEquals("same", "same"));
  EXPECT_FALSE(ConstantTimeEquals("same", "Same"));
  EXPECT_FALSE(ConstantTimeEquals("same", "same "));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace tamkine::crypto
