// The directory services on every backend (SQLite always; PostgreSQL with TAMKINE_TEST_PG_URL,
// each store in a schema of its own): bad input names the field, only unit heads and
// administrators edit and publish, the public list holds published services only, occupancy never
// leaves [0, capacity] even under concurrent admissions, find-a-bed is nearest first, and HSDS
// export → import into an empty store → export gives the same document; a malformed HSDS file
// names the path of its first error and imports nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "crypto/keyring.h"
#include "crypto/password.h"
#include "directory/directory_service.h"
#include "directory/hsds.h"
#include "directory/validate.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::directory {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// One migrated store with its units, users and services.
struct World {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<crypto::Keyring> keyring;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  FakeClock clock;
  std::unique_ptr<identity::UnitService> units;
  std::unique_ptr<identity::UserService> users;
  std::unique_ptr<DirectoryService> dir;
  struct Who {
    access::Subject subject;
    access::RequestContext ctx;
  };
  std::vector<std::unique_ptr<Who>> people;

  std::string Unit(const std::string& name, const std::string& sector, const std::string& prov) {
    identity::UnitInput in;
    in.name = name;
    in.sector = sector;
    in.province_code = prov;
    auto u = units->CreateBootstrap(in);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u->id;
  }
  const access::RequestContext& User(const std::string& username, const std::string& role,
                                     const std::string& unit) {
    identity::UserInput in;
    in.username = username;
    in.display_name = "User " + username;
    in.password = "correct horse battery";
    in.memberships.push_back({unit, role});
    auto u = users->CreateBootstrap(in, std::nullopt);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    auto w = std::make_unique<Who>();
    w->subject.user_id = u->id;
    w->subject.username = u->username;
    w->subject.memberships = u->memberships;
    w->ctx.subject = &w->subject;
    w->ctx.request_id = "req-" + username;
    people.push_back(std::move(w));
    return people.back()->ctx;
  }
};

class DirectoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-directory-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    if (GetParam() == "postgresql") {
      base_url_ = Env("TAMKINE_TEST_PG_URL");
      if (base_url_.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") FAIL() << "TAMKINE_REQUIRE_PG=1 without a URL";
        GTEST_SKIP() << "PostgreSQL skipped: TAMKINE_TEST_PG_URL is not set";
      }
      auto admin = storage::OpenStore(base_url_);
      ASSERT_TRUE(admin.ok()) << admin.status().ToString();
      admin_ = std::move(*admin);
    }
    w_ = NewWorld("a");
    ASSERT_NE(w_, nullptr);
    police_ = w_->Unit("Police Fès", "police", "03.01");
    shelter_unit_ = w_->Unit("Refuge Fès", "ngo_shelter", "03.01");
    admin_unit_ = w_->Unit("Commission Fès", "commission", "03.01");
    police_head_ = &w_->User("police.head", "unit_head", police_);
    officer_ = &w_->User("officer", "officer", police_);
    shelter_head_ = &w_->User("shelter.head", "unit_head", shelter_unit_);
    shelter_worker_ = &w_->User("shelter.worker", "social_worker", shelter_unit_);
    admin_user_ = &w_->User("admin", "administrator", admin_unit_);
  }

  void TearDown() override {
    worlds_.clear();
    for (const auto& s : schemas_) {
      EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("DROP SCHEMA IF EXISTS " + s + " CASCADE");
                  }).ok());
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  World* NewWorld(const std::string& name) {
    std::string url;
    if (GetParam() == "sqlite") {
      url = (dir_ / (name + ".db")).string();
    } else {
      std::random_device rd;
      std::string schema = "directory_" + name + "_" + std::to_string(::getpid()) + "_" +
                           std::to_string(rd() % 1000000);
      EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("CREATE SCHEMA " + schema);
                  }).ok());
      schemas_.push_back(schema);
      url = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema;
    }
    auto w = std::make_unique<World>();
    auto store = storage::OpenStore(url);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    w->store = std::move(*store);
    EXPECT_TRUE(w->store->Migrate(storage::SchemaMigrations(w->store->Dialect())).ok());
    std::array<uint8_t, 32> kek{};
    kek.fill(7);
    w->keyring = std::make_unique<crypto::Keyring>(kek);
    EXPECT_TRUE(keys::LoadKeyring(*w->store, *w->keyring, w->clock).ok());
    w->hasher = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    identity::Deps ideps{w->store.get(), w->keyring.get(), w->hasher.get(), &w->clock};
    w->units = std::make_unique<identity::UnitService>(ideps);
    w->users = std::make_unique<identity::UserService>(ideps);
    w->dir = std::make_unique<DirectoryService>(Deps{w->store.get(), &w->clock});
    worlds_.push_back(std::move(w));
    return worlds_.back().get();
  }

  ServiceInput Listening() {
    ServiceInput in;
    in.unit_id = police_;
    in.name = "Accueil des femmes victimes de violence";
    in.commune = "Fès";
    in.address = "Avenue (fictive) 1";
    in.latitude = 34.03;
    in.longitude = -5.0;
    in.phones = {"0500 00 01 01"};
    in.hours = {{{"FR", "MO", "TU", "WE", "TH"}, "08:30", "16:30"}};
    in.kinds = {"complaint", "listening"};
    in.languages = {"ar", "zgh", "fr"};
    in.accessibility = {"ground_floor"};
    return in;
  }

  ServiceInput ShelterAt(double lat, double lon, int64_t beds, int64_t children,
                         const std::string& province = "03.01") {
    ServiceInput in;
    in.unit_id = shelter_unit_;
    in.name = "Hébergement " + std::to_string(lat);
    in.province_code = province;
    in.latitude = lat;
    in.longitude = lon;
    in.phones = {"0500000107"};
    in.open_24h = true;
    in.kinds = {"shelter", "listening"};
    in.languages = {"ar"};
    in.shelter =
        ShelterInput{beds, children, std::string("Femmes victimes de violence et enfants")};
    return in;
  }

  std::vector<std::unique_ptr<World>> worlds_;
  std::vector<std::string> schemas_;
  std::unique_ptr<storage::Store> admin_;
  std::string base_url_;
  fs::path dir_;
  World* w_ = nullptr;
  std::string police_, shelter_unit_, admin_unit_;
  const access::RequestContext *police_head_ = nullptr, *officer_ = nullptr,
                               *shelter_head_ = nullptr, *shelter_worker_ = nullptr,
                               *admin_user_ = nullptr;
};

void ExpectField(const Status& s, StatusCode code, const std::string& field) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_EQ(s.field(), field) << s.ToString();
}

