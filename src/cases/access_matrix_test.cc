// The access matrix of the case file, generated from the policy: every sector and role × every
// case action (document types, compartments, moves, consent bases as subtypes) × every relation
// of the user's unit to the case. The expected answer comes from the policy restated here
// independently of access/authorize.cc (docs/cases.md, "Who sees what"); the test fails on any
// unexpected allow, and on any unexpected deny.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "access/authorize.h"
#include "cases/lifecycle.h"

namespace tamkine::cases {
namespace {

using Set = std::set<std::string>;

const Set kCaseSectors = {"police",          "gendarmerie",   "prosecution", "court",
                          "health",          "ngo_listening", "ngo_shelter", "entraide_nationale",
                          "child_protection"};
const Set kCaseRoles = {"unit_head",     "officer", "prosecutor",   "judge",          "clerk",
                        "social_worker", "doctor",  "psychologist", "accompagnatrice"};
const Set kJustice = {"police", "gendarmerie", "prosecution", "court"};
const Set kSocialSectors = {"ngo_listening", "ngo_shelter", "entraide_nationale",
                            "child_protection"};
const Set kResponders = {"police", "gendarmerie", "prosecution", "health", "child_protection"};

bool Staff(const std::string& sector, const std::string& role) {
  return kCaseSectors.count(sector) && kCaseRoles.count(role);
}

bool ReadsCompartment(const std::string& s, const std::string& r, const std::string& c) {
  if (!Staff(s, r)) return false;
  if (c == "clinical")
    return s == "health" && Set{"doctor", "psychologist", "unit_head", "social_worker"}.count(r);
  if (c == "justice") {
    if (s == "police" || s == "gendarmerie") return Set{"officer", "unit_head"}.count(r) > 0;
    if (s == "prosecution")
      return Set{"prosecutor", "unit_head", "clerk", "social_worker"}.count(r) > 0;
    if (s == "court") return Set{"judge", "clerk", "unit_head", "social_worker"}.count(r) > 0;
    return false;
  }
  if (c == "social") {
    return r == "social_worker" || (kSocialSectors.count(s) &&
                                    Set{"accompagnatrice", "unit_head", "psychologist"}.count(r));
  }
  return false;
}

// Purpose → (compartment, sectors it fits).
const std::map<std::string, std::pair<std::string, Set>>& Purposes() {
  static const std::map<std::string, std::pair<std::string, Set>> kMap = {
      {"coordination", {"", kCaseSectors}},
      {"medical_care", {"clinical", {"health"}}},
      {"psychological_care", {"clinical", {"health"}}},
      {"investigation_prosecution", {"justice", kJustice}},
      {"legal_aid", {"social", {"ngo_listening", "ngo_shelter", "entraide_nationale"}}},
      {"social_support",
       {"social",
        {"ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection", "health",
         "prosecution", "court"}}},
      {"shelter", {"social", {"ngo_shelter", "entraide_nationale"}}},
      {"economic_integration", {"social", {"ngo_listening", "ngo_shelter", "entraide_nationale"}}},
      {"child_protection", {"social", {"child_protection"}}},
  };
  return kMap;
}

struct DocSpec {
  Set readers;  // empty: the sector that added it
  std::vector<std::pair<Set, Set>> creators;
};

const std::map<std::string, DocSpec>& Docs() {
  const Set justice_social = {
      "police",        "gendarmerie", "prosecution",        "court",
      "ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection"};
  static const std::map<std::string, DocSpec> kMap = {
      {"medical_certificate",
       {{"health", "police", "gendarmerie", "prosecution", "court"},
        {{{"health"}, {"doctor", "unit_head"}}}}},
      {"complaint",
       {{"police", "gendarmerie", "prosecution", "court", "ngo_listening"},
        {{{"police", "gendarmerie"}, {"officer", "unit_head"}},
         {{"prosecution"}, {"prosecutor", "clerk", "unit_head"}},
         {{"ngo_listening"}, {"social_worker", "accompagnatrice", "unit_head"}}}}},
      {"police_minutes", {kJustice, {{{"police", "gendarmerie"}, {"officer", "unit_head"}}}}},
      {"prosecution_decision",
       {justice_social, {{{"prosecution"}, {"prosecutor", "clerk", "unit_head"}}}}},
      {"protection_order",
       {{"police", "gendarmerie", "prosecution", "court", "health", "ngo_listening", "ngo_shelter",
         "entraide_nationale", "child_protection"},
        {{{"prosecution"}, {"prosecutor", "clerk", "unit_head"}},
         {{"court"}, {"judge", "clerk", "unit_head"}}}}},
      {"hearing_record",
       {{"prosecution", "court"}, {{{"court"}, {"judge", "clerk", "unit_head"}}}}},
      {"judgment", {justice_social, {{{"court"}, {"judge", "clerk", "unit_head"}}}}},
      {"shelter_admission",
       {{"ngo_shelter", "entraide_nationale", "ngo_listening", "child_protection"},
        {{{"ngo_shelter", "entraide_nationale"}, {"social_worker", "unit_head"}}}}},
      {"other", {{}, {{kCaseSectors, {}}}}},
  };
  return kMap;
}

// Move target → (sectors, roles; empty roles = any case role).
const std::map<std::string, std::pair<Set, Set>>& Moves() {
  const Set carers = {"health", "ngo_listening", "ngo_shelter", "entraide_nationale",
                      "child_protection"};
  const Set ngo = {"ngo_listening", "ngo_shelter", "entraide_nationale"};
  static const std::map<std::string, std::pair<Set, Set>> kMap = {
      {"care:orientation", {kCaseSectors, {}}},
      {"care:medical", {kCaseSectors, {}}},
      {"care:psychological", {carers, {}}},
      {"care:legal_aid",
       {{"ngo_listening", "ngo_shelter", "entraide_nationale", "prosecution", "court"}, {}}},
      {"care:shelter", {{"ngo_shelter", "entraide_nationale", "ngo_listening", "prosecution"}, {}}},
      {"care:training", {ngo, {}}},
      {"care:economic_integration", {ngo, {}}},
      {"care:closed", {kCaseSectors, {"unit_head", "social_worker"}}},
      {"justice:complaint", {{"police", "gendarmerie", "prosecution"}, {}}},
      {"justice:investigation", {{"police", "gendarmerie", "prosecution"}, {}}},
      {"justice:prosecution_decision", {{"prosecution"}, {"prosecutor", "unit_head"}}},
      {"justice:hearings", {{"prosecution", "court"}, {}}},
      {"justice:judgment", {{"court"}, {"judge", "clerk", "unit_head"}}},
      {"justice:enforcement", {{"court", "prosecution"}, {}}},
      {"justice:closed_without_action", {{"prosecution"}, {"prosecutor", "unit_head"}}},
      {"justice:closed", {{"prosecution", "court"}, {"prosecutor", "judge", "unit_head"}}},
      {"child:reception", {{"child_protection"}, {}}},
      {"child:diagnosis", {{"child_protection"}, {}}},
      {"child:referral", {{"child_protection"}, {}}},
      {"child:support", {{"child_protection"}, {}}},
      {"child:closed", {{"child_protection"}, {"unit_head", "social_worker"}}},
  };
  return kMap;
}

enum class Rel {
  kOwnUnit,              // the user's unit opened the case
  kConsent,              // same region, consent for every purpose that fits its sector
  kCoordinationOnly,     // same region, consent for coordination only
  kNoConsent,            // same region, nothing
  kOtherRegionConsent,   // another region, consent for every fitting purpose
  kOtherRegionNone,      // another region, nothing
  kBreakGlass,           // same region, nothing but an active break-the-glass grant
  kBreakGlassElsewhere,  // another region, with a grant (not honoured)
  kExcludedOwnUnit,      // the opening unit, but the user is recorded as the perpetrator
};

const std::vector<std::pair<Rel, const char*>> kRelations = {
    {Rel::kOwnUnit, "own unit"},
    {Rel::kConsent, "another unit with consent"},
    {Rel::kCoordinationOnly, "another unit with consent for coordination only"},
    {Rel::kNoConsent, "another unit without consent"},
    {Rel::kOtherRegionConsent, "another region with consent"},
    {Rel::kOtherRegionNone, "another region without consent"},
    {Rel::kBreakGlass, "break-the-glass in the region"},
    {Rel::kBreakGlassElsewhere, "break-the-glass from another region"},
    {Rel::kExcludedOwnUnit, "own unit, user excluded"},
};

struct Probe {
  std::string action;
  std::string subtype;
};

std::vector<Probe> Probes() {
  std::vector<Probe> v;
  for (const char* a : {"case.read_core", "case.read", "case.read_identity", "case.update",
                        "case.risk.assess", "case.child_report", "case.followup_code",
                        "case.access_log", "consent.revoke", "case.exclusion", "case.break_glass",
                        "case.intake", "case.duplicate.decide", "case.merge"}) {
    v.push_back({a, ""});
  }
  v.push_back({"consent.record", "consent"});
  v.push_back({"consent.record", "legal_ground"});
  for (auto c : access::CaseCompartments()) {
    v.push_back({"case.read_compartment", std::string(c)});
    v.push_back({"case.note.create", std::string(c)});
  }
  for (auto t : access::CaseDocumentTypes()) {
    v.push_back({"document.read", std::string(t)});
    v.push_back({"document.create", std::string(t)});
  }
  std::set<std::string> targets;
  for (const auto& e : Edges()) targets.insert(std::string(e.track) + ":" + std::string(e.to));
  for (const auto& t : targets) v.push_back({"case.transition", t});
  return v;
}

constexpr char kOwnerSector[] = "health";  // who added the "other" document

bool Expected(const std::string& s, const std::string& r, Rel rel, const Probe& p) {
  if (!Staff(s, r)) return false;
  if (rel == Rel::kExcludedOwnUnit) return false;
  const bool own = rel == Rel::kOwnUnit;
  const bool consent = rel == Rel::kConsent || rel == Rel::kOtherRegionConsent;
  const bool core = own || consent || rel == Rel::kCoordinationOnly;
  const bool substance = own || consent;
  const bool glass = rel == Rel::kBreakGlass && kResponders.count(s) > 0;
  const std::string& a = p.action;
  if (a == "case.read_core") return core || glass;
  if (a == "case.read" || a == "case.read_identity") return substance || glass;
  if (a == "case.update" || a == "case.risk.assess" || a == "case.child_report" ||
      a == "case.followup_code" || a == "case.access_log" || a == "consent.revoke" ||
      a == "case.duplicate.decide") {
    return substance;
  }
  if (a == "case.exclusion") return substance && r == "unit_head";
  if (a == "case.merge") return substance && (r == "unit_head" || r == "prosecutor");
  if (a == "case.break_glass") {
    bool same_region = rel != Rel::kOtherRegionConsent && rel != Rel::kOtherRegionNone &&
                       rel != Rel::kBreakGlassElsewhere;
    return kResponders.count(s) > 0 && same_region;
  }
  if (a == "case.intake") return true;
  if (a == "consent.record") {
    if (p.subtype == "legal_ground") {
      return substance &&
             Set{"child_protection", "prosecution", "court", "police", "gendarmerie"}.count(s);
    }
    return substance;
  }
  if (a == "case.read_compartment" || a == "case.note.create") {
    if (!ReadsCompartment(s, r, p.subtype)) return false;
    bool granted = false;
    for (const auto& [purpose, spec] : Purposes()) {
      if (spec.first == p.subtype && spec.second.count(s)) granted = true;
    }
    bool via = own || (consent && granted);
    return a == "case.read_compartment" ? via || glass : via;
  }
  if (a == "document.read") {
    const DocSpec& d = Docs().at(p.subtype);
    bool reads = d.readers.empty() ? s == kOwnerSector : d.readers.count(s) > 0;
    return reads && (substance || glass);
  }
  if (a == "document.create") {
    bool creates = false;
    for (const auto& [sectors, roles] : Docs().at(p.subtype).creators) {
      creates = creates || (sectors.count(s) && (roles.empty() || roles.count(r)));
    }
    return creates && substance;
  }
  if (a == "case.transition") {
    const auto& [sectors, roles] = Moves().at(p.subtype);
    return sectors.count(s) && (roles.empty() || roles.count(r)) && substance;
  }
  ADD_FAILURE() << "no expectation for " << a;
  return false;
}

access::Resource CaseFor(const std::string& sector, Rel rel, const Probe& p) {
  access::Resource r;
  r.type = "case";
  r.id = "case-1";
  r.unit_id = "opening-unit";
  r.unit_ids = {"opening-unit"};
  r.region_code = 3;
  r.subtype = p.subtype;
  r.owner_sector = kOwnerSector;
  r.excluded_user_ids = {"perpetrator"};
  if (rel == Rel::kConsent || rel == Rel::kOtherRegionConsent) {
    for (const auto& [purpose, spec] : Purposes()) {
      if (spec.second.count(sector)) r.grants.push_back({"my-unit", purpose});
    }
  }
  if (rel == Rel::kCoordinationOnly) r.grants.push_back({"my-unit", "coordination"});
  // Someone else's consent never helps.
  r.grants.push_back({"third-unit", "social_support"});
  r.break_glass = rel == Rel::kBreakGlass || rel == Rel::kBreakGlassElsewhere;
  return r;
}

access::Subject UserFor(const std::string& sector, const std::string& role, Rel rel) {
  access::Subject s;
  s.user_id = rel == Rel::kExcludedOwnUnit ? "perpetrator" : "user";
  s.username = s.user_id;
  bool own = rel == Rel::kOwnUnit || rel == Rel::kExcludedOwnUnit;
  bool elsewhere = rel == Rel::kOtherRegionConsent || rel == Rel::kOtherRegionNone ||
                   rel == Rel::kBreakGlassElsewhere;
  s.memberships.push_back({own ? "opening-unit" : "my-unit", "Unit", sector, elsewhere ? 4 : 3,
                           elsewhere ? "04.01" : "03.01", role});
  return s;
}

TEST(CaseAccessMatrixTest, EveryRoleTypeActionAndRelation) {
  int checked = 0, unexpected_allows = 0, unexpected_denies = 0, allows = 0;
  std::vector<std::string> report;
  const auto probes = Probes();
  for (auto sector_v : access::Sectors()) {
    const std::string sector(sector_v);
    for (auto role_v : access::Roles()) {
      const std::string role(role_v);
      for (const auto& [rel, rel_name] : kRelations) {
        access::Subject user = UserFor(sector, role, rel);
        for (const auto& p : probes) {
          access::Decision d = access::Authorize(user, p.action, CaseFor(sector, rel, p));
          bool want = Expected(sector, role, rel, p);
          ++checked;
          allows += d.allowed ? 1 : 0;
          EXPECT_FALSE(d.reason.empty());
          if (d.allowed != want) {
            (d.allowed ? unexpected_allows : unexpected_denies)++;
            if (report.size() < 30) {
              std::string line = d.allowed ? "ALLOWED " : "denied ";
              line.append(sector).append("/").append(role).append(" ").append(rel_name);
              line.append(" ").append(p.action).append(" ").append(p.subtype).append(": ");
              report.push_back(line.append(d.reason));
            }
          }
          if (d.allowed) {
            EXPECT_EQ(d.unit_id, user.memberships[0].unit_id);
          }
        }
      }
    }
  }
  for (const auto& line : report) ADD_FAILURE() << line;
  EXPECT_EQ(unexpected_allows, 0);
  EXPECT_EQ(unexpected_denies, 0);
  EXPECT_GT(allows, 1000) << "the matrix must exercise allows too";
  EXPECT_GT(checked, 50000);
}

TEST(CaseAccessMatrixTest, CollectionActionsByRole) {
  for (auto sector_v : access::Sectors()) {
    for (auto role_v : access::Roles()) {
      const std::string sector(sector_v), role(role_v);
      access::Subject user = UserFor(sector, role, Rel::kNoConsent);
      access::Resource none{"case"};
      access::Resource receiving{"case", "new", "my-unit"};
      access::Resource elsewhere{"case", "new", "someone-elses-unit"};
      EXPECT_EQ(access::Authorize(user, "case.search", none).allowed, Staff(sector, role))
          << sector << "/" << role;
      EXPECT_EQ(access::Authorize(user, "case.create", receiving).allowed, Staff(sector, role))
          << sector << "/" << role;
      EXPECT_FALSE(access::Authorize(user, "case.create", elsewhere).allowed);
      // Duplicate checks and the review queue: case staff acting for their own unit.
      for (const char* a : {"case.duplicate_check", "case.duplicate.review"}) {
        EXPECT_EQ(access::Authorize(user, a, receiving).allowed, Staff(sector, role))
            << a << " " << sector << "/" << role;
        EXPECT_FALSE(access::Authorize(user, a, elsewhere).allowed) << a;
      }
      bool by_name =
          Staff(sector, role) &&
          Set{"unit_head", "officer", "prosecutor", "social_worker", "doctor"}.count(role);
      EXPECT_EQ(access::Authorize(user, "case.search_by_name", none).allowed, by_name)
          << sector << "/" << role;
    }
  }
}

TEST(CaseAccessMatrixTest, AlertsAndReviewsAreForUnitHeads) {
  access::Subject head = UserFor("police", "unit_head", Rel::kNoConsent);
  access::Subject officer = UserFor("police", "officer", Rel::kNoConsent);
  access::Resource alerts{"alert", "", "my-unit"};
  EXPECT_TRUE(access::Authorize(head, "alert.list", alerts).allowed);
  EXPECT_TRUE(access::Authorize(head, "alert.ack", alerts).allowed);
  EXPECT_FALSE(access::Authorize(officer, "alert.list", alerts).allowed);
  access::Resource other_unit{"alert", "", "another-unit"};
  EXPECT_FALSE(access::Authorize(head, "alert.list", other_unit).allowed);
  access::Resource review{"btg", "g", "opening-unit", {"my-unit"}};
  EXPECT_TRUE(access::Authorize(head, "case.btg.review", review).allowed);
  review.excluded_user_ids = {head.user_id};  // the grantee never reviews their own access
  EXPECT_FALSE(access::Authorize(head, "case.btg.review", review).allowed);
}

TEST(CaseAccessMatrixTest, PurposeVocabularyMatchesThePolicy) {
  std::set<std::string> policy;
  for (auto p : access::ConsentPurposes()) policy.insert(std::string(p));
  std::set<std::string> here;
  for (const auto& [p, spec] : Purposes()) {
    here.insert(p);
    EXPECT_EQ(access::CompartmentOfPurpose(p), spec.first) << p;
    for (auto s : access::Sectors()) {
      EXPECT_EQ(access::PurposeFitsSector(p, s), spec.second.count(std::string(s)) > 0)
          << p << " " << s;
    }
  }
  EXPECT_EQ(policy, here);
  std::set<std::string> types;
  for (auto t : access::CaseDocumentTypes()) types.insert(std::string(t));
  std::set<std::string> docs;
  for (const auto& [t, spec] : Docs()) docs.insert(t);
  EXPECT_EQ(types, docs);
}

}  // namespace
}  // namespace tamkine::cases
