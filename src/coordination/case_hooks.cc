#include "coordination/case_hooks.h"

#include <cstdio>

#include "cases/case_facts.h"
#include "common/ids.h"
#include "coordination/model.h"
#include "coordination/work_item_store.h"

namespace tamkine::coordination {

std::optional<Micros> IncidentTime(const std::string& date,
                                   const std::optional<std::string>& time) {
  int y = 0, m = 1, d = 1, hh = 0, mm = 0;
  if (std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) < 1 || y < 1900) return std::nullopt;
  if (time) std::sscanf(time->c_str(), "%2d:%2d", &hh, &mm);
  char iso[32];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, hh, mm);
  return ParseIsoTime(iso);
}

Status CoordinationCaseHooks::BeforeMove(storage::Tx& tx, const std::string& case_id,
                                         std::string_view track, std::string_view to) {
  if (track != "justice" || (to != "closed" && to != "closed_without_action")) {
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto open, tx.QueryOne("SELECT COUNT(*) FROM work_items WHERE case_id = ? AND "
                                          "kind = 'withdrawal_review' AND state IN ('issued', "
                                          "'acknowledged', 'in_progress')",
                                          {case_id}));
  if (open && open->Int(0) > 0) {
    return FailedPrecondition(
        "the justice track cannot close while the review of her withdrawal is open", "to");
  }
  return Status::Ok();
}

Status CoordinationCaseHooks::AfterWrite(storage::Tx& tx, const std::string& case_id, Micros now) {
  ASSIGN_OR_RETURN(auto incidents,
                   tx.Query("SELECT id, occurred_on, occurred_time, created_at FROM incidents "
                            "WHERE case_id = ? AND (gbv_type IN ('rape', 'sexual_assault') OR "
                            "forms LIKE '%,sexual,%') ORDER BY created_at, id",
                            {case_id}));
  if (incidents.empty()) return Status::Ok();
  // The health unit that cares for her: consent for medical care, else the holder if a health
  // unit.
  std::optional<std::string> health;
  ASSIGN_OR_RETURN(auto consent,
                   tx.QueryOne("SELECT c.unit_id FROM consents c JOIN units u ON u.id = c.unit_id "
                               "WHERE c.case_id = ? AND c.revoked_at IS NULL AND c.purpose = "
                               "'medical_care' AND u.sector = 'health' AND u.active = 1 "
                               "ORDER BY c.granted_at, c.id LIMIT 1",
                               {case_id}));
  if (consent) {
    health = consent->Text(0);
  } else {
    ASSIGN_OR_RETURN(auto holder,
                     tx.QueryOne("SELECT c.holder_unit_id FROM cases c JOIN units u ON u.id = "
                                 "c.holder_unit_id WHERE c.id = ? AND u.sector = 'health'",
                                 {case_id}));
    if (holder) health = holder->Text(0);
  }
  ASSIGN_OR_RETURN(auto existing,
                   tx.Query("SELECT incident_id, type, id, target_unit_id FROM work_items WHERE "
                            "case_id = ? AND kind = 'health_followup'",
                            {case_id}));
  for (const auto& inc : incidents) {
    const std::string incident_id = inc.Text(0);
    Micros at = IncidentTime(inc.Text(1), inc.OptText(2)).value_or(inc.Int(3));
    for (const auto& rule : HealthFollowups()) {
      const storage::Row* found = nullptr;
      for (const auto& e : existing) {
        if (e.OptText(0) == incident_id && e.Text(1) == rule.type) found = &e;
      }
      if (found != nullptr) {
        if (found->IsNull(3) && health) {
          // Waiting unassigned: addressed now that a health unit cares for her.
          RETURN_IF_ERROR(tx.Exec("UPDATE work_items SET target_unit_id = ?, version = version + "
                                  "1, updated_at = ? WHERE id = ? AND target_unit_id IS NULL",
                                  {*health, now, found->Text(2)})
                              .status());
        }
        continue;
      }
      WorkItem w;
      w.id = NewId();
      w.case_id = case_id;
      w.kind = "health_followup";
      w.type = std::string(rule.type);
      w.priority = std::string(rule.priority);
      w.target_unit_id = health;
      w.issued_at = now;
      w.recorded_at = now;
      w.due_at = at + rule.after_incident;
      w.state = "issued";
      w.incident_id = incident_id;
      w.updated_at = now;
      RETURN_IF_ERROR(internal::InsertItem(tx, *deps_.keyring, w));
      cases::TimelineNote note;
      note.kind = "work_item";
      note.topic = "health_followup:" + w.type;
      note.to = "issued";
      note.ref_id = w.id;
      note.visibility = "clinical";
      RETURN_IF_ERROR(cases::AppendCaseTimeline(tx, *deps_.keyring, case_id, now, "",
                                                health.value_or(""), note));
    }
  }
  return Status::Ok();
}

}  // namespace tamkine::coordination
