#include "crypto/keyring.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/encoding.h"
#include "crypto/test_temp_dir.h"

namespace tamkine::crypto {
namespace {

constexpr char kOpenFailure[] =
    "sealed value does not open (wrong key, or moved to another record or column)";

Key256 Filled(uint8_t b) {
  Key256 k;
  k.fill(b);
  return k;
}

// A keyring under a KEK of all 0xA5 bytes, with data key version 1 (all 0x11) current.
class KeyringTest : public ::testing::Test {
 protected:
  KeyringTest() : keyring_(Filled(0xA5)) {
    keyring_.AddDataKey(1, Filled(0x11));
    keyring_.SetCurrentVersion(1);
  }

  std::vector<uint8_t> SealOrDie(std::string_view table, std::string_view column,
                                 std::string_view id, std::string_view plain) {
    auto sealed = keyring_.Seal(table, column, id, plain);
    EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
    return sealed.ok() ? *sealed : std::vector<uint8_t>{};
  }

  Keyring keyring_;
};

TEST_F(KeyringTest, RoundTrip) {
  for (const std::string& plain : {std::string(""), std::string("Fatima Zahra El Idrissi"),
                                   std::string("\xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9"),
                                   std::string("nul\0inside", 10), std::string(10000, 'z')}) {
    std::vector<uint8_t> sealed = SealOrDie("survivors", "name_sealed", "rec1", plain);
    EXPECT_EQ(sealed.size(), 1 + 4 + 24 + plain.size() + 16);
    auto opened = keyring_.Open("survivors", "name_sealed", "rec1", sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plain);
  }
}

TEST_F(KeyringTest, LayoutAndFreshNonces) {
  keyring_.AddDataKey(0x01020304, Filled(0x22));
  keyring_.SetCurrentVersion(0x01020304);
  std::vector<uint8_t> a = SealOrDie("t", "c", "r", "same");
  std::vector<uint8_t> b = SealOrDie("t", "c", "r", "same");
  ASSERT_EQ(a.size(), 1u + 4 + 24 + 4 + 16);
  EXPECT_EQ(a[0], 0x01);
  EXPECT_EQ(std::vector<uint8_t>(a.begin() + 1, a.begin() + 5),
            (std::vector<uint8_t>{0x01, 0x02, 0x03, 0x04}));
  EXPECT_EQ(Keyring::KeyVersionOf(a), 0x01020304u);
  EXPECT_NE(a, b);  // random nonce each time
  EXPECT_NE(std::vector<uint8_t>(a.begin() + 5, a.begin() + 29),
            std::vector<uint8_t>(b.begin() + 5, b.begin() + 29));
}

TEST_F(KeyringTest, MovedValuesDoNotOpen) {
  std::vector<uint8_t> sealed = SealOrDie("survivors", "name_sealed", "rec1", "Amina");
  struct Place {
    const char* table;
    const char* column;
    const char* id;
  };
  for (Place p :
       {Place{"survivors", "name_sealed", "rec2"}, Place{"survivors", "phone_sealed", "rec1"},
        Place{"users", "name_sealed", "rec1"}, Place{"survivors", "name_sealed", ""},
        Place{"survivors", "name_sealed", "rec1 "}}) {
    auto r = keyring_.Open(p.table, p.column, p.id, sealed);
    ASSERT_FALSE(r.ok()) << p.table << "." << p.column << "/" << p.id;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().message(), kOpenFailure);
  }
  // Length prefixes keep the boundaries between names: ("ab","c") is not ("a","bc").
  std::vector<uint8_t> ab_c = SealOrDie("ab", "c", "r", "x");
  EXPECT_FALSE(keyring_.Open("a", "bc", "r", ab_c).ok());
  EXPECT_TRUE(keyring_.Open("ab", "c", "r", ab_c).ok());
}

TEST_F(KeyringTest, EveryFlippedBitFails) {
  std::vector<uint8_t> sealed = SealOrDie("t", "c", "r", "Khadija");
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> tampered = sealed;
      tampered[i] ^= static_cast<uint8_t>(1u << bit);
      auto r = keyring_.Open("t", "c", "r", tampered);
      ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    }
  }
}

TEST_F(KeyringTest, ChangedVersionFailsEvenWhenThatVersionIsLoaded) {
  keyring_.AddDataKey(2, Filled(0x11));  // same key bytes under another version
  std::vector<uint8_t> sealed = SealOrDie("t", "c", "r", "Khadija");
  sealed[4] = 2;
  auto r = keyring_.Open("t", "c", "r", sealed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), kOpenFailure);
}

