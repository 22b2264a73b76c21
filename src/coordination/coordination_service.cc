#include "coordination/coordination_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "access/authorize.h"
#include "audit/guarded.h"
#include "cases/case_facts.h"
#include "common/ids.h"
#include "common/json.h"
#include "coordination/work_item_store.h"
#include "crypto/keyring.h"
#include "identity/unit_service.h"

namespace tamkine::coordination {

namespace {

bool In(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The subject restricted to its memberships in `unit_id` (when given).
StatusOr<access::Subject> ActingAs(const access::Subject& s,
                                   const std::optional<std::string>& unit_id) {
  if (!unit_id) return s;
  access::Subject out = s;
  out.memberships.clear();
  for (const auto& m : s.memberships) {
    if (m.unit_id == *unit_id) out.memberships.push_back(m);
  }
  if (out.memberships.empty()) {
    return InvalidArgument("is not a unit the user belongs to", "acting_unit_id");
  }
  return out;
}

// The resource of a work item: its target unit, its issuing unit and the case's exclusions.
StatusOr<access::Resource> ItemResource(storage::Tx& tx, const WorkItem& w,
                                        const access::Subject& s, Micros now) {
  ASSIGN_OR_RETURN(access::Resource c, cases::CaseAccessResource(tx, w.case_id, s, now));
  access::Resource r;
  r.type = "work_item";
  r.id = w.id;
  r.unit_id = w.target_unit_id.value_or("");
  if (w.issuer_unit_id) r.unit_ids.push_back(*w.issuer_unit_id);
  r.subtype = w.kind;
  r.region_code = c.region_code;
  r.excluded_user_ids = c.excluded_user_ids;
  return r;
}

Status ValidateOptText(const std::optional<std::string>& v, const char* field, size_t max) {
  if (!v) return Status::Ok();
  return ValidateText(*v, field, 1, max, true);
}

std::string Topic(const WorkItem& w) { return w.kind + ":" + w.type; }

// A type of the catalogue that is in use; InvalidArgument naming "type" otherwise.
StatusOr<InstructionType> ActiveType(storage::Tx& tx, const std::string& code) {
  ASSIGN_OR_RETURN(auto type, internal::LoadType(tx, code));
  if (!type || !type->active) return InvalidArgument("is not in the catalogue", "type");
  return *type;
}

// An active unit of a sector that can perform `type`; InvalidArgument naming "target_unit_id".
StatusOr<identity::Unit> UnitThatCanPerform(storage::Tx& tx, const std::string& unit_id,
                                            const InstructionType& type) {
  ASSIGN_OR_RETURN(auto unit, identity::LoadUnit(tx, unit_id));
  if (!unit || !unit->active) return InvalidArgument("is not an active unit", "target_unit_id");
  if (std::find(type.sectors.begin(), type.sectors.end(), unit->sector) == type.sectors.end()) {
    return InvalidArgument("is a " + unit->sector + " unit, which cannot perform " + type.code,
                           "target_unit_id");
  }
  return *unit;
}

}  // namespace

Status ValidateInstructionType(const InstructionType& t) {
  if (t.code.size() < 2 || t.code.size() > 40 ||
      !std::all_of(t.code.begin(), t.code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      })) {
    return InvalidArgument("must be 2 to 40 lower-case letters, digits or _", "code");
  }
  RETURN_IF_ERROR(ValidateText(t.label_ar, "label_ar", 1, 200));
  RETURN_IF_ERROR(ValidateText(t.label_fr, "label_fr", 1, 200));
  RETURN_IF_ERROR(ValidateText(t.label_en, "label_en", 1, 200));
  if (t.sectors.empty()) return InvalidArgument("must name at least one sector", "sectors");
  for (size_t i = 0; i < t.sectors.size(); ++i) {
    if (!In(access::Sectors(), t.sectors[i])) {
      return InvalidArgument("is not a sector", "sectors[" + std::to_string(i) + "]");
    }
  }
  if (!In(Priorities(), t.default_priority)) {
    return InvalidArgument("must be one of: urgent priority normal", "default_priority");
  }
  const std::pair<int64_t, const char*> minutes[] = {{t.minutes_urgent, "minutes_urgent"},
                                                     {t.minutes_priority, "minutes_priority"},
                                                     {t.minutes_normal, "minutes_normal"}};
  for (const auto& [m, field] : minutes) {
    if (m < 1 || m > 366 * 24 * 60) return InvalidArgument("must be 1 to 527040 minutes", field);
  }
  if (t.minutes_urgent > t.minutes_priority || t.minutes_priority > t.minutes_normal) {
    return InvalidArgument(
        "an urgent deadline may not be longer than a priority one, nor a "
        "priority one longer than a normal one",
        "minutes_priority");
  }
  return Status::Ok();
}

void CoordinationService::Notify(const std::vector<std::string>& unit_ids) const {
  if (!deps_.on_changed) return;
  std::set<std::string> seen;
  for (const auto& u : unit_ids) {
    if (!u.empty() && seen.insert(u).second) deps_.on_changed(u);
  }
}

StatusOr<std::vector<InstructionType>> CoordinationService::Catalogue(
    const access::RequestContext& ctx) {
  std::vector<InstructionType> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"instruction.catalogue.read", /*audit_allowed=*/false},
      [](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"instruction_type"};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(out, internal::ListTypes(tx));
        return Status::Ok();
      }));
  return out;
}

