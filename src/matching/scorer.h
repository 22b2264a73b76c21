// The Fellegi–Sunter scorer: compares two normalised persons field by field, gives each field an
// agreement level and a weight (log2 of m/u, the likelihood ratio of that level among true
// duplicates versus different persons), adjusts name weights by how common the name is, and sums.
// The explanation (level and weight per field) travels with every score.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "matching/person.h"

namespace tamkine::matching {

enum class Field : uint8_t { kGivenName, kFamilyName, kDateOfBirth, kCin, kPhone, kCity };
inline constexpr size_t kFieldCount = 6;
std::string_view FieldName(Field f);  // "given_name", "family_name", "date_of_birth", …

// Agreement levels. Names: exact (same phonetic string), close (spelling or transliteration
// variant), partial (one consonant differs, or one part of a compound is missing), disagree.
// Date of birth: exact, swapped (day and month), year_only (one side gives only the year; the
// years agree), close (one typing slip: year off by one or one digit), partial (same year, day or
// month differ), disagree. ID number: exact, close (one character), disagree. Phone and city:
// exact or disagree. missing: either side lacks the field (weight 0).
enum class Level : uint8_t {
  kMissing,
  kExact,
  kClose,
  kPartial,
  kSwapped,
  kYearOnly,
  kDisagree,
};
inline constexpr size_t kLevelCount = 7;
std::string_view LevelName(Level l);  // "missing", "exact", "close", …

// Weights in bits (log2 m/u) per field and level; kMissing is always 0.
struct Weights {
  std::array<std::array<float, kLevelCount>, kFieldCount> w{};
  float& at(Field f, Level l) { return w[static_cast<size_t>(f)][static_cast<size_t>(l)]; }
  float at(Field f, Level l) const { return w[static_cast<size_t>(f)][static_cast<size_t>(l)]; }
};

// The weights and thresholds shipped with Tamkine (estimation: docs/matching.md).
struct ScoringModel {
  Weights weights;
  double probable_threshold = 0;  // score >= this: probable duplicate
  double possible_threshold = 0;  // score >= this (and below probable): possible, needs review
  // Frequency adjustments. Names: log2(tf_ref_count / records carrying the name), bounded to
  // [tf_min, tf_max] bits, then scaled per field: an agreement counts less the more namesakes the
  // register holds, so evidence keeps its meaning as the register grows. Phone: -log2(records
  // carrying the phone), bounded to [-6, 0], scaled (a phone the whole family gives counts less
  // than one only she gives).
  float tf_ref_count = 16;
  float tf_min = -8, tf_max = 4;
  float given_tf_scale = 1;
  float family_tf_scale = 1;
  float phone_tf_scale = 1;
};
const ScoringModel& DefaultModel();

struct FieldEvidence {
  Level level = Level::kMissing;
  float weight = 0;  // including the frequency adjustment
};

struct Comparison {
  std::array<FieldEvidence, kFieldCount> fields{};
  bool names_swapped = false;  // given name of one record agreed with family name of the other
  float score = 0;
  const FieldEvidence& at(Field f) const { return fields[static_cast<size_t>(f)]; }
};

// How often values occur in the index, for the frequency adjustments: counts[id] is the number of
// records whose given (family) name has the skeleton interned as id; phone_count(ctx, key), when
// set, the number of records carrying that phone.
struct Frequencies {
  const uint32_t* given_counts = nullptr;
  const uint32_t* family_counts = nullptr;
  size_t size = 0;  // number of interned skeletons
  uint32_t (*phone_count)(const void* ctx, uint64_t phone_key) = nullptr;  // see PhoneKey
  const void* phone_ctx = nullptr;
};

// Weighted edit distance between phonetic strings, in units of 1/20 of a consonant edit: vowel
// edits are cheap (cheaper still when one side is Arabic script, which omits short vowels), w/y
// against u/i cheaper than against consonants, similar consonants (s/z, t/d, k/g…) half price.
// Returns at most `cap` (computation stops early past it).
int PhoneticDistance(std::string_view a, std::string_view b, bool arabic, int cap = 1000);

// The agreement level of two name parts (empty parts are kMissing).
Level CompareNameParts(const NameKey& a, const NameKey& b);

// The agreement level of two dates of birth.
Level CompareDates(const BirthDate& a, const BirthDate& b);

// The most the fields other than names can add for this pair (phone agreement before its
// frequency adjustment, which only lowers it; an ID number that differs as if one character
// off), from the summaries alone.
float OtherFieldsBound(const PersonSummary& a, const PersonSummary& b, const ScoringModel& m);

// The most the names of `p` can add against anyone in an index with these frequencies (its own
// name counts bound the frequency adjustment).
float NamesBound(const NormalizedPerson& p, const ScoringModel& m, const Frequencies* freq);

// Compares two persons. `freq` may be null (no frequency adjustment). Symmetric in a and b.
// When the other fields leave the pair unable to reach `min_score` whatever the names, the names
// are not compared and the score returned is an upper bound below min_score.
Comparison Compare(const NormalizedPerson& a, const NormalizedPerson& b, const ScoringModel& model,
                   const Frequencies* freq, float min_score = -1e30f);

}  // namespace tamkine::matching
