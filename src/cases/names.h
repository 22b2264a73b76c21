// Names as people write them in Morocco: Arabic script, Latin transliterations (Fatima Zahra,
// Fatim-Zahra, Fatimezzahra), particles (El, Ben, Aït, Ou). Normalisation into tokens and
// "skeletons" for the keyed blind index used by name search, and masking for lists.
// Deliberately simple and local to cases: it decides which cases a search may find among those a
// user may already read, not whether two records are the same woman (that is matching/).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tamkine::cases {

// Lower-cased tokens with Latin diacritics folded, Arabic short vowels and tatweel removed and
// letter variants unified (أ إ آ → ا, ة → ه, ى → ي), particles (el, al, ben, bent, ait, ou,
// ould, ibn, بن, بنت, ...) dropped. Input must be valid UTF-8.
std::vector<std::string> NameTokens(std::string_view name);

// The index keys of a name: the skeleton of each token (vowels after the first letter dropped,
// common transliteration variants merged, letters de-doubled), of each token without a leading
// el/al, and of each pair of adjacent tokens written together — so "Fatima Zahra" and
// "Fatimezzahra" share a key.
std::vector<std::string> NameKeys(std::string_view name);

// The keys one query token may match (its skeleton, and without a leading el/al).
std::vector<std::string> QueryTokenKeys(std::string_view token);

// How a query may match: alternatives ("plans"), each a list of words that must all match, each
// word given as the keys it may match. The first plan takes the words as typed; the others join
// two adjacent words, so that "Fatima Zahra" also finds "Fatimezzahra". At most 6 words.
std::vector<std::vector<std::vector<std::string>>> QueryPlans(std::string_view query);

// "F*** Z*** E***": the first letter of each word (at most four), for lists. "" for "".
std::string MaskName(std::string_view name);

}  // namespace tamkine::cases