TEST_P(DirectoryTest, BadInputNamesTheFieldAndSavesNothing) {
  struct Case {
    std::function<void(ServiceInput&)> change;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](ServiceInput& in) { in.hours[0].closes = "08:00"; }, "hours[0].closes"},
      {[](ServiceInput& in) { in.hours[0].opens = "8h30"; }, "hours[0].opens"},
      {[](ServiceInput& in) { in.hours[0].closes = "24:30"; }, "hours[0].closes"},
      {[](ServiceInput& in) {
         in.hours[0].days = {"MO", "XX"};
       },
       "hours[0].days[1]"},
      {[](ServiceInput& in) {
         in.hours.push_back({{"TU"}, "16:00", "18:00"});
       },
       "hours[1]"},
      {[](ServiceInput& in) { in.open_24h = true; }, "hours"},
      {[](ServiceInput& in) { in.phones = {"12"}; }, "phones[0]"},
      {[](ServiceInput& in) {
         in.kinds = {"listening", "magic"};
       },
       "services[1]"},
      {[](ServiceInput& in) { in.kinds.clear(); }, "services"},
      {[](ServiceInput& in) { in.languages = {"klingon"}; }, "languages[0]"},
      {[](ServiceInput& in) { in.latitude = 48.85; }, "latitude"},
      {[](ServiceInput& in) { in.longitude.reset(); }, "longitude"},
      {[](ServiceInput& in) { in.province_code = "99.99"; }, "province_code"},
      {[](ServiceInput& in) { in.unit_id = "nope"; }, "unit_id"},
      {[](ServiceInput& in) {
         in.shelter = ShelterInput{3, 0, {}};
       },
       "shelter"},
      {[](ServiceInput& in) { in.kinds.emplace_back("shelter"); }, "shelter"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    ServiceInput in = Listening();
    cases[i].change(in);
    auto s = w_->dir->Create(*police_head_, in);
    ExpectField(s.status(), StatusCode::kInvalidArgument, cases[i].field);
  }
  ServiceInput neg = ShelterAt(34.0, -5.0, -1, 0);
  ExpectField(w_->dir->Create(*shelter_head_, neg).status(), StatusCode::kInvalidArgument,
              "shelter.beds");
  auto all = w_->dir->List(*officer_, {});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_P(DirectoryTest, OnlyTheUnitHeadOrAnAdministratorEditsAndPublishes) {
  EXPECT_EQ(w_->dir->Create(*officer_, Listening()).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(w_->dir->Create(*shelter_head_, Listening()).status().code(),
            StatusCode::kPermissionDenied);
  auto s = w_->dir->Create(*police_head_, Listening());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->published);
  EXPECT_EQ(s->phones, std::vector<std::string>{"+212500000101"});
  EXPECT_EQ(s->hours[0].days, (std::vector<std::string>{"MO", "TU", "WE", "TH", "FR"}));
  EXPECT_EQ(s->region_code, 3);
  EXPECT_EQ(w_->dir->Publish(*officer_, s->id, {true, {}}).status().code(),
            StatusCode::kPermissionDenied);
  ExpectField(w_->dir->Publish(*police_head_, s->id, {true, true}).status(),
              StatusCode::kInvalidArgument, "publish_availability");
  ServiceInput changed = Listening();
  changed.name = "Cellule d'accueil";
  auto u = w_->dir->Update(*admin_user_, s->id, changed);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->name, "Cellule d'accueil");
  // Any staff member reads the directory, published or not.
  auto read = w_->dir->Get(*shelter_worker_, s->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->name, "Cellule d'accueil");
  EXPECT_EQ(w_->dir->Get(*officer_, "missing").status().code(), StatusCode::kNotFound);
}

TEST_P(DirectoryTest, PublicListHoldsPublishedServicesOnly) {
  auto a = w_->dir->Create(*police_head_, Listening());
  ServiceInput other = Listening();
  other.name = "Service non publié";
  auto b = w_->dir->Create(*police_head_, other);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(w_->dir->Publish(*police_head_, a->id, {true, {}}).ok());
  auto pub = w_->dir->PublicList({});
  ASSERT_TRUE(pub.ok());
  ASSERT_EQ(pub->size(), 1u);
  EXPECT_EQ((*pub)[0].id, a->id);
  ServiceFilter by_kind;
  by_kind.kind = "shelter";
  EXPECT_TRUE(w_->dir->PublicList(by_kind)->empty());
  ServiceFilter elsewhere;
  elsewhere.province_code = "04.01";
  EXPECT_TRUE(w_->dir->PublicList(elsewhere)->empty());
  ASSERT_TRUE(w_->dir->Publish(*police_head_, a->id, {false, {}}).ok());
  EXPECT_TRUE(w_->dir->PublicList({})->empty());
}

