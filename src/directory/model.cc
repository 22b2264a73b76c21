#include "directory/model.h"

#include <algorithm>
#include <cmath>

namespace tamkine::directory {

const std::vector<std::string_view>& ServiceKinds() {
  static const std::vector<std::string_view> kKinds = {"listening",
                                                       "orientation",
                                                       "medical_care",
                                                       "medical_certificate",
                                                       "psychological_support",
                                                       "complaint",
                                                       "legal_aid",
                                                       "shelter",
                                                       "child_protection",
                                                       "accompaniment",
                                                       "economic_integration",
                                                       "hotline"};
  return kKinds;
}

namespace {

struct Language {
  std::string_view code;
  std::string_view name;
};

// ISO 639 codes of the languages women in Morocco speak, and sign language.
constexpr Language kLanguages[] = {{"ar", "Arabic"},
                                   {"ary", "Moroccan Arabic (Darija)"},
                                   {"zgh", "Standard Moroccan Tamazight"},
                                   {"shi", "Tachelhit"},
                                   {"tzm", "Central Atlas Tamazight"},
                                   {"rif", "Tarifit"},
                                   {"mey", "Hassaniya"},
                                   {"fr", "French"},
                                   {"es", "Spanish"},
                                   {"en", "English"},
                                   {"sgn", "Sign language"}};

}  // namespace

const std::vector<std::string_view>& LanguageCodes() {
  static const std::vector<std::string_view> kCodes = [] {
    std::vector<std::string_view> v;
    for (const auto& l : kLanguages) v.push_back(l.code);
    return v;
  }();
  return kCodes;
}

std::string_view LanguageName(std::string_view code) {
  for (const auto& l : kLanguages) {
    if (l.code == code) return l.name;
  }
  return "";
}

const std::vector<std::string_view>& AccessibilityFeatures() {
  static const std::vector<std::string_view> kFeatures = {
      "wheelchair",       "step_free",      "ground_floor",           "sign_language",
      "women_only_space", "child_friendly", "interpreter_on_request", "private_room"};
  return kFeatures;
}

const std::vector<std::string_view>& WeekDays() {
  static const std::vector<std::string_view> kDays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  return kDays;
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRad;
  double dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace tamkine::directory
