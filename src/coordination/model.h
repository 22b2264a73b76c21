// The coordination engine's model: work items (instructions, withdrawal reviews, health
// follow-ups, protection-measure expiry reminders), their states and the moves between them, the
// instruction catalogue, and the inputs and views of the coordination services.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/model.h"
#include "common/clock.h"
#include "common/status.h"

namespace tamkine::coordination {

// "urgent", "priority", "normal" (the coloured envelope), most pressing first.
const std::vector<std::string_view>& Priorities();
// "instruction", "withdrawal_review", "health_followup", "measure_expiry".
const std::vector<std::string_view>& WorkItemKinds();
// "issued", "acknowledged", "in_progress", "done", "refused", "declined", "cancelled".
const std::vector<std::string_view>& WorkItemStates();
// What the target unit does to an item: "acknowledge", "start", "complete", "refuse",
// "decline" (a health follow-up she declined).
const std::vector<std::string_view>& WorkItemActions();
// Outcomes of a withdrawal review.
const std::vector<std::string_view>& WithdrawalOutcomes();

// issued, acknowledged and in_progress are open; the others are final.
bool IsOpenState(std::string_view state);
// 0 for urgent, 1 for priority, 2 for normal (3 for anything else).
int PriorityRank(std::string_view priority);

// The state an item of `kind` in state `from` moves to under `action`. InvalidArgument naming
// "action" for an unknown action; FailedPrecondition naming "action" when the move does not exist
// for that kind and state (e.g. acknowledging a done instruction, refusing a withdrawal review).
StatusOr<std::string> NextState(std::string_view kind, std::string_view from,
                                std::string_view action);

// One entry of the instruction catalogue.
struct InstructionType {
  std::string code;
  std::string label_ar;
  std::string label_fr;
  std::string label_en;
  std::vector<std::string> sectors;  // sectors whose units can perform it
  std::string default_priority = "normal";
  int64_t minutes_urgent = 60;
  int64_t minutes_priority = 24 * 60;
  int64_t minutes_normal = 72 * 60;
  bool active = true;
};

// The time allowed to act on an instruction of type t given with `priority`.
Micros DeadlineFor(const InstructionType& t, std::string_view priority);

struct WorkItem {
  std::string id;
  std::string case_id;
  std::string reference_code;
  std::string kind;
  std::string type;
  std::string priority;
  std::optional<std::string> target_unit_id;
  std::optional<std::string> target_unit_name;
  std::optional<std::string> issuer_user_id;
  std::optional<std::string> issuer_unit_id;
  std::optional<std::string> issuer_unit_name;
  Micros issued_at = 0;
  Micros recorded_at = 0;
  Micros due_at = 0;
  std::string state;
  int64_t version = 0;
  std::optional<Micros> acknowledged_at;
  std::optional<std::string> acknowledged_by_user_id;
  std::optional<Micros> started_at;
  std::optional<Micros> completed_at;
  std::optional<std::string> completed_by_user_id;
  std::optional<std::string> outcome_code;
  // Sealed free text: filled only for members of the target or issuing unit.
  std::optional<std::string> outcome;
  std::optional<std::string> refusal_reason;
  std::optional<std::string> note;
  bool text_withheld = false;  // the viewer may not read the free text
  std::optional<Micros> escalated_at;
  std::optional<std::string> measure_id;
  std::optional<std::string> incident_id;  // health follow-ups: the incident they follow
  std::optional<std::string> parent_id;
  std::vector<std::string> document_ids;
  Micros updated_at = 0;

