#include "crypto/totp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tamkine::crypto {
namespace {

std::vector<uint8_t> RfcSecret() {
  std::string s = "12345678901234567890";
  return {s.begin(), s.end()};
}

struct Vector {
  int64_t time;
  const char* code8;
};

// RFC 6238 appendix B, the SHA-1 rows.
constexpr Vector kRfc6238Sha1[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(TotpTest, Rfc6238Sha1EightDigits) {
  for (const Vector& v : kRfc6238Sha1) {
    EXPECT_EQ(TotpCode(RfcSecret(), v.time, 8), v.code8) << v.time;
  }
}

TEST(TotpTest, Rfc6238Sha1SixDigits) {
  for (const Vector& v : kRfc6238Sha1) {
    std::string six = std::string(v.code8).substr(2);
    EXPECT_EQ(TotpCode(RfcSecret(), v.time), six) << v.time;
    auto step = VerifyTotp(RfcSecret(), six, v.time);
    ASSERT_TRUE(step.has_value()) << v.time;
    EXPECT_EQ(*step, v.time / 30);
  }
}

TEST(TotpTest, TotpCodeRejectsBadArguments) {
  EXPECT_EQ(TotpCode({}, 59), "");
  EXPECT_EQ(TotpCode(RfcSecret(), 59, 0), "");
  EXPECT_EQ(TotpCode(RfcSecret(), 59, 10), "");
  EXPECT_EQ(TotpCode(RfcSecret(), 59, 6, 0), "");
  EXPECT_EQ(TotpCode(RfcSecret(), 59, 6, -30), "");
  EXPECT_EQ(TotpCode(RfcSecret(), -1), "");
  EXPECT_EQ(TotpCode(RfcSecret(), 0), TotpCode(RfcSecret(), 29));
}

TEST(TotpTest, VerifyAcceptsNeighbouringStepsWithinWindow) {
  const int64_t now = 1'767'225'600;  // 2026-01-01T00:00:00Z, a step boundary
  const int64_t step = now / 30;
  std::string previous = TotpCode(RfcSecret(), now - 30);
  std::string current = TotpCode(RfcSecret(), now);
  std::string next = TotpCode(RfcSecret(), now + 30);
  std::string two_ago = TotpCode(RfcSecret(), now - 60);
  EXPECT_EQ(VerifyTotp(RfcSecret(), current, now), step);
  EXPECT_EQ(VerifyTotp(RfcSecret(), current, now + 29), step);
  EXPECT_EQ(VerifyTotp(RfcSecret(), previous, now), step - 1);
  EXPECT_EQ(VerifyTotp(RfcSecret(), next, now), step + 1);
  EXPECT_EQ(VerifyTotp(RfcSecret(), two_ago, now), std::nullopt);
  EXPECT_EQ(VerifyTotp(RfcSecret(), two_ago, now, 2), step - 2);
  EXPECT_EQ(VerifyTotp(RfcSecret(), previous, now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(RfcSecret(), previous, now, -5), std::nullopt);  // clamped to 0
  EXPECT_EQ(VerifyTotp(RfcSecret(), current, now, -5), step);
}

TEST(TotpTest, VerifyRefusesAnythingButSixAsciiDigits) {
  const int64_t t = 1111111109;
  ASSERT_EQ(TotpCode(RfcSecret(), t), "081804");
  for (std::string_view bad :
       {"", "81804", "0818040", " 081804", "081804 ", "081 804", "08180a", "07081804",
        "\xef\xbc\x90\xef\xbc\x98\xef\xbc\x91\xef\xbc\x98\xef\xbc\x90\xef\xbc\x94",  // full-width
        "+81804", "-81804"}) {
    EXPECT_EQ(VerifyTotp(RfcSecret(), bad, t), std::nullopt) << bad;
  }
  EXPECT_EQ(VerifyTotp({}, "081804", t), std::nullopt);
  std::vector<uint8_t> other = RfcSecret();
  other[0] ^= 1;
  EXPECT_EQ(VerifyTotp(other, "081804", t), std::nullopt);
}

TEST(TotpTest, NewSecretIs20RandomBytes) {
  auto a = NewTotpSecret();
  auto b = NewTotpSecret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  std::string code = TotpCode(a, 1'767'225'600);
  EXPECT_EQ(code.size(), 6u);
  EXPECT_TRUE(VerifyTotp(a, code, 1'767'225'600).has_value());
}

TEST(TotpTest, OtpauthUri) {
  EXPECT_EQ(OtpauthUri("Tamkine", "amina", RfcSecret()),
            "otpauth://totp/Tamkine:amina?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Tamkine&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(OtpauthUri("Tamkine Rabat", "a b:c@d.ma&x=1", RfcSecret()),
            "otpauth://totp/Tamkine%20Rabat:a%20b%3Ac%40d.ma%26x%3D1"
            "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Tamkine%20Rabat&algorithm=SHA1&digits=6&period=30");
  // Non-ASCII names are percent-encoded byte by byte (UTF-8).
  EXPECT_EQ(OtpauthUri("T", "\xd8\xa8", RfcSecret()).substr(0, 24), "otpauth://totp/T:%D8%A8?");
}

}  // namespace
}  // namespace tamkine::crypto
