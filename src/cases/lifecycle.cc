#include "cases/lifecycle.h"

#include <algorithm>

namespace tamkine::cases {

namespace {

const std::vector<std::string_view> kCare = {
    "reception", "orientation",          "medical", "psychological", "legal_aid", "shelter",
    "training",  "economic_integration", "closed"};
const std::vector<std::string_view> kJustice = {
    "none",     "complaint",   "investigation", "prosecution_decision", "hearings",
    "judgment", "enforcement", "closed",        "closed_without_action"};
const std::vector<std::string_view> kChild = {"report",   "reception", "diagnosis",
                                              "referral", "support",   "closed"};
const std::vector<std::string_view> kNone = {};

}  // namespace

const std::vector<std::string_view>& Tracks() {
  static const std::vector<std::string_view> kValues = {"care", "justice", "child"};
  return kValues;
}

const std::vector<std::string_view>& TrackStatuses(std::string_view track) {
  if (track == "care") return kCare;
  if (track == "justice") return kJustice;
  if (track == "child") return kChild;
  return kNone;
}

std::string_view InitialStatus(std::string_view track) {
  const auto& s = TrackStatuses(track);
  return s.empty() ? "" : s.front();
}

bool IsClosedStatus(std::string_view track, std::string_view status) {
  return status == "closed" || (track == "justice" && status == "closed_without_action");
}

std::string_view ServiceTrack(std::string_view kind) { return kind == "child" ? "child" : "care"; }

const std::vector<Edge>& Edges() {
  static const std::vector<Edge> kValues = {
      // care: reception and listening → orientation → medical → psychological → legal aid →
      // shelter → training → economic integration; steps are skipped or revisited as needed.
      {"care", "reception", "orientation"},
      {"care", "reception", "medical"},  // she arrives injured
      {"care", "reception", "closed"},
      {"care", "orientation", "medical"},
      {"care", "orientation", "psychological"},
      {"care", "orientation", "legal_aid"},
      {"care", "orientation", "shelter"},
      {"care", "orientation", "closed"},
      {"care", "medical", "orientation"},
      {"care", "medical", "psychological"},
      {"care", "medical", "legal_aid"},
      {"care", "medical", "shelter"},
      {"care", "medical", "closed"},
      {"care", "psychological", "medical"},
      {"care", "psychological", "legal_aid"},
      {"care", "psychological", "shelter"},
      {"care", "psychological", "training"},
      {"care", "psychological", "closed"},
      {"care", "legal_aid", "medical"},
      {"care", "legal_aid", "psychological"},
      {"care", "legal_aid", "shelter"},
      {"care", "legal_aid", "training"},
      {"care", "legal_aid", "closed"},
      {"care", "shelter", "medical"},
      {"care", "shelter", "psychological"},
      {"care", "shelter", "legal_aid"},
      {"care", "shelter", "training"},
      {"care", "shelter", "economic_integration"},
      {"care", "shelter", "closed"},
      {"care", "training", "shelter"},
      {"care", "training", "economic_integration"},
      {"care", "training", "closed"},
      {"care", "economic_integration", "training"},
      {"care", "economic_integration", "closed"},
      {"care", "closed", "orientation"},  // reopen
      // justice: complaint → investigation → prosecution decision → hearings → judgment →
      // enforcement, or closed without action.
      {"justice", "none", "complaint"},
      {"justice", "complaint", "investigation"},
      {"justice", "complaint", "prosecution_decision"},
      {"justice", "complaint", "closed_without_action"},
      {"justice", "investigation", "prosecution_decision"},
      {"justice", "investigation", "closed_without_action"},
      {"justice", "prosecution_decision", "investigation"},  // further investigation ordered
      {"justice", "prosecution_decision", "hearings"},
      {"justice", "prosecution_decision", "closed_without_action"},
      {"justice", "hearings", "judgment"},
      {"justice", "judgment", "hearings"},  // appeal
      {"justice", "judgment", "enforcement"},
      {"justice", "judgment", "closed"},
      {"justice", "enforcement", "closed"},
      {"justice", "closed_without_action", "investigation"},  // reopen
      {"justice", "closed", "hearings"},                      // reopen (appeal, new facts)
      // child protection: report and monitoring → reception and listening → diagnosis →
      // referral → medical/psychological/social/legal support.
      {"child", "report", "reception"},
      {"child", "report", "closed"},
      {"child", "reception", "diagnosis"},
      {"child", "reception", "closed"},
      {"child", "diagnosis", "referral"},
      {"child", "diagnosis", "support"},
      {"child", "diagnosis", "closed"},
      {"child", "referral", "support"},
      {"child", "referral", "closed"},
      {"child", "support", "referral"},
      {"child", "support", "closed"},
      {"child", "closed", "reception"},  // reopen
  };
  return kValues;
}

StatusOr<MoveKind> CheckMove(std::string_view track, std::string_view from, std::string_view to) {
  const auto& statuses = TrackStatuses(track);
  if (statuses.empty()) return InvalidArgument("must be one of: care justice child", "track");
  if (std::find(statuses.begin(), statuses.end(), to) == statuses.end()) {
    return InvalidArgument("is not a status of the " + std::string(track) + " track", "to");
  }
  for (const auto& e : Edges()) {
    if (e.track == track && e.from == from && e.to == to) {
      if (IsClosedStatus(track, to)) return MoveKind::kClose;
      if (IsClosedStatus(track, from)) return MoveKind::kReopen;
      return MoveKind::kStep;
    }
  }
  return FailedPrecondition("the " + std::string(track) + " track cannot move from " +
                                std::string(from) + " to " + std::string(to),
                            "to");
}

std::string_view NextStep(std::string_view track, std::string_view status) {
  if (IsClosedStatus(track, status)) return "";
  const auto& statuses = TrackStatuses(track);
  auto here = std::find(statuses.begin(), statuses.end(), status);
  if (here == statuses.end()) return "";
  for (auto it = here + 1; it != statuses.end(); ++it) {
    for (const auto& e : Edges()) {
      if (e.track == track && e.from == status && e.to == *it) return *it;
    }
  }
  return "";
}

std::string_view CaseStatus(std::string_view service_track, std::string_view service_status,
                            std::string_view justice_status) {
  bool justice_running = justice_status != "none" && !IsClosedStatus("justice", justice_status);
  return IsClosedStatus(service_track, service_status) && !justice_running ? "closed" : "open";
}

}  // namespace tamkine::cases
