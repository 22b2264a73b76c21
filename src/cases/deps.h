// What the case services are built from; the wiring in main/ owns these objects.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cases/model.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::cases {

// Duplicate detection at intake (cases/duplicates.h plugs matching/ in here).
//
// Candidates runs inside the intake's (or edit's, or check's) transaction and must not write.
// The index behind it is updated only after a write commits, through Refresh, which re-reads the
// committed case from the Store: a rolled-back write is never indexed, and a failed refresh never
// undoes the committed write (see duplicates.h).
// How many candidates an intake, an edit or a check asks for.
inline constexpr size_t kDuplicateLimit = 10;

class DuplicateFinder {
 public:
  virtual ~DuplicateFinder() = default;
  // Existing cases that may be the same woman as `survivor`, best first, at most `limit`.
  // `self_case_id` (an edited case; "" for a new one) is never returned, nor are cases a user
  // confirmed to be a different person from it.
  virtual StatusOr<std::vector<DuplicateMatch>> Candidates(storage::Tx& tx,
                                                           const SurvivorInput& survivor,
                                                           const std::string& self_case_id,
                                                           size_t limit) = 0;
  // After a write on the case committed: re-reads it and updates the index (a merged case is
  // removed). Never fails the caller; see the implementation for how failures are retried.
  virtual void Refresh(const std::string& case_id) = 0;
  // A user confirmed (or withdrew) that two cases are different persons.
  virtual void MarkDifferent(const std::string& a, const std::string& b, bool different) = 0;
};

// Documents sent to other units with a referral (referrals/ plugs in here; docs/referrals.md).
// Runs inside the reading transaction and must not write.
class DocumentShares {
 public:
  virtual ~DocumentShares() = default;
  // Document id → the units it was sent to with a referral that is proposed or accepted and whose
  // consent (or legal ground) is still active, for the documents of `case_id`.
  virtual StatusOr<std::map<std::string, std::vector<std::string>>> SharedDocuments(
      storage::Tx& tx, const std::string& case_id) = 0;
};

// Other modules' say on writes to a case (coordination/case_hooks.h implements it; cases must not
// depend on coordination). Both calls run inside the write's transaction: an error undoes the
// whole write.
class CaseHooks {
 public:
  virtual ~CaseHooks() = default;
  // Before a track moves to `to`; a non-OK status (FailedPrecondition naming "to") refuses it.
  virtual Status BeforeMove(storage::Tx& tx, const std::string& case_id, std::string_view track,
                            std::string_view to) = 0;
  // After an incident or a consent was written on the case (at intake too).
  virtual Status AfterWrite(storage::Tx& tx, const std::string& case_id, Micros now) = 0;
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
  DocumentShares* document_shares = nullptr;  // optional: without it no document is shared
  CaseHooks* hooks = nullptr;                 // optional
  // Optional: called once per alerted unit after the transaction that raised the alerts
  // committed (never for a rolled-back one), on the caller's thread. It must not block: the
  // wiring points it at notify::Hub (live updates) and the notification outbox enqueue.
  std::function<void(const std::string& unit_id)> on_alert;
};

// Calls deps.on_alert for each of `units` (after commit).
inline void AnnounceAlerts(const Deps& deps, const std::vector<std::string>& units) {
  if (!deps.on_alert) return;
  for (const auto& u : units) deps.on_alert(u);
}

}  // namespace tamkine::cases
