#include "cases/dates.h"

#include <cstdio>

namespace tamkine::cases {

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` ASCII digits at s[pos].
std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::string Date::ToString() const {
  char buf[16];
  if (month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  }
  return buf;
}

Date Date::Earliest() const { return {year, month == 0 ? 1 : month, day == 0 ? 1 : day}; }

Date Date::Latest() const {
  int m = month == 0 ? 12 : month;
  return {year, m, day == 0 ? DaysInMonth(year, m) : day};
}

StatusOr<Date> ParsePartialDate(std::string_view s, std::string_view field) {
  const std::string f(field);
  Status bad = InvalidArgument("must be a date YYYY-MM-DD, YYYY-MM or YYYY", f);
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return bad;
  auto y = Digits(s, 0, 4);
  if (!y) return bad;
  Date d{*y, 0, 0};
  if (s.size() >= 7) {
    auto m = Digits(s, 5, 2);
    if (s[4] != '-' || !m) return bad;
    d.month = *m;
  }
  if (s.size() == 10) {
    auto day = Digits(s, 8, 2);
    if (s[7] != '-' || !day) return bad;
    d.day = *day;
  }
  if (d.year < 1900 || d.year > 2100) return InvalidArgument("year must be 1900-2100", f);
  if (s.size() >= 7 && (d.month < 1 || d.month > 12)) return InvalidArgument("no such month", f);
  if (s.size() == 10 && (d.day < 1 || d.day > DaysInMonth(d.year, d.month))) {
    return InvalidArgument("no such day in that month", f);
  }
  return d;
}

StatusOr<Date> ParseDate(std::string_view s, std::string_view field) {
  if (s.size() != 10) return InvalidArgument("must be a date YYYY-MM-DD", std::string(field));
  return ParsePartialDate(s, field);
}

StatusOr<std::string> ParseTimeOfDay(std::string_view s, std::string_view field) {
  auto h = Digits(s, 0, 2);
  auto m = Digits(s, 3, 2);
  if (s.size() != 5 || s[2] != ':' || !h || !m || *h > 23 || *m > 59) {
    return InvalidArgument("must be a time HH:MM", std::string(field));
  }
  return std::string(s);
}

int64_t DaysSinceEpoch(const Date& d) {
  // Howard Hinnant's days_from_civil.
  int y = d.year;
  const unsigned m = static_cast<unsigned>(d.month);
  const unsigned dd = static_cast<unsigned>(d.day);
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

Date MoroccoDate(Micros t) {
  int64_t z = (t + kMicrosPerHour) / (86400 * kMicrosPerSecond);
  if ((t + kMicrosPerHour) < 0 && (t + kMicrosPerHour) % (86400 * kMicrosPerSecond) != 0) --z;
  // Howard Hinnant's civil_from_days.
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

int MinimumAge(const Date& birth, const Date& on) {
  Date b = birth.Latest();
  int age = on.year - b.year;
  if (on.month < b.month || (on.month == b.month && on.day < b.day)) --age;
  return age;
}

std::string_view AgeBand(int age) {
  if (age < 0) return "unknown";
  if (age < 12) return "0-11";
  if (age < 18) return "12-17";
  if (age < 30) return "18-29";
  if (age < 45) return "30-44";
  if (age < 60) return "45-59";
  return "60+";
}

}  // namespace tamkine::cases
