#include "crypto/signing.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/test_temp_dir.h"

namespace tamkine::crypto {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SigningTest, SignAndVerify) {
  SigningKey key = SigningKey::Generate();
  auto sig = key.Sign(Bytes("checkpoint 42"));
  auto pub = key.PublicKey();
  EXPECT_TRUE(VerifySignature(pub, Bytes("checkpoint 42"), sig));
  EXPECT_FALSE(VerifySignature(pub, Bytes("checkpoint 43"), sig));
  auto bad_sig = sig;
  bad_sig[10] ^= 0x01;
  EXPECT_FALSE(VerifySignature(pub, Bytes("checkpoint 42"), bad_sig));
  SigningKey other = SigningKey::Generate();
  EXPECT_NE(other.PublicKey(), pub);
  EXPECT_FALSE(VerifySignature(other.PublicKey(), Bytes("checkpoint 42"), sig));
}

TEST(SigningTest, MoveKeepsTheKey) {
  SigningKey key = SigningKey::Generate();
  auto pub = key.PublicKey();
  SigningKey moved = std::move(key);
  EXPECT_EQ(moved.PublicKey(), pub);
  EXPECT_TRUE(VerifySignature(pub, Bytes("m"), moved.Sign(Bytes("m"))));
}

// RFC 8032 section 7.1, TEST 1, loaded from a key file written by hand.
TEST(SigningTest, Rfc8032VectorFromFile) {
  TestTempDir dir;
  auto seed = HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(seed.ok());
  std::string path = dir.Write("key", "tamkine-ed25519-secret:" + Base64Encode(*seed) + "\n", 0600);
  auto key = SigningKey::LoadFromFile(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(HexEncode(key->PublicKey()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(HexEncode(key->Sign({})),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(SigningTest, SaveAndLoadRoundTrip) {
  TestTempDir dir;
  std::string path = dir.File("audit-signing.key");
  SigningKey key = SigningKey::Generate();
  ASSERT_TRUE(key.SaveToFile(path).ok());

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::string content = ReadAll(path);
  EXPECT_TRUE(content.starts_with("tamkine-ed25519-secret:")) << content;
  EXPECT_TRUE(content.ends_with("\n"));
  EXPECT_EQ(content.find('\n'), content.size() - 1);

  auto loaded = SigningKey::LoadFromFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->PublicKey(), key.PublicKey());
  EXPECT_TRUE(VerifySignature(key.PublicKey(), Bytes("x"), loaded->Sign(Bytes("x"))));

  // Never overwrites: the existing key stays as it was.
  SigningKey other = SigningKey::Generate();
  Status again = other.SaveToFile(path);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(path), content);
}

TEST(SigningTest, LoadRefusesBadFiles) {
  TestTempDir dir;
  SigningKey key = SigningKey::Generate();
  std::string good = dir.File("good");
  ASSERT_TRUE(key.SaveToFile(good).ok());
  std::string content = ReadAll(good);

  std::string open_to_group = dir.Write("group", content, 0640);
  auto r = SigningKey::LoadFromFile(open_to_group);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find(content.substr(23, 20)), std::string::npos);

  EXPECT_EQ(SigningKey::LoadFromFile(dir.File("missing")).status().code(),
            StatusCode::kUnavailable);

  const std::string seed_b64 = content.substr(23, 44);
  for (const std::string& bad :
       {std::string(""), std::string("tamkine-ed25519-secret:"),
        "tamkine-ed25519-secret:" + seed_b64.substr(0, 40), "tamkine-x25519-secret:" + seed_b64,
        seed_b64, "tamkine-ed25519-secret:" + Base64Encode(std::vector<uint8_t>(64, 1)),
        "tamkine-ed25519-secret: " + seed_b64,
        "tamkine-ed25519-secret:" + seed_b64 + "\nsecond line"}) {
    std::string path = dir.Write("bad", bad, 0600);
    auto loaded = SigningKey::LoadFromFile(path);
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument) << bad;
    if (!seed_b64.empty()) {
      EXPECT_EQ(loaded.status().message().find(seed_b64.substr(0, 12)), std::string::npos);
    }
  }
  // Surrounding whitespace (an editor's trailing newline, CRLF) is fine.
  std::string padded =
      dir.Write("padded", "  " + content.substr(0, content.size() - 1) + "\r\n", 0600);
  auto loaded = SigningKey::LoadFromFile(padded);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->PublicKey(), key.PublicKey());
}

}  // namespace
}  // namespace tamkine::crypto
