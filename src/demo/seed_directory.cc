#include "demo/seed_directory.h"

#include <optional>
#include <vector>

#include "directory/directory_service.h"

namespace tamkine::demo {

namespace {

struct DemoService {
  const char* unit_key;
  const char* name;
  const char* province;  // nullptr: the unit's province
  const char* commune;
  const char* address;
  std::optional<double> lat, lon;
  const char* phone;
  bool open_24h;
  std::vector<std::string> kinds;
  std::vector<std::string> languages;
  std::vector<std::string> accessibility;
  int beds, child_places;  // shelters only (kinds holds "shelter")
  bool published, publish_availability;
};

const std::vector<directory::OpeningHours> kOfficeHours = {
    {{"MO", "TU", "WE", "TH", "FR"}, "08:30", "16:30"}};

// Fictional places; coordinates near (not at) real neighbourhoods of Fès; 0500 phone numbers.
const std::vector<DemoService>& Services() {
  static const std::vector<DemoService> kServices = {
      {"police",
       "Accueil des femmes victimes de violence — Sûreté préfectorale",
       nullptr,
       "Fès",
       "Avenue (fictive) des Nations Unies",
       34.0372,
       -5.0003,
       "0500 00 01 01",
       true,
       {"complaint", "listening", "orientation"},
       {"ar", "ary", "fr", "zgh"},
       {"ground_floor"},
       0,
       0,
       true,
       false},
      {"health",
       "Unité intégrée — certificat médical et soins gratuits",
       nullptr,
       "Fès",
       "Service des urgences (démo)",
       34.0453,
       -4.9860,
       "0500 00 01 05",
       true,
       {"medical_care", "medical_certificate", "psychological_support"},
       {"ar", "ary", "fr"},
       {"wheelchair", "private_room"},
       0,
       0,
       true,
       false},
      {"listening",
       "Écoute, orientation et accompagnement juridique",
       nullptr,
       "Fès",
       "Rue (fictive) 12",
       34.0265,
       -5.0112,
       "0500 00 01 06",
       false,
       {"listening", "legal_aid", "accompaniment", "hotline"},
       {"ar", "ary", "fr", "shi", "zgh"},
       {"women_only_space", "child_friendly"},
       0,
       0,
       true,
       false},
      {"prosecution",
       "Cellule de prise en charge — Parquet",
       nullptr,
       "Fès",
       "Tribunal de première instance (démo)",
       34.0331,
       -5.0050,
       "0500 00 01 03",
       false,
       {"complaint", "orientation"},
       {"ar", "fr"},
       {"interpreter_on_request"},
       0,
       0,
       true,
       false},
      {"upe",
       "Protection de l'enfance — écoute et orientation",
       nullptr,
       "Fès",
       "UPE (démo)",
       34.0300,
       -4.9950,
       "0500 00 01 09",
       false,
       {"child_protection", "listening"},
       {"ar", "ary", "fr"},
       {"child_friendly"},
       0,
       0,
       true,
       false},
      {"shelter",
       "Hébergement d'urgence Dar Al Amane",
       nullptr,
       "Fès",
       "Adresse confidentielle",
       34.0180,
       -4.9800,
       "0500 00 01 07",
       true,
       {"shelter", "listening", "psychological_support"},
       {"ar", "ary", "fr", "zgh"},
       {"women_only_space", "child_friendly"},
       12,
       8,
       true,
       true},
      {"entraide",
       "Établissement de protection sociale — hébergement",
       "03.06",
       "Sefrou",
       "Adresse confidentielle",
       33.8300,
       -4.8353,
       "0500 00 01 08",
       true,
       {"shelter", "economic_integration"},
       {"ar", "fr"},
       {"ground_floor"},
       20,
       6,
       true,
       false},
      {"entraide",
       "Formation et insertion économique (brouillon)",
       nullptr,
       "Fès",
       "Délégation (démo)",
       std::nullopt,
       std::nullopt,
       "0500 00 01 08",
       false,
       {"economic_integration"},
       {"ar", "fr"},
       {},
       0,
       0,
       false,
       false},
  };
  return kServices;
}

}  // namespace

StatusOr<int> SeedDirectory(const identity::Deps& deps,
                            const std::map<std::string, std::string>& unit_ids) {
  directory::DirectoryService dir(directory::Deps{deps.store, deps.clock});
  int created = 0;
  for (const auto& d : Services()) {
    directory::ServiceInput in;
    in.unit_id = unit_ids.at(d.unit_key);
    in.name = d.name;
    if (d.province != nullptr) in.province_code = d.province;
    in.commune = d.commune;
    in.address = d.address;
    in.latitude = d.lat;
    in.longitude = d.lon;
    in.phones = {d.phone};
    in.open_24h = d.open_24h;
    if (!d.open_24h) in.hours = kOfficeHours;
    in.kinds = d.kinds;
    in.languages = d.languages;
    in.accessibility = d.accessibility;
    if (d.beds > 0) {
      in.shelter = directory::ShelterInput{d.beds, d.child_places,
                                           std::string("Femmes victimes de violence, avec ou "
                                                       "sans enfants; orientation par la "
                                                       "cellule ou le parquet")};
    }
    ASSIGN_OR_RETURN(auto s, dir.CreateBootstrap(in, d.published, d.publish_availability));
    (void)s;
    ++created;
  }
  return created;
}

}  // namespace tamkine::demo
