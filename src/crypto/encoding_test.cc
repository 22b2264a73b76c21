#include "crypto/encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tamkine::crypto {
namespace {

std::vector<uint8_t> B(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 37 + 11);
  return v;
}

TEST(EncodingTest, Hex) {
  EXPECT_EQ(HexEncode({}), "");
  EXPECT_EQ(HexEncode(std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef, 0x00}), "deadbeef00");
  EXPECT_EQ(*HexDecode("DEADbeef00"), (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef, 0x00}));
  EXPECT_TRUE(HexDecode("")->empty());
  for (std::string_view bad : {"abc", "zz", "0g", " 00", "00 ", "0x00"}) {
    auto r = HexDecode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

// RFC 4648 section 10 test vectors.
TEST(EncodingTest, Base64Rfc4648Vectors) {
  constexpr std::pair<std::string_view, std::string_view> kVectors[] = {{"", ""},
                                                                        {"f", "Zg=="},
                                                                        {"fo", "Zm8="},
                                                                        {"foo", "Zm9v"},
                                                                        {"foob", "Zm9vYg=="},
                                                                        {"fooba", "Zm9vYmE="},
                                                                        {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(B(plain)), encoded);
    auto d = Base64Decode(encoded);
    ASSERT_TRUE(d.ok()) << encoded;
    EXPECT_EQ(*d, B(plain));
  }
}

TEST(EncodingTest, Base64RejectsMalformedInput) {
  for (std::string_view bad :
       {"Zg", "Zg=", "Z===", "Zh==", "Zm9v\n", "Zm9v!", "Zm 9v", "-_8=", "Zg==Zg==", "=Zg="}) {
    auto r = Base64Decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(EncodingTest, Base64UrlHasNoPaddingAndUrlAlphabet) {
  std::vector<uint8_t> v{0xfb, 0xff};
  EXPECT_EQ(Base64Encode(v), "+/8=");
  EXPECT_EQ(Base64UrlEncode(v), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), v);
  EXPECT_EQ(Base64UrlEncode(B("f")), "Zg");
  for (std::string_view bad : {"Zg==", "+/8", "Z", "Zh", "Zg "}) {
    EXPECT_FALSE(Base64UrlDecode(bad).ok()) << bad;
  }
}

// RFC 4648 section 10 test vectors, without padding.
TEST(EncodingTest, Base32Rfc4648Vectors) {
  constexpr std::pair<std::string_view, std::string_view> kVectors[] = {{"", ""},
                                                                        {"f", "MY"},
                                                                        {"fo", "MZXQ"},
                                                                        {"foo", "MZXW6"},
                                                                        {"foob", "MZXW6YQ"},
                                                                        {"fooba", "MZXW6YTB"},
                                                                        {"foobar", "MZXW6YTBOI"}};
  for (auto [plain, encoded] : kVectors) {
    EXPECT_EQ(Base32Encode(B(plain)), encoded);
    auto d = Base32Decode(encoded);
    ASSERT_TRUE(d.ok()) << encoded;
    EXPECT_EQ(*d, B(plain));
  }
  EXPECT_EQ(Base32Encode(B("12345678901234567890")), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(EncodingTest, Base32DecodeIgnoresCaseAndSpaces) {
  auto d = Base32Decode("gezd gnbv gy3t qojq GEZD GNBV GY3T QOJQ");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B("12345678901234567890"));
}

TEST(EncodingTest, Base32RejectsMalformedInput) {
  // '=' padding, digits outside 2-7, impossible lengths, non-zero trailing bits, other spaces.
  for (std::string_view bad : {"MY======", "MZXW6YQ=", "M1", "M8", "M", "MZX", "MZXW6Y", "MZ",
                               "MZXR", "MZ\tXQ", "MZXQ\n", "MZ-XQ"}) {
    auto r = Base32Decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(EncodingTest, RoundTripsEveryLength) {
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<uint8_t> v = Pattern(n);
    EXPECT_EQ(*HexDecode(HexEncode(v)), v) << n;
    EXPECT_EQ(*Base64Decode(Base64Encode(v)), v) << n;
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(v)), v) << n;
    EXPECT_EQ(*Base32Decode(Base32Encode(v)), v) << n;
    EXPECT_EQ(Base64UrlEncode(v).find('='), std::string::npos);
    EXPECT_EQ(Base32Encode(v).find('='), std::string::npos);
  }
}

TEST(EncodingTest, Base32AlphabetCoversAllDigitValues) {
  // These 20 bytes are the 5-bit values 0..31 in order.
  std::vector<uint8_t> v{0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf,
                         0x84, 0x65, 0x3a, 0x56, 0xd7, 0xc6, 0x75, 0xbe, 0x77, 0xdf};
  EXPECT_EQ(Base32Encode(v), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}

}  // namespace
}  // namespace tamkine::crypto
