// What the coordination services are built from; the wiring in main/ owns these objects.
#pragma once

#include <functional>
#include <string>

#include "common/clock.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::coordination {

struct Options {
  // How far back an instruction first given by phone may be recorded.
  Micros max_backdate = 7 * 24 * kMicrosPerHour;
  // Protection measures: the prosecution is reminded this long before a measure ends.
  Micros measure_reminder_lead = 7 * 24 * kMicrosPerHour;
};

struct Deps {
  storage::Store* store = nullptr;
  crypto::Keyring* keyring = nullptr;
  const Clock* clock = nullptr;
  // Called after a commit, once per unit, whenever an item addressed to or issued by that unit is
  // created or changes state (live updates and notifications plug in here). May be empty. Must not
  // throw; runs on the caller's thread.
  std::function<void(const std::string& unit_id)> on_changed;
  Options options;
};

}  // namespace tamkine::coordination
