// Demo coordination: a handful of instructions, a withdrawal review and health follow-ups on the
// demo cases, so that the inboxes of police.officer, police.head, prosecutor and doctor are not
// empty. Internal to demo/.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "identity/deps.h"

namespace tamkine::demo {

// Issues them through the coordination services, as the demo prosecutor and police officer
// (authorized and audited like any request). Returns how many work items it created.
StatusOr<int> SeedCoordination(const identity::Deps& deps,
                               const std::map<std::string, std::string>& unit_ids,
                               const std::map<std::string, std::string>& user_ids);

}  // namespace tamkine::demo
