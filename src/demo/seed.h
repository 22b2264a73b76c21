// Demo data: a synthetic province (Fès, in Fès-Meknès) with a unit of every sector and one
// account per role, documented in docs/DEMO.md. Entirely fictional; no real person's data, ever.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "identity/deps.h"

namespace tamkine::demo {

// The password of every demo account (documented in docs/DEMO.md).
inline constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

struct DemoAccount {
  std::string username;
  std::string role;
  std::string unit_key;  // which demo unit
  std::string display_name;
  std::string totp_secret;  // base32; empty when the role needs no second factor
};

// The accounts seed-demo creates, in the order of docs/DEMO.md.
const std::vector<DemoAccount>& DemoAccounts();

struct SeedReport {
  bool already_seeded = false;
  int units = 0;
  int users = 0;
  int cases = 0;
  int directory_services = 0;
  int referrals = 0;
  int work_items = 0;  // instructions and reviews (health follow-ups not counted)
};

struct SeedOptions {
  // Synthetic cases across channels, sectors and statuses (0: none). Tests pass a few.
  int cases = 300;
};

// Creates the demo units, accounts and cases unless any unit exists already (then does nothing
// and says so). Idempotent.
StatusOr<SeedReport> SeedDemo(const identity::Deps& deps, const SeedOptions& options = {});

}  // namespace tamkine::demo
