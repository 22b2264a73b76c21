#include "keys/keyring_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/keyring.h"
#include "storage/migrations/schema.h"

namespace tamkine::keys {
namespace {

std::array<uint8_t, 32> Kek(uint8_t fill) {
  std::array<uint8_t, 32> k{};
  k.fill(fill);
  return k;
}

class KeyringStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tamkine-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*storage::OpenStore((dir_ / "t.db").string()));
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void InsertUser(crypto::Keyring& k, const std::string& id, const std::string& name) {
    auto sealed = k.Seal("users", "display_name_sealed", id, name);
    ASSERT_TRUE(sealed.ok());
    ASSERT_TRUE(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                  return tx
                      .Exec(
                          "INSERT INTO users (id, username, display_name_sealed, "
                          "password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', 0, 0)",
                          {id, id, storage::Blob{*sealed}})
                      .status();
                }).ok());
  }

  std::vector<uint8_t> SealedName(const std::string& id) {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    auto row = *tx->QueryOne("SELECT display_name_sealed FROM users WHERE id = ?", {id});
    return row->Bytes(0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_;
};

TEST_F(KeyringStoreTest, FirstStartCreatesVersionOneAndReloads) {
  crypto::Keyring k(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, k, clock_).ok());
  EXPECT_EQ(k.current_version(), 1u);
  InsertUser(k, "u1", "Fatima Zahra El Alaoui");
  crypto::Keyring again(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, again, clock_).ok());
  EXPECT_EQ(*again.Open("users", "display_name_sealed", "u1", SealedName("u1")),
            "Fatima Zahra El Alaoui");
}

TEST_F(KeyringStoreTest, WrongKekRefusesToLoad) {
  crypto::Keyring k(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, k, clock_).ok());
  crypto::Keyring wrong(Kek(2));
  Status s = LoadKeyring(*store_, wrong, clock_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
}

TEST_F(KeyringStoreTest, SwappedCiphertextDoesNotOpen) {
  crypto::Keyring k(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, k, clock_).ok());
  InsertUser(k, "u1", "Amina");
  InsertUser(k, "u2", "Khadija");
  // A value copied from one row to another fails to open.
  EXPECT_FALSE(k.Open("users", "display_name_sealed", "u2", SealedName("u1")).ok());
  EXPECT_FALSE(k.Open("users", "email_sealed", "u1", SealedName("u1")).ok());
}

TEST_F(KeyringStoreTest, RotationResealsEverythingAndOldKeysStillLoad) {
  crypto::Keyring k(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, k, clock_).ok());
  for (int i = 0; i < 450; ++i)
    InsertUser(k, "u" + std::to_string(1000 + i), "Name " + std::to_string(i));
  auto report = RotateKeys(*store_, k, clock_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->new_version, 2u);
  EXPECT_EQ(report->values_resealed, 450);
  EXPECT_EQ(crypto::Keyring::KeyVersionOf(SealedName("u1000")), 2u);
  // A second pass finds nothing left to do.
  EXPECT_EQ(*ResealAll(*store_, k), 0);
  // A fresh process (another server) loads both versions and opens everything.
  crypto::Keyring fresh(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, fresh, clock_).ok());
  EXPECT_EQ(fresh.current_version(), 2u);
  EXPECT_EQ(*fresh.Open("users", "display_name_sealed", "u1449", SealedName("u1449")), "Name 449");
}

TEST_F(KeyringStoreTest, RunningServerPicksUpRotationFromAnotherProcess) {
  crypto::Keyring server(Kek(1));
  ASSERT_TRUE(LoadKeyring(*store_, server, clock_).ok());
  InsertUser(server, "u1", "Amina");
  crypto::Keyring cli(Kek(1));
  ASSERT_TRUE(RotateKeys(*store_, cli, clock_).ok());
  ASSERT_TRUE(RefreshKeyring(*store_, server).ok());
  EXPECT_EQ(server.current_version(), 2u);
  EXPECT_EQ(*server.Open("users", "display_name_sealed", "u1", SealedName("u1")), "Amina");
}

}  // namespace
}  // namespace tamkine::keys
