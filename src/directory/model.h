// The service directory as the directory services see it: services that units offer (where,
// when, in which languages, for whom), and shelters with their capacity and occupancy. None of it
// is personal data; what the public may see is what the unit published.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace tamkine::directory {

// One block of opening hours: the same times on each of `days` ("MO".."SU").
struct OpeningHours {
  std::vector<std::string> days;
  std::string opens;   // "HH:MM"
  std::string closes;  // "HH:MM", after `opens`; "24:00" for midnight
  bool operator==(const OpeningHours&) const = default;
};

struct ShelterInput {
  int64_t beds = 0;          // places for women
  int64_t child_places = 0;  // places for accompanying children
  std::optional<std::string> admission_criteria;
};

struct ServiceInput {
  std::string unit_id;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> province_code;  // default: the unit's province
  std::optional<std::string> commune;
  std::optional<std::string> address;
  std::optional<double> latitude;  // both or neither
  std::optional<double> longitude;
  std::vector<std::string> phones;
  std::optional<std::string> email;
  std::vector<OpeningHours> hours;
  bool open_24h = false;
  std::vector<std::string> kinds;          // ServiceKinds()
  std::vector<std::string> languages;      // LanguageCodes()
  std::vector<std::string> accessibility;  // AccessibilityFeatures()
  bool free_of_charge = true;
  std::optional<ShelterInput> shelter;  // present exactly when kinds holds "shelter"
};

struct Shelter {
  int64_t beds = 0;
  int64_t child_places = 0;
  int64_t beds_occupied = 0;
  int64_t children_occupied = 0;
  std::optional<std::string> admission_criteria;
  bool publish_availability = false;  // the public directory says whether there is space
  Micros updated_at = 0;

  int64_t beds_free() const { return beds - beds_occupied; }
  int64_t child_places_free() const { return child_places - children_occupied; }
};

struct Service {
  std::string id;
  std::string unit_id;
  std::string unit_name;
  std::string name;
  std::optional<std::string> description;
  std::string sector;
  int region_code = 0;
  std::string province_code;
  std::optional<std::string> commune;
  std::optional<std::string> address;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::vector<std::string> phones;  // E.164
  std::optional<std::string> email;
  std::vector<OpeningHours> hours;
  bool open_24h = false;
  std::vector<std::string> kinds;
  std::vector<std::string> languages;
  std::vector<std::string> accessibility;
  bool free_of_charge = true;
  bool published = false;
  std::optional<Shelter> shelter;
  Micros created_at = 0;
  Micros updated_at = 0;
};

struct ServiceFilter {
  std::optional<std::string> unit_id;
  std::optional<int64_t> region_code;
  std::optional<std::string> province_code;
  std::optional<std::string> sector;
  std::optional<std::string> kind;
  bool published_only = false;
};

struct Publication {
  bool published = false;
  std::optional<bool> publish_availability;  // shelters only
};

// An admission or an exit: counts only, never names.
struct Movement {
  int64_t adults = 0;
  int64_t children = 0;
};

struct BedQuery {
  std::optional<int64_t> region_code;
  std::optional<std::string> province_code;
  std::optional<double> latitude;  // where she is; both or neither
  std::optional<double> longitude;
  int64_t adults = 1;
  int64_t children = 0;
};

struct BedMatch {
  Service service;
  std::optional<double> distance_km;  // when the query and the shelter have coordinates
};

// Vocabularies.
const std::vector<std::string_view>& ServiceKinds();
const std::vector<std::string_view>& LanguageCodes();
const std::vector<std::string_view>& AccessibilityFeatures();
const std::vector<std::string_view>& WeekDays();  // MO..SU
// The English name of a language code ("" when unknown), for HSDS `language.name`.
std::string_view LanguageName(std::string_view code);

// Great-circle distance in kilometres (haversine, mean Earth radius).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

}  // namespace tamkine::directory