  bool OverdueAt(Micros now) const;
};

struct IssueInput {
  std::string case_id;
  std::string type;
  std::string target_unit_id;
  std::optional<std::string> priority;  // default: the type's default priority
  std::optional<Micros> issued_at;      // an instruction first given by phone; default now
  std::optional<Micros> due_at;         // default: issued_at + the type's deadline
  std::optional<std::string> note;      // sealed
  std::optional<std::string> acting_unit_id;
  std::optional<std::string> parent_id;  // e.g. the withdrawal review that led to it
};

struct ActInput {
  std::string action;
  std::optional<int64_t> version;           // when given, the item must still be at this version
  std::optional<std::string> outcome;       // sealed; required to complete an instruction
  std::optional<std::string> outcome_code;  // required to complete a withdrawal review
  std::optional<std::string> reason;        // required to refuse or decline
  std::vector<std::string> document_ids;    // case documents attached on completion
};

// Recording that she withdrew her complaint.
struct WithdrawalInput {
  std::string case_id;
  std::optional<Micros> withdrawn_at;  // default now; not in the future
  std::optional<std::string> note;     // sealed, justice compartment
  std::optional<std::string> acting_unit_id;
};

// The follow-ups scheduled after sexual violence, with the time allowed from the incident.
struct FollowupRule {
  std::string_view type;
  std::string_view priority;
  Micros after_incident;
};
const std::vector<FollowupRule>& HealthFollowups();

// The compartment whose readers may see items of `kind` on the case page ("" = the core).
std::string_view CompartmentOfKind(std::string_view kind);

// Law 103-13 protection measures and the prosecutor's pledge.
const std::vector<std::string_view>& MeasureKinds();

struct MeasureInput {
  std::string case_id;
  std::string kind;               // one of MeasureKinds()
  std::string issuing_authority;  // e.g. "Parquet de Fès, ordonnance n° …"
  Micros starts_on = 0;
  std::optional<Micros> ends_on;          // none: until judgment or definitive
  std::optional<std::string> conditions;  // sealed, justice compartment
  std::optional<std::string> acting_unit_id;
};

struct ProtectionMeasure {
  std::string id;
  std::string case_id;
  std::string kind;
  std::string issuing_authority;
  std::string issued_by_unit_id;
  Micros starts_on = 0;
  std::optional<Micros> ends_on;
  std::optional<std::string> conditions;
  bool conditions_withheld = false;
  std::string state;  // active | ended | lifted
  std::optional<Micros> reminder_sent_at;
};

// A reported violation of a protection measure.
struct ViolationInput {
  std::string measure_id;
  std::string target_unit_id;             // the police or gendarmerie unit to act
  std::string type = "arrest_aggressor";  // the instruction given, from the catalogue
  cases::IncidentInput incident;          // what happened (a linked incident on the case)
  std::optional<std::string> note;        // sealed, on the instruction
  std::optional<std::string> acting_unit_id;
};

struct Violation {
  WorkItem instruction;
  std::string incident_id;
};

struct InboxAlert {
  std::string id;
  std::string kind;
  std::string unit_id;
  std::optional<std::string> case_id;
  std::optional<std::string> reference_code;
  std::optional<std::string> ref_id;
  Micros created_at = 0;
};

struct Inbox {
  std::vector<WorkItem> items;     // overdue first, then urgent, then by due time
  std::vector<InboxAlert> alerts;  // unacknowledged alerts of units the caller heads
};

struct TimelinessQuery {
  Micros from = 0;
  Micros to = 0;
  std::optional<std::string> unit_id;
  std::optional<std::string> sector;
  std::optional<std::string> province_code;
};

// Minutes, over the items that have the measure.
struct Distribution {
  int64_t count = 0;
  std::optional<double> median_minutes;
  std::optional<double> p90_minutes;
};

struct TimelinessRow {
  std::string unit_id;  // "" for a sector row
  std::string unit_name;
  std::string sector;
  std::string province_code;
  int64_t items = 0;
  int64_t done = 0;
  int64_t refused = 0;
  int64_t open = 0;
  int64_t overdue_open = 0;                  // open and past their deadline now
  int64_t completed_late = 0;                // done after their deadline
  Distribution acknowledgement;              // issued → acknowledged
  Distribution completion;                   // issued → done
  Distribution intake_to_first_instruction;  // cases whose first intake was at this unit
};

struct Timeliness {
  std::vector<TimelinessRow> units;
  std::vector<TimelinessRow> sectors;
};

// Nearest-rank percentile (p in (0, 100]) of unsorted values; nullopt when empty.
std::optional<double> Percentile(std::vector<double> values, double p);

}  // namespace tamkine::coordination
