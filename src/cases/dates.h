// Calendar dates of a case file: full dates ("2026-01-31"), partial birth dates ("1990",
// "1990-05"), times of day ("22:30"), "today" in Morocco, ages and age bands.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace tamkine::cases {

// A date; month and day are 0 when unknown (partial dates only).
struct Date {
  int year = 0;
  int month = 0;  // 1-12, 0 = unknown
  int day = 0;    // 1-31, 0 = unknown

  bool partial() const { return month == 0 || day == 0; }
  // "2026-01-31", "1990-05", "1990".
  std::string ToString() const;
  // The first and the last calendar day the (partial) date may be.
  Date Earliest() const;
  Date Latest() const;
  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
  bool operator<(const Date& o) const {
    if (year != o.year) return year < o.year;
    if (month != o.month) return month < o.month;
    return day < o.day;
  }
  bool operator>(const Date& o) const { return o < *this; }
};

// A full date "YYYY-MM-DD" that exists in the calendar, years 1900-2100. InvalidArgument naming
// `field` otherwise.
StatusOr<Date> ParseDate(std::string_view s, std::string_view field);
// "YYYY", "YYYY-MM" or "YYYY-MM-DD".
StatusOr<Date> ParsePartialDate(std::string_view s, std::string_view field);
// "HH:MM" (24-hour clock); returns it unchanged when valid.
StatusOr<std::string> ParseTimeOfDay(std::string_view s, std::string_view field);

// The date in Morocco at instant t. Morocco keeps UTC+1 except during Ramadan (UTC+0); UTC+1 is
// used throughout, so a date is "in the future" only once it has begun everywhere in Morocco.
Date MoroccoDate(Micros t);

// Days since 1970-01-01 of a full date.
int64_t DaysSinceEpoch(const Date& d);

// The smallest age a person born on (partial) `birth` can have on `on`; negative if born later.
int MinimumAge(const Date& birth, const Date& on);

// "0-11", "12-17", "18-29", "30-44", "45-59", "60+" (AgeBands()).
std::string_view AgeBand(int age);

}  // namespace tamkine::cases