StatusOr<InstructionType> CoordinationService::AddType(const access::RequestContext& ctx,
                                                       InstructionType t) {
  RETURN_IF_ERROR(ValidateInstructionType(t));
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"instruction.catalogue.write"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"instruction_type", t.code};
      },
      [&](storage::Tx& tx, const access::Decision&) {
        return internal::InsertType(tx, t, deps_.clock->Now());
      }));
  return t;
}

StatusOr<WorkItem> CoordinationService::Issue(const access::RequestContext& ctx,
                                              const IssueInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (in.type.empty()) return InvalidArgument("is required", "type");
  if (in.target_unit_id.empty()) return InvalidArgument("is required", "target_unit_id");
  if (in.priority && !In(Priorities(), *in.priority)) {
    return InvalidArgument("must be one of: urgent priority normal", "priority");
  }
  RETURN_IF_ERROR(ValidateOptText(in.note, "note", 4000));
  ASSIGN_OR_RETURN(access::Subject acting, ActingAs(*ctx.subject, in.acting_unit_id));
  access::RequestContext actx = ctx;
  actx.subject = &acting;
  const Micros now = deps_.clock->Now();
  const Micros issued_at = in.issued_at.value_or(now);
  if (issued_at > now) return InvalidArgument("is in the future", "issued_at");
  if (now - issued_at > deps_.options.max_backdate) {
    return InvalidArgument("is too long ago to be recorded as a phone instruction", "issued_at");
  }

  WorkItem w;
  w.id = NewId();
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, actx, {"instruction.issue"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, in.case_id));
        ASSIGN_OR_RETURN(auto type, ActiveType(tx, in.type));
        ASSIGN_OR_RETURN(auto unit, UnitThatCanPerform(tx, in.target_unit_id, type));
        w.case_id = c.id;
        w.reference_code = c.reference_code;
        w.kind = "instruction";
        w.type = type.code;
        w.priority = in.priority.value_or(type.default_priority);
        w.target_unit_id = unit.id;
        w.target_unit_name = unit.name;
        w.issued_at = issued_at;
        w.recorded_at = now;
        w.due_at = issued_at + DeadlineFor(type, w.priority);
        if (in.due_at) {
          if (*in.due_at <= now) return InvalidArgument("is in the past", "due_at");
          w.due_at = *in.due_at;
        }
        w.state = "issued";
        w.version = 1;
        w.note = in.note;
        w.parent_id = in.parent_id;
        w.updated_at = now;
        ASSIGN_OR_RETURN(resource, cases::CaseAccessResource(tx, c.id, acting, now));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        w.issuer_user_id = acting.user_id;
        w.issuer_unit_id = d.unit_id;
        ASSIGN_OR_RETURN(auto issuer_unit, identity::LoadUnit(tx, d.unit_id));
        if (issuer_unit) w.issuer_unit_name = issuer_unit->name;
        if (w.parent_id) {
          ASSIGN_OR_RETURN(auto parent,
                           internal::LoadItem(tx, *deps_.keyring, *w.parent_id, false));
          if (!parent || parent->case_id != w.case_id) {
            return InvalidArgument("is not a work item of this case", "parent_id");
          }
        }
        RETURN_IF_ERROR(internal::InsertItem(tx, *deps_.keyring, w));
        cases::TimelineNote note;
        note.kind = "work_item";
        note.topic = Topic(w);
        note.to = "issued";
        note.ref_id = w.id;
        return cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, acting.user_id,
                                         d.unit_id, note);
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, acting);
  Notify({*w.target_unit_id, *w.issuer_unit_id});
  return w;
}

