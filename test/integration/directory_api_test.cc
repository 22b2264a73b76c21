// The directory over HTTP against the real binary, on every backend: the public directory without
// login (published services only, no occupancy figures, no shelter address, cacheable), editing
// and publishing by the unit head, bad input naming the field, admissions and exits within
// capacity, find-a-bed nearest first, HSDS export and import (all or nothing, the JSON path of
// the first error), and who may do what.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";
constexpr char kHeadTotp[] = "TAMKINEPOLICEHEADDEMOSECRET23456";
constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

std::string FieldOf(const HttpResponse& r) {
  auto j = r.json();
  if (!j.contains("error") || !j["error"]["field"].is_string()) return "";
  return j["error"]["field"];
}

class DirectoryApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_);
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    Json units = officer_->Get("/api/v1/units").json();
    for (const auto& u : units["items"]) {
      units_[u["sector"].get<std::string>()] = u["id"];
    }
  }

  std::unique_ptr<Client> Login(const std::string& user, const std::string& totp = {}) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, totp);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  Json FindByName(const Json& items, const std::string& prefix) {
    for (const auto& s : items) {
      if (s["name"].get<std::string>().rfind(prefix, 0) == 0) return s;
    }
    return nullptr;
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_;
  std::map<std::string, std::string> units_;
};

TEST_P(DirectoryApiTest, PublicDirectoryNeedsNoLoginAndShowsOnlyWhatIsPublished) {
  Client anon(server_->port());
  auto r = anon.Get("/api/v1/public/directory?province_code=03.01");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=60");
  EXPECT_TRUE(r.set_cookies.empty());
  Json items = r.json()["items"];
  EXPECT_EQ(items.size(), 6u);  // the demo's published services in Fès (Sefrou is 03.06)
  EXPECT_TRUE(FindByName(items, "Formation et insertion").is_null());  // a draft
  Json shelter = FindByName(items, "Hébergement d'urgence");
  ASSERT_FALSE(shelter.is_null());
  EXPECT_TRUE(shelter["address"].is_null());
  EXPECT_TRUE(shelter["latitude"].is_null());
  EXPECT_EQ(shelter["has_space"], true);
  EXPECT_FALSE(shelter.contains("shelter"));
  EXPECT_EQ(r.body.find("occupied"), std::string::npos);
  Json police = FindByName(items, "Accueil des femmes");
  EXPECT_EQ(police["address"], "Avenue (fictive) des Nations Unies");
  EXPECT_TRUE(police["has_space"].is_null());

  // The other shelter does not publish whether it has room.
  auto sefrou = anon.Get("/api/v1/public/directory?region_code=3&service=shelter").json()["items"];
  ASSERT_EQ(sefrou.size(), 2u);
  EXPECT_TRUE(FindByName(sefrou, "Établissement")["has_space"].is_null());

  auto bad = anon.Get("/api/v1/public/directory?service=magic");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(FieldOf(bad), "service");
  EXPECT_EQ(FieldOf(anon.Get("/api/v1/public/directory?province_code=99.99")), "province_code");
  EXPECT_EQ(anon.Get("/api/v1/directory/services").status, 401);
  // The same, as HSDS for other platforms: published only, no shelter address or figures.
  auto hsds = anon.Get("/api/v1/public/directory/hsds?province_code=03.01");
  ASSERT_EQ(hsds.status, 200) << hsds.body;
  EXPECT_EQ(hsds.headers["cache-control"], "public, max-age=300");
  size_t services = 0;
  Json hsds_doc = hsds.json();
  for (const auto& o : hsds_doc["organizations"]) {
    services += o["services"].size();
    for (const auto& s : o["services"]) EXPECT_TRUE(s["capacities"].empty()) << s["name"];
  }
  EXPECT_EQ(services, 6u);
  EXPECT_EQ(hsds.body.find("Adresse confidentielle"), std::string::npos);
  EXPECT_EQ(hsds.body.find("brouillon"), std::string::npos);
  EXPECT_EQ(FieldOf(anon.Get("/api/v1/public/directory/hsds?sector=bakery")), "sector");
  auto vocab = anon.Get("/api/v1/reference/directory-vocabulary");
  ASSERT_EQ(vocab.status, 200);
  EXPECT_FALSE(vocab.json()["languages"].empty());
}

TEST_P(DirectoryApiTest, UnitHeadEditsAndPublishesBadInputNamesTheField) {
  auto head = Login("police.head", kHeadTotp);
  Json in = {{"unit_id", units_["police"]},
             {"name", "Permanence de nuit"},
             {"phones", {"05 00 00 02 02"}},
             {"hours", {{{"days", {"SA", "SU"}}, {"opens", "20:00"}, {"closes", "18:00"}}}},
             {"services", {"complaint"}},
             {"languages", {"ar", "zgh"}},
             {"latitude", 34.04},
             {"longitude", -5.0}};
  auto bad = head->Send("POST", "/api/v1/directory/services", in);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(FieldOf(bad), "hours[0].closes");
  in["hours"][0]["closes"] = "23:59";
  in["colour"] = "blue";
  EXPECT_EQ(FieldOf(head->Send("POST", "/api/v1/directory/services", in)), "colour");
  in.erase("colour");
  in["latitude"] = "north";
  EXPECT_EQ(FieldOf(head->Send("POST", "/api/v1/directory/services", in)), "latitude");
  in["latitude"] = 34.04;
  EXPECT_EQ(officer_->Send("POST", "/api/v1/directory/services", in).status, 403);
  auto created = head->Send("POST", "/api/v1/directory/services", in);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["phones"][0], "+212500000202");
  EXPECT_EQ(created.json()["published"], false);

  Client anon(server_->port());
  auto before = anon.Get("/api/v1/public/directory?province_code=03.01").json()["items"];
  EXPECT_TRUE(FindByName(before, "Permanence de nuit").is_null());
  auto pub = head->Send("POST", "/api/v1/directory/services/" + id + "/publication",
                        {{"published", true}});
  ASSERT_EQ(pub.status, 200) << pub.body;
  auto after = anon.Get("/api/v1/public/directory?province_code=03.01").json()["items"];
  EXPECT_FALSE(FindByName(after, "Permanence de nuit").is_null());

  in.erase("unit_id");
  in["name"] = "Permanence de nuit et week-end";
  auto put = head->Send("PUT", "/api/v1/directory/services/" + id, in);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["name"], "Permanence de nuit et week-end");
  EXPECT_EQ(put.json()["published"], true);
  EXPECT_EQ(officer_->Get("/api/v1/directory/services/" + id).json()["name"],
            "Permanence de nuit et week-end");
  EXPECT_EQ(officer_->Get("/api/v1/directory/services/nope").status, 404);
}

