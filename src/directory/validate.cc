#include "directory/validate.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/json.h"
#include "identity/validation.h"
#include "reference/regions.h"

namespace tamkine::directory {

namespace {

std::string F(std::string_view prefix, std::string_view field) {
  return std::string(prefix) + std::string(field);
}

bool In(const std::vector<std::string_view>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// Checks every code against the vocabulary, then sorts and removes duplicates.
Status ValidateCodes(std::vector<std::string>* codes, const std::vector<std::string_view>& allowed,
                     std::string_view field, size_t max_items) {
  if (codes->size() > max_items) {
    return InvalidArgument("has more than " + std::to_string(max_items) + " items",
                           std::string(field));
  }
  for (size_t i = 0; i < codes->size(); ++i) {
    if (!In(allowed, (*codes)[i])) {
      return InvalidArgument("is not a known value",
                             std::string(field) + "[" + std::to_string(i) + "]");
    }
  }
  std::sort(codes->begin(), codes->end());
  codes->erase(std::unique(codes->begin(), codes->end()), codes->end());
  return Status::Ok();
}

Status OptText(const std::optional<std::string>& v, std::string_view field, size_t max_len,
               bool multiline = false) {
  if (!v) return Status::Ok();
  return ValidateText(*v, field, 1, max_len, multiline);
}

}  // namespace

StatusOr<int> ParseClock(std::string_view s, std::string_view field) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() != 5 || s[2] != ':' || !digit(s[0]) || !digit(s[1]) || !digit(s[3]) ||
      !digit(s[4])) {
    return InvalidArgument("must be a time as HH:MM", std::string(field));
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) {
    return InvalidArgument("must be a time between 00:00 and 24:00", std::string(field));
  }
  return h * 60 + m;
}

Status ValidateHours(std::vector<OpeningHours>* hours, std::string_view field) {
  if (hours->size() > 21) return InvalidArgument("has more than 21 blocks", std::string(field));
  // Minutes open per day, to find overlaps.
  std::array<std::vector<std::pair<int, int>>, 7> per_day;
  for (size_t i = 0; i < hours->size(); ++i) {
    OpeningHours& h = (*hours)[i];
    std::string at = std::string(field) + "[" + std::to_string(i) + "]";
    if (h.days.empty()) return InvalidArgument("must name at least one day", at + ".days");
    for (size_t d = 0; d < h.days.size(); ++d) {
      if (!In(WeekDays(), h.days[d])) {
        return InvalidArgument("must be one of MO, TU, WE, TH, FR, SA, SU",
                               at + ".days[" + std::to_string(d) + "]");
      }
    }
    // Week order, not alphabetical.
    auto pos = [](const std::string& d) {
      return std::find(WeekDays().begin(), WeekDays().end(), d) - WeekDays().begin();
    };
    std::sort(h.days.begin(), h.days.end(),
              [&](const std::string& a, const std::string& b) { return pos(a) < pos(b); });
    if (std::adjacent_find(h.days.begin(), h.days.end()) != h.days.end()) {
      return InvalidArgument("names a day twice", at + ".days");
    }
    ASSIGN_OR_RETURN(int opens, ParseClock(h.opens, at + ".opens"));
    ASSIGN_OR_RETURN(int closes, ParseClock(h.closes, at + ".closes"));
    if (opens >= closes) return InvalidArgument("must be after the opening time", at + ".closes");
    for (const auto& d : h.days) {
      for (const auto& [o, c] : per_day[pos(d)]) {
        if (opens < c && o < closes) {
          return InvalidArgument("overlaps another block of opening hours on " + d, at);
        }
      }
      per_day[pos(d)].emplace_back(opens, closes);
    }
  }
  return Status::Ok();
}

