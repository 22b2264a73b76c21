#include "coordination/model.h"

#include <algorithm>
#include <cmath>

namespace tamkine::coordination {

namespace {

struct Move {
  std::string_view kind;
  std::string_view from;
  std::string_view action;
  std::string_view to;
};

// Every move an item can make. Instructions: acknowledged, started, done with an outcome, or
// refused with a reason at any open step; starting or finishing at once counts as acknowledging.
// Withdrawal reviews cannot be refused: the prosecution must decide. Health follow-ups are done or
// declined by her. Expiry reminders are acknowledged and done.
const std::vector<Move>& Moves() {
  static const std::vector<Move> kMoves = {
      {"instruction", "issued", "acknowledge", "acknowledged"},
      {"instruction", "issued", "start", "in_progress"},
      {"instruction", "issued", "complete", "done"},
      {"instruction", "issued", "refuse", "refused"},
      {"instruction", "acknowledged", "start", "in_progress"},
      {"instruction", "acknowledged", "complete", "done"},
      {"instruction", "acknowledged", "refuse", "refused"},
      {"instruction", "in_progress", "complete", "done"},
      {"instruction", "in_progress", "refuse", "refused"},
      {"withdrawal_review", "issued", "acknowledge", "acknowledged"},
      {"withdrawal_review", "issued", "complete", "done"},
      {"withdrawal_review", "acknowledged", "start", "in_progress"},
      {"withdrawal_review", "acknowledged", "complete", "done"},
      {"withdrawal_review", "in_progress", "complete", "done"},
      {"health_followup", "issued", "acknowledge", "acknowledged"},
      {"health_followup", "issued", "complete", "done"},
      {"health_followup", "issued", "decline", "declined"},
      {"health_followup", "acknowledged", "complete", "done"},
      {"health_followup", "acknowledged", "decline", "declined"},
      {"measure_expiry", "issued", "acknowledge", "acknowledged"},
      {"measure_expiry", "issued", "complete", "done"},
      {"measure_expiry", "acknowledged", "complete", "done"},
  };
  return kMoves;
}

bool In(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

const std::vector<std::string_view>& Priorities() {
  static const std::vector<std::string_view> kValues = {"urgent", "priority", "normal"};
  return kValues;
}

const std::vector<std::string_view>& WorkItemKinds() {
  static const std::vector<std::string_view> kValues = {"instruction", "withdrawal_review",
                                                        "health_followup", "measure_expiry"};
  return kValues;
}

const std::vector<std::string_view>& WorkItemStates() {
  static const std::vector<std::string_view> kValues = {
      "issued", "acknowledged", "in_progress", "done", "refused", "declined", "cancelled"};
  return kValues;
}

const std::vector<std::string_view>& WorkItemActions() {
  static const std::vector<std::string_view> kValues = {"acknowledge", "start", "complete",
                                                        "refuse", "decline"};
  return kValues;
}

const std::vector<std::string_view>& WithdrawalOutcomes() {
  static const std::vector<std::string_view> kValues = {"no_pressure", "pressure_suspected"};
  return kValues;
}

const std::vector<FollowupRule>& HealthFollowups() {
  // Emergency contraception works up to 120 h after, post-exposure prophylaxis must start within
  // 72 h (WHO clinical guidance for rape survivors); STI testing and a psychological follow-up at
  // two weeks, a pregnancy test at three weeks.
  static const std::vector<FollowupRule> kRules = {
      {"emergency_contraception", "urgent", 120 * kMicrosPerHour},
      {"hiv_pep", "urgent", 72 * kMicrosPerHour},
      {"sti_test", "normal", 14 * 24 * kMicrosPerHour},
      {"pregnancy_test", "normal", 21 * 24 * kMicrosPerHour},
      {"psychological_followup", "priority", 14 * 24 * kMicrosPerHour},
  };
  return kRules;
}

const std::vector<std::string_view>& MeasureKinds() {
  static const std::vector<std::string_view> kValues = {"contact_ban",
                                                        "approach_ban",
                                                        "communication_ban",
                                                        "removal_from_home",
                                                        "return_of_children",
                                                        "offender_treatment",
                                                        "pledge"};
  return kValues;
}

std::string_view CompartmentOfKind(std::string_view kind) {
  if (kind == "health_followup") return "clinical";
  if (kind == "withdrawal_review") return "justice";
  return "";
}

bool IsOpenState(std::string_view state) {
  return state == "issued" || state == "acknowledged" || state == "in_progress";
}

int PriorityRank(std::string_view priority) {
  const auto& p = Priorities();
  auto it = std::find(p.begin(), p.end(), priority);
  return it == p.end() ? 3 : static_cast<int>(it - p.begin());
}

StatusOr<std::string> NextState(std::string_view kind, std::string_view from,
                                std::string_view action) {
  if (!In(WorkItemActions(), action)) {
    return InvalidArgument("must be one of: acknowledge start complete refuse decline", "action");
  }
  for (const auto& m : Moves()) {
    if (m.kind == kind && m.from == from && m.action == action) return std::string(m.to);
  }
  return FailedPrecondition("a " + std::string(kind) + " that is " + std::string(from) +
                                " cannot take '" + std::string(action) + "'",
                            "action");
}

Micros DeadlineFor(const InstructionType& t, std::string_view priority) {
  int64_t minutes = t.minutes_normal;
  if (priority == "urgent") minutes = t.minutes_urgent;
  if (priority == "priority") minutes = t.minutes_priority;
  return minutes * kMicrosPerMinute;
}

bool WorkItem::OverdueAt(Micros now) const { return IsOpenState(state) && due_at < now; }

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

}  // namespace tamkine::coordination
