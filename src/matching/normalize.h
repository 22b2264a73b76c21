// Normalisation for duplicate detection: folds text (ICU NFKC + case folding, diacritics, Arabic
// letter variants, Tifinagh), turns names in Arabic, Latin or Tifinagh script into phonetic keys
// that bring the usual Moroccan and French transliterations together, and puts phones (E.164),
// ID numbers and dates of birth into one form. Rules and their reasons: docs/matching.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::matching {

// The script a name was written in (the phonetic key is the same for all; evidence reports it so
// cross-script agreement can be measured).
enum class Script : uint8_t { kNone, kLatin, kArabic, kTifinagh, kMixed };

std::string_view ScriptName(Script s);

// NFKC with case folding, then: combining marks removed (Latin accents, Arabic harakat and the
// hamza carried by alef, waw and yeh), tatweel and standalone hamza removed, alef wasla to alef,
// alef maqsura to yeh, taa marbuta to heh, Persian kaf/yeh to Arabic ones, gaf to the Moroccan
// ڭ, Arabic-Indic digits to ASCII, runs of white space to one space, trimmed.
// Invalid UTF-8 is replaced, never rejected.
std::string FoldText(std::string_view utf8);

// Tifinagh (U+2D30..U+2D7F) to lower-case Latin letters (ⵜⵉⵣⵉⵔⵉ -> "tiziri"); other characters
// pass through unchanged.
std::string TifinaghToLatin(std::string_view utf8);

// One name (given, family or full) reduced to phonetic tokens. Articles (El, Al, ال, assimilated
// Ez-/Es-/Et-…) are dropped, compounds with عبد/Abd are joined (with the article assimilated before
// sun letters as Latin spellings do), particles become canonical tokens ("bn" for Ben/Bin/Ibn/بن,
// "ait" for Ait/Aït/آيت, "u" for Ou/أو, "bnt" for Bent/بنت).
//
// The phonetic alphabet: consonants b t d j h x(kh) r z s c(sh/ch) g(gh, g) f k(k/q/c) l m n w y
// and vowel classes a i u e (e: the Latin schwa, which Arabic never writes).
struct NameTokens {
  std::vector<std::string> tokens;  // phonetic, in written order
  Script script = Script::kNone;
};
NameTokens PhoneticTokens(std::string_view name);

// Tokens that are particles of family names (see PhoneticTokens).
bool IsParticle(std::string_view phonetic_token);

// A name part as compared: the phonetic tokens concatenated (so "Fatima Zahra", "Fatim-Zahra"
// and "Fatimezzahra" meet) and its consonant skeleton (vowels, w and y dropped: the part of a name
// that survives every transliteration), which the index blocks on.
struct NameKey {
  std::string phon;
  std::string skel;
  uint8_t first_token_len = 0;  // length in phon of the first token
  uint8_t token_count = 0;
  uint32_t consonants = 0;  // bit (c - 'a') set for each consonant letter in skel
  Script script = Script::kNone;
  // The index's id for skel, for frequency look-ups (kNoFreqId outside an index).
  uint32_t freq_id = kNoFreqId;
  static constexpr uint32_t kNoFreqId = 0xFFFFFFFF;
  bool empty() const { return phon.empty(); }
};
NameKey MakeNameKey(const std::vector<std::string>& tokens, size_t begin, size_t end,
                    Script script);
NameKey PhoneticName(std::string_view name);

// The consonant skeleton of a phonetic string.
std::string Skeleton(std::string_view phon);

// A Moroccan phone number in E.164 (+212 and 9 digits, from 06…, +212 6…, 00212 6…, 212…, with
// spaces, dots, dashes, "(0)"); other countries kept as + and their digits when written with + or
// 00. nullopt when the text is not a phone number.
std::optional<std::string> NormalizePhone(std::string_view raw);

// Several numbers in one field ("0612345678 / 0522…", separated by / , ; or "et"). Parts that are
// not phone numbers are appended to *rejected when given.
std::vector<std::string> NormalizePhones(std::string_view raw,
                                         std::vector<std::string>* rejected = nullptr);

// National ID (CIN/CNIE): upper case, letters and digits only ("ab 123 456" -> "AB123456"). No
// official public format exists, so nothing else is enforced; "" when no letter or digit.
std::string NormalizeCin(std::string_view raw);

// A date of birth with its precision: year only, year and month, or a full date. 0 = unknown.
struct BirthDate {
  int16_t year = 0;
  int8_t month = 0;
  int8_t day = 0;
  bool known() const { return year != 0; }
  bool full() const { return day != 0; }
  friend bool operator==(const BirthDate&, const BirthDate&) = default;
};

// Parses "YYYY-MM-DD", "YYYY-MM" or "YYYY" (years 1880..2100); "" is unknown. InvalidArgument
// for anything else, including impossible dates such as 2001-02-30.
StatusOr<BirthDate> ParseBirthDate(std::string_view s);

// A city or province reduced to one key: the province code when the name is one of Morocco's
// provinces or prefectures (French or Arabic name, or one part of a compound one: "Casablanca" and
// "الدار البيضاء" meet), else its phonetic skeleton. 0 when empty.
uint64_t CityKey(std::string_view city);

// A 64-bit hash (FNV-1a mixed) used for keys.
uint64_t Hash64(std::string_view s, uint64_t seed = 0);

}  // namespace tamkine::matching
