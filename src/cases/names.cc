#include "cases/names.h"

#include <algorithm>
#include <set>

namespace tamkine::cases {

namespace {

// Decodes valid UTF-8 into code points (invalid bytes are skipped).
std::u32string Decode(std::string_view s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (i + len > s.size()) break;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

void Append(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// U+00C0..U+00FF folded to ASCII ("" drops the character: × ÷).
const char* const kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
// U+0100..U+017F folded to one ASCII letter each.
constexpr std::string_view kLatinExtA =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRr"
    "SsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

bool IsSeparator(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '-' || c == '\'' || c == 0x2019 ||
         c == 0x2018 || c == '.' || c == ',' || c == '/' || c == '(' || c == ')' || c == '_' ||
         c == 0x060C /* Arabic comma */ || c == 0x00A0;
}

// Appends the folded form of one code point to `token`.
void Fold(char32_t c, std::string* token) {
  if (c >= 'A' && c <= 'Z') {
    *token += static_cast<char>(c - 'A' + 'a');
  } else if (c >= 0xC0 && c <= 0xFF) {
    *token += kLatin1[c - 0xC0];
  } else if (c >= 0x100 && c <= 0x17F) {
    *token += static_cast<char>(std::tolower(static_cast<unsigned char>(kLatinExtA[c - 0x100])));
  } else if (c >= 0x300 && c <= 0x36F) {
    // combining accents: dropped
  } else if ((c >= 0x64B && c <= 0x65F) || c == 0x670 || c == 0x640 || (c >= 0x6D6 && c <= 0x6ED)) {
    // Arabic short vowels, shadda, sukun, tatweel, Quranic marks: dropped
  } else if (c == 0x622 || c == 0x623 || c == 0x625 || c == 0x671) {
    Append(token, 0x627);  // alef variants → alef
  } else if (c == 0x629) {
    Append(token, 0x647);  // taa marbuta → haa
  } else if (c == 0x649 || c == 0x6CC || c == 0x626) {
    Append(token, 0x64A);  // alef maqsura, Persian yeh, yeh with hamza → yeh
  } else if (c == 0x624) {
    Append(token, 0x648);  // waw with hamza → waw
  } else if (c == 0x6A9) {
    Append(token, 0x643);  // keheh → kaf
  } else if (c == 0x621) {
    // lone hamza: dropped
  } else {
    Append(token, c);
  }
}

bool IsParticle(const std::string& t) {
  static const std::set<std::string> kParticles = {
      "el", "al", "ben", "bent", "bint", "ibn", "bin", "ait", "ou", "ould", "oulad", "u",
      // Arabic: بن بنت ابن بنو ولد اولاد ايت ال
      "\xD8\xA8\xD9\x86", "\xD8\xA8\xD9\x86\xD8\xAA", "\xD8\xA7\xD8\xA8\xD9\x86",
      "\xD9\x88\xD9\x84\xD8\xAF", "\xD8\xA7\xD9\x88\xD9\x84\xD8\xA7\xD8\xAF",
      "\xD8\xA7\xD9\x8A\xD8\xAA", "\xD8\xA7\xD9\x84"};
  return kParticles.count(t) > 0;
}

bool IsLatin(const std::string& t) { return !t.empty() && static_cast<unsigned char>(t[0]) < 0x80; }

// Replaces every occurrence of `from` by `to`.
void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

std::string LatinSkeleton(std::string t) {
  // Transliteration variants first (ou/w, ch/sh, dj/j, q/k, kh/k, gh/g, ph/f).
  ReplaceAll(&t, "ou", "u");
  ReplaceAll(&t, "w", "u");
  ReplaceAll(&t, "ch", "sh");
  ReplaceAll(&t, "dj", "j");
  ReplaceAll(&t, "kh", "k");
  ReplaceAll(&t, "gh", "g");
  ReplaceAll(&t, "ph", "f");
  ReplaceAll(&t, "q", "k");
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
    if (vowel && i > 0) continue;
    if (!out.empty() && out.back() == c) continue;
    out += c;
  }
  return out;
}

std::string ArabicSkeleton(const std::string& t) {
  std::u32string cps = Decode(t);
  std::string out;
  char32_t last = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    char32_t c = cps[i];
    if (c == 0x627 && i > 0) continue;  // long alef inside a word is spelled inconsistently
    if (c == last) continue;
    Append(&out, c);
    last = c;
  }
  return out;
}

std::string Skeleton(const std::string& token) {
  return IsLatin(token) ? LatinSkeleton(token) : ArabicSkeleton(token);
}

// The token without a leading el/al (Latin) or ال (Arabic), when enough is left; "" otherwise.
std::string WithoutArticle(const std::string& t) {
  static const std::string kAl = "\xD8\xA7\xD9\x84";  // ال
  if (IsLatin(t)) {
    if (t.size() > 4 && (t.rfind("el", 0) == 0 || t.rfind("al", 0) == 0)) return t.substr(2);
    return "";
  }
  if (t.size() > kAl.size() + 4 && t.rfind(kAl, 0) == 0) return t.substr(kAl.size());
  return "";
}

void AddKey(std::vector<std::string>* keys, const std::string& skeleton) {
  if (skeleton.size() < 2) return;
  if (std::find(keys->begin(), keys->end(), skeleton) == keys->end()) keys->push_back(skeleton);
}

}  // namespace

std::vector<std::string> NameTokens(std::string_view name) {
  std::vector<std::string> tokens;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && !IsParticle(cur)) tokens.push_back(cur);
    cur.clear();
  };
  for (char32_t c : Decode(name)) {
    if (IsSeparator(c)) {
      flush();
    } else {
      Fold(c, &cur);
    }
  }
  flush();
  return tokens;
}