StatusOr<WorkItem> CoordinationService::Act(const access::RequestContext& ctx,
                                            const std::string& id, const ActInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (!In(WorkItemActions(), in.action)) {
    return InvalidArgument("must be one of: acknowledge start complete refuse decline", "action");
  }
  RETURN_IF_ERROR(ValidateOptText(in.outcome, "outcome", 4000));
  RETURN_IF_ERROR(ValidateOptText(in.reason, "reason", 2000));
  if (in.outcome_code && !In(WithdrawalOutcomes(), *in.outcome_code)) {
    return InvalidArgument("must be one of: no_pressure pressure_suspected", "outcome_code");
  }
  if (!in.document_ids.empty() && in.action != "complete") {
    return InvalidArgument("are attached only when completing", "document_ids");
  }
  if ((in.action == "refuse" || in.action == "decline") && !in.reason) {
    return InvalidArgument("is required to " + in.action, "reason");
  }
  WorkItem w;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"work_item.act"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto loaded, internal::LoadItem(tx, *deps_.keyring, id, false));
        if (!loaded) return NotFound("no such work item");
        w = std::move(*loaded);
        ASSIGN_OR_RETURN(resource, ItemResource(tx, w, *ctx.subject, deps_.clock->Now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        const Micros now = deps_.clock->Now();
        if (in.version && *in.version != w.version) {
          return FailedPrecondition("the item is now at version " + std::to_string(w.version),
                                    "version");
        }
        ASSIGN_OR_RETURN(std::string next, NextState(w.kind, w.state, in.action));
        if (in.action == "complete") {
          if (w.kind == "withdrawal_review") {
            if (!in.outcome_code) {
              return InvalidArgument("is required to complete a withdrawal review", "outcome_code");
            }
            if (*in.outcome_code == "pressure_suspected" && !in.outcome) {
              return InvalidArgument("is required when pressure is suspected", "outcome");
            }
          } else if (in.outcome_code) {
            return InvalidArgument("is only for withdrawal reviews", "outcome_code");
          }
          if (w.kind == "instruction" && !in.outcome) {
            return InvalidArgument("is required to complete an instruction", "outcome");
          }
        }
        const std::string from = w.state;
        const int64_t expected = w.version;
        w.state = next;
        w.updated_at = now;
        if (in.action == "acknowledge") {
          w.acknowledged_at = now;
          w.acknowledged_by_user_id = ctx.subject->user_id;
        } else if (in.action == "start") {
          w.started_at = now;
        } else if (in.action == "complete" || in.action == "decline") {
          w.completed_at = now;
          w.completed_by_user_id = ctx.subject->user_id;
          w.outcome = in.outcome;
          w.outcome_code = in.outcome_code;
          if (in.action == "decline") w.refusal_reason = in.reason;
        } else if (in.action == "refuse") {
          w.completed_at = now;
          w.completed_by_user_id = ctx.subject->user_id;
          w.refusal_reason = in.reason;
        }
        // Acting without acknowledging first counts as acknowledging.
        if (!w.acknowledged_at && in.action != "decline" && in.action != "refuse") {
          w.acknowledged_at = now;
          w.acknowledged_by_user_id = ctx.subject->user_id;
        }
        // The version check is the database's: a concurrent writer makes this Aborted.
        RETURN_IF_ERROR(internal::UpdateItem(tx, *deps_.keyring, w, expected));
        RETURN_IF_ERROR(
            internal::AttachDocuments(tx, w, in.document_ids, ctx.subject->user_id, now));
        cases::TimelineNote note;
        note.kind = "work_item";
        note.topic = Topic(w);
        note.from = from;
        note.to = w.state;
        note.ref_id = w.id;
        if (!CompartmentOfKind(w.kind).empty()) note.visibility = CompartmentOfKind(w.kind);
        return cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, ctx.subject->user_id,
                                         d.unit_id, note);
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, *ctx.subject);
  Notify({w.target_unit_id.value_or(""), w.issuer_unit_id.value_or("")});
  // Re-read what was committed, with its documents and free text (the actor is of the target
  // unit, a party).
  ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto fresh, internal::LoadItem(*tx, *deps_.keyring, id, true));
  RETURN_IF_ERROR(tx->Commit());
  if (!fresh) return NotFound("no such work item");
  return *fresh;
}

