// Identity services against a real SQLite store with an injected clock: units, users,
// memberships, sign-in, sessions, lockout, TOTP, and sealing at rest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit_log.h"
#include "crypto/encoding.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "identity/auth_service.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::identity {
namespace {

constexpr char kPassword[] = "correct horse battery";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tamkine-identity-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*storage::OpenStore((dir_ / "t.db").string()));
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
    std::array<uint8_t, 32> kek{};
    kek.fill(7);
    keyring_ = std::make_unique<crypto::Keyring>(kek);
    ASSERT_TRUE(keys::LoadKeyring(*store_, *keyring_, clock_).ok());
    hasher_ = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    Deps deps{store_.get(), keyring_.get(), hasher_.get(), &clock_};
    units_ = std::make_unique<UnitService>(deps);
    users_ = std::make_unique<UserService>(deps);
    auth_ = std::make_unique<AuthService>(deps, AuthOptions{});

    UnitInput ui;
    ui.name = "Cellule police Fès";
    ui.sector = "police";
    ui.province_code = "03.01";
    unit_ = *units_->CreateBootstrap(ui);
    ui.name = "Cellule police Meknès";
    ui.province_code = "03.02";
    other_unit_ = *units_->CreateBootstrap(ui);
    admin_secret_ = crypto::NewTotpSecret();
    admin_ = *users_->CreateBootstrap(MakeUser("admin", "administrator", unit_.id), admin_secret_);
    admin_subject_.user_id = admin_.id;
    admin_subject_.username = admin_.username;
    admin_subject_.memberships = admin_.memberships;
    admin_ctx_.subject = &admin_subject_;
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static UserInput MakeUser(const std::string& username, const std::string& role,
                            const std::string& unit_id) {
    UserInput in;
    in.username = username;
    in.display_name = "User " + username;
    in.password = kPassword;
    in.memberships.push_back({unit_id, role});
    return in;
  }

  std::string Code(const std::vector<uint8_t>& secret, Micros at) {
    return crypto::TotpCode(secret, at / kMicrosPerSecond);
  }

  StatusOr<LoginResult> Login(const std::string& user, const std::string& pw,
                              std::optional<std::string> code = std::nullopt,
                              const std::string& addr = "10.0.0.1") {
    return auth_->Login({user, pw, std::move(code), addr, "req"});
  }

  int64_t CountAudit(const std::string& action, const std::string& decision) {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    auto row = *tx->QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = ? AND decision = ?",
                             {action, decision});
    return row->Int(0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  FakeClock clock_;
  std::unique_ptr<UnitService> units_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<AuthService> auth_;
  Unit unit_, other_unit_;
  User admin_;
  std::vector<uint8_t> admin_secret_;
  access::Subject admin_subject_;
  access::RequestContext admin_ctx_;
};

TEST_F(IdentityTest, UnitValidationNamesTheField) {
  UnitInput in;
  in.name = "X unit";
  in.sector = "police";
  in.province_code = "99.99";
  EXPECT_EQ(units_->Create(admin_ctx_, in).status().field(), "province_code");
  in.province_code = "03.01";
  in.region_code = 6;
  EXPECT_EQ(units_->Create(admin_ctx_, in).status().field(), "region_code");
  in.region_code = 3;
  in.phone = "not a phone";
  EXPECT_EQ(units_->Create(admin_ctx_, in).status().field(), "phone");
  in.phone = "05 35 12 34 56";
  auto u = units_->Create(admin_ctx_, in);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(*u->phone, "+212535123456");
  EXPECT_EQ(u->region_code, 3);
}

TEST_F(IdentityTest, CreateUserAndDuplicateUsername) {
  auto u = users_->Create(admin_ctx_, MakeUser("Officer.One", "officer", unit_.id));
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->username, "officer.one");
  ASSERT_EQ(u->memberships.size(), 1u);
  EXPECT_EQ(u->memberships[0].sector, "police");
  auto dup = users_->Create(admin_ctx_, MakeUser("officer.one", "officer", unit_.id));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "username");
}