std::vector<std::string> QueryTokenKeys(std::string_view token) {
  std::vector<std::string> keys;
  for (const auto& t : NameTokens(token)) {
    AddKey(&keys, Skeleton(t));
    std::string bare = WithoutArticle(t);
    if (!bare.empty()) AddKey(&keys, Skeleton(bare));
  }
  return keys;
}

std::vector<std::vector<std::vector<std::string>>> QueryPlans(std::string_view query) {
  std::vector<std::string> tokens = NameTokens(query);
  if (tokens.size() > 6) tokens.resize(6);
  std::vector<std::vector<std::vector<std::string>>> plans;
  auto plan_of = [](const std::vector<std::string>& words) {
    std::vector<std::vector<std::string>> plan;
    for (const auto& w : words) {
      auto keys = QueryTokenKeys(w);
      if (!keys.empty()) plan.push_back(std::move(keys));
    }
    return plan;
  };
  auto first = plan_of(tokens);
  if (first.empty()) return plans;
  plans.push_back(std::move(first));
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (IsLatin(tokens[i]) != IsLatin(tokens[i + 1])) continue;
    std::vector<std::string> joined(tokens.begin(), tokens.begin() + static_cast<long>(i));
    joined.push_back(tokens[i] + tokens[i + 1]);
    joined.insert(joined.end(), tokens.begin() + static_cast<long>(i) + 2, tokens.end());
    auto plan = plan_of(joined);
    if (!plan.empty()) plans.push_back(std::move(plan));
  }
  return plans;
}

std::vector<std::string> NameKeys(std::string_view name) {
  std::vector<std::string> tokens = NameTokens(name);
  std::vector<std::string> keys;
  for (size_t i = 0; i < tokens.size(); ++i) {
    AddKey(&keys, Skeleton(tokens[i]));
    std::string bare = WithoutArticle(tokens[i]);
    if (!bare.empty()) AddKey(&keys, Skeleton(bare));
    if (i + 1 < tokens.size() && IsLatin(tokens[i]) == IsLatin(tokens[i + 1])) {
      AddKey(&keys, Skeleton(tokens[i] + tokens[i + 1]));
    }
  }
  return keys;
}

std::string MaskName(std::string_view name) {
  std::string out;
  int words = 0;
  bool at_start = true;
  for (char32_t c : Decode(name)) {
    if (IsSeparator(c)) {
      at_start = true;
      continue;
    }
    if (!at_start) continue;
    at_start = false;
    if (words == 4) break;
    if (!out.empty()) out += ' ';
    Append(&out, c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    out += "***";
    ++words;
  }
  return out;
}

}  // namespace tamkine::cases
