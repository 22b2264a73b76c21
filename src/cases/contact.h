// How a survivor may be reached outside the platform, for the notifications outbox
// (docs/notifications.md): her phones, whether texting is marked safe and when, her languages.
// A system read for trusted wiring (no subject, not audited here: the caller records what it
// does with it); it never leaves the process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cases/deps.h"

namespace tamkine::cases {

struct SurvivorContact {
  std::string case_id;  // the case that holds her file now (after a merge, the absorbing one)
  bool closed = false;
  std::vector<std::string> phones;     // normalised, as recorded
  std::vector<std::string> languages;  // case vocabulary (darija, tachelhit, french, …)
  ContactSafety safety;
};

// NotFound when there is no such case. Follows merges to the case that holds her file.
StatusOr<SurvivorContact> LoadSurvivorContact(const Deps& deps, const std::string& case_id);

}  // namespace tamkine::cases
