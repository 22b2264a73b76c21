// Open Referral HSDS 3.0 JSON for the directory: units are organizations; each service has one
// physical location (service_at_location), phones, weekly schedules, languages, accessibility,
// cost options, Tamkine's vocabularies as attributes, and shelters' beds and child places as
// service capacities. Ids of nested objects derive from the service id, so that export → import →
// export gives the same document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "directory/model.h"

namespace tamkine::directory {

struct HsdsOrganization {
  std::string id;
  std::string name;
  std::string sector;
  std::string province_code;
  std::string path;  // "organizations[0]"
};

struct HsdsService {
  std::string id;
  ServiceInput input;  // validated; input.unit_id is the organization's id
  bool published = false;
  bool publish_availability = false;
  int64_t beds_occupied = 0;
  int64_t children_occupied = 0;
  std::optional<Micros> capacity_updated;
  std::string path;  // "organizations[0].services[2]"
};

struct HsdsDocument {
  std::vector<HsdsOrganization> organizations;
  std::vector<HsdsService> services;
};

// The export. `orgs` gives each service's organization (unit) facts; services are grouped under
// their organization in the order given.
Json ToHsds(const std::vector<HsdsOrganization>& orgs, const std::vector<Service>& services);

// Parses and validates a whole document without touching the database. InvalidArgument whose
// field is the JSON path of the first error, e.g.
// "organizations[0].services[1].schedules[0].opens_at".
StatusOr<HsdsDocument> ParseHsds(const Json& doc);

// Identifiers accepted for organizations and services: 1-64 of [A-Za-z0-9_-].
bool IsHsdsId(std::string_view s);

}  // namespace tamkine::directory
