#include "matching/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "reference/regions.h"

namespace tamkine::matching {
namespace {

// ---------------------------------------------------------------------------------------------
// Unicode plumbing

const icu::Normalizer2& NfkcCasefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(st);
    if (U_FAILURE(st) || p == nullptr) std::abort();  // ICU data missing: a broken install
    return p;
  }();
  return *n;
}

const icu::Normalizer2& Nfd() {
  static const icu::Normalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFDInstance(st);
    if (U_FAILURE(st) || p == nullptr) std::abort();
    return p;
  }();
  return *n;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// NFKC_Casefold then NFD, as code points. ASCII takes a fast path (lower-casing is all ICU would
// do to it).
std::u32string Decompose(std::string_view utf8) {
  std::u32string out;
  if (IsAscii(utf8)) {
    out.reserve(utf8.size());
    for (unsigned char c : utf8) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return out;
  }
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString folded = NfkcCasefold().normalize(s, st);
  icu::UnicodeString d = Nfd().normalize(folded, st);
  if (U_FAILURE(st)) return out;
  out.reserve(static_cast<size_t>(d.length()));
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

void AppendUtf8(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsMark(char32_t c) { return u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK; }

// Arabic code points we know.
constexpr char32_t kAlef = 0x0627, kAlefWasla = 0x0671, kHamza = 0x0621, kWaw = 0x0648,
                   kYeh = 0x064A, kFarsiYeh = 0x06CC, kAlefMaqsura = 0x0649, kTaaMarbuta = 0x0629,
                   kHeh = 0x0647, kLam = 0x0644, kAin = 0x0639, kTatweel = 0x0640,
                   kHamzaAbove = 0x0654, kHamzaBelow = 0x0655, kMadda = 0x0653,
                   kSuperscriptAlef = 0x0670, kBeh = 0x0628, kDal = 0x062F, kNoon = 0x0646,
                   kTeh = 0x062A;

bool IsArabicLetter(char32_t c) {
  return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5 ||
         (c >= 0x06FA && c <= 0x06FC);
}
bool IsArabicMark(char32_t c) {
  return (c >= 0x064B && c <= 0x065F) || c == kSuperscriptAlef || (c >= 0x06D6 && c <= 0x06ED) ||
         c == kTatweel;
}
bool IsTifinagh(char32_t c) { return c >= 0x2D30 && c <= 0x2D7F; }
bool IsApostrophe(char32_t c) {
  return c == U'\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == U'`' || c == 0x00B4;
}

// Latin letters beyond a–z that do not decompose.
const char* LatinExtra(char32_t c) {
  switch (c) {
    case 0x00E6:
      return "ae";  // æ
    case 0x0153:
      return "oe";  // œ
    case 0x00F8:
      return "o";  // ø
    case 0x0111:
      return "d";  // đ
    case 0x0142:
      return "l";  // ł
    case 0x0131:
      return "i";  // dotless i
    case 0x00DF:
      return "ss";  // ß (case folding already maps it)
    default:
      return nullptr;
  }
}

// Tifinagh letters (Neo-Tifinagh as taught by IRCAM) to Latin as Moroccan Latin spellings write
// them; the labialisation mark ⵯ becomes w.
const char* TifinaghLetter(char32_t c) {
  switch (c) {
    case 0x2D30:
      return "a";  // ⴰ
    case 0x2D31:
      return "b";  // ⴱ
    case 0x2D33:
      return "g";  // ⴳ
    case 0x2D37:
      return "d";  // ⴷ
    case 0x2D39:
      return "d";  // ⴹ
    case 0x2D3B:
      return "e";  // ⴻ
    case 0x2D3C:
      return "f";  // ⴼ
    case 0x2D3D:
      return "k";  // ⴽ
    case 0x2D40:
      return "h";  // ⵀ
    case 0x2D43:
      return "h";  // ⵃ
    case 0x2D44:
      return "'";  // ⵄ (ain)
    case 0x2D45:
      return "kh";  // ⵅ
    case 0x2D47:
      return "q";  // ⵇ
    case 0x2D49:
      return "i";  // ⵉ
    case 0x2D4A:
      return "j";  // ⵊ
    case 0x2D4D:
      return "l";  // ⵍ
    case 0x2D4E:
      return "m";  // ⵎ
    case 0x2D4F:
      return "n";  // ⵏ
    case 0x2D53:
      return "u";  // ⵓ
    case 0x2D54:
      return "r";  // ⵔ
    case 0x2D55:
      return "r";  // ⵕ
    case 0x2D56:
      return "gh";  // ⵖ
    case 0x2D59:
      return "s";  // ⵙ
    case 0x2D5A:
      return "s";  // ⵚ
    case 0x2D5B:
      return "ch";  // ⵛ
    case 0x2D5C:
      return "t";  // ⵜ
    case 0x2D5F:
      return "t";  // ⵟ
    case 0x2D61:
      return "w";  // ⵡ
    case 0x2D62:
      return "y";  // ⵢ
    case 0x2D63:
      return "z";  // ⵣ
    case 0x2D65:
      return "z";  // ⵥ
    case 0x2D6F:
      return "w";  // ⵯ
    default:
      return nullptr;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

struct RawToken {
  Script script = Script::kNone;
  std::string latin;    // Latin and Tifinagh tokens: a–z, arabizi digits
  std::u32string arab;  // Arabic tokens: base letters with their marks (NFD)
};

// Splits decomposed text into tokens of one script. Apostrophes inside a Latin word join it
// (M'hamed); digits inside a Latin word are Arabizi (Sa3id); everything else separates.
std::vector<RawToken> Tokenize(const std::u32string& d) {
  std::vector<RawToken> toks;
  RawToken cur;
  auto flush = [&] {
    if (!cur.latin.empty() || !cur.arab.empty()) toks.push_back(std::move(cur));
    cur = RawToken();
  };
  auto start = [&](Script s) {
    if (cur.script != s) {
      flush();
      cur.script = s;
    }
  };
  for (size_t i = 0; i < d.size(); ++i) {
    char32_t c = d[i];
    if (c >= U'a' && c <= U'z') {
      start(Script::kLatin);
      // ç (c + cedilla) is an s.
      bool cedilla = i + 1 < d.size() && d[i + 1] == 0x0327;
      cur.latin.push_back(c == U'c' && cedilla ? 's' : static_cast<char>(c));
    } else if (const char* x = LatinExtra(c)) {
      start(Script::kLatin);
      cur.latin += x;
    } else if (c >= U'0' && c <= U'9') {
      bool prev_latin = cur.script == Script::kLatin && !cur.latin.empty();
      bool next_latin = i + 1 < d.size() && d[i + 1] >= U'a' && d[i + 1] <= U'z';
      if (prev_latin || next_latin) {
        start(Script::kLatin);
        cur.latin.push_back(static_cast<char>(c));
      } else {
        flush();
      }
    } else if (IsApostrophe(c)) {
      bool prev_latin = cur.script == Script::kLatin && !cur.latin.empty();
      bool next_latin = i + 1 < d.size() && d[i + 1] >= U'a' && d[i + 1] <= U'z';
      if (!(prev_latin && next_latin)) flush();
    } else if (IsArabicLetter(c)) {
      start(Script::kArabic);
      cur.arab.push_back(c);
    } else if (IsArabicMark(c) || IsMark(c)) {
      // Marks stay with the letter they follow (Arabic needs the hamza marks; Latin accents are
      // dropped here).
      if (cur.script == Script::kArabic) cur.arab.push_back(c);
    } else if (IsTifinagh(c)) {
      start(Script::kTifinagh);
      if (const char* x = TifinaghLetter(c)) cur.latin += x;
    } else {
      flush();
    }
  }
  flush();
  return toks;
}

bool IsLatinVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool IsPhonVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'u'; }

// Latin spelling to phonetic string. See PhoneticTokens for the alphabet.
std::string LatinPhon(std::string_view w) {
  // Doubled letters carry no information across transliterations (Arabic writes shadda, which
  // folding drops).
  std::string s;
  s.reserve(w.size());
  for (char c : w) {
    if (!s.empty() && s.back() == c && c >= 'a' && c <= 'z') continue;
    s.push_back(c);
  }
  const size_t n = s.size();
  auto at = [&](size_t i) -> char { return i < n ? s[i] : '\0'; };
  auto front_vowel = [](char c) { return c == 'e' || c == 'i' || c == 'y'; };
  std::string out;
  out.reserve(n + 2);
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    char nx = at(i + 1);
    switch (c) {
      case 'a':
      case 'i':
        out.push_back(c);
        break;
      case 'e':
        // A final e after a consonant is silent in French spellings (Imane, Yassine).
        if (i + 1 == n && n > 2 && !IsLatinVowel(s[i - 1]) && s[i - 1] != 'y') break;
        out.push_back('e');
        break;
      case 'o':
        if (nx == 'u') {
          // "ou" is the consonant w before a vowel at the start of a word (Ouafae) or between
          // vowels (Alaoui, Naoual); elsewhere the vowel u (Mounir, Youssef).
          bool next_v = IsLatinVowel(at(i + 2));
          bool prev_v = i > 0 && IsLatinVowel(s[i - 1]);
          out.push_back(((i == 0 && next_v) || (prev_v && next_v)) ? 'w' : 'u');
          ++i;
        } else {
          out.push_back('u');
        }
        break;
      case 'u':
        out.push_back('u');
        break;
      case 'y': {
        bool next_v = IsLatinVowel(nx);
        bool prev_v = i > 0 && IsLatinVowel(s[i - 1]);
        out.push_back((next_v && (i == 0 || prev_v)) ? 'y' : 'i');
        break;
      }
      case 'w':
        out.push_back('w');
        break;
      case 'b':
        out.push_back('b');
        break;
      case 'p':
        if (nx == 'h') {
          out.push_back('f');
          ++i;
        } else {
          out.push_back('b');
        }
        break;
      case 'c':
        if (nx == 'h') {
          out.push_back('c');
          ++i;
        } else if (front_vowel(nx)) {
          out.push_back('s');
        } else {
          out.push_back('k');
        }
        break;
      case 's':
        if (nx == 'c' && at(i + 2) == 'h') {
          out.push_back('c');
          i += 2;
        } else if (nx == 'h') {
          out.push_back('c');
          ++i;
        } else {
          out.push_back('s');
        }
        break;
      case 'k':
        if (nx == 'h') {
          out.push_back('x');
          ++i;
        } else {
          out.push_back('k');
        }
        break;
      case 'g':
        if (nx == 'h') {
          out.push_back('g');
          ++i;
        } else if (nx == 'u' && front_vowel(at(i + 2))) {
          out.push_back('g');  // gu before e/i: the u only keeps the g hard (Regragui)
          ++i;
        } else if (front_vowel(nx)) {
          out.push_back('j');  // French g before e/i (Gilali = Jilali)
        } else {
          out.push_back('g');
        }
        break;
      case 'd':
        if (nx == 'j') {
          out.push_back('j');
          ++i;
        } else if (nx == 'h') {
          out.push_back('d');
          ++i;
        } else {
          out.push_back('d');
        }
        break;
      case 't':
        if (nx == 'h') ++i;
        out.push_back('t');
        break;
      case 'q':
        out.push_back('k');
        if (nx == 'u' && IsLatinVowel(at(i + 2))) ++i;
        break;
      case 'x':
        out += "ks";
        break;
      case 'v':
        out.push_back('f');
        break;
      case 'j':
      case 'z':
      case 'r':
      case 'l':
      case 'm':
      case 'n':
      case 'f':
      case 'h':
        out.push_back(c);
        break;
      // Arabizi: 3 and 2 are ain and hamza (glottal, nothing), 7 is h, 9 is q, 5 is kh.
      case '7':
        out.push_back('h');
        break;
      case '9':
        out.push_back('k');
        break;
      case '5':
        out.push_back('x');
        break;
      default:
        break;
    }
  }
  return out;
}

bool IsSunLetter(char32_t c) {
  switch (c) {
    case 0x062A:
    case 0x062B:
    case 0x062F:
    case 0x0630:
    case 0x0631:
    case 0x0632:
    case 0x0633:
    case 0x0634:
    case 0x0635:
    case 0x0636:
    case 0x0637:
    case 0x0638:
    case 0x0644:
    case 0x0646:
      return true;
    default:
      return false;
  }
}

// An Arabic base letter with the hamza or madda it carries.
struct ALetter {
  char32_t c;
  char mark;  // 'a' hamza above, 'i' hamza below, 'm' madda, 0 none
};

char ArabicConsonant(char32_t c) {
  switch (c) {
    case 0x0628:
      return 'b';  // ب
    case 0x067E:
      return 'b';  // پ
    case 0x062A:
      return 't';  // ت
    case 0x062B:
      return 't';  // ث
    case 0x0637:
      return 't';  // ط
    case 0x062C:
      return 'j';  // ج
    case 0x062D:
      return 'h';  // ح
    case 0x0647:
      return 'h';  // ه
    case 0x06BE:
      return 'h';  // ھ
    case 0x062E:
      return 'x';  // خ
    case 0x062F:
      return 'd';  // د
    case 0x0630:
      return 'd';  // ذ
    case 0x0636:
      return 'd';  // ض
    case 0x0638:
      return 'd';  // ظ (Moroccan: Hafid = حفيظ)
    case 0x0631:
      return 'r';  // ر
    case 0x0632:
      return 'z';  // ز
    case 0x0698:
      return 'z';  // ژ
    case 0x0633:
      return 's';  // س
    case 0x0635:
      return 's';  // ص
    case 0x0634:
      return 'c';  // ش
    case 0x063A:
      return 'g';  // غ
    case 0x06AD:
      return 'g';  // ڭ
    case 0x06AF:
      return 'g';  // گ
    case 0x0641:
      return 'f';  // ف
    case 0x06A4:
      return 'f';  // ڤ
    case 0x0642:
      return 'k';  // ق
    case 0x0643:
      return 'k';  // ك
    case 0x06A9:
      return 'k';  // ک
    case 0x0644:
      return 'l';  // ل
    case 0x0645:
      return 'm';  // م
    case 0x0646:
      return 'n';  // ن
    default:
      return 0;
  }
}

bool IsArabicVowelLetter(char32_t c) {
  return c == kAlef || c == kAlefWasla || c == kAlefMaqsura || c == kTaaMarbuta;
}

// Arabic spelling (NFD, marks kept) to phonetic string.
std::string ArabicPhon(const std::u32string& tok) {
  std::vector<ALetter> letters;
  letters.reserve(tok.size());
  for (char32_t c : tok) {
    if (c == kHamzaAbove || c == kHamzaBelow || c == kMadda) {
      if (!letters.empty()) letters.back().mark = c == kHamzaBelow ? 'i' : c == kMadda ? 'm' : 'a';
      continue;
    }
    if (c == kSuperscriptAlef) {
      letters.push_back({kAlef, 0});
      continue;
    }
    if (IsArabicMark(c)) continue;  // harakat, shadda, tatweel
    if (c == kFarsiYeh) c = kYeh;
    letters.push_back({c, 0});
  }
  // عبدال + sun letter: the article assimilates, as in Abderrahmane, Abdessamad.
  if (letters.size() > 5 && letters[0].c == kAin && letters[1].c == kBeh && letters[2].c == kDal &&
      letters[3].c == kAlef && letters[4].c == kLam && IsSunLetter(letters[5].c)) {
    letters.erase(letters.begin() + 4);
  }
  const size_t n = letters.size();
  std::string out;
  out.reserve(n + 2);
  for (size_t i = 0; i < n; ++i) {
    const char32_t c = letters[i].c;
    if (c == kAlef) {
      out.push_back(letters[i].mark == 'i' ? 'i' : 'a');
    } else if (c == kTaaMarbuta && i > 0 && letters[i - 1].c == kAlef) {
      out.push_back('t');  // -āt: حياة Hayat, نجاة Najat
    } else if (c == kAlefWasla || c == kAlefMaqsura || c == kTaaMarbuta) {
      out.push_back('a');
    } else if (c == kHamza || c == kAin) {
      // Glottal stops: Latin spellings write a vowel or nothing.
    } else if (c == kWaw || c == kYeh) {
      if (letters[i].mark != 0) {
        out.push_back(c == kWaw ? 'u' : 'i');  // ؤ ئ: a hamza seat, a vowel in Latin
        continue;
      }
      bool consonant;
      if (i == 0) {
        consonant = true;
      } else if (i + 1 == n) {
        consonant = false;
      } else {
        char32_t nx = letters[i + 1].c;
        consonant = IsArabicVowelLetter(nx) || ((nx == kWaw || nx == kYeh) && i + 2 == n);
      }
      if (c == kWaw) {
        out.push_back(consonant ? 'w' : 'u');
      } else {
        out.push_back(consonant ? 'y' : 'i');
      }
    } else if (char k = ArabicConsonant(c)) {
      out.push_back(k);
    }
  }
  return out;
}

// Drops a final h (Abdellah, Salah, صلاح, فاطمه: written by some, not by others) and collapses
// repeated phonemes.
void Tidy(std::string* p) {
  std::string& s = *p;
  size_t w = 0;
  for (size_t r = 0; r < s.size(); ++r) {
    if (w > 0 && s[w - 1] == s[r]) continue;
    s[w++] = s[r];
  }
  s.resize(w);
  while (s.size() > 1 && s.back() == 'h') s.pop_back();
}

bool IsLatinArticle(std::string_view t) {
  static constexpr std::array<std::string_view, 20> kArticles = {
      "el", "al",  "l",  "ul", "il", "ez", "es", "et", "en",  "er",
      "ed", "ech", "ad", "as", "at", "an", "ar", "az", "ach", "ag"};
  return std::find(kArticles.begin(), kArticles.end(), t) != kArticles.end();
}
bool IsSunArticle(std::string_view t) {
  return t.size() >= 2 && (t[0] == 'e' || t[0] == 'a') && t != "el" && t != "al";
}

// Removes an article glued to a Latin word: Elalaoui, Elidrissi (El + at least four letters, not
// a y: Elyas is Ilyas), and the assimilated forms Ezzahra, Essaidi, Ettazi, Ennaciri.
std::string_view StripGluedLatinArticle(std::string_view t) {
  if (t.size() >= 6 && t.substr(0, 2) == "el" && t[2] != 'y') return t.substr(2);
  if (t.size() >= 5 && t[0] == 'e' && t[1] == t[2]) {
    switch (t[1]) {
      case 't':
      case 'd':
      case 'r':
      case 'z':
      case 's':
      case 'n':
      case 'l':
        return t.substr(2);
      default:
        break;
    }
  }
  return t;
}

const std::u32string kAbdArabic = {kAin, kBeh, kDal};
const std::u32string kArticleArabic = {kAlef, kLam};

bool StartsWithArticle(const std::u32string& t) {
  // Letters only (marks excluded) must leave at least two after the article.
  size_t letters = 0;
  for (char32_t c : t) letters += IsArabicLetter(c) ? 1 : 0;
  return letters >= 4 && t.size() >= 2 && t[0] == kAlef && t[1] == kLam;
}

std::string CanonicalParticle(std::string p) {
  if (p == "bn" || p == "ben" || p == "bin" || p == "ibn" || p == "abn") return "bn";
  if (p == "bnt" || p == "bent" || p == "bint") return "bnt";
  if (p == "ait" || p == "at" || p == "aiat") return "ait";
  if (p == "u" || p == "au" || p == "w") return "u";
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view ScriptName(Script s) {
  switch (s) {
    case Script::kNone:
      return "none";
    case Script::kLatin:
      return "latin";
    case Script::kArabic:
      return "arabic";
    case Script::kTifinagh:
      return "tifinagh";
    case Script::kMixed:
      return "mixed";
  }
  return "none";
}

std::string FoldText(std::string_view utf8) {
  std::u32string d = Decompose(utf8);
  std::string out;
  out.reserve(utf8.size());
  bool space = false;
  for (char32_t c : d) {
    if (IsMark(c) || c == kTatweel || c == kHamza) continue;
    if (u_isUWhiteSpace(static_cast<UChar32>(c))) {
      space = !out.empty();
      continue;
    }
    switch (c) {
      case kAlefWasla:
        c = kAlef;
        break;
      case kAlefMaqsura:
        c = kYeh;
        break;
      case kTaaMarbuta:
        c = kHeh;
        break;
      case kFarsiYeh:
        c = kYeh;
        break;
      case 0x06A9:
        c = 0x0643;
        break;  // Persian kaf
      case 0x06AF:
        c = 0x06AD;
        break;  // gaf: the Moroccan ڭ
      default:
        break;
    }
    if (c >= 0x0660 && c <= 0x0669) c = U'0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9) c = U'0' + (c - 0x06F0);
    if (space) {
      out.push_back(' ');
      space = false;
    }
    AppendUtf8(&out, c);
  }
  return out;
}

std::string TifinaghToLatin(std::string_view utf8) {
  std::u32string d = Decompose(utf8);
  std::string out;
  for (char32_t c : d) {
    if (IsTifinagh(c)) {
      if (const char* x = TifinaghLetter(c)) out += x;
    } else {
      AppendUtf8(&out, c);
    }
  }
  return out;
}

bool IsParticle(std::string_view t) { return t == "bn" || t == "bnt" || t == "ait" || t == "u"; }

NameTokens PhoneticTokens(std::string_view name) {
  NameTokens res;
  std::vector<RawToken> raw = Tokenize(Decompose(name));
  bool any_latin = false, any_arabic = false, any_tifinagh = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    RawToken& t = raw[i];
    std::string phon;
    if (t.script == Script::kArabic) {
      any_arabic = true;
      if (t.arab.size() == 2 && t.arab == kArticleArabic) continue;  // a lone article
      if (t.arab == kAbdArabic && i + 1 < raw.size() && raw[i + 1].script == Script::kArabic) {
        // عبد الله, عبد القادر: one name, written as two words.
        std::u32string joined = t.arab + raw[i + 1].arab;
        ++i;
        phon = ArabicPhon(joined);
      } else if (StartsWithArticle(t.arab)) {
        phon = ArabicPhon(t.arab.substr(2));
      } else {
        phon = ArabicPhon(t.arab);
      }
    } else {
      (t.script == Script::kTifinagh ? any_tifinagh : any_latin) = true;
      std::string_view w = t.latin;
      bool is_abd = w == "abd" || w == "abdel" || w == "abdal" || w == "abdul" || w == "abdoul";
      if (is_abd && i + 1 < raw.size() && raw[i + 1].script != Script::kArabic) {
        // Abd El Kader, Abdel Kader, Abd Er-Rahmane: join; an assimilated article keeps its vowel
        // only (the doubled consonant collapses anyway).
        std::string joined(w);
        size_t j = i + 1;
        if (w == "abd" && IsLatinArticle(raw[j].latin) && j + 1 < raw.size()) {
          joined += IsSunArticle(raw[j].latin) ? "e" : "el";
          ++j;
        }
        joined += raw[j].latin;
        i = j;
        phon = LatinPhon(joined);
      } else {
        if (IsLatinArticle(w) && raw.size() > 1) continue;
        phon = LatinPhon(StripGluedLatinArticle(w));
      }
    }
    Tidy(&phon);
    if (phon.empty()) continue;
    res.tokens.push_back(CanonicalParticle(std::move(phon)));
  }
  int scripts = int{any_latin} + int{any_arabic} + int{any_tifinagh};
  res.script = scripts > 1    ? Script::kMixed
               : any_arabic   ? Script::kArabic
               : any_tifinagh ? Script::kTifinagh
               : any_latin    ? Script::kLatin
                              : Script::kNone;
  return res;
}

std::string Skeleton(std::string_view phon) {
  std::string s;
  s.reserve(phon.size());
  for (char c : phon) {
    if (IsPhonVowel(c) || c == 'w' || c == 'y') continue;
    s.push_back(c);
  }
  return s;
}

NameKey MakeNameKey(const std::vector<std::string>& tokens, size_t begin, size_t end,
                    Script script) {
  NameKey k;
  k.script = script;
  for (size_t i = begin; i < end && i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    for (char c : t) {
      if (!k.phon.empty() && k.phon.back() == c) continue;
      k.phon.push_back(c);
    }
    if (i == begin) k.first_token_len = static_cast<uint8_t>(std::min<size_t>(k.phon.size(), 255));
    ++k.token_count;
  }
  k.skel = Skeleton(k.phon);
  for (char c : k.skel) k.consonants |= 1u << (c - 'a');
  return k;
}

NameKey PhoneticName(std::string_view name) {
  NameTokens t = PhoneticTokens(name);
  return MakeNameKey(t.tokens, 0, t.tokens.size(), t.script);
}

// ---------------------------------------------------------------------------------------------
// Phones, ID numbers, dates

std::optional<std::string> NormalizePhone(std::string_view raw) {
  std::string digits;
  bool plus = false;
  bool seen_digit = false;
  std::u32string d = Decompose(raw);  // Arabic-Indic digits, full-width forms
  for (size_t i = 0; i < d.size(); ++i) {
    char32_t c = d[i];
    if (c >= 0x0660 && c <= 0x0669) c = U'0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9) c = U'0' + (c - 0x06F0);
    if (c >= U'0' && c <= U'9') {
      digits.push_back(static_cast<char>(c));
      seen_digit = true;
    } else if (c == U'+' && !seen_digit) {
      plus = true;
    } else if (c == U'(' && i + 2 < d.size() && d[i + 1] == U'0' && d[i + 2] == U')') {
      i += 2;  // "+212 (0)6…": the trunk prefix written for local callers
    } else if (c == U' ' || c == U'.' || c == U'-' || c == U'(' || c == U')' || c == U'/' ||
               c == 0x00A0) {
      continue;
    } else {
      return std::nullopt;  // letters and other signs: not a phone number
    }
  }
  auto moroccan = [](std::string_view nine) -> std::optional<std::string> {
    if (nine.size() != 9 || nine[0] < '5' || nine[0] > '8') return std::nullopt;
    std::string out = "+212";
    out.append(nine);
    return out;
  };
  std::string_view v = digits;
  if (!plus && v.substr(0, 2) == "00") {
    plus = true;
    v.remove_prefix(2);
  }
  if (v.substr(0, 3) == "212" && (plus || v.size() == 12 || v.size() == 13)) {
    std::string_view rest = v.substr(3);
    if (rest.size() == 10 && rest[0] == '0') rest.remove_prefix(1);
    return moroccan(rest);
  }
  if (plus) {
    if (v.size() < 8 || v.size() > 15 || v[0] == '0') return std::nullopt;
    std::string out = "+";
    out.append(v);
    return out;
  }
  if (v.size() == 10 && v[0] == '0') return moroccan(v.substr(1));
  if (v.size() == 9) return moroccan(v);
  return std::nullopt;
}

std::vector<std::string> NormalizePhones(std::string_view raw, std::vector<std::string>* rejected) {
  std::vector<std::string> out;
  std::string text(raw);
  // "et" (French) between two numbers.
  for (size_t p = text.find(" et "); p != std::string::npos; p = text.find(" et ")) {
    text.replace(p, 4, ";");
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("/,;|", start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    size_t a = part.find_first_not_of(" \t");
    size_t b = part.find_last_not_of(" \t");
    if (a != std::string::npos) {
      part = part.substr(a, b - a + 1);
      if (auto p = NormalizePhone(part)) {
        if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
      } else if (rejected != nullptr) {
        rejected->push_back(part);
      }
    }
    start = end + 1;
  }
  return out;
}

std::string NormalizeCin(std::string_view raw) {
  std::string out;
  std::u32string d = Decompose(raw);
  for (char32_t c : d) {
    if (c >= 0x0660 && c <= 0x0669) c = U'0' + (c - 0x0660);
    if (c >= U'a' && c <= U'z') {
      out.push_back(static_cast<char>(c - 32));
    } else if (c >= U'0' && c <= U'9') {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

StatusOr<BirthDate> ParseBirthDate(std::string_view s) {
  BirthDate d;
  if (s.empty()) return d;
  auto num = [&](size_t pos, size_t len, int* out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  auto bad = [&] {
    return InvalidArgument("date_of_birth must be YYYY-MM-DD, YYYY-MM or YYYY, not \"" +
                               std::string(s.substr(0, 40)) + "\"",
                           "date_of_birth");
  };
  int y = 0, m = 0, day = 0;
  if (!num(0, 4, &y) || y < 1880 || y > 2100) return bad();
  if (s.size() == 4) {
    d.year = static_cast<int16_t>(y);
    return d;
  }
  if (s.size() != 7 && s.size() != 10) return bad();
  if (s[4] != '-' || !num(5, 2, &m) || m < 1 || m > 12) return bad();
  if (s.size() == 10) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max_day = m == 2 && !leap ? 28 : kDays[m - 1];
    if (s[7] != '-' || !num(8, 2, &day) || day < 1 || day > max_day) return bad();
  }
  d.year = static_cast<int16_t>(y);
  d.month = static_cast<int8_t>(m);
  d.day = static_cast<int8_t>(day);
  return d;
}

uint64_t Hash64(std::string_view s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Final mix (from MurmurHash3) so that short keys spread over the whole table.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

namespace {

// Phonetic skeleton of each province name (French, Arabic, and each part of a compound name) to
// its province code.
const std::unordered_map<std::string, std::string>& ProvinceBySkeleton() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::string>();
    auto add = [&](std::string_view name, std::string_view code) {
      std::string sk = PhoneticName(name).skel;
      if (!sk.empty()) t->emplace(sk, code);
    };
    auto parts = [](std::string_view s, char sep) {
      std::vector<std::string_view> out;
      size_t start = 0;
      while (start <= s.size()) {
        size_t e = s.find(sep, start);
        if (e == std::string_view::npos) e = s.size();
        out.push_back(s.substr(start, e - start));
        start = e + 1;
      }
      return out;
    };
    // Whole names first, then names in common use that are neither the French nor the Arabic
    // official one; a part of a compound name ("Assilah" of "Tanger-Assilah") only where it
    // does not sound like another name or part (Assilah and Salé share a skeleton).
    for (const auto& r : reference::Regions()) {
      for (const auto& p : r.provinces) {
        add(p.name_fr, p.code);
        add(p.name_ar, p.code);
      }
    }
    static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
        {"Casa", "06.01"},     {"Dar El Beida", "06.01"}, {"Tangier", "01.01"}, {"Tanja", "01.01"},
        {"Fez", "03.01"},      {"Marrakesh", "07.01"},    {"Mogador", "07.05"}, {"Sala", "04.02"},
        {"Laayoune", "11.01"}, {"Tetuan", "01.03"},       {"Larache", "01.05"}, {"Smara", "11.04"},
        {"Dakhla", "12.01"},   {"Kenitra", "04.04"},      {"Temara", "04.03"}};
    for (const auto& [alias, code] : kAliases) add(alias, code);
    std::unordered_map<std::string, std::string> part_codes;
    std::vector<std::string> ambiguous;
    for (const auto& r : reference::Regions()) {
      for (const auto& p : r.provinces) {
        auto fr = parts(p.name_fr, '-');
        auto ar = parts(p.name_ar, ' ');
        if (fr.size() < 2) continue;
        std::vector<std::string_view> names(fr.begin(), fr.end());
        if (ar.size() == fr.size()) names.insert(names.end(), ar.begin(), ar.end());
        for (auto n : names) {
          std::string sk = PhoneticName(n).skel;
          if (sk.size() < 2) continue;
          auto [it, inserted] = part_codes.emplace(sk, p.code);
          if (!inserted && it->second != p.code) ambiguous.push_back(sk);
        }
      }
    }
    for (const auto& a : ambiguous) part_codes.erase(a);
    for (auto& [sk, code] : part_codes) t->emplace(sk, code);  // whole names win
    return t;
  }();
  return *table;
}

}  // namespace

uint64_t CityKey(std::string_view city) {
  NameKey k = PhoneticName(city);
  if (k.phon.empty()) return 0;
  const auto& table = ProvinceBySkeleton();
  auto it = table.find(k.skel);
  if (it != table.end()) return Hash64(it->second, 7);
  return Hash64(k.skel.empty() ? k.phon : k.skel, 8);
}

}  // namespace tamkine::matching
