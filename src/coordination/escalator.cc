#include "coordination/escalator.h"

#include <algorithm>
#include <set>

#include "audit/audit_log.h"
#include "cases/case_facts.h"
#include "common/ids.h"
#include "coordination/model.h"
#include "coordination/work_item_store.h"

namespace tamkine::coordination {

StatusOr<int> Escalator::Sweep(Micros now, int batch) {
  int escalated = 0;
  std::set<std::string> units;
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    escalated = 0;
    units.clear();
    ASSIGN_OR_RETURN(auto items,
                     internal::QueryItems(tx,
                                          "w.state IN ('issued', 'acknowledged', 'in_progress') "
                                          "AND w.escalated_at IS NULL AND w.due_at < ? "
                                          "AND w.target_unit_id IS NOT NULL",
                                          {now}, "w.due_at, w.id", batch));
    for (const auto& w : items) {
      // Conditional: another process sweeping at the same time escalates it instead.
      ASSIGN_OR_RETURN(int64_t changed,
                       tx.Exec("UPDATE work_items SET escalated_at = ? WHERE id = ? AND "
                               "escalated_at IS NULL",
                               {now, w.id}));
      if (changed != 1) continue;
      ++escalated;
      for (const auto& u : {w.target_unit_id, w.issuer_unit_id}) {
        if (!u) continue;
        RETURN_IF_ERROR(cases::RaiseUnitAlert(tx, *u, "work_item_overdue", w.case_id, w.id, now));
        units.insert(*u);
      }
      cases::TimelineNote note;
      note.kind = "work_item_escalated";
      note.topic = w.kind + ":" + w.type;
      note.from = w.state;
      note.ref_id = w.id;
      if (!CompartmentOfKind(w.kind).empty()) note.visibility = CompartmentOfKind(w.kind);
      RETURN_IF_ERROR(cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, "",
                                                w.target_unit_id.value_or(""), note));
      audit::Entry e;
      e.username = "system";
      e.action = "work_item.escalate";
      e.record_type = "work_item";
      e.record_id = w.id;
      e.unit_id = w.target_unit_id.value_or("");
      e.decision = "allowed";
      e.reason = "deadline passed";
      RETURN_IF_ERROR(audit::Append(tx, *deps_.clock, e));
    }
    // Protection measures: those past their end are ended; those ending within the lead time get
    // one reminder item for the prosecution unit in charge of the case.
    RETURN_IF_ERROR(tx.Exec("UPDATE protection_measures SET state = 'ended', updated_at = ? "
                            "WHERE state = 'active' AND ends_on IS NOT NULL AND ends_on <= ?",
                            {now, now})
                        .status());
    ASSIGN_OR_RETURN(
        auto ending,
        tx.Query("SELECT m.id, m.case_id, m.kind, m.ends_on, c.holder_unit_id, "
                 "c.created_by_unit_id, c.province_code FROM protection_measures m JOIN cases c "
                 "ON c.id = m.case_id WHERE m.state = 'active' AND m.ends_on IS NOT NULL AND "
                 "m.reminder_sent_at IS NULL AND m.ends_on <= ? ORDER BY m.ends_on, m.id LIMIT " +
                     std::to_string(batch),
                 {now + deps_.options.measure_reminder_lead}));
    for (const auto& m : ending) {
      ASSIGN_OR_RETURN(int64_t changed,
                       tx.Exec("UPDATE protection_measures SET reminder_sent_at = ? WHERE id = ? "
                               "AND reminder_sent_at IS NULL",
                               {now, m.Text(0)}));
      if (changed != 1) continue;
      ASSIGN_OR_RETURN(auto unit,
                       internal::ProsecutionUnitOf(tx, m.Text(1), m.Text(4), m.Text(5), m.Text(6)));
      if (!unit) continue;
      WorkItem w;
      w.id = NewId();
      w.case_id = m.Text(1);
      w.kind = "measure_expiry";
      w.type = m.Text(2);
      w.priority = "priority";
      w.target_unit_id = *unit;
      w.issued_at = now;
      w.recorded_at = now;
      w.due_at = std::max(now, m.Int(3));
      w.state = "issued";
      w.measure_id = m.Text(0);
      w.updated_at = now;
      RETURN_IF_ERROR(internal::InsertItem(tx, *deps_.keyring, w));
      cases::TimelineNote note;
      note.kind = "work_item";
      note.topic = w.kind + ":" + w.type;
      note.to = "issued";
      note.ref_id = w.id;
      RETURN_IF_ERROR(
          cases::AppendCaseTimeline(tx, *deps_.keyring, w.case_id, now, "", *unit, note));
      units.insert(*unit);
      ++escalated;
    }
    return Status::Ok();
  }));
  if (deps_.on_changed) {
    for (const auto& u : units) deps_.on_changed(u);
  }
  return escalated;
}

}  // namespace tamkine::coordination
