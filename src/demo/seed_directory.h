// Demo directory: the demo units' services, two shelters, and a few services elsewhere in the
// region, so that the public directory and find-a-bed have something to show. Internal to demo/.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "identity/deps.h"

namespace tamkine::demo {

// Seeds the demo directory; `unit_ids` maps demo unit keys to ids. Returns the services created.
StatusOr<int> SeedDirectory(const identity::Deps& deps,
                            const std::map<std::string, std::string>& unit_ids);

}  // namespace tamkine::demo
