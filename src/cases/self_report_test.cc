// The online self-report against a real SQLite store: routing to the province's (else the
// region's) prosecution unit, the receipt and follow-up, validation naming her fields with nothing
// saved, the per-address quota, the audit entry, and the platform account that cannot sign in.
#include "cases/self_report.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cases/case_service.h"
#include "common/clock.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/auth_service.h"
#include "identity/unit_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::cases {
namespace {

class SelfReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tamkine-selfreport-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*storage::OpenStore((dir_ / "t.db").string()));
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
    std::array<uint8_t, 32> kek{};
    kek.fill(7);
    keyring_ = std::make_unique<crypto::Keyring>(kek);
    ASSERT_TRUE(keys::LoadKeyring(*store_, *keyring_, clock_).ok());
    hasher_ = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    identity::Deps ideps{store_.get(), keyring_.get(), hasher_.get(), &clock_};
    units_ = std::make_unique<identity::UnitService>(ideps);
    auth_ = std::make_unique<identity::AuthService>(ideps, identity::AuthOptions{});
    deps_ = Deps{store_.get(), keyring_.get(), &clock_, nullptr, Options{}};
    reports_ = std::make_unique<SelfReportService>(deps_);
    cases_ = std::make_unique<CaseService>(deps_);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Unit(const std::string& name, const std::string& sector, const std::string& prov) {
    identity::UnitInput in;
    in.name = name;
    in.sector = sector;
    in.province_code = prov;
    in.phone = "0535000000";
    return units_->CreateBootstrap(in)->id;
  }

  static SelfReportInput Report(const std::string& province = "03.01") {
    SelfReportInput in;
    in.survivor.names = {"Fatima Zahra Alaoui"};
    in.survivor.phones = {"0612345678"};
    in.survivor.contact.safe_to_call = false;
    in.survivor.contact.safe_to_text = true;
    in.incident.date = "2025-12-20";
    in.incident.province_code = province;
    in.incident.place_type = "home";
    in.incident.forms = {"physical"};
    in.incident.description = "He hit me again last night";
    return in;
  }

  int64_t Count(const std::string& sql, const std::vector<storage::Value>& params = {}) {
    auto tx = store_->Begin(storage::TxMode::kRead);
    auto row = (*tx)->QueryOne(sql, params);
    return row.ok() && *row ? (*row)->Int(0) : -1;
  }

  std::filesystem::path dir_;
  FakeClock clock_;  // 2026-01-01
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  std::unique_ptr<identity::UnitService> units_;
  std::unique_ptr<identity::AuthService> auth_;
  Deps deps_;
  std::unique_ptr<SelfReportService> reports_;
  std::unique_ptr<CaseService> cases_;
};

TEST_F(SelfReportTest, GoesToTheProvincesProsecutionUnitAndGivesHerAReceipt) {
  Unit("Police Fès", "police", "03.01");
  const std::string parquet = Unit("Parquet Fès", "prosecution", "03.01");
  Unit("Parquet Meknès", "prosecution", "03.02");
  auto r = reports_->Submit(Report(), "198.51.100.7", "req-1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->unit.id, parquet);
  EXPECT_EQ(r->unit.name, "Parquet Fès");
  EXPECT_EQ(r->unit_phone, "+212535000000");
  EXPECT_FALSE(r->reference_code.empty());
  EXPECT_FALSE(r->followup_code.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intakes WHERE channel = 'online_self_report' AND "
                  "receiving_unit_id = ? AND received_by_user_id = ?",
                  {parquet, std::string(SelfReportService::kPlatformUserId)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.self_report' AND "
                  "client_addr = '198.51.100.7' AND decision = 'allowed'"),
            1);
  auto status = cases_->PublicStatusOf(r->followup_code, "198.51.100.7", "req-2");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->status, "received");
  // A second report reuses the platform account.
  ASSERT_TRUE(reports_->Submit(Report(), "198.51.100.8", "req-3").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 1);
}

TEST_F(SelfReportTest, FallsBackToTheRegionAndSaysWhenNoUnitReceivesReports) {
  auto none = reports_->Submit(Report("03.02"), "198.51.100.7", "r");
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("8350"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases"), 0);
  const std::string fes = Unit("Parquet Fès", "prosecution", "03.01");
  auto r = reports_->Submit(Report("03.02"), "198.51.100.7", "r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->unit.id, fes) << "Meknès has none; Fès is in the same region";
  Unit("Parquet Rabat", "prosecution", "04.01");
  SelfReportInput elsewhere = Report("03.02");
  elsewhere.province_code = "04.01";  // she wants help where she lives now
  auto rabat = reports_->Submit(elsewhere, "198.51.100.7", "r");
  ASSERT_TRUE(rabat.ok());
  EXPECT_EQ(rabat->unit.name, "Parquet Rabat");
}

TEST_F(SelfReportTest, BadInputNamesHerFieldAndSavesNothing) {
  Unit("Parquet Fès", "prosecution", "03.01");
  SelfReportInput future = Report();
  future.incident.date = "2027-01-01";
  auto r = reports_->Submit(future, "198.51.100.7", "r");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "incident.date");
  SelfReportInput form = Report();
  form.incident.forms = {"not-a-form"};
  EXPECT_EQ(reports_->Submit(form, "198.51.100.7", "r").status().field(), "incident.forms[0]");
  SelfReportInput who = Report();
  who.filled_by = "police";
  EXPECT_EQ(reports_->Submit(who, "198.51.100.7", "r").status().field(), "filled_by");
  SelfReportInput where = Report();
  where.province_code = "99.99";
  EXPECT_EQ(reports_->Submit(where, "198.51.100.7", "r").status().field(), "province_code");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 0);
}

TEST_F(SelfReportTest, AGirlUnder18OpensAChildsCase) {
  Unit("Parquet Fès", "prosecution", "03.01");
  SelfReportInput girl = Report();
  girl.survivor.birth_date = "2011";
  ASSERT_TRUE(reports_->Submit(girl, "198.51.100.7", "r").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE kind = 'child'"), 1);
}

TEST_F(SelfReportTest, OneAddressMayNotFloodTheUnit) {
  Unit("Parquet Fès", "prosecution", "03.01");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(reports_->Submit(Report(), "203.0.113.9", "r").ok()) << i;
  }
  EXPECT_EQ(reports_->Submit(Report(), "203.0.113.9", "r").status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(reports_->Submit(Report(), "203.0.113.10", "r").ok()) << "others unaffected";
  clock_.Advance(kMicrosPerHour);
  EXPECT_TRUE(reports_->Submit(Report(), "203.0.113.9", "r").ok()) << "the window passes";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases"), 7);
}

TEST_F(SelfReportTest, NoOneCanSignInAsThePlatformAccount) {
  Unit("Parquet Fès", "prosecution", "03.01");
  ASSERT_TRUE(reports_->Submit(Report(), "198.51.100.7", "r").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE active = 0 AND password_hash = '!'"), 1);
  for (const char* name : {"@online-self-report", "online-self-report"}) {
    identity::LoginRequest req;
    req.username = name;
    req.password = "!";
    req.client_addr = "198.51.100.7";
    EXPECT_FALSE(auth_->Login(req).ok()) << name;
  }
}

}  // namespace
}  // namespace tamkine::cases
