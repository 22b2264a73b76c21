// Synthetic cases for the demo province: a few hundred fictional women and children across
// channels, sectors, statuses, consents, documents and risk levels. Internal to demo/.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "identity/deps.h"

namespace tamkine::demo {

// Seeds `count` cases (deterministic choices; codes are random) in one transaction. `unit_ids`
// maps demo unit keys to ids, `user_ids` demo usernames to ids.
StatusOr<int> SeedCases(const identity::Deps& deps,
                        const std::map<std::string, std::string>& unit_ids,
                        const std::map<std::string, std::string>& user_ids, int count);

}  // namespace tamkine::demo
