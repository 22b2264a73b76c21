// Escalation of overdue work items: a sweep marks each open item past its deadline as escalated,
// once, alerts the heads of its target unit and of the unit that issued it, and notes it on the
// case's timeline. Run by a timer in `tamkine serve`; time is passed in, so tests never sleep.
#pragma once

#include "common/status.h"
#include "coordination/deps.h"

namespace tamkine::coordination {

class Escalator {
 public:
  explicit Escalator(Deps deps) : deps_(std::move(deps)) {}

  // Escalates every open item with due_at < now that is addressed to a unit (unassigned health
  // follow-ups wait until a unit is addressed, then escalate to it) and was not escalated yet (at
  // most `batch` per call; the rest on the next call), in one transaction audited as "system".
  // Returns how many were escalated. Safe to run from several processes at once: an item is
  // escalated by one. Thread safety: may be called from any thread.
  StatusOr<int> Sweep(Micros now, int batch = 500);

 private:
  Deps deps_;
};

}  // namespace tamkine::coordination
