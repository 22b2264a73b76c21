#include "matching/scorer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>

namespace tamkine::matching {
namespace {

constexpr int kUnit = 20;        // one consonant edit
constexpr int kCloseMax = 12;    // spelling variants: vowels, w/y, one similar consonant
constexpr int kPartialMax = 26;  // one consonant wrong (and some vowels)
constexpr size_t kMaxLen = 48;   // longer phonetic strings are compared on their first 48

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'u'; }
bool IsWeak(char c) { return c == 'w' || c == 'y'; }

int Indel(char c, bool arabic) {
  if (IsVowel(c)) return c == 'e' ? 3 : arabic ? 2 : 5;
  if (IsWeak(c)) return 10;
  if (c == 'h') return 12;
  return kUnit;
}

bool Similar(char x, char y) {
  auto is = [&](char a, char b) { return (x == a && y == b) || (x == b && y == a); };
  return is('s', 'z') || is('s', 'c') || is('c', 'j') || is('t', 'd') || is('k', 'g') ||
         is('g', 'j') || is('h', 'x') || is('k', 'x') || is('b', 'f') || is('d', 'z') ||
         is('j', 'z');
}

int Sub(char x, char y) {
  if (x == y) return 0;
  bool vx = IsVowel(x), vy = IsVowel(y);
  if (vx && vy) return (x == 'e' || y == 'e') ? 3 : 6;
  if ((x == 'w' && y == 'u') || (x == 'u' && y == 'w') || (x == 'y' && y == 'i') ||
      (x == 'i' && y == 'y')) {
    return 4;
  }
  if ((IsWeak(x) && vy) || (vx && IsWeak(y))) return 8;
  if (IsWeak(x) && IsWeak(y)) return 10;
  if (Similar(x, y)) return 10;
  return kUnit;
}

bool ArabicScript(Script s) { return s == Script::kArabic || s == Script::kMixed; }

// The date's digits differ in exactly one place.
bool OneDigit(int a, int b) {
  if (a == b) return false;
  int diffs = 0;
  for (; a > 0 || b > 0; a /= 10, b /= 10) diffs += (a % 10) != (b % 10) ? 1 : 0;
  return diffs == 1;
}

float TfAdjust(Field f, Level l, const NameKey& a, const NameKey& b, const ScoringModel& m,
               const Frequencies* freq) {
  if (freq == nullptr || (l != Level::kExact && l != Level::kClose)) return 0;
  const bool given = f == Field::kGivenName;
  const uint32_t* counts = given ? freq->given_counts : freq->family_counts;
  if (counts == nullptr) return 0;
  uint32_t c = 1;
  if (a.freq_id < freq->size) c = std::max(c, counts[a.freq_id]);
  if (b.freq_id < freq->size) c = std::max(c, counts[b.freq_id]);
  double adj = std::log2(double{m.tf_ref_count} / static_cast<double>(c));
  return (given ? m.given_tf_scale : m.family_tf_scale) *
         static_cast<float>(std::clamp(adj, double{m.tf_min}, double{m.tf_max}));
}

struct NameResult {
  FieldEvidence given, family;
  bool swapped = false;
  float total() const { return given.weight + family.weight; }
};

NameResult ScoreNames(const NameKey& ag, const NameKey& af, const NameKey& bg, const NameKey& bf,
                      const ScoringModel& m, const Frequencies* freq, bool swapped) {
  NameResult r;
  r.swapped = swapped;
  r.given.level = CompareNameParts(ag, bg);
  r.family.level = CompareNameParts(af, bf);
  r.given.weight = m.weights.at(Field::kGivenName, r.given.level) +
                   TfAdjust(Field::kGivenName, r.given.level, ag, bg, m, freq);
  r.family.weight = m.weights.at(Field::kFamilyName, r.family.level) +
                    TfAdjust(Field::kFamilyName, r.family.level, af, bf, m, freq);
  return r;
}

}  // namespace