TEST_F(KeyringTest, TruncatedInputFailsCleanly) {
  std::vector<uint8_t> sealed = SealOrDie("t", "c", "r", "Khadija");
  for (size_t n = 0; n < sealed.size(); ++n) {
    // An exactly-sized heap copy, so the sanitizer sees any read past the end.
    std::vector<uint8_t> prefix(sealed.begin(), sealed.begin() + static_cast<ptrdiff_t>(n));
    auto r = keyring_.Open("t", "c", "r", prefix);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    if (n < 1 + 4 + 24 + 16) {
      EXPECT_EQ(Keyring::KeyVersionOf(prefix), std::nullopt) << n;
    }
  }
  EXPECT_FALSE(keyring_.Open("t", "c", "r", std::span<const uint8_t>()).ok());
  std::vector<uint8_t> longer = sealed;
  longer.push_back(0);
  EXPECT_FALSE(keyring_.Open("t", "c", "r", longer).ok());
}

TEST_F(KeyringTest, UnknownFormatAndVersion) {
  std::vector<uint8_t> sealed = SealOrDie("t", "c", "r", "x");
  std::vector<uint8_t> other_format = sealed;
  other_format[0] = 0x02;
  EXPECT_EQ(Keyring::KeyVersionOf(other_format), std::nullopt);
  EXPECT_EQ(keyring_.Open("t", "c", "r", other_format).status().code(),
            StatusCode::kFailedPrecondition);

  std::vector<uint8_t> v7 = sealed;
  v7[4] = 7;
  auto r = keyring_.Open("t", "c", "r", v7);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "unknown key version 7");
}

TEST(KeyringNoKeyTest, SealNeedsACurrentLoadedKey) {
  Keyring k(Filled(1));
  EXPECT_EQ(k.current_version(), 0u);
  EXPECT_EQ(k.Seal("t", "c", "r", "x").status().code(), StatusCode::kFailedPrecondition);
  k.SetCurrentVersion(3);
  auto r = k.Seal("t", "c", "r", "x");
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "unknown key version 3");
  k.AddDataKey(3, Keyring::NewDataKey());
  EXPECT_TRUE(k.Seal("t", "c", "r", "x").ok());
}

TEST_F(KeyringTest, Rotation) {
  std::vector<uint8_t> old_value = SealOrDie("t", "c", "r", "before rotation");
  EXPECT_EQ(Keyring::KeyVersionOf(old_value), 1u);

  keyring_.AddDataKey(2, Keyring::NewDataKey());
  EXPECT_TRUE(keyring_.HasVersion(2));
  EXPECT_EQ(keyring_.current_version(), 1u);
  keyring_.SetCurrentVersion(2);
  EXPECT_EQ(keyring_.current_version(), 2u);

  std::vector<uint8_t> new_value = SealOrDie("t", "c", "r", "after rotation");
  EXPECT_EQ(Keyring::KeyVersionOf(new_value), 2u);
  EXPECT_EQ(*keyring_.Open("t", "c", "r", old_value), "before rotation");
  EXPECT_EQ(*keyring_.Open("t", "c", "r", new_value), "after rotation");

  // A keyring that only knows version 1 cannot open the new value.
  Keyring stale(Filled(0xA5));
  stale.AddDataKey(1, Filled(0x11));
  EXPECT_EQ(*stale.Open("t", "c", "r", old_value), "before rotation");
  EXPECT_EQ(stale.Open("t", "c", "r", new_value).status().message(), "unknown key version 2");
}

TEST(KeyringWrapTest, WrapAndUnwrap) {
  Keyring k(Filled(0xA5));
  Key256 dek = Keyring::NewDataKey();
  std::vector<uint8_t> wrapped = k.WrapDataKey(4, dek);
  EXPECT_EQ(wrapped.size(), 1u + 24 + 32 + 16);
  EXPECT_NE(k.WrapDataKey(4, dek), wrapped);  // fresh nonce
  auto unwrapped = k.UnwrapDataKey(4, wrapped);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
  EXPECT_EQ(*unwrapped, dek);

  // The same KEK in another process (another Keyring object) unwraps it too.
  Keyring again(Filled(0xA5));
  EXPECT_EQ(*again.UnwrapDataKey(4, wrapped), dek);
}