StatusOr<WorkItem> CoordinationService::RecordWithdrawal(const access::RequestContext& ctx,
                                                         const WithdrawalInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(ValidateOptText(in.note, "note", 4000));
  ASSIGN_OR_RETURN(access::Subject acting, ActingAs(*ctx.subject, in.acting_unit_id));
  access::RequestContext actx = ctx;
  actx.subject = &acting;
  const Micros now = deps_.clock->Now();
  const Micros withdrawn_at = in.withdrawn_at.value_or(now);
  if (withdrawn_at > now) return InvalidArgument("is in the future", "withdrawn_at");
  WorkItem w;
  w.id = NewId();
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, actx, {"case.withdrawal.record"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, in.case_id));
        w.case_id = c.id;
        w.reference_code = c.reference_code;
        ASSIGN_OR_RETURN(
            auto unit, internal::ProsecutionUnitOf(tx, c.id, c.holder_unit_id, c.created_by_unit_id,
                                                   c.province_code));
        if (!unit) {
          return FailedPrecondition("no prosecution unit can review this withdrawal", "case_id");
        }
        w.target_unit_id = *unit;
        ASSIGN_OR_RETURN(resource, cases::CaseAccessResource(tx, c.id, acting, now));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        ASSIGN_OR_RETURN(auto open,
                         tx.QueryOne("SELECT COUNT(*) FROM work_items WHERE case_id = ? AND kind "
                                     "= 'withdrawal_review' AND state IN ('issued', "
                                     "'acknowledged', 'in_progress')",
                                     {w.case_id}));
        if (open && open->Int(0) > 0) {
          return AlreadyExists("a review of her withdrawal is already open", "case_id");
        }
        w.kind = "withdrawal_review";
        w.type = "withdrawal_review";
        w.priority = "priority";
        w.issuer_user_id = acting.user_id;
        w.issuer_unit_id = d.unit_id;
        w.issued_at = withdrawn_at;
        w.recorded_at = now;
        w.due_at = now + 48 * kMicrosPerHour;
        w.state = "issued";
        w.version = 1;
        w.note = in.note;
        w.updated_at = now;
        RETURN_IF_ERROR(internal::InsertItem(tx, *deps_.keyring, w));
        cases::TimelineNote withdrawn;
        withdrawn.kind = "complaint_withdrawn";
        withdrawn.ref_id = w.id;
        withdrawn.visibility = "justice";
        withdrawn.detail = in.note;
        withdrawn.detail_visibility = "justice";
        RETURN_IF_ERROR(cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now,
                                                  acting.user_id, d.unit_id, withdrawn));
        cases::TimelineNote note;
        note.kind = "work_item";
        note.topic = Topic(w);
        note.to = "issued";
        note.ref_id = w.id;
        note.visibility = "justice";
        return cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, acting.user_id,
                                         d.unit_id, note);
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, acting);
  Notify({*w.target_unit_id, *w.issuer_unit_id});
  return w;
}