TEST_P(DirectoryTest, OccupancyStaysWithinCapacity) {
  auto s = w_->dir->Create(*shelter_head_, ShelterAt(34.0, -5.0, 3, 2));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->shelter);
  EXPECT_EQ(w_->dir->Admit(*police_head_, s->id, {1, 0}).status().code(),
            StatusCode::kPermissionDenied);
  auto a = w_->dir->Admit(*shelter_worker_, s->id, {2, 1});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->shelter->beds_occupied, 2);
  EXPECT_EQ(a->shelter->children_occupied, 1);
  ExpectField(w_->dir->Admit(*shelter_worker_, s->id, {2, 0}).status(),
              StatusCode::kFailedPrecondition, "adults");
  ExpectField(w_->dir->Admit(*shelter_worker_, s->id, {1, 2}).status(),
              StatusCode::kFailedPrecondition, "children");
  ExpectField(w_->dir->Exit(*shelter_worker_, s->id, {3, 0}).status(),
              StatusCode::kFailedPrecondition, "adults");
  ExpectField(w_->dir->Admit(*shelter_worker_, s->id, {0, 0}).status(),
              StatusCode::kInvalidArgument, "adults");
  ExpectField(w_->dir->Admit(*shelter_worker_, s->id, {-1, 1}).status(),
              StatusCode::kInvalidArgument, "adults");
  // Capacity may not drop below the occupancy.
  ServiceInput smaller = ShelterAt(34.0, -5.0, 1, 2);
  ExpectField(w_->dir->Update(*shelter_head_, s->id, smaller).status(),
              StatusCode::kInvalidArgument, "shelter.beds");
  auto e = w_->dir->Exit(*shelter_worker_, s->id, {2, 1});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->shelter->beds_occupied, 0);
  EXPECT_EQ(e->shelter->children_occupied, 0);
  // A service that is not a shelter has no occupancy.
  auto plain = w_->dir->Create(*police_head_, Listening());
  EXPECT_EQ(w_->dir->Admit(*officer_, plain->id, {1, 0}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(DirectoryTest, ConcurrentAdmissionsNeverExceedCapacity) {
  constexpr int kBeds = 5;
  constexpr int kThreads = 12;
  auto s = w_->dir->Create(*shelter_head_, ShelterAt(34.0, -5.0, kBeds, 0));
  ASSERT_TRUE(s.ok());
  std::atomic<int> admitted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto r = w_->dir->Admit(*shelter_worker_, s->id, {1, 0});
      if (r.ok()) {
        ++admitted;
      } else if (r.status().code() == StatusCode::kFailedPrecondition) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), kBeds);
  EXPECT_EQ(refused.load(), kThreads - kBeds);
  EXPECT_EQ(other.load(), 0);
  auto now = w_->dir->Get(*officer_, s->id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->shelter->beds_occupied, kBeds);
  auto tx = w_->store->Begin(storage::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto n = (*tx)->QueryOne("SELECT COUNT(*), MAX(beds_occupied_after) FROM shelter_movements");
  ASSERT_TRUE(n.ok() && n->has_value());
  EXPECT_EQ((*n)->Int(0), kBeds);
  EXPECT_EQ((*n)->Int(1), kBeds);
  // And exits racing to below zero.
  std::atomic<int> left{0};
  threads.clear();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      if (w_->dir->Exit(*shelter_worker_, s->id, {1, 0}).ok()) ++left;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(left.load(), kBeds);
  EXPECT_EQ(w_->dir->Get(*officer_, s->id)->shelter->beds_occupied, 0);
}

TEST_P(DirectoryTest, FindBedIsNearestFirstWithinTheArea) {
  // Fès centre, Sefrou (~28 km), Meknès (~55 km, other province), Rabat (other region).
  auto fes = w_->dir->Create(*shelter_head_, ShelterAt(34.0331, -5.0003, 2, 0));
  auto sefrou = w_->dir->Create(*shelter_head_, ShelterAt(33.8300, -4.8353, 4, 2));
  auto meknes = w_->dir->Create(*shelter_head_, ShelterAt(33.8950, -5.5547, 4, 0, "03.02"));
  auto rabat = w_->dir->Create(*shelter_head_, ShelterAt(34.0209, -6.8416, 9, 9, "04.01"));
  ASSERT_TRUE(fes.ok() && sefrou.ok() && meknes.ok() && rabat.ok());
  BedQuery q;
  q.region_code = 3;
  q.latitude = 33.84;  // near Sefrou
  q.longitude = -4.84;
  auto found = w_->dir->FindBed(*officer_, q);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].service.id, sefrou->id);
  EXPECT_EQ((*found)[1].service.id, fes->id);
  EXPECT_EQ((*found)[2].service.id, meknes->id);
  EXPECT_LT(*(*found)[0].distance_km, 2.0);
  EXPECT_NEAR(*(*found)[1].distance_km, 28.0, 3.0);
  // Room for children narrows the list; a full shelter drops out.
  q.children = 1;
  EXPECT_EQ(w_->dir->FindBed(*officer_, q)->size(), 1u);
  q.children = 0;
  ASSERT_TRUE(w_->dir->Admit(*shelter_worker_, fes->id, {2, 0}).ok());
  q.province_code = "03.01";
  auto in_fes = w_->dir->FindBed(*officer_, q);
  ASSERT_EQ(in_fes->size(), 1u);
  EXPECT_EQ((*in_fes)[0].service.id, sefrou->id);
  ExpectField(w_->dir->FindBed(*officer_, BedQuery{{}, {}, 34.0, {}, 1, 0}).status(),
              StatusCode::kInvalidArgument, "longitude");
}

