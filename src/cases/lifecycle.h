// The two tracks of a case's chain of services and the moves allowed between their statuses.
// Adults follow "care" and "justice"; children follow "child" (child protection) and "justice".
// Which moves exist is this table; who may make each move is access/authorize.cc's
// (action "case.transition", subtype "track:status"). Closing and reopening need a reason.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::cases {

struct Edge {
  std::string_view track;
  std::string_view from;
  std::string_view to;
};

enum class MoveKind {
  kStep,    // an ordinary step along the chain
  kClose,   // into a closed status: needs a close reason and a written reason
  kReopen,  // out of a closed status: needs a written reason
};

// "care", "justice", "child".
const std::vector<std::string_view>& Tracks();
// The statuses of a track in the order of the chain of services (empty for an unknown track).
const std::vector<std::string_view>& TrackStatuses(std::string_view track);
// Where a track starts: care "reception", justice "none", child "report".
std::string_view InitialStatus(std::string_view track);
bool IsClosedStatus(std::string_view track, std::string_view status);
// The service track of a case kind: "care" for adults, "child" for children.
std::string_view ServiceTrack(std::string_view kind);
// Every allowed move.
const std::vector<Edge>& Edges();

// Checks a move: InvalidArgument (field "track" or "to") for an unknown track or status;
// FailedPrecondition (field "to") when the move is not in the table.
StatusOr<MoveKind> CheckMove(std::string_view track, std::string_view from, std::string_view to);

// The next step along the chain from `status` (the first later status that a move reaches);
// "" when the track is closed.
std::string_view NextStep(std::string_view track, std::string_view status);

// "closed" when the service track is closed and the justice track is not running; else "open".
std::string_view CaseStatus(std::string_view service_track, std::string_view service_status,
                            std::string_view justice_status);

}  // namespace tamkine::cases