StatusOr<ProtectionMeasure> CoordinationService::IssueMeasure(const access::RequestContext& ctx,
                                                              const MeasureInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (!In(MeasureKinds(), in.kind)) {
    return InvalidArgument("is not a protection measure", "kind");
  }
  RETURN_IF_ERROR(ValidateText(in.issuing_authority, "issuing_authority", 2, 300));
  RETURN_IF_ERROR(ValidateOptText(in.conditions, "conditions", 4000));
  const Micros now = deps_.clock->Now();
  if (in.ends_on && (*in.ends_on <= in.starts_on || *in.ends_on <= now)) {
    return InvalidArgument("must be after starts_on and in the future", "ends_on");
  }
  ASSIGN_OR_RETURN(access::Subject acting, ActingAs(*ctx.subject, in.acting_unit_id));
  access::RequestContext actx = ctx;
  actx.subject = &acting;
  ProtectionMeasure m;
  m.id = NewId();
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, actx, {"measure.issue"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, in.case_id));
        m.case_id = c.id;
        ASSIGN_OR_RETURN(resource, cases::CaseAccessResource(tx, c.id, acting, now));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        m.kind = in.kind;
        m.issuing_authority = in.issuing_authority;
        m.issued_by_unit_id = d.unit_id;
        m.starts_on = in.starts_on;
        m.ends_on = in.ends_on;
        m.conditions = in.conditions;
        m.state = "active";
        storage::Value conditions = storage::Null();
        if (in.conditions) {
          ASSIGN_OR_RETURN(auto sealed,
                           deps_.keyring->Seal("protection_measures", "conditions_sealed", m.id,
                                               *in.conditions));
          conditions = storage::Blob{std::move(sealed)};
        }
        RETURN_IF_ERROR(
            tx.Exec("INSERT INTO protection_measures (id, case_id, kind, issuing_authority, "
                    "issued_by_unit_id, issued_by_user_id, starts_on, ends_on, conditions_sealed, "
                    "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', "
                    "?, ?)",
                    {m.id, m.case_id, m.kind, m.issuing_authority, d.unit_id, acting.user_id,
                     m.starts_on, storage::Opt(m.ends_on), conditions, now, now})
                .status());
        cases::TimelineNote note;
        note.kind = "protection_measure";
        note.topic = m.kind;
        note.to = "active";
        note.ref_id = m.id;
        return cases::AppendCaseTimeline(tx, *deps_.keyring, m.case_id, now, acting.user_id,
                                         d.unit_id, note);
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, acting);
  return m;
}

StatusOr<Violation> CoordinationService::ReportViolation(const access::RequestContext& ctx,
                                                         const ViolationInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(ValidateOptText(in.note, "note", 4000));
  ASSIGN_OR_RETURN(access::Subject acting, ActingAs(*ctx.subject, in.acting_unit_id));
  access::RequestContext actx = ctx;
  actx.subject = &acting;
  const Micros now = deps_.clock->Now();
  Violation out;
  WorkItem& w = out.instruction;
  w.id = NewId();
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, actx, {"measure.violation.report"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto m, tx.QueryOne("SELECT case_id, state, kind FROM "
                                             "protection_measures WHERE id = ?",
                                             {in.measure_id}));
        if (!m) return NotFound("no such protection measure");
        if (m->Text(1) != "active") {
          return FailedPrecondition("the measure is " + m->Text(1), "measure_id");
        }
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, m->Text(0)));
        ASSIGN_OR_RETURN(auto type, ActiveType(tx, in.type));
        ASSIGN_OR_RETURN(auto unit, UnitThatCanPerform(tx, in.target_unit_id, type));
        w.case_id = c.id;
        w.reference_code = c.reference_code;
        w.kind = "instruction";
        w.type = type.code;
        w.priority = "urgent";
        w.target_unit_id = unit.id;
        w.target_unit_name = unit.name;
        w.issued_at = now;
        w.recorded_at = now;
        w.due_at = now + DeadlineFor(type, "urgent");
        w.state = "issued";
        w.version = 1;
        w.note = in.note;
        w.measure_id = in.measure_id;
        w.updated_at = now;
        ASSIGN_OR_RETURN(resource, cases::CaseAccessResource(tx, c.id, acting, now));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        const cases::Deps case_deps{deps_.store, deps_.keyring, deps_.clock, nullptr, {}};
        ASSIGN_OR_RETURN(out.incident_id,
                         cases::WriteCaseIncident(tx, case_deps, w.case_id, acting.user_id,
                                                  d.unit_id, in.incident, "incident", now));
        w.issuer_user_id = acting.user_id;
        w.issuer_unit_id = d.unit_id;
        w.incident_id = out.incident_id;
        RETURN_IF_ERROR(internal::InsertItem(tx, *deps_.keyring, w));
        cases::TimelineNote violated;
        violated.kind = "protection_measure_violated";
        violated.ref_id = in.measure_id;
        RETURN_IF_ERROR(cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now,
                                                  acting.user_id, d.unit_id, violated));
        cases::TimelineNote note;
        note.kind = "work_item";
        note.topic = Topic(w);
        note.to = "issued";
        note.ref_id = w.id;
        return cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, acting.user_id,
                                         d.unit_id, note);
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, acting);
  Notify({*w.target_unit_id, *w.issuer_unit_id});
  return out;
}