TEST_F(IdentityTest, BadMembershipsLeaveNothingBehind) {
  UserInput in = MakeUser("ghost", "officer", "nonexistent-unit");
  auto r = users_->Create(admin_ctx_, in);
  EXPECT_EQ(r.status().field(), "memberships[0].unit_id");
  auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
  EXPECT_FALSE((*tx->QueryOne("SELECT id FROM users WHERE username = 'ghost'")).has_value());
  in = MakeUser("weak", "officer", unit_.id);
  in.password = "short";
  EXPECT_EQ(users_->Create(admin_ctx_, in).status().field(), "password");
}

TEST_F(IdentityTest, NonAdminIsDeniedAndTheDenialIsAudited) {
  auto officer = *users_->Create(admin_ctx_, MakeUser("officer", "officer", unit_.id));
  access::Subject s{officer.id, officer.username, officer.memberships};
  access::RequestContext ctx{&s, "10.0.0.2", "r1"};
  int64_t before = CountAudit("user.create", "denied");
  auto r = users_->Create(ctx, MakeUser("sneaky", "administrator", unit_.id));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("user.create", "denied"), before + 1);
  auto verify = audit::Verify(*store_);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
}

TEST_F(IdentityTest, UnitHeadSeesOwnUnitOnly) {
  auto head = *users_->Create(admin_ctx_, MakeUser("head", "unit_head", unit_.id));
  auto mine = *users_->Create(admin_ctx_, MakeUser("mine", "officer", unit_.id));
  auto theirs = *users_->Create(admin_ctx_, MakeUser("theirs", "officer", other_unit_.id));
  access::Subject s{head.id, head.username, head.memberships};
  access::RequestContext ctx{&s, "a", "r"};
  EXPECT_TRUE(users_->Get(ctx, mine.id).ok());
  EXPECT_EQ(users_->Get(ctx, theirs.id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(users_->List(ctx, unit_.id).ok());
  EXPECT_EQ(users_->List(ctx, other_unit_.id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(users_->List(ctx, std::nullopt).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(IdentityTest, LoginNeedsSecondFactorForAdmin) {
  auto r = Login("admin", kPassword);
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().field(), "totp_code");
  r = Login("admin", kPassword, "000000");
  EXPECT_EQ(r.status().field(), "totp_code");
  std::string code = Code(admin_secret_, clock_.Now());
  r = Login("admin", kPassword, code);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->session.subject.must_enrol_totp);
  // The same code cannot be used twice.
  EXPECT_EQ(Login("admin", kPassword, code).status().field(), "totp_code");
}

TEST_F(IdentityTest, UnknownAndWrongPasswordLookTheSame) {
  auto unknown = Login("nobody-here", "whatever password");
  auto wrong = Login("admin", "wrong password!!");
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().code(), unknown.status().code());
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(wrong.status().field(), unknown.status().field());
}

TEST_F(IdentityTest, LockoutAppliesToExistingAndUnknownUsernamesAlikeAndExpires) {
  for (const std::string user : {"admin", "nobody-here"}) {
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(Login(user, "wrong password!!", std::nullopt, "10.0.0." + std::to_string(i))
                    .status()
                    .code(),
                StatusCode::kUnauthenticated);
    }
    auto locked = Login(user, "wrong password!!", std::nullopt, "10.0.1.1");
    EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted) << user;
  }
  // Even the right password is refused while locked.
  EXPECT_EQ(Login("admin", kPassword, Code(admin_secret_, clock_.Now())).status().code(),
            StatusCode::kResourceExhausted);
  clock_.Advance(16 * kMicrosPerMinute);
  EXPECT_TRUE(Login("admin", kPassword, Code(admin_secret_, clock_.Now())).ok());
}

TEST_F(IdentityTest, SessionIdleAndAbsoluteTimeouts) {
  auto officer = *users_->Create(admin_ctx_, MakeUser("officer", "officer", unit_.id));
  auto r = Login("officer", kPassword);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(auth_->Authenticate(r->token, "a").ok());
  clock_.Advance(14 * kMicrosPerMinute);
  ASSERT_TRUE(auth_->Authenticate(r->token, "a").ok());  // activity resets the idle clock
  clock_.Advance(14 * kMicrosPerMinute);
  ASSERT_TRUE(auth_->Authenticate(r->token, "a").ok());
  clock_.Advance(16 * kMicrosPerMinute);
  EXPECT_EQ(auth_->Authenticate(r->token, "a").status().code(), StatusCode::kUnauthenticated);

  auto r2 = Login("officer", kPassword);
  ASSERT_TRUE(r2.ok());
  for (int i = 0; i < 12 * 6; ++i) {  // active every 10 minutes for 12 hours
    clock_.Advance(10 * kMicrosPerMinute);
    auto a = auth_->Authenticate(r2->token, "a");
    if (i < 12 * 6 - 1) {
      ASSERT_TRUE(a.ok()) << i;
    } else {
      EXPECT_EQ(a.status().code(), StatusCode::kUnauthenticated);
    }
  }
  (void)officer;
}

TEST_F(IdentityTest, DisablingEndsSessionsAtOnce) {
  auto officer = *users_->Create(admin_ctx_, MakeUser("officer", "officer", unit_.id));
  auto r = Login("officer", kPassword);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(users_->SetActive(admin_ctx_, officer.id, false).ok());
  EXPECT_EQ(auth_->Authenticate(r->token, "a").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("officer", kPassword).status().code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(users_->SetActive(admin_ctx_, officer.id, true).ok());
  EXPECT_TRUE(Login("officer", kPassword).ok());
}

TEST_F(IdentityTest, UnitHeadMustEnrolSecondFactor) {
  auto head = *users_->Create(admin_ctx_, MakeUser("head", "unit_head", unit_.id));
  auto r = Login("head", kPassword);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->session.subject.must_enrol_totp);
  auto session = *auth_->Authenticate(r->token, "a");
  access::RequestContext ctx{&session.subject, "a", "r"};
  // Nothing but enrolment is allowed yet.
  EXPECT_EQ(units_->List(ctx, {}).status().code(), StatusCode::kPermissionDenied);
  auto e = auth_->BeginTotpEnrolment(ctx);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto secret = *crypto::Base32Decode(e->secret_base32);
  EXPECT_EQ(auth_->ConfirmTotp(ctx, "123").field(), "code");
  ASSERT_TRUE(auth_->ConfirmTotp(ctx, Code(secret, clock_.Now())).ok());
  session = *auth_->Authenticate(r->token, "a");
  EXPECT_FALSE(session.subject.must_enrol_totp);
  ctx.subject = &session.subject;
  EXPECT_TRUE(units_->List(ctx, {}).ok());
  clock_.Advance(31 * kMicrosPerSecond);
  EXPECT_EQ(Login("head", kPassword).status().field(), "totp_code");
  EXPECT_TRUE(Login("head", kPassword, Code(secret, clock_.Now())).ok());
  (void)head;
}

TEST_F(IdentityTest, RehashOnLoginWhenParametersChange) {
  auto officer = *users_->Create(admin_ctx_, MakeUser("officer", "officer", unit_.id));
  crypto::PasswordParams stronger = crypto::PasswordParams::ForTests();
  stronger.opslimit += 1;
  crypto::PasswordHasher h2(stronger);
  AuthService auth2(Deps{store_.get(), keyring_.get(), &h2, &clock_}, AuthOptions{});
  auto hash_of = [&] {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    return (*tx->QueryOne("SELECT password_hash FROM users WHERE id = ?", {officer.id}))->Text(0);
  };
  std::string before = hash_of();
  EXPECT_TRUE(h2.NeedsRehash(before));
  ASSERT_TRUE(auth2.Login({"officer", kPassword, std::nullopt, "a", "r"}).ok());
  std::string after = hash_of();
  EXPECT_NE(before, after);
  EXPECT_FALSE(h2.NeedsRehash(after));
}

TEST_F(IdentityTest, PlantedPlaintextIsNowhereInTheDatabaseFiles) {
  UserInput in = MakeUser("planted", "officer", unit_.id);
  in.display_name = "Zoubida Plantedname Ouazzani";
  in.email = "zoubida.planted@example.ma";
  in.phone = "0661 23 45 67";
  ASSERT_TRUE(users_->Create(admin_ctx_, in).ok());
  store_.reset();  // closes connections and checkpoints the WAL
  std::string all;
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ifstream file(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << file.rdbuf();
    all += ss.str();
  }
  ASSERT_GT(all.size(), 1000u);
  for (const char* secret : {"Plantedname", "zoubida.planted", "+212661234567", "661234567"}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " found in the database files";
  }
}

}  // namespace
}  // namespace tamkine::identity