TEST(KeyringWrapTest, UnwrapFailures) {
  Keyring k(Filled(0xA5));
  std::vector<uint8_t> wrapped = k.WrapDataKey(4, Keyring::NewDataKey());
  auto expect_fails = [](const StatusOr<Key256>& r) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().message(), "wrong key-encryption key or corrupted data key");
  };
  Keyring wrong_kek(Filled(0x5A));
  expect_fails(wrong_kek.UnwrapDataKey(4, wrapped));
  expect_fails(k.UnwrapDataKey(5, wrapped));  // bound to its version
  for (size_t i = 0; i < wrapped.size(); ++i) {
    std::vector<uint8_t> tampered = wrapped;
    tampered[i] ^= 0x80;
    expect_fails(k.UnwrapDataKey(4, tampered));
  }
  for (size_t n = 0; n < wrapped.size(); ++n) {
    std::vector<uint8_t> prefix(wrapped.begin(), wrapped.begin() + static_cast<ptrdiff_t>(n));
    expect_fails(k.UnwrapDataKey(4, prefix));
  }
}

TEST(KeyringConcurrencyTest, SealAndOpenWhileRotating) {
  Keyring k(Filled(0xA5));
  k.AddDataKey(1, Keyring::NewDataKey());
  k.SetCurrentVersion(1);
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  workers.reserve(3);
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&k, &failed, w] {
      for (int i = 0; i < 300; ++i) {
        std::string id = std::to_string(w) + "-" + std::to_string(i);
        auto sealed = k.Seal("t", "c", id, id);
        if (!sealed.ok()) {
          failed = true;
          continue;
        }
        auto opened = k.Open("t", "c", id, *sealed);
        if (!opened.ok() || *opened != id) failed = true;
      }
    });
  }
  for (uint32_t v = 2; v <= 50; ++v) {
    k.AddDataKey(v, Keyring::NewDataKey());
    k.SetCurrentVersion(v);
  }
  for (auto& t : workers) t.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(k.current_version(), 50u);
}

class KekTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("TAMKINE_KEK"); }
  void TearDown() override { ::unsetenv("TAMKINE_KEK"); }
  TestTempDir dir_;
};

TEST_F(KekTest, FromFileInBase64OrHex) {
  Key256 kek = Keyring::NewDataKey();
  auto b64 = LoadKek(dir_.Write("b64", Base64Encode(kek) + "\n", 0600));
  ASSERT_TRUE(b64.ok()) << b64.status().ToString();
  EXPECT_EQ(*b64, kek);
  auto hex = LoadKek(dir_.Write("hex", "  " + HexEncode(kek) + "\r\n", 0600));
  ASSERT_TRUE(hex.ok()) << hex.status().ToString();
  EXPECT_EQ(*hex, kek);
}

TEST_F(KekTest, FileErrors) {
  Key256 kek = Keyring::NewDataKey();
  std::string b64 = Base64Encode(kek);
  auto open = LoadKek(dir_.Write("open", b64, 0644));
  EXPECT_EQ(open.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos);

  EXPECT_EQ(LoadKek(dir_.File("missing")).status().code(), StatusCode::kUnavailable);

  for (const std::string& bad :
       {std::string(""), b64.substr(0, 40), HexEncode(kek).substr(2), b64 + b64,
        Base64UrlEncode(std::vector<uint8_t>(32, 0xff)), std::string("not a key at all")}) {
    auto r = LoadKek(dir_.Write("bad", bad, 0600));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("32 bytes"), std::string::npos);
    if (bad.size() > 8) {
      EXPECT_EQ(r.status().message().find(bad.substr(0, 8)), std::string::npos);
    }
  }
}

TEST_F(KekTest, FromEnvironment) {
  auto missing = LoadKek("");
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(missing.status().message().find("TAMKINE_KEK"), std::string::npos);

  ::setenv("TAMKINE_KEK", "", 1);
  EXPECT_EQ(LoadKek("").status().code(), StatusCode::kUnavailable);

  Key256 kek = Keyring::NewDataKey();
  ::setenv("TAMKINE_KEK", Base64Encode(kek).c_str(), 1);
  EXPECT_EQ(*LoadKek(""), kek);
  ::setenv("TAMKINE_KEK", HexEncode(kek).c_str(), 1);
  EXPECT_EQ(*LoadKek(""), kek);
  ::setenv("TAMKINE_KEK", "short", 1);
  auto bad = LoadKek("");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("TAMKINE_KEK"), std::string::npos);

  // A file, when named, wins over the environment.
  Key256 from_file = Keyring::NewDataKey();
  EXPECT_EQ(*LoadKek(dir_.Write("kek", Base64Encode(from_file), 0600)), from_file);
}

TEST_F(KekTest, GenerateKekFile) {
  std::string path = dir_.File("kek");
  ASSERT_TRUE(GenerateKekFile(path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto kek = LoadKek(path);
  ASSERT_TRUE(kek.ok()) << kek.status().ToString();
  EXPECT_NE(*kek, Filled(0));

  EXPECT_EQ(GenerateKekFile(path).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*LoadKek(path), *kek);  // unchanged
}

}  // namespace
}  // namespace tamkine::crypto
