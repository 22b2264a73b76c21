// Coordination's hooks into the case services (cases::CaseHooks): the justice track may not close
// while a withdrawal review is open, and sexual violence on a case schedules the health
// follow-ups (docs/coordination.md). Wired in main/serve.cc and in tests.
#pragma once

#include "cases/deps.h"
#include "coordination/deps.h"

namespace tamkine::coordination {

class CoordinationCaseHooks final : public cases::CaseHooks {
 public:
  explicit CoordinationCaseHooks(Deps deps) : deps_(std::move(deps)) {}

  // FailedPrecondition naming "to" for a move of the justice track into closed or
  // closed_without_action while a withdrawal review of the case is open.
  Status BeforeMove(storage::Tx& tx, const std::string& case_id, std::string_view track,
                    std::string_view to) override;

  // For each incident of sexual violence (rape, sexual assault, or the sexual form): the five
  // follow-ups of HealthFollowups(), once per incident, due from the incident's time, addressed
  // to the health unit holding her consent for medical care (or holding the case); without one
  // they wait unassigned and are addressed when such a consent is recorded. Idempotent. Does not
  // call Deps::on_changed (it runs inside the case write's transaction; the inbox shows them).
  Status AfterWrite(storage::Tx& tx, const std::string& case_id, Micros now) override;

 private:
  Deps deps_;
};

// When the incident happened, from its date ("YYYY-MM-DD", partial dates: their first day) and
// optional time ("HH:MM"), read as UTC; nullopt when the date is unreadable.
std::optional<Micros> IncidentTime(const std::string& date, const std::optional<std::string>& time);

}  // namespace tamkine::coordination
