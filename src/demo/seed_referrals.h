// Demo referrals: on one case the police opened, her consent for the shelter and the hospital,
// a complaint, then the police refer her to the shelter with the complaint (accepted by the
// shelter) and to the hospital (still proposed). Made through the referral service as the demo
// users, so they are authorized, audited and on the timeline like any other. Internal to demo/.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "identity/deps.h"

namespace tamkine::demo {

// Returns the number of referrals made (0 when no demo case was opened by the police).
StatusOr<int> SeedReferrals(const identity::Deps& deps,
                            const std::map<std::string, std::string>& unit_ids,
                            const std::map<std::string, std::string>& user_ids);

}  // namespace tamkine::demo