Status ValidateCoordinates(const std::optional<double>& lat, const std::optional<double>& lon,
                           std::string_view prefix) {
  if (lat.has_value() != lon.has_value()) {
    return InvalidArgument("latitude and longitude go together",
                           F(prefix, lat ? "longitude" : "latitude"));
  }
  if (!lat) return Status::Ok();
  // Morocco, southern provinces included, with a margin.
  if (!std::isfinite(*lat) || *lat < 20.0 || *lat > 36.5) {
    return InvalidArgument("must be a latitude in Morocco (20 to 36.5)", F(prefix, "latitude"));
  }
  if (!std::isfinite(*lon) || *lon < -17.5 || *lon > -0.5) {
    return InvalidArgument("must be a longitude in Morocco (-17.5 to -0.5)",
                           F(prefix, "longitude"));
  }
  return Status::Ok();
}

Status ValidateServiceInput(ServiceInput* in, std::string_view prefix) {
  RETURN_IF_ERROR(ValidateText(in->name, F(prefix, "name"), 2, 200));
  RETURN_IF_ERROR(OptText(in->description, F(prefix, "description"), 2000, true));
  if (in->province_code && reference::FindProvince(*in->province_code) == nullptr) {
    return InvalidArgument("is not a known province code", F(prefix, "province_code"));
  }
  RETURN_IF_ERROR(OptText(in->commune, F(prefix, "commune"), 200));
  RETURN_IF_ERROR(OptText(in->address, F(prefix, "address"), 500));
  RETURN_IF_ERROR(ValidateCoordinates(in->latitude, in->longitude, prefix));
  if (in->phones.size() > 10) return InvalidArgument("has more than 10 items", F(prefix, "phones"));
  for (size_t i = 0; i < in->phones.size(); ++i) {
    ASSIGN_OR_RETURN(
        in->phones[i],
        identity::NormalisePhone(in->phones[i], F(prefix, "phones[" + std::to_string(i) + "]")));
  }
  if (in->email) RETURN_IF_ERROR(identity::ValidateEmail(*in->email, F(prefix, "email")));
  RETURN_IF_ERROR(ValidateHours(&in->hours, F(prefix, "hours")));
  // One block of every day from 00:00 to 24:00 is "open day and night", written one way only.
  if (in->hours.size() == 1 && in->hours[0].days.size() == 7 && in->hours[0].opens == "00:00" &&
      in->hours[0].closes == "24:00") {
    in->hours.clear();
    in->open_24h = true;
  }
  if (in->open_24h && !in->hours.empty()) {
    return InvalidArgument("a service open day and night has no opening hours", F(prefix, "hours"));
  }
  RETURN_IF_ERROR(ValidateCodes(&in->kinds, ServiceKinds(), F(prefix, "services"), 20));
  if (in->kinds.empty()) {
    return InvalidArgument("must name at least one service offered", F(prefix, "services"));
  }
  RETURN_IF_ERROR(ValidateCodes(&in->languages, LanguageCodes(), F(prefix, "languages"), 20));
  RETURN_IF_ERROR(
      ValidateCodes(&in->accessibility, AccessibilityFeatures(), F(prefix, "accessibility"), 20));
  bool is_shelter = In({in->kinds.begin(), in->kinds.end()}, "shelter");
  if (is_shelter != in->shelter.has_value()) {
    return InvalidArgument(is_shelter ? "is required when the services include shelter"
                                      : "is only for services that include shelter",
                           F(prefix, "shelter"));
  }
  if (in->shelter) {
    if (in->shelter->beds < 0 || in->shelter->beds > 10000) {
      return InvalidArgument("must be between 0 and 10000", F(prefix, "shelter.beds"));
    }
    if (in->shelter->child_places < 0 || in->shelter->child_places > 10000) {
      return InvalidArgument("must be between 0 and 10000", F(prefix, "shelter.child_places"));
    }
    RETURN_IF_ERROR(OptText(in->shelter->admission_criteria,
                            F(prefix, "shelter.admission_criteria"), 2000, true));
  }
  return Status::Ok();
}

Status ValidateMovement(const Movement& m) {
  if (m.adults < 0 || m.adults > 50) return InvalidArgument("must be between 0 and 50", "adults");
  if (m.children < 0 || m.children > 50) {
    return InvalidArgument("must be between 0 and 50", "children");
  }
  if (m.adults + m.children == 0)
    return InvalidArgument("must count at least one person", "adults");
  return Status::Ok();
}

}  // namespace tamkine::directory
