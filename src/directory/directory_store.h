// The directory's rows: reading and writing services and shelters inside a transaction the
// caller owns (the services authorize and audit around these calls).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "directory/model.h"
#include "storage/store.h"

namespace tamkine::directory {

StatusOr<std::optional<Service>> LoadService(storage::Tx& tx, const std::string& id);
StatusOr<std::vector<Service>> QueryServices(storage::Tx& tx, const ServiceFilter& filter);

// Inserts the service row and, for shelters, its capacity row (occupancy as given).
Status InsertService(storage::Tx& tx, const Service& s);
// Rewrites the service row and inserts or updates its shelter row. The CHECKs of the shelters
// table refuse an occupancy above capacity; callers check first to name the field.
Status UpdateService(storage::Tx& tx, const Service& s);

// Builds a service from validated input; unit facts (sector, name, region) come from the caller.
Service FromInput(const ServiceInput& in, const std::string& id, const std::string& unit_name,
                  const std::string& sector, const std::string& unit_province, Micros now);

}  // namespace tamkine::directory
