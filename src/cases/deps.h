// What the case services are built from; the wiring in main/ owns these objects.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::cases {

struct SurvivorInput;

// Duplicate detection at intake (matching/ plugs in here). Runs inside the intake's transaction
// and returns the ids of existing cases that may be the same woman, best first. It must not
// write, and what it returns is only ever shown as ids to the receiving unit.
class DuplicateFinder {
 public:
  virtual ~DuplicateFinder() = default;
  virtual StatusOr<std::vector<std::string>> Candidates(storage::Tx& tx,
                                                        const SurvivorInput& survivor) = 0;
};

struct Options {
  // A child's case must be reported to the child protection support centre within this time.
  Micros child_report_deadline = 72 * kMicrosPerHour;
  // The longest a break-the-glass grant lasts.
  Micros break_glass_max = 60 * kMicrosPerMinute;
  // Public follow-up lookups: this many unknown codes per address within the window lock it.
  int followup_max_failures = 10;
  Micros followup_window = 15 * kMicrosPerMinute;
};

struct Deps {
  storage::Store* store = nullptr;
  crypto::Keyring* keyring = nullptr;
  const Clock* clock = nullptr;
  DuplicateFinder* duplicates = nullptr;  // optional
  Options options;
};

}  // namespace tamkine::cases
