// Validation of directory input: every error is InvalidArgument naming the field, with `prefix`
// in front (the HSDS import passes the JSON path of the object it came from).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "directory/model.h"

namespace tamkine::directory {

// Checks and normalises (phones to E.164, lists sorted and de-duplicated) everything that does
// not need the database: texts, vocabularies, opening hours (HH:MM, opening before closing, no
// two blocks overlapping on one day), coordinates (both or neither, inside Morocco), shelter
// capacity present exactly for shelters.
Status ValidateServiceInput(ServiceInput* in, std::string_view prefix = "");

// "HH:MM" between 00:00 and 24:00; returns minutes since midnight or InvalidArgument.
StatusOr<int> ParseClock(std::string_view hhmm, std::string_view field);

// Opening hours: each block has days, a valid opening and closing time, opens < closes, and no
// two blocks overlap on the same day. `field` is the list's name ("hours").
Status ValidateHours(std::vector<OpeningHours>* hours, std::string_view field);

Status ValidateCoordinates(const std::optional<double>& lat, const std::optional<double>& lon,
                           std::string_view prefix);

Status ValidateMovement(const Movement& m);

}  // namespace tamkine::directory