std::string_view FieldName(Field f) {
  switch (f) {
    case Field::kGivenName:
      return "given_name";
    case Field::kFamilyName:
      return "family_name";
    case Field::kDateOfBirth:
      return "date_of_birth";
    case Field::kCin:
      return "cin";
    case Field::kPhone:
      return "phone";
    case Field::kCity:
      return "city";
  }
  return "";
}

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kMissing:
      return "missing";
    case Level::kExact:
      return "exact";
    case Level::kClose:
      return "close";
    case Level::kPartial:
      return "partial";
    case Level::kSwapped:
      return "swapped";
    case Level::kYearOnly:
      return "year_only";
    case Level::kDisagree:
      return "disagree";
  }
  return "";
}

int PhoneticDistance(std::string_view a, std::string_view b, bool arabic, int cap) {
  if (a.size() > kMaxLen) a = a.substr(0, kMaxLen);
  if (b.size() > kMaxLen) b = b.substr(0, kMaxLen);
  const size_t n = a.size(), m = b.size();
  // Optimal string alignment (Damerau–Levenshtein without repeated edits of a substring).
  int rows[3][kMaxLen + 1];
  int* prev2 = rows[0];
  int* prev = rows[1];
  int* cur = rows[2];
  prev[0] = 0;
  for (size_t j = 1; j <= m; ++j) prev[j] = prev[j - 1] + Indel(b[j - 1], arabic);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = prev[0] + Indel(a[i - 1], arabic);
    int row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      int v = std::min({prev[j] + Indel(a[i - 1], arabic), cur[j - 1] + Indel(b[j - 1], arabic),
                        prev[j - 1] + Sub(a[i - 1], b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 12);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > cap) return cap;
    int* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return std::min(prev[m], cap);
}

Level CompareNameParts(const NameKey& a, const NameKey& b) {
  if (a.empty() || b.empty()) return Level::kMissing;
  if (a.phon == b.phon) return Level::kExact;
  // Each consonant letter present on one side only needs an edit costing at least half a
  // consonant (a similar-consonant substitution accounts for two such letters): a cheap lower
  // bound that settles most clearly different names without the edit distance.
  const int lower_bound = (kUnit / 4) * std::popcount(a.consonants ^ b.consonants);
  if (lower_bound > kPartialMax && a.token_count == b.token_count) return Level::kDisagree;
  const bool arabic = ArabicScript(a.script) || ArabicScript(b.script);
  const int d = PhoneticDistance(a.phon, b.phon, arabic, kPartialMax + 1);
  if (d <= kCloseMax) return Level::kClose;
  const size_t consonants = std::max(a.skel.size(), b.skel.size());
  if (d <= kPartialMax && consonants >= 3) return Level::kPartial;
  // One part of a compound left out: "Fatima" for "Fatima Zahra".
  if (a.token_count != b.token_count) {
    const NameKey& s = a.token_count < b.token_count ? a : b;
    const NameKey& l = a.token_count < b.token_count ? b : a;
    if (s.token_count == 1 && l.first_token_len > 0 &&
        PhoneticDistance(s.phon, std::string_view(l.phon).substr(0, l.first_token_len), arabic,
                         kCloseMax + 1) <= kCloseMax) {
      return Level::kPartial;
    }
  }
  return Level::kDisagree;
}

Level CompareDates(const BirthDate& a, const BirthDate& b) {
  if (!a.known() || !b.known()) return Level::kMissing;
  const int dy = std::abs(a.year - b.year);
  if (a.full() && b.full()) {
    if (a == b) return Level::kExact;
    const bool same_md = a.month == b.month && a.day == b.day;
    if (a.year != b.year) {
      return same_md && (dy == 1 || OneDigit(a.year, b.year)) ? Level::kClose : Level::kDisagree;
    }
    if (a.month == b.day && a.day == b.month) return Level::kSwapped;
    if ((a.month == b.month && OneDigit(a.day, b.day)) ||
        (a.day == b.day && OneDigit(a.month, b.month))) {
      return Level::kClose;
    }
    return Level::kPartial;
  }
  // At least one side is less precise: compare what both give.
  if (a.year != b.year) return dy == 1 ? Level::kClose : Level::kDisagree;
  if (a.month != 0 && b.month != 0 && a.month != b.month) return Level::kPartial;
  return Level::kYearOnly;
}

namespace {

// One character substituted, inserted or deleted, or two adjacent characters swapped.
bool OneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  return a.substr(i) == b.substr(i + 1);  // insertion
}

Level CompareCin(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return Level::kMissing;
  if (a == b) return Level::kExact;
  return OneEdit(a, b) ? Level::kClose : Level::kDisagree;
}

}  // namespace