TEST_P(DirectoryApiTest, AdmissionsAndExitsStayWithinCapacityAndFindBedIsNearestFirst) {
  auto list = officer_->Get("/api/v1/directory/services?service=shelter");
  ASSERT_EQ(list.status, 200);
  std::string dar = FindByName(list.json()["items"], "Hébergement d'urgence")["id"];
  std::string path = "/api/v1/directory/services/" + dar;
  auto worker = Login("shelter.worker");
  EXPECT_EQ(officer_->Send("POST", path + "/admissions", {{"adults", 1}}).status, 403);
  auto over = worker->Send("POST", path + "/admissions", {{"adults", 13}});
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(FieldOf(over), "adults");
  EXPECT_EQ(FieldOf(worker->Send("POST", path + "/admissions", {{"adults", 0}})), "adults");
  auto in = worker->Send("POST", path + "/admissions", {{"adults", 11}, {"children", 2}});
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json()["shelter"]["beds_free"], 1);
  auto below = worker->Send("POST", path + "/exits", {{"children", 3}});
  EXPECT_EQ(below.status, 409);
  EXPECT_EQ(FieldOf(below), "children");

  // Two women: Dar Al Amane has one bed left, so the Sefrou shelter comes first for two.
  auto two = officer_->Get(
      "/api/v1/directory/find-bed?region_code=3&adults=2&latitude=34.03"
      "&longitude=-5.0");
  ASSERT_EQ(two.status, 200) << two.body;
  ASSERT_EQ(two.json()["items"].size(), 1u);
  EXPECT_EQ(two.json()["items"][0]["commune"], "Sefrou");
  auto one = officer_->Get(
      "/api/v1/directory/find-bed?region_code=3&latitude=34.03"
      "&longitude=-5.0");
  ASSERT_EQ(one.json()["items"].size(), 2u);
  EXPECT_EQ(one.json()["items"][0]["id"], dar);
  EXPECT_LT(one.json()["items"][0]["distance_km"].get<double>(),
            one.json()["items"][1]["distance_km"].get<double>());
  EXPECT_EQ(FieldOf(officer_->Get("/api/v1/directory/find-bed?latitude=34")), "longitude");

  // Full: the public directory says so, still without figures.
  ASSERT_EQ(worker->Send("POST", path + "/admissions", {{"adults", 1}}).status, 200);
  Client anon(server_->port());
  auto pub = anon.Get("/api/v1/public/directory?service=shelter&province_code=03.01");
  EXPECT_EQ(FindByName(pub.json()["items"], "Hébergement d'urgence")["has_space"], false);
}

TEST_P(DirectoryApiTest, HsdsExportImportAllOrNothing) {
  auto exported = officer_->Get("/api/v1/directory/hsds");
  ASSERT_EQ(exported.status, 200) << exported.body;
  Json doc = exported.json();
  ASSERT_FALSE(doc["organizations"].empty());
  auto admin = Login("admin", kAdminTotp);
  EXPECT_EQ(officer_->Send("POST", "/api/v1/directory/hsds", doc).status, 403);
  auto same = admin->Send("POST", "/api/v1/directory/hsds", doc);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["services_created"], 0);
  EXPECT_EQ(same.json()["services_updated"], 8);
  EXPECT_EQ(officer_->Get("/api/v1/directory/hsds").json(), doc);

  // A new organization and service first, then a broken schedule: nothing of it stays.
  Json bad = doc;
  Json org = doc["organizations"][0];
  org["id"] = "new-org";
  org["name"] = "Association nouvelle";
  for (auto& s : org["services"]) {
    s["id"] = "new-" + s["id"].get<std::string>();
    s["organization_id"] = "new-org";
  }
  for (auto& l : org["locations"]) l["organization_id"] = "new-org";
  bad["organizations"].insert(bad["organizations"].begin(), org);
  size_t last = bad["organizations"].size() - 1;
  bad["organizations"][last]["services"][0]["schedules"][0]["opens_at"] = "25:00";
  auto r = admin->Send("POST", "/api/v1/directory/hsds", bad);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(FieldOf(r),
            "organizations[" + std::to_string(last) + "].services[0].schedules[0].opens_at");
  EXPECT_EQ(officer_->Get("/api/v1/directory/hsds").json(), doc);
  auto malformed =
      admin->Request("POST", "/api/v1/directory/hsds", "{\"organizations\": [",
                     {{"Content-Type", "application/json"}, {"X-CSRF-Token", admin->csrf}});
  EXPECT_EQ(malformed.status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DirectoryApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
