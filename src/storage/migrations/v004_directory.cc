// v4: the service directory and shelters (docs/directory.md). Nothing here is personal data: the
// rows describe services that units offer, and shelter movements are counts without names.
// Lists of codes are stored as ",a,b," so that LIKE '%,a,%' finds them; phones and opening hours
// are JSON arrays. Later capabilities (permanence rosters, translators) reference
// directory_services (id) or units (id).
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV4 = R"SQL(
CREATE TABLE directory_services (
  id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL REFERENCES units (id),
  name TEXT NOT NULL,
  description TEXT,
  sector TEXT NOT NULL,
  region_code BIGINT NOT NULL,
  province_code TEXT NOT NULL,
  commune TEXT,
  address TEXT,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  phones TEXT NOT NULL,
  email TEXT,
  hours TEXT NOT NULL,
  open_24h BIGINT NOT NULL DEFAULT 0,
  kinds TEXT NOT NULL,
  languages TEXT NOT NULL,
  accessibility TEXT NOT NULL,
  free_of_charge BIGINT NOT NULL DEFAULT 1,
  published BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX directory_services_by_unit ON directory_services (unit_id);
CREATE INDEX directory_services_by_province ON directory_services (province_code, published);
CREATE INDEX directory_services_by_region ON directory_services (region_code, published);
CREATE TABLE shelters (
  service_id TEXT PRIMARY KEY REFERENCES directory_services (id),
  beds BIGINT NOT NULL CHECK (beds >= 0),
  child_places BIGINT NOT NULL CHECK (child_places >= 0),
  beds_occupied BIGINT NOT NULL DEFAULT 0 CHECK (beds_occupied >= 0 AND beds_occupied <= beds),
  children_occupied BIGINT NOT NULL DEFAULT 0
    CHECK (children_occupied >= 0 AND children_occupied <= child_places),
  admission_criteria TEXT,
  publish_availability BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE TABLE shelter_movements (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES shelters (service_id),
  kind TEXT NOT NULL CHECK (kind IN ('admission', 'exit')),
  adults BIGINT NOT NULL CHECK (adults >= 0),
  children BIGINT NOT NULL CHECK (children >= 0),
  beds_occupied_after BIGINT NOT NULL,
  children_occupied_after BIGINT NOT NULL,
  user_id TEXT REFERENCES users (id),
  at BIGINT NOT NULL
);
CREATE INDEX shelter_movements_by_service ON shelter_movements (service_id, at);
)SQL";

}  // namespace

std::string V4Directory(bool /*pg*/) { return std::string(kV4); }

}  // namespace tamkine::storage
