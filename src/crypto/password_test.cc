#include "crypto/password.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace tamkine::crypto {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST(PasswordParamsTest, ProductionMinimum) {
  EXPECT_TRUE(PasswordParams::Default().MeetsProductionMinimum());
  EXPECT_EQ(PasswordParams::Default().opslimit, 3u);
  EXPECT_EQ(PasswordParams::Default().memlimit_bytes, 64 * kMiB);
  EXPECT_FALSE(PasswordParams::ForTests().MeetsProductionMinimum());
  EXPECT_TRUE(
      (PasswordParams{.opslimit = 2, .memlimit_bytes = 19 * kMiB}).MeetsProductionMinimum());
  EXPECT_TRUE(
      (PasswordParams{.opslimit = 1, .memlimit_bytes = 46 * kMiB}).MeetsProductionMinimum());
  EXPECT_TRUE((PasswordParams{.opslimit = 5, .memlimit_bytes = 7 * kMiB}).MeetsProductionMinimum());
  EXPECT_FALSE(
      (PasswordParams{.opslimit = 1, .memlimit_bytes = 19 * kMiB}).MeetsProductionMinimum());
  EXPECT_FALSE(
      (PasswordParams{.opslimit = 4, .memlimit_bytes = 8 * kMiB}).MeetsProductionMinimum());
  EXPECT_FALSE(
      (PasswordParams{.opslimit = 100, .memlimit_bytes = 6 * kMiB}).MeetsProductionMinimum());
}

TEST(PasswordHasherTest, HashAndVerify) {
  PasswordHasher hasher(PasswordParams::ForTests());
  auto h = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << *h;
  EXPECT_EQ(h->find("correct"), std::string::npos);
  EXPECT_TRUE(hasher.Verify(*h, "correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(*h, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.Verify(*h, ""));
  // A fresh salt each time.
  auto h2 = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(h2.ok());
  EXPECT_NE(*h, *h2);
  EXPECT_TRUE(hasher.Verify(*h2, "correct horse battery staple"));
}

TEST(PasswordHasherTest, PasswordsWithNulAndNonAsciiBytes) {
  PasswordHasher hasher(PasswordParams::ForTests());
  std::string pw = std::string("kalimat") + '\0' + "sirr \xd9\x83\xd9\x84\xd9\x85\xd8\xa9";
  auto h = hasher.Hash(pw);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(hasher.Verify(*h, pw));
  EXPECT_FALSE(hasher.Verify(*h, pw.substr(0, 7)));
}

TEST(PasswordHasherTest, VerifyRejectsMalformedEncodings) {
  PasswordHasher hasher(PasswordParams::ForTests());
  auto h = hasher.Hash("some password 123");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(hasher.Verify("", "some password 123"));
  EXPECT_FALSE(hasher.Verify("not a hash", "some password 123"));
  EXPECT_FALSE(hasher.Verify(h->substr(0, h->size() - 3), "some password 123"));
  EXPECT_FALSE(hasher.Verify(*h + std::string(200, 'A'), "some password 123"));
  EXPECT_FALSE(hasher.Verify(*h + std::string(1, '\0'), "some password 123"));
}

TEST(PasswordHasherTest, NeedsRehash) {
  PasswordHasher tiny(PasswordParams::ForTests());
  PasswordHasher other(PasswordParams{.opslimit = 2, .memlimit_bytes = size_t{16} * 1024});
  auto h = tiny.Hash("some password 123");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(tiny.NeedsRehash(*h));
  EXPECT_TRUE(other.NeedsRehash(*h));
  EXPECT_TRUE(other.Verify(*h, "some password 123"));  // old hashes still verify
  EXPECT_TRUE(tiny.NeedsRehash("garbage"));

  // An Argon2i hash with the very same parameters still needs replacing by Argon2id.
  char argon2i[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i, "pw", 2, 3, 8192, crypto_pwhash_ALG_ARGON2I13), 0);
  PasswordHasher same_costs(PasswordParams{.opslimit = 3, .memlimit_bytes = 8192});
  EXPECT_TRUE(same_costs.Verify(argon2i, "pw"));
  EXPECT_TRUE(same_costs.NeedsRehash(argon2i));
}

TEST(PasswordHasherTest, OutOfRangeParametersFailCleanly) {
  PasswordHasher hasher(PasswordParams{.opslimit = 0, .memlimit_bytes = 1});
  auto h = hasher.Hash("some password 123");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
  hasher.DummyVerify("some password 123");  // must not crash either
}

TEST(PasswordHasherTest, DummyVerifyRuns) {
  PasswordHasher hasher(PasswordParams::ForTests());
  hasher.DummyVerify("anything");
  hasher.DummyVerify("");
}

TEST(PasswordHasherTest, DefaultParametersAreEncodedInTheHash) {
  PasswordHasher hasher(PasswordParams::Default());
  auto h = hasher.Hash("a production-strength password");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=65536,t=3,p=1$")) << *h;
  EXPECT_FALSE(hasher.NeedsRehash(*h));
  EXPECT_TRUE(hasher.Verify(*h, "a production-strength password"));
}

TEST(PasswordPolicyTest, Length) {
  EXPECT_TRUE(CheckPasswordPolicy("123456789012").ok());
  Status short_pw = CheckPasswordPolicy("12345678901");
  EXPECT_EQ(short_pw.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_pw.field(), "password");
  EXPECT_EQ(short_pw.message().find("12345678901"), std::string::npos);
  EXPECT_FALSE(CheckPasswordPolicy("").ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(256, 'x')).ok());
  Status long_pw = CheckPasswordPolicy(std::string(257, 'x'));
  EXPECT_EQ(long_pw.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(long_pw.field(), "password");
}

TEST(PasswordPolicyTest, CountsCodePointsNotBytes) {
  std::string beh = "\xd8\xa8";  // U+0628 ARABIC LETTER BEH, two bytes
  std::string eleven, twelve;
  for (int i = 0; i < 11; ++i) eleven += beh;
  twelve = eleven + beh;
  EXPECT_FALSE(CheckPasswordPolicy(eleven).ok());  // 22 bytes but 11 characters
  EXPECT_TRUE(CheckPasswordPolicy(twelve).ok());
  std::string tifinagh = "\xe2\xb5\xa3";  // U+2D63 TIFINAGH LETTER YAZ, three bytes
  std::string t12;
  for (int i = 0; i < 12; ++i) t12 += tifinagh;
  EXPECT_TRUE(CheckPasswordPolicy(t12).ok());
  EXPECT_TRUE(CheckPasswordPolicy("emoji\xf0\x9f\x94\x91 ok 12").ok());
}

TEST(PasswordPolicyTest, RejectsInvalidUtf8) {
  const std::string bad_inputs[] = {std::string(12, '\xff'),          "overlong \xc0\xaf 12345",
                                    "surrogate \xed\xa0\x80 123",     "truncated 12345 \xd8",
                                    "too big \xf4\x90\x80\x80 12345", "stray \x80 continuation"};
  for (const std::string& bad : bad_inputs) {
    Status st = CheckPasswordPolicy(bad);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(st.field(), "password");
  }
}

}  // namespace
}  // namespace tamkine::crypto
