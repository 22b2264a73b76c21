#include "matching/person.h"

#include <algorithm>

namespace tamkine::matching {
namespace {

// At most this many tokens of a full name are considered (longer ones are lists, not names).
constexpr size_t kMaxFullNameTokens = 6;

Script Combine(Script a, Script b) {
  if (a == Script::kNone) return b;
  if (b == Script::kNone || a == b) return a;
  return Script::kMixed;
}

}  // namespace

StatusOr<NormalizedPerson> Normalize(const PersonRecord& r, std::vector<std::string>* warnings) {
  if (r.id.empty()) return InvalidArgument("id is required", "id");
  NormalizedPerson p;
  if (!r.given_name.empty() || !r.family_name.empty()) {
    NameTokens g = PhoneticTokens(r.given_name);
    NameTokens f = PhoneticTokens(r.family_name);
    NameSplit s;
    s.given = MakeNameKey(g.tokens, 0, g.tokens.size(), g.script);
    s.family = MakeNameKey(f.tokens, 0, f.tokens.size(), f.script);
    if (!s.given.empty() || !s.family.empty()) p.names.push_back(std::move(s));
    p.script = Combine(g.script, f.script);
  } else if (!r.full_name.empty()) {
    NameTokens t = PhoneticTokens(r.full_name);
    if (t.tokens.size() > kMaxFullNameTokens) t.tokens.resize(kMaxFullNameTokens);
    const size_t n = t.tokens.size();
    p.script = t.script;
    p.name_order_known = false;
    if (n == 1) {
      NameSplit s;
      s.given = MakeNameKey(t.tokens, 0, 1, t.script);
      p.names.push_back(s);
      std::swap(s.given, s.family);
      p.names.push_back(std::move(s));
    }
    // Given names first, family name (with the particles just before it) last: the primary split.
    size_t fam = n - 1;
    while (fam > 1 && IsParticle(t.tokens[fam - 1])) --fam;
    auto add = [&](size_t k, bool family_first) {
      NameSplit s;
      if (family_first) {
        s.family = MakeNameKey(t.tokens, 0, k, t.script);
        s.given = MakeNameKey(t.tokens, k, n, t.script);
      } else {
        s.given = MakeNameKey(t.tokens, 0, k, t.script);
        s.family = MakeNameKey(t.tokens, k, n, t.script);
      }
      p.names.push_back(std::move(s));
    };
    if (n >= 2) {
      add(fam, false);
      for (size_t k = 1; k < n; ++k) {
        // A split never leaves a particle at the end of a part (Ben, Ait, Ou precede a name).
        if (IsParticle(t.tokens[k - 1])) continue;
        if (k != fam) add(k, false);
        add(k, true);
      }
    }
  }
  if (!r.date_of_birth.empty()) {
    auto d = ParseBirthDate(r.date_of_birth);
    if (!d.ok()) return d.status();
    p.dob = *d;
  }
  p.cin = NormalizeCin(r.cin);
  if (!p.cin.empty() && p.cin.size() < 4) {
    if (warnings != nullptr) warnings->push_back("cin \"" + r.cin + "\" is too short; ignored");
    p.cin.clear();
  }
  for (const auto& ph : r.phones) {
    std::vector<std::string> rejected;
    std::vector<std::string> found = NormalizePhones(ph, &rejected);
    if (warnings != nullptr && !rejected.empty()) {
      warnings->push_back(
          found.empty() ? "phone \"" + ph.substr(0, 60) + "\" is not a phone number; ignored"
                        : "phone \"" + ph.substr(0, 60) + "\": \"" + rejected[0].substr(0, 40) +
                              "\" is not a phone number; ignored");
    }
    for (auto& e : found) {
      if (std::find(p.phones.begin(), p.phones.end(), e) == p.phones.end()) {
        p.phones.push_back(std::move(e));
      }
    }
  }
  p.city = CityKey(r.city);
  Summarize(&p);
  return p;
}

// The lowest bit is clear: the index marks name keys by setting it.
uint64_t PhoneKey(std::string_view e164) { return Hash64(e164, 'P') & ~uint64_t{1}; }
uint64_t CinKey(std::string_view cin) { return Hash64(cin, 'C') & ~uint64_t{1}; }

void Summarize(NormalizedPerson* p) {
  PersonSummary& s = p->summary;
  s = PersonSummary();
  s.dob = p->dob;
  for (const auto& ph : p->phones) {
    if (s.phone_count == PersonSummary::kMaxPhones) break;
    s.phones[s.phone_count++] = PhoneKey(ph);
  }
  s.cin = p->cin.empty() ? 0 : CinKey(p->cin);
  s.city = p->city;
}

const NameSplit* PrimarySplit(const NormalizedPerson& p) {
  return p.names.empty() ? nullptr : &p.names.front();
}

}  // namespace tamkine::matching
