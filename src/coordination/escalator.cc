#include "coordination/escalator.h"

#include <set>

#include "audit/audit_log.h"
#include "cases/case_facts.h"
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
    return Status::Ok();
  }));
  if (deps_.on_changed) {
    for (const auto& u : units) deps_.on_changed(u);
  }
  return escalated;
}

}  // namespace tamkine::coordination
