// Coordination between units on a case (docs/coordination.md): the instruction catalogue,
// instructions given to a unit and the target unit's answers (acknowledged, in progress, done
// with an outcome and documents, refused with a reason), the case's work items, each user's
// inbox and the timeliness figures. Every call is authorized and audited (audit::Guarded); every
// state change is also a case timeline entry.
#pragma once

#include <string>
#include <vector>

#include "access/subject.h"
#include "common/status.h"
#include "coordination/deps.h"
#include "coordination/model.h"

namespace tamkine::coordination {

class CoordinationService {
 public:
  explicit CoordinationService(Deps deps) : deps_(std::move(deps)) {}

  // The catalogue, active and inactive types.
  StatusOr<std::vector<InstructionType>> Catalogue(const access::RequestContext& ctx);
  // Adds a type (administrators). InvalidArgument naming the field; AlreadyExists for "code".
  StatusOr<InstructionType> AddType(const access::RequestContext& ctx, InstructionType t);

  // Gives an instruction on a case to a unit. InvalidArgument naming the field: "type" (unknown or
  // inactive), "target_unit_id" (unknown, inactive, or of a sector that cannot perform the type),
  // "priority", "issued_at" (in the future, or older than Options::max_backdate), "due_at" (in
  // the past, or before issued_at); NotFound for an unknown case; PermissionDenied unless a
  // prosecutor or unit head of a unit that reaches the case.
  StatusOr<WorkItem> Issue(const access::RequestContext& ctx, const IssueInput& in);

  // The target unit acts on an item (model.h's moves). FailedPrecondition naming "action" for a
  // move the item cannot make now (e.g. it was acknowledged meanwhile by someone else), naming
  // "version" when in.version is given and the item has moved on; InvalidArgument naming
  // "outcome", "outcome_code", "reason" or "document_ids[i]" for what the move needs; nothing is
  // written then. Of two concurrent calls on the same item, one wins and the other fails with a
  // 409 code.
  StatusOr<WorkItem> Act(const access::RequestContext& ctx, const std::string& id,
                         const ActInput& in);

  // Records that she withdrew her complaint (justice staff of a unit that reaches the case) and
  // opens a review for the prosecution unit involved with the case (her consent, the holder, an
  // intake; else the prosecution unit of the case's province), due in 48 hours. Until it is
  // reviewed the justice track cannot close (CoordinationCaseHooks). InvalidArgument naming
  // "withdrawn_at" (future) or "note"; AlreadyExists naming "case_id" while a review is open;
  // FailedPrecondition naming "case_id" when no prosecution unit can be found.
  StatusOr<WorkItem> RecordWithdrawal(const access::RequestContext& ctx, const WithdrawalInput& in);

  // Records a protection measure on the case (prosecution and court staff of a unit that reaches
  // it). InvalidArgument naming "kind", "issuing_authority", "ends_on" (not after starts_on, or
  // already past) or "conditions".
  StatusOr<ProtectionMeasure> IssueMeasure(const access::RequestContext& ctx,
                                           const MeasureInput& in);
  // The case's measures (those who see the case's core); conditions only for readers of the
  // justice compartment.
  StatusOr<std::vector<ProtectionMeasure>> Measures(const access::RequestContext& ctx,
                                                    const std::string& case_id);

  // A violation of an active measure, reported by case staff of a unit that reaches the case: in
  // one transaction, an incident on the case (in.incident, validated like any incident; fields
  // named "incident.*") and an urgent instruction of in.type to in.target_unit_id (a unit that can
  // perform it: 400 naming "target_unit_id"), linked to the measure. FailedPrecondition naming
  // "measure_id" when the measure is not active; nothing is written on any error.
  StatusOr<Violation> ReportViolation(const access::RequestContext& ctx, const ViolationInput& in);

  // One item with its free text (target and issuing units only).
  StatusOr<WorkItem> Get(const access::RequestContext& ctx, const std::string& id);
  // The case's items, newest first, free text withheld; health follow-ups only to readers of the
  // clinical compartment, withdrawal reviews only to readers of the justice compartment.
  StatusOr<std::vector<WorkItem>> ForCase(const access::RequestContext& ctx,
                                          const std::string& case_id);

  // Open items addressed to the caller's units or issued by the caller (overdue first, then
  // urgent, then by due time), and the unacknowledged alerts of the units they head. Cases the
  // caller is excluded from are left out.
  StatusOr<Inbox> InboxOf(const access::RequestContext& ctx);

  // Aggregates per unit and per sector of items issued in [q.from, q.to) (see
  // docs/coordination.md). Unit heads see only the units they head. InvalidArgument naming
  // "to" when the range is empty.
  StatusOr<Timeliness> TimelinessOf(const access::RequestContext& ctx, const TimelinessQuery& q);

 private:
  void Notify(const std::vector<std::string>& unit_ids) const;
  Deps deps_;
};

// Checks a catalogue entry: code (lower-case letters, digits and _), labels, sectors, priority and
// deadlines. InvalidArgument naming the field.
Status ValidateInstructionType(const InstructionType& t);

}  // namespace tamkine::coordination