TEST_P(DirectoryTest, HsdsRoundTripIntoAnEmptyStore) {
  auto a = w_->dir->Create(*police_head_, Listening());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(w_->dir->Publish(*police_head_, a->id, {true, {}}).ok());
  ServiceInput paid = Listening();
  paid.name = "Consultation juridique";
  paid.kinds = {"legal_aid"};
  paid.free_of_charge = false;
  paid.latitude.reset();
  paid.longitude.reset();
  paid.address.reset();
  paid.email = "juridique@example.org";
  paid.hours = {{{"SA"}, "09:00", "12:00"}, {{"SA"}, "14:00", "18:00"}};
  ASSERT_TRUE(w_->dir->Create(*police_head_, paid).ok());
  auto sh = w_->dir->Create(*shelter_head_, ShelterAt(34.0, -5.0, 6, 4));
  ASSERT_TRUE(sh.ok());
  ASSERT_TRUE(w_->dir->Admit(*shelter_worker_, sh->id, {2, 3}).ok());
  ASSERT_TRUE(w_->dir->Publish(*shelter_head_, sh->id, {true, true}).ok());

  auto exported = w_->dir->ExportHsds(*officer_);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  const Json& doc = *exported;
  ASSERT_EQ(doc["organizations"].size(), 2u);
  // The shelter's capacity is an HSDS service_capacity.
  bool saw_capacity = false;
  for (const auto& o : doc["organizations"]) {
    for (const auto& s : o["services"]) {
      for (const auto& c : s["capacities"]) {
        if (c["unit"]["id"] == "tamkine-beds") {
          EXPECT_EQ(c["maximum"], 6);
          EXPECT_EQ(c["available"], 4);
          saw_capacity = true;
        }
      }
    }
  }
  EXPECT_TRUE(saw_capacity);

  World* empty = NewWorld("b");
  ASSERT_NE(empty, nullptr);
  std::string unit = empty->Unit("Administration", "commission", "04.01");
  const auto& admin = empty->User("admin.b", "administrator", unit);
  EXPECT_EQ(empty->dir->ImportHsds(empty->User("head.b", "unit_head", unit), doc).status().code(),
            StatusCode::kPermissionDenied);
  auto report = empty->dir->ImportHsds(admin, doc);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->organizations_created, 2);
  EXPECT_EQ(report->services_created, 3);
  auto again = empty->dir->ExportHsds(admin);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DumpJson(*again), DumpJson(doc));
  // Importing the same file again updates and changes nothing.
  auto twice = empty->dir->ImportHsds(admin, doc);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->services_updated, 3);
  EXPECT_EQ(DumpJson(*empty->dir->ExportHsds(admin)), DumpJson(doc));
  EXPECT_EQ(empty->dir->PublicList({})->size(), 2u);
}