StatusOr<std::vector<ProtectionMeasure>> CoordinationService::Measures(
    const access::RequestContext& ctx, const std::string& case_id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  std::vector<ProtectionMeasure> out;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"measure.list"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, case_id));
        ASSIGN_OR_RETURN(resource,
                         cases::CaseAccessResource(tx, c.id, *ctx.subject, deps_.clock->Now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        access::Resource justice = resource;
        justice.subtype = "justice";
        const bool reads =
            access::Authorize(*ctx.subject, "case.read_compartment", justice).allowed;
        ASSIGN_OR_RETURN(auto rows,
                         tx.Query("SELECT id, kind, issuing_authority, issued_by_unit_id, "
                                  "starts_on, ends_on, conditions_sealed, state, reminder_sent_at "
                                  "FROM protection_measures WHERE case_id = ? ORDER BY starts_on, "
                                  "id",
                                  {case_id}));
        for (const auto& r : rows) {
          ProtectionMeasure m;
          m.id = r.Text(0);
          m.case_id = case_id;
          m.kind = r.Text(1);
          m.issuing_authority = r.Text(2);
          m.issued_by_unit_id = r.Text(3);
          m.starts_on = r.Int(4);
          m.ends_on = r.OptInt(5);
          if (!r.IsNull(6)) {
            if (reads) {
              ASSIGN_OR_RETURN(m.conditions,
                               deps_.keyring->Open("protection_measures", "conditions_sealed", m.id,
                                                   r.Bytes(6)));
            } else {
              m.conditions_withheld = true;
            }
          }
          m.state = r.Text(7);
          m.reminder_sent_at = r.OptInt(8);
          out.push_back(std::move(m));
        }
        return Status::Ok();
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, *ctx.subject);
  return out;
}

StatusOr<WorkItem> CoordinationService::Get(const access::RequestContext& ctx,
                                            const std::string& id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  WorkItem w;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"work_item.read"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto loaded, internal::LoadItem(tx, *deps_.keyring, id, false));
        if (!loaded) return NotFound("no such work item");
        w = std::move(*loaded);
        ASSIGN_OR_RETURN(resource, ItemResource(tx, w, *ctx.subject, deps_.clock->Now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(auto full, internal::LoadItem(tx, *deps_.keyring, id, true));
        if (full) w = std::move(*full);
        return Status::Ok();
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, *ctx.subject);
  return w;
}

StatusOr<std::vector<WorkItem>> CoordinationService::ForCase(const access::RequestContext& ctx,
                                                             const std::string& case_id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  std::vector<WorkItem> out;
  access::Resource resource;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"work_item.list"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(cases::CaseFacts c, cases::LoadCaseFacts(tx, case_id));
        ASSIGN_OR_RETURN(resource,
                         cases::CaseAccessResource(tx, c.id, *ctx.subject, deps_.clock->Now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(auto all, internal::QueryItems(tx, "w.case_id = ?", {case_id},
                                                        "w.issued_at DESC, w.id", 500));
        // Clinical and justice items only to readers of that compartment.
        std::map<std::string, bool> reads;
        for (auto& w : all) {
          std::string compartment(CompartmentOfKind(w.kind));
          if (!compartment.empty()) {
            if (reads.count(compartment) == 0) {
              access::Resource r = resource;
              r.subtype = compartment;
              reads[compartment] =
                  access::Authorize(*ctx.subject, "case.read_compartment", r).allowed;
            }
            if (!reads[compartment]) continue;
          }
          out.push_back(std::move(w));
        }
        return Status::Ok();
      });
  if (!st.ok()) return cases::HideCaseFromExcluded(st, resource, *ctx.subject);
  return out;
}