namespace {

Level CompareCities(uint64_t a, uint64_t b) {
  return a == 0 || b == 0 ? Level::kMissing : a == b ? Level::kExact : Level::kDisagree;
}

// The phone key both summaries carry that the fewest records carry (0 when none is shared).
Level ComparePhones(const PersonSummary& a, const PersonSummary& b, uint64_t* shared) {
  if (a.phone_count == 0 || b.phone_count == 0) return Level::kMissing;
  *shared = 0;
  for (uint8_t i = 0; i < a.phone_count; ++i) {
    for (uint8_t j = 0; j < b.phone_count; ++j) {
      if (a.phones[i] == b.phones[j]) {
        *shared = a.phones[i];
        return Level::kExact;
      }
    }
  }
  return Level::kDisagree;
}

float NameBestWeight(Field f, const ScoringModel& m) {
  return std::max(m.weights.at(f, Level::kExact), m.weights.at(f, Level::kClose));
}

}  // namespace

float OtherFieldsBound(const PersonSummary& a, const PersonSummary& b, const ScoringModel& m) {
  float s = m.weights.at(Field::kDateOfBirth, CompareDates(a.dob, b.dob));
  if (a.cin != 0 && b.cin != 0) {
    s += a.cin == b.cin ? m.weights.at(Field::kCin, Level::kExact)
                        : std::max(m.weights.at(Field::kCin, Level::kClose),
                                   m.weights.at(Field::kCin, Level::kDisagree));
  }
  uint64_t shared = 0;
  s += m.weights.at(Field::kPhone, ComparePhones(a, b, &shared));
  s += m.weights.at(Field::kCity, CompareCities(a.city, b.city));
  return s;
}

float NamesBound(const NormalizedPerson& p, const ScoringModel& m, const Frequencies* freq) {
  if (p.names.empty()) return 0;
  // The frequency adjustment uses the larger count of the two sides, so p's own counts bound it.
  auto best_adj = [&](bool given) {
    float scale = given ? m.given_tf_scale : m.family_tf_scale;
    float top = -1e30f;
    for (const NameSplit& s : p.names) {
      const NameKey& k = given ? s.given : s.family;
      double adj = m.tf_max;
      if (freq != nullptr && k.freq_id < freq->size) {
        const uint32_t* counts = given ? freq->given_counts : freq->family_counts;
        uint32_t c = std::max<uint32_t>(1, counts[k.freq_id]);
        adj = std::clamp(std::log2(double{m.tf_ref_count} / c), double{m.tf_min}, double{m.tf_max});
      }
      top = std::max(top, scale * static_cast<float>(adj));
    }
    return top;
  };
  return NameBestWeight(Field::kGivenName, m) + best_adj(true) +
         NameBestWeight(Field::kFamilyName, m) + best_adj(false);
}