TEST_P(DirectoryTest, MalformedHsdsNamesThePathAndImportsNothing) {
  ASSERT_TRUE(w_->dir->Create(*police_head_, Listening()).ok());
  ASSERT_TRUE(w_->dir->Create(*shelter_head_, ShelterAt(34.0, -5.0, 6, 4)).ok());
  Json good = *w_->dir->ExportHsds(*officer_);

  World* empty = NewWorld("c");
  ASSERT_NE(empty, nullptr);
  std::string unit = empty->Unit("Administration", "commission", "04.01");
  const auto& admin = empty->User("admin.c", "administrator", unit);

  struct Case {
    std::function<void(Json&)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](Json& d) { d["organizations"][1]["services"][0]["schedules"][0]["opens_at"] = "9h"; },
       "organizations[1].services[0].schedules[0].opens_at"},
      {[](Json& d) { d["organizations"][0]["services"][0]["schedules"][0]["closes_at"] = "07:00"; },
       "organizations[0].services[0].schedules[0].closes_at"},
      {[](Json& d) { d["organizations"][1]["services"][0]["phones"][0]["number"] = 12; },
       "organizations[1].services[0].phones[0].number"},
      {[](Json& d) { d["organizations"][1]["services"][0]["name"] = nullptr; },
       "organizations[1].services[0].name"},
      {[](Json& d) { d["organizations"][1]["locations"][0]["latitude"] = "north"; },
       "organizations[1].locations[0].latitude"},
      {[](Json& d) { d["organizations"][1]["attributes"][0]["value"] = "bakery"; },
       "organizations[1].attributes[0].value"},
      {[](Json& d) { d["organizations"] = Json::object(); }, "organizations"},
      {[](Json& d) { d.erase("organizations"); }, "organizations"},
  };
  // Shelter capacity: available above maximum.
  for (size_t o = 0; o < good["organizations"].size(); ++o) {
    const Json& svcs = good["organizations"][o]["services"];
    for (size_t s = 0; s < svcs.size(); ++s) {
      if (svcs[s]["capacities"].empty()) continue;
      std::string path = "organizations[" + std::to_string(o) + "].services[" + std::to_string(s) +
                         "].capacities[0].available";
      cases.push_back({[o, s](Json& d) {
                         d["organizations"][o]["services"][s]["capacities"][0]["available"] = 99;
                       },
                       path});
    }
  }
  // Organizations are sorted by name: Police, then Refuge. A second organization that claims
  // the id of an existing unit of another sector fails only while writing, after the first one's
  // unit and service were inserted: the whole transaction goes.
  ASSERT_EQ(good["organizations"][1]["name"], "Refuge Fès");
  cases.push_back({[&unit](Json& d) {
                     Json& org = d["organizations"][1];
                     org["id"] = unit;
                     for (auto& s : org["services"]) s["organization_id"] = unit;
                     for (auto& l : org["locations"]) l["organization_id"] = unit;
                   },
                   "organizations[1].attributes"});
  for (size_t i = 0; i < cases.size(); ++i) {
    Json bad = good;
    cases[i].spoil(bad);
    auto r = empty->dir->ImportHsds(admin, bad);
    ExpectField(r.status(), StatusCode::kInvalidArgument, cases[i].field);
  }
  auto list = empty->dir->List(admin, {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  identity::UnitFilter all;
  EXPECT_EQ(empty->units->List(admin, all)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::directory
