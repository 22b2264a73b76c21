// The person as the matching engine sees it: the identifying fields as entered (PersonRecord,
// any script, any format) and their normalised form (NormalizedPerson), which is what the index
// stores and the scorer compares. Raw values never leave the engine in answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "matching/normalize.h"

namespace tamkine::matching {

// Identifying fields of one person record. Every field but id is optional. When given_name and
// family_name are both empty, full_name is used and its order (given first or family first) is
// worked out per comparison.
struct PersonRecord {
  std::string id;
  std::string given_name;
  std::string family_name;
  std::string full_name;
  std::string date_of_birth;        // "YYYY-MM-DD", "YYYY-MM" or "YYYY"
  std::string cin;                  // national ID number, any spacing/case
  std::vector<std::string> phones;  // any Moroccan spelling; one entry may hold several numbers
  std::string city;
};

// One reading of a person's name: which part is the given name and which the family name.
struct NameSplit {
  NameKey given;
  NameKey family;
};

// The fields other than names in a compact form, compared first (and, in the index, kept in one
// dense array so that most candidates are settled without touching the rest of the record).
struct PersonSummary {
  static constexpr size_t kMaxPhones = 4;
  BirthDate dob;
  uint8_t phone_count = 0;
  uint64_t phones[kMaxPhones] = {};  // PhoneKey of the first phones
  uint64_t cin = 0;                  // CinKey, 0 when none
  uint64_t city = 0;                 // CityKey, 0 when none
  friend bool operator==(const PersonSummary&, const PersonSummary&) = default;
};

// Keys of a phone (E.164) and an ID number as the index and the summary use them.
uint64_t PhoneKey(std::string_view e164);
uint64_t CinKey(std::string_view cin);

struct NormalizedPerson {
  // One split when given/family were entered separately; for a full name, every split that puts
  // the family name (with its particles) first or last. Empty when no name was given.
  std::vector<NameSplit> names;
  bool name_order_known = true;
  BirthDate dob;
  std::string cin;
  std::vector<std::string> phones;  // E.164
  uint64_t city = 0;                // CityKey
  Script script = Script::kNone;    // of the name
  PersonSummary summary;            // of dob, phones, cin and city (set by Normalize)
};

// Recomputes p->summary from its fields (for code that edits a NormalizedPerson).
void Summarize(NormalizedPerson* p);

// Normalises a record. Returns InvalidArgument (naming the field) for an empty id or an invalid
// date; values that cannot be used (a phone that is not a phone number) are left out with a
// message appended to *warnings when given.
StatusOr<NormalizedPerson> Normalize(const PersonRecord& r,
                                     std::vector<std::string>* warnings = nullptr);

// The split used for blocking: the one that was entered, or for a full name "given names, then
// the family name with its particles", the usual order in both scripts.
const NameSplit* PrimarySplit(const NormalizedPerson& p);

}  // namespace tamkine::matching