StatusOr<Inbox> CoordinationService::InboxOf(const access::RequestContext& ctx) {
  Inbox out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"coordination.inbox", /*audit_allowed=*/false},
      [](storage::Tx&) -> StatusOr<access::Resource> { return access::Resource{"inbox"}; },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        const access::Subject& s = *ctx.subject;
        const Micros now = deps_.clock->Now();
        std::vector<std::string> units, headed;
        for (const auto& m : s.memberships) {
          units.push_back(m.unit_id);
          if (m.role == "unit_head") headed.push_back(m.unit_id);
        }
        storage::Params p;
        std::string where =
            "w.state IN ('issued', 'acknowledged', 'in_progress') AND (w.issuer_user_id = ?";
        p.emplace_back(s.user_id);
        if (!units.empty()) {
          where += " OR w.target_unit_id IN (";
          for (size_t i = 0; i < units.size(); ++i) {
            where += i == 0 ? "?" : ", ?";
            p.emplace_back(units[i]);
          }
          where += ")";
        }
        where +=
            ") AND NOT EXISTS (SELECT 1 FROM case_exclusions e WHERE e.case_id = w.case_id AND "
            "e.user_id = ?)";
        p.emplace_back(s.user_id);
        // Overdue first, then the most pressing envelope, then the nearest deadline. `now` is
        // an integer of our own clock, not user input.
        ASSIGN_OR_RETURN(out.items,
                         internal::QueryItems(
                             tx, where, p,
                             "CASE WHEN w.due_at < " + std::to_string(now) +
                                 " THEN 0 ELSE 1 END, CASE w.priority WHEN 'urgent' THEN 0 WHEN "
                                 "'priority' THEN 1 ELSE 2 END, w.due_at, w.id",
                             200));
        if (!headed.empty()) {
          storage::Params ap;
          std::string in;
          for (size_t i = 0; i < headed.size(); ++i) {
            in += i == 0 ? "?" : ", ?";
            ap.emplace_back(headed[i]);
          }
          ap.emplace_back(s.user_id);
          ASSIGN_OR_RETURN(
              auto rows,
              tx.Query("SELECT a.id, a.kind, a.unit_id, a.case_id, c.reference_code, a.ref_id, "
                       "a.created_at FROM alerts a LEFT JOIN cases c ON c.id = a.case_id "
                       "WHERE a.acknowledged_at IS NULL AND a.unit_id IN (" +
                           in +
                           ") AND NOT EXISTS (SELECT 1 FROM case_exclusions e WHERE "
                           "e.case_id = a.case_id AND e.user_id = ?) "
                           "ORDER BY a.created_at DESC, a.id LIMIT 100",
                       ap));
          for (const auto& r : rows) {
            out.alerts.push_back({r.Text(0), r.Text(1), r.Text(2), r.OptText(3), r.OptText(4),
                                  r.OptText(5), r.Int(6)});
          }
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<Timeliness> CoordinationService::TimelinessOf(const access::RequestContext& ctx,
                                                       const TimelinessQuery& q) {
  if (q.to <= q.from) return InvalidArgument("must be after from", "to");
  if (q.sector && !In(access::Sectors(), *q.sector)) {
    return InvalidArgument("is not a sector", "sector");
  }
  Timeliness out;
  access::Resource resource{"timeliness", "", q.unit_id.value_or("")};
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"coordination.stats"},
      [&](storage::Tx&) -> StatusOr<access::Resource> { return resource; },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        const Micros now = deps_.clock->Now();
        // Unit heads see their own units only.
        std::set<std::string> allowed;
        const bool restricted = d.role == "unit_head";
        if (restricted) {
          for (const auto& m : ctx.subject->memberships) {
            if (m.role == "unit_head") allowed.insert(m.unit_id);
          }
        }
        auto keep = [&](const std::string& unit, const std::string& sector,
                        const std::string& province) {
          if (restricted && allowed.count(unit) == 0) return false;
          if (q.unit_id && *q.unit_id != unit) return false;
          if (q.sector && *q.sector != sector) return false;
          if (q.province_code && *q.province_code != province) return false;
          return true;
        };
        struct Acc {
          TimelinessRow row;
          std::vector<double> ack, done, first;
        };
        std::map<std::string, Acc> by_unit;
        std::map<std::string, Acc> by_sector;
        auto touch = [&](std::map<std::string, Acc>& m, const std::string& key,
                         const std::string& unit, const std::string& name,
                         const std::string& sector, const std::string& province) -> Acc& {
          Acc& a = m[key];
          a.row.unit_id = unit;
          a.row.unit_name = name;
          a.row.sector = sector;
          a.row.province_code = province;
          return a;
        };
        ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("SELECT w.target_unit_id, u.name, u.sector, u.province_code, w.state, "
                     "w.issued_at, w.acknowledged_at, w.completed_at, w.due_at FROM work_items w "
                     "JOIN units u ON u.id = w.target_unit_id WHERE w.issued_at >= ? AND "
                     "w.issued_at < ?",
                     {q.from, q.to}));
        for (const auto& r : rows) {
          if (!keep(r.Text(0), r.Text(2), r.Text(3))) continue;
          for (Acc* a : {&touch(by_unit, r.Text(0), r.Text(0), r.Text(1), r.Text(2), r.Text(3)),
                         &touch(by_sector, r.Text(2), "", "", r.Text(2), "")}) {
            const std::string state = r.Text(4);
            const Micros issued = r.Int(5), due = r.Int(8);
            a->row.items++;
            if (state == "done") a->row.done++;
            if (state == "refused") a->row.refused++;
            if (IsOpenState(state)) {
              a->row.open++;
              if (due < now) a->row.overdue_open++;
            }
            if (auto ack = r.OptInt(6)) {
              a->ack.push_back(static_cast<double>(*ack - issued) / kMicrosPerMinute);
            }
            if (auto done = r.OptInt(7); done && state == "done") {
              a->done.push_back(static_cast<double>(*done - issued) / kMicrosPerMinute);
              if (*done > due) a->row.completed_late++;
            }
          }
        }
        // Intake to first instruction: cases whose first intake falls in the range, by the unit
        // that received it.
        ASSIGN_OR_RETURN(
            auto firsts,
            tx.Query("SELECT i.receiving_unit_id, u.name, u.sector, u.province_code, "
                     "i.received_at, (SELECT MIN(w.issued_at) FROM work_items w WHERE "
                     "w.case_id = i.case_id AND w.kind = 'instruction') FROM intakes i "
                     "JOIN units u ON u.id = i.receiving_unit_id WHERE i.received_at >= ? AND "
                     "i.received_at < ? AND i.received_at = (SELECT MIN(j.received_at) FROM "
                     "intakes j WHERE j.case_id = i.case_id)",
                     {q.from, q.to}));
        for (const auto& r : firsts) {
          if (!keep(r.Text(0), r.Text(2), r.Text(3)) || r.IsNull(5)) continue;
          double minutes =
              static_cast<double>(std::max<Micros>(0, r.Int(5) - r.Int(4))) / kMicrosPerMinute;
          touch(by_unit, r.Text(0), r.Text(0), r.Text(1), r.Text(2), r.Text(3))
              .first.push_back(minutes);
          touch(by_sector, r.Text(2), "", "", r.Text(2), "").first.push_back(minutes);
        }
        auto dist = [](const std::vector<double>& v) {
          Distribution d;
          d.count = static_cast<int64_t>(v.size());
          d.median_minutes = Percentile(v, 50);
          d.p90_minutes = Percentile(v, 90);
          return d;
        };
        for (auto* m : {&by_unit, &by_sector}) {
          for (auto& [key, a] : *m) {
            a.row.acknowledgement = dist(a.ack);
            a.row.completion = dist(a.done);
            a.row.intake_to_first_instruction = dist(a.first);
            (m == &by_unit ? out.units : out.sectors).push_back(a.row);
          }
        }
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::coordination