Comparison Compare(const NormalizedPerson& a, const NormalizedPerson& b, const ScoringModel& m,
                   const Frequencies* freq, float min_score) {
  Comparison c;
  auto set = [&](Field f, Level l) {
    c.fields[static_cast<size_t>(f)] = FieldEvidence{l, m.weights.at(f, l)};
  };
  const PersonSummary& sa = a.summary;
  const PersonSummary& sb = b.summary;
  set(Field::kDateOfBirth, CompareDates(sa.dob, sb.dob));
  set(Field::kCin, sa.cin == 0 || sb.cin == 0 ? Level::kMissing
                   : sa.cin == sb.cin         ? Level::kExact
                                              : CompareCin(a.cin, b.cin));
  uint64_t shared = 0;
  const Level phone = ComparePhones(sa, sb, &shared);
  set(Field::kPhone, phone);
  if (phone == Level::kExact && freq != nullptr && freq->phone_count != nullptr) {
    double n = std::clamp<double>(freq->phone_count(freq->phone_ctx, shared), 1, 64);
    c.fields[static_cast<size_t>(Field::kPhone)].weight -=
        m.phone_tf_scale * static_cast<float>(std::log2(n));
  }
  set(Field::kCity, CompareCities(sa.city, sb.city));
  float others = 0;
  for (const auto& f : c.fields) others += f.weight;

  if (!a.names.empty() && !b.names.empty()) {
    // The most the names could add.
    const float names_max =
        NameBestWeight(Field::kGivenName, m) + std::max(0.0f, m.given_tf_scale * m.tf_max) +
        NameBestWeight(Field::kFamilyName, m) + std::max(0.0f, m.family_tf_scale * m.tf_max);
    if (others + names_max < min_score) {
      c.score = others + names_max;
      return c;
    }
    // The best reading over the splits of each side, and given/family swapped.
    NameResult top;
    bool have = false;
    for (const NameSplit& sa : a.names) {
      for (const NameSplit& sb : b.names) {
        NameResult r = ScoreNames(sa.given, sa.family, sb.given, sb.family, m, freq, false);
        if (!have || r.total() > top.total()) {
          top = r;
          have = true;
        }
        const bool both_parts =
            !sa.given.empty() && !sa.family.empty() && !sb.given.empty() && !sb.family.empty();
        if (both_parts && a.name_order_known && b.name_order_known &&
            (r.given.level == Level::kDisagree || r.family.level == Level::kDisagree)) {
          NameResult s = ScoreNames(sa.given, sa.family, sb.family, sb.given, m, freq, true);
          if (s.total() > top.total()) top = s;
        }
      }
    }
    c.fields[static_cast<size_t>(Field::kGivenName)] = top.given;
    c.fields[static_cast<size_t>(Field::kFamilyName)] = top.family;
    c.names_swapped = top.swapped;
    others += top.total();
  }
  c.score = others;
  return c;
}

const ScoringModel& DefaultModel() {
  static const ScoringModel kModel = [] {
    ScoringModel m;
    Weights& w = m.weights;
    using F = Field;
    using L = Level;
    m.given_tf_scale = 0.22f;
    m.family_tf_scale = 0.45f;
    m.phone_tf_scale = 1.12f;
    w.at(F::kGivenName, L::kExact) = 5.00f;
    w.at(F::kGivenName, L::kClose) = 4.40f;
    w.at(F::kGivenName, L::kPartial) = -0.44f;
    w.at(F::kGivenName, L::kDisagree) = -8.96f;
    w.at(F::kFamilyName, L::kExact) = 5.09f;
    w.at(F::kFamilyName, L::kClose) = 4.76f;
    w.at(F::kFamilyName, L::kPartial) = -1.20f;
    w.at(F::kFamilyName, L::kDisagree) = -8.65f;
    w.at(F::kDateOfBirth, L::kExact) = 12.62f;
    w.at(F::kDateOfBirth, L::kClose) = 2.14f;
    w.at(F::kDateOfBirth, L::kPartial) = -2.18f;
    w.at(F::kDateOfBirth, L::kSwapped) = 9.10f;
    w.at(F::kDateOfBirth, L::kYearOnly) = 6.21f;
    w.at(F::kDateOfBirth, L::kDisagree) = -10.92f;
    w.at(F::kCin, L::kExact) = 16.85f;
    w.at(F::kCin, L::kClose) = 8.09f;
    w.at(F::kCin, L::kDisagree) = -8.69f;
    w.at(F::kPhone, L::kExact) = 9.16f;
    w.at(F::kPhone, L::kDisagree) = -2.07f;
    w.at(F::kCity, L::kExact) = 2.61f;
    w.at(F::kCity, L::kDisagree) = -3.02f;
    m.probable_threshold = 9;
    m.possible_threshold = 6;
    return m;
  }();
  return kModel;
}

}  // namespace tamkine::matching
