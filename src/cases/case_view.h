// Internal to the case services: assembling what a viewer sees of a case (core, summary,
// permissions), each part behind its own access decision.
#pragma once

#include <functional>

#include "access/authorize.h"
#include "cases/case_store.h"
#include "cases/case_write.h"
#include "cases/deps.h"
#include "cases/model.h"

namespace tamkine::cases::internal {

// The summary (no names, numbers or addresses): profile, incidents, intakes, latest risk.
StatusOr<CaseSummary> LoadSummary(storage::Tx& tx, const Deps& deps, Units& units,
                                  const CaseRow& c);

// "F*** E***" from her first spelling; "" when she gave no name.
StatusOr<std::string> MaskedName(storage::Tx& tx, const Deps& deps, const CaseRow& c);

// What `subject` may do on the case (with `r`, the case's resource for that subject).
Permissions ComputePermissions(const access::Subject& subject, const CaseRow& c,
                               const access::Resource& r);

// The core; the summary when Authorize(case.read) allows it (*summary_decision says how).
StatusOr<CaseView> BuildView(storage::Tx& tx, const Deps& deps, Units& units,
                             const access::Subject& subject, const CaseRow& c,
                             const access::Resource& r, Micros now,
                             access::Decision* summary_decision);

// What an action on one case is given by OnCase.
struct CaseCall {
  storage::Tx& tx;
  const CaseRow& row;                // as resolved for the decision
  const access::Resource& resource;  // the resource the decision saw
  const access::Subject& subject;    // the acting subject (restricted to the acting unit)
  const access::RequestContext& ctx;
  Actor actor;  // the user and the unit whose membership granted the action
  Micros now;
};

// The shape of every call on one case: act as `unit_id` (when given; `unit_field` names it in
// errors), resolve the case, and run `act` under audit::Guarded(action) with `subtype` for the
// decision.
Status OnCase(const Deps& deps, const access::RequestContext& ctx,
              const std::optional<std::string>& unit_id, const std::string& unit_field,
              std::string_view action, const std::string& case_id, const std::string& subtype,
              const std::function<Status(CaseCall&)>& act);

// Reloads the case after a write in the same transaction and builds the writer's view of it.
StatusOr<CaseView> ReloadView(storage::Tx& tx, const Deps& deps, const access::Subject& subject,
                              const std::string& case_id, Micros now);

}  // namespace tamkine::cases::internal
