#include "access/authorize.h"

#include <algorithm>
#include <functional>

namespace tamkine::access {

bool RoleRequiresSecondFactor(std::string_view role) {
  return role == "unit_head" || role == "administrator";
}

bool Subject::HasRole(std::string_view role) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.role == role; });
}

bool Subject::HasRoleInUnit(std::string_view role, std::string_view unit_id) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.role == role && m.unit_id == unit_id; });
}

bool Subject::InUnit(std::string_view unit_id) const {
  return std::any_of(memberships.begin(), memberships.end(),
                     [&](const Membership& m) { return m.unit_id == unit_id; });
}

namespace {

using Rule = std::function<Decision(const Subject&, const Resource&)>;

Decision Allow(std::string reason, const Membership* m) {
  Decision d;
  d.allowed = true;
  d.reason = std::move(reason);
  if (m != nullptr) {
    d.role = m->role;
    d.unit_id = m->unit_id;
  }
  return d;
}

Decision Deny(std::string reason) {
  Decision d;
  d.reason = std::move(reason);
  return d;
}

const Membership* FindRole(const Subject& s, std::string_view role) {
  for (const auto& m : s.memberships) {
    if (m.role == role) return &m;
  }
  return nullptr;
}

Decision AdministratorOnly(const Subject& s, const Resource&) {
  if (const Membership* m = FindRole(s, "administrator")) return Allow("administrator", m);
  return Deny("requires the administrator role");
}

Decision AnyStaff(const Subject& s, const Resource&) {
  if (s.memberships.empty()) return Deny("user has no unit membership");
  return Allow("staff member", &s.memberships.front());
}

// Administrators anywhere; unit heads for users who belong to one of the units they head.
Decision AdministratorOrHeadOfUnit(const Subject& s, const Resource& r) {
  if (const Membership* m = FindRole(s, "administrator")) return Allow("administrator", m);
  for (const auto& m : s.memberships) {
    if (m.role != "unit_head") continue;
    bool in = m.unit_id == r.unit_id ||
              std::find(r.unit_ids.begin(), r.unit_ids.end(), m.unit_id) != r.unit_ids.end();
    if (in) return Allow("head of the record's unit", &m);
  }
  return Deny("requires the administrator role or being head of the record's unit");
}

// The commissions' statistics: aggregates with disclosure control, never a case.
Decision StatisticsReader(const Subject& s, const Resource&) {
  for (std::string_view role : {"administrator", "commission_member", "unit_head"}) {
    if (const Membership* m = FindRole(s, role)) return Allow(std::string(role), m);
  }
  return Deny("requires the administrator, commission member or unit head role");
}

Decision Self(const Subject& s, const Resource& r) {
  if (!r.id.empty() && r.id == s.user_id) {
    return Allow("own account", s.memberships.empty() ? nullptr : &s.memberships.front());
  }
  return Deny("only the account holder");
}

// --- Cases (docs/cases.md) ---------------------------------------------------------------------
// A case is opened by one unit; another unit works on it only with the survivor's consent for a
// purpose (for a child: a legal ground), recorded per unit and checked on every request. A user
// recorded as the perpetrator or as related to the case is refused everything, before any other
// rule. Break-the-glass opens reads only, in the case's region, for a limited time.

using SectorSet = std::vector<std::string_view>;
using RoleSet = std::vector<std::string_view>;

bool In(const std::vector<std::string_view>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

bool Contains(const std::vector<std::string>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// Sectors whose staff work on cases (commissions see aggregates; local authorities and schools
// report and enforce, outside the case file).
const SectorSet kCaseSectors = {
    "police",        "gendarmerie", "prosecution",        "court",           "health",
    "ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection"};
// Roles that work on cases (administrators run the system, not cases).
const RoleSet kCaseRoles = {"unit_head",     "officer", "prosecutor",   "judge",          "clerk",
                            "social_worker", "doctor",  "psychologist", "accompagnatrice"};
const SectorSet kJustice = {"police", "gendarmerie", "prosecution", "court"};
const SectorSet kSocial = {"ngo_listening", "ngo_shelter", "entraide_nationale",
                           "child_protection"};
const RoleSet kAnyCaseRole = {};  // empty role set: any role of kCaseRoles

bool IsCaseStaff(const Membership& m) {
  return In(kCaseSectors, m.sector) && In(kCaseRoles, m.role);
}

// Who reads each compartment, by sector and role.
bool ReadsCompartment(const Membership& m, std::string_view compartment) {
  if (!IsCaseStaff(m)) return false;
  if (compartment == "clinical") {
    return m.sector == "health" &&
           In({"doctor", "psychologist", "unit_head", "social_worker"}, m.role);
  }
  if (compartment == "justice") {
    if (m.sector == "police" || m.sector == "gendarmerie") {
      return In({"officer", "unit_head"}, m.role);
    }
    if (m.sector == "prosecution") {
      return In({"prosecutor", "unit_head", "clerk", "social_worker"}, m.role);
    }
    if (m.sector == "court") return In({"judge", "clerk", "unit_head", "social_worker"}, m.role);
    return false;
  }
  if (compartment == "social") {
    if (m.role == "social_worker") return true;  // social workers of every sector
    return In(kSocial, m.sector) && In({"accompagnatrice", "unit_head", "psychologist"}, m.role);
  }
  return false;
}

struct PurposeRule {
  std::string_view purpose;
  std::string_view compartment;  // "" = minimal core only
  SectorSet sectors;             // recipient sectors it fits
};

const std::vector<PurposeRule>& PurposeRules() {
  static const std::vector<PurposeRule> kRules = {
      {"coordination", "", kCaseSectors},
      {"medical_care", "clinical", {"health"}},
      {"psychological_care", "clinical", {"health"}},
      {"investigation_prosecution", "justice", kJustice},
      {"legal_aid", "social", {"ngo_listening", "ngo_shelter", "entraide_nationale"}},
      {"social_support",
       "social",
       {"ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection", "health",
        "prosecution", "court"}},
      {"shelter", "social", {"ngo_shelter", "entraide_nationale"}},
      {"economic_integration", "social", {"ngo_listening", "ngo_shelter", "entraide_nationale"}},
      {"child_protection", "social", {"child_protection"}},
  };
  return kRules;
}

// A document type: which sectors read it and which (sector, roles) may add it.
struct DocumentRule {
  std::string_view type;
  SectorSet readers;  // empty: the sector of the unit that added it ("other")
  std::vector<std::pair<SectorSet, RoleSet>> creators;
};

const std::vector<DocumentRule>& DocumentRules() {
  static const SectorSet kJusticeAndSocial = {
      "police",        "gendarmerie", "prosecution",        "court",
      "ngo_listening", "ngo_shelter", "entraide_nationale", "child_protection"};
  static const std::vector<DocumentRule> kRules = {
      {"medical_certificate",
       {"health", "police", "gendarmerie", "prosecution", "court"},
       {{{"health"}, {"doctor", "unit_head"}}}},
      {"complaint",
       {"police", "gendarmerie", "prosecution", "court", "ngo_listening"},
       {{{"police", "gendarmerie"}, {"officer", "unit_head"}},
        {{"prosecution"}, {"prosecutor", "clerk", "unit_head"}},
        {{"ngo_listening"}, {"social_worker", "accompagnatrice", "unit_head"}}}},
      {"police_minutes", kJustice, {{{"police", "gendarmerie"}, {"officer", "unit_head"}}}},
      {"prosecution_decision",
       kJusticeAndSocial,
       {{{"prosecution"}, {"prosecutor", "clerk", "unit_head"}}}},
      {"protection_order",
       {"police", "gendarmerie", "prosecution", "court", "health", "ngo_listening", "ngo_shelter",
        "entraide_nationale", "child_protection"},
       {{{"prosecution"}, {"prosecutor", "clerk", "unit_head"}},
        {{"court"}, {"judge", "clerk", "unit_head"}}}},
      {"hearing_record", {"prosecution", "court"}, {{{"court"}, {"judge", "clerk", "unit_head"}}}},
      {"judgment", kJusticeAndSocial, {{{"court"}, {"judge", "clerk", "unit_head"}}}},
      {"shelter_admission",
       {"ngo_shelter", "entraide_nationale", "ngo_listening", "child_protection"},
       {{{"ngo_shelter", "entraide_nationale"}, {"social_worker", "unit_head"}}}},
      {"other", {}, {{kCaseSectors, kAnyCaseRole}}},
  };
  return kRules;
}

const DocumentRule* FindDocumentRule(std::string_view type) {
  for (const auto& d : DocumentRules()) {
    if (d.type == type) return &d;
  }
  return nullptr;
}

// Who may move a track to a status ("track:status"); closing is for unit heads and the
// professionals who decide it. Which moves exist at all is cases/lifecycle.cc's table.
struct TransitionRule {
  std::string_view target;
  SectorSet sectors;
  RoleSet roles;  // empty: any case role
};

const std::vector<TransitionRule>& TransitionRules() {
  static const SectorSet kCarers = {"health", "ngo_listening", "ngo_shelter", "entraide_nationale",
                                    "child_protection"};
  static const SectorSet kNgoAndEntraide = {"ngo_listening", "ngo_shelter", "entraide_nationale"};
  static const std::vector<TransitionRule> kRules = {
      {"care:orientation", kCaseSectors, kAnyCaseRole},
      {"care:medical", kCaseSectors, kAnyCaseRole},
      {"care:psychological", kCarers, kAnyCaseRole},
      {"care:legal_aid",
       {"ngo_listening", "ngo_shelter", "entraide_nationale", "prosecution", "court"},
       kAnyCaseRole},
      {"care:shelter",
       {"ngo_shelter", "entraide_nationale", "ngo_listening", "prosecution"},
       kAnyCaseRole},
      {"care:training", kNgoAndEntraide, kAnyCaseRole},
      {"care:economic_integration", kNgoAndEntraide, kAnyCaseRole},
      {"care:closed", kCaseSectors, {"unit_head", "social_worker"}},
      {"justice:complaint", {"police", "gendarmerie", "prosecution"}, kAnyCaseRole},
      {"justice:investigation", {"police", "gendarmerie", "prosecution"}, kAnyCaseRole},
      {"justice:prosecution_decision", {"prosecution"}, {"prosecutor", "unit_head"}},
      {"justice:hearings", {"prosecution", "court"}, kAnyCaseRole},
      {"justice:judgment", {"court"}, {"judge", "clerk", "unit_head"}},
      {"justice:enforcement", {"court", "prosecution"}, kAnyCaseRole},
      {"justice:closed_without_action", {"prosecution"}, {"prosecutor", "unit_head"}},
      {"justice:closed", {"prosecution", "court"}, {"prosecutor", "judge", "unit_head"}},
      {"child:reception", {"child_protection"}, kAnyCaseRole},
      {"child:diagnosis", {"child_protection"}, kAnyCaseRole},
      {"child:referral", {"child_protection"}, kAnyCaseRole},
      {"child:support", {"child_protection"}, kAnyCaseRole},
      {"child:closed", {"child_protection"}, {"unit_head", "social_worker"}},
  };
  return kRules;
}

bool Excluded(const Subject& s, const Resource& r) {
  return std::find(r.excluded_user_ids.begin(), r.excluded_user_ids.end(), s.user_id) !=
         r.excluded_user_ids.end();
}

const char kExcludedReason[] =
    "the user is recorded as the perpetrator of, or as related to, this case";

// How a unit reaches a case.
enum class Reach {
  kCore,       // the minimal core: the opening unit or any grant, coordination included
  kSubstance,  // the case itself: the opening unit or a grant for a purpose beyond coordination
};

// The grant (or the opening unit) through which membership m reaches the case; "" when none.
std::string ReachOf(const Membership& m, const Resource& r, Reach reach) {
  if (m.unit_id == r.unit_id) return "unit that opened the case";
  for (const auto& g : r.grants) {
    if (g.unit_id != m.unit_id) continue;
    if (reach == Reach::kCore || g.purpose != "coordination") {
      return "survivor consent or legal ground for " + g.purpose;
    }
  }
  return "";
}

// Break-the-glass: emergency responders of the case's region holding an unexpired grant.
bool BreaksGlass(const Membership& m, const Resource& r) {
  static const SectorSet kResponders = {"police", "gendarmerie", "prosecution", "health",
                                        "child_protection"};
  return r.break_glass && IsCaseStaff(m) && In(kResponders, m.sector) &&
         m.region_code == r.region_code && r.region_code != 0;
}

// The shape of most case rules: not excluded, then the first case-staff membership that reaches
// the case and passes `fits`; break-the-glass (reads only) when `glass` is true.
Decision CaseAccess(const Subject& s, const Resource& r, Reach reach, bool glass,
                    const std::function<bool(const Membership&)>& fits, std::string_view what) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (!IsCaseStaff(m) || !fits(m)) continue;
    std::string how = ReachOf(m, r, reach);
    if (!how.empty()) return Allow(how, &m);
  }
  if (glass) {
    for (const auto& m : s.memberships) {
      if (fits(m) && BreaksGlass(m, r)) return Allow("break-the-glass grant (emergency)", &m);
    }
  }
  return Deny("no consent or legal ground for the user's unit to " + std::string(what) +
              " (or the role does not allow it)");
}

bool AnyMember(const Membership&) { return true; }

Decision CaseCreate(const Subject& s, const Resource& r) {
  for (const auto& m : s.memberships) {
    if (m.unit_id == r.unit_id && IsCaseStaff(m))
      return Allow("case staff of the receiving unit", &m);
  }
  return Deny("requires a case-handling role in the receiving unit");
}

Decision CaseStaffAnywhere(const Subject& s, const Resource& r) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (IsCaseStaff(m)) return Allow("case staff", &m);
  }
  return Deny("requires a case-handling role in a case-handling unit");
}

Decision CaseSearchByName(const Subject& s, const Resource&) {
  for (const auto& m : s.memberships) {
    if (IsCaseStaff(m) &&
        In({"unit_head", "officer", "prosecutor", "social_worker", "doctor"}, m.role)) {
      return Allow("role authorised to search by name", &m);
    }
  }
  return Deny(
      "searching by name is reserved to unit heads, officers, prosecutors, social "
      "workers and doctors");
}

Decision CaseReadCore(const Subject& s, const Resource& r) {
  return CaseAccess(s, r, Reach::kCore, true, AnyMember, "see this case");
}

Decision CaseRead(const Subject& s, const Resource& r) {
  return CaseAccess(s, r, Reach::kSubstance, true, AnyMember, "read this case");
}

Decision CaseWrite(const Subject& s, const Resource& r) {
  return CaseAccess(s, r, Reach::kSubstance, false, AnyMember, "work on this case");
}

Decision CaseReadCompartment(const Subject& s, const Resource& r) {
  if (!In(CaseCompartments(), r.subtype)) return Deny("unknown compartment");
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (!ReadsCompartment(m, r.subtype)) continue;
    if (m.unit_id == r.unit_id) return Allow("unit that opened the case", &m);
    for (const auto& g : r.grants) {
      if (g.unit_id == m.unit_id && CompartmentOfPurpose(g.purpose) == r.subtype) {
        return Allow("survivor consent or legal ground for " + g.purpose, &m);
      }
    }
  }
  for (const auto& m : s.memberships) {
    if (ReadsCompartment(m, r.subtype) && BreaksGlass(m, r)) {
      return Allow("break-the-glass grant (emergency)", &m);
    }
  }
  return Deny("the " + r.subtype +
              " compartment needs a role of that compartment and the survivor's consent for it");
}

Decision CaseWriteCompartment(const Subject& s, const Resource& r) {
  Resource no_glass = r;
  no_glass.break_glass = false;  // break-the-glass never writes
  Decision d = CaseReadCompartment(s, no_glass);
  return d;
}

// A document type's reader sectors; besides them, a unit the document was sent to with a referral
// (proposed or accepted, her consent still active) reads that one document. Both still need the
// unit to reach the case beyond coordination.
Decision DocumentRead(const Subject& s, const Resource& r) {
  const DocumentRule* rule = FindDocumentRule(r.subtype);
  if (rule == nullptr) return Deny("unknown document type");
  auto fits = [&](const Membership& m) {
    if (Contains(r.shared_with_unit_ids, m.unit_id)) return true;
    if (rule->readers.empty()) return !r.owner_sector.empty() && m.sector == r.owner_sector;
    return In(rule->readers, m.sector);
  };
  return CaseAccess(s, r, Reach::kSubstance, true, fits, "read documents of type " + r.subtype);
}

Decision DocumentCreate(const Subject& s, const Resource& r) {
  const DocumentRule* rule = FindDocumentRule(r.subtype);
  if (rule == nullptr) return Deny("unknown document type");
  auto fits = [&](const Membership& m) {
    for (const auto& [sectors, roles] : rule->creators) {
      if (In(sectors, m.sector) && (roles.empty() || In(roles, m.role))) return true;
    }
    return false;
  };
  return CaseAccess(s, r, Reach::kSubstance, false, fits, "add documents of type " + r.subtype);
}

Decision CaseTransition(const Subject& s, const Resource& r) {
  const TransitionRule* rule = nullptr;
  for (const auto& t : TransitionRules()) {
    if (t.target == r.subtype) rule = &t;
  }
  if (rule == nullptr) return Deny("no rule for the move " + r.subtype);
  auto fits = [&](const Membership& m) {
    return In(rule->sectors, m.sector) && (rule->roles.empty() || In(rule->roles, m.role));
  };
  return CaseAccess(s, r, Reach::kSubstance, false, fits, "make the move " + r.subtype);
}

Decision ConsentRecord(const Subject& s, const Resource& r) {
  static const SectorSet kLegalGround = {"child_protection", "prosecution", "court", "police",
                                         "gendarmerie"};
  if (r.subtype == "legal_ground") {
    return CaseAccess(
        s, r, Reach::kSubstance, false,
        [](const Membership& m) { return In(kLegalGround, m.sector); }, "record a legal ground");
  }
  if (r.subtype == "consent") {
    return CaseAccess(s, r, Reach::kSubstance, false, AnyMember, "record consent");
  }
  return Deny("unknown basis for sharing");
}

Decision CaseHeadOnly(const Subject& s, const Resource& r) {
  return CaseAccess(
      s, r, Reach::kSubstance, false, [](const Membership& m) { return m.role == "unit_head"; },
      "manage exclusions (unit heads)");
}

// Merging two cases of one woman (and undoing it) joins two files: for those who lead a unit's
// casework, never through break-the-glass.
Decision CaseMerge(const Subject& s, const Resource& r) {
  return CaseAccess(
      s, r, Reach::kSubstance, false,
      [](const Membership& m) { return m.role == "unit_head" || m.role == "prosecutor"; },
      "merge cases (unit heads and prosecutors)");
}

Decision BreakGlass(const Subject& s, const Resource& r) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  Resource with = r;
  with.break_glass = true;  // would a grant work for this subject?
  for (const auto& m : s.memberships) {
    if (BreaksGlass(m, with)) return Allow("emergency responder of the case's region", &m);
  }
  return Deny(
      "break-the-glass is for police, gendarmerie, prosecution, health and child "
      "protection staff of the case's region");
}

// Unit heads of the record's unit (alerts) or of any of its units (break-the-glass review: the
// opening unit and the grantee's unit); never someone in excluded_user_ids.
Decision HeadOfRecordUnit(const Subject& s, const Resource& r) {
  if (Excluded(s, r)) return Deny("one may not review one's own access");
  for (const auto& m : s.memberships) {
    if (m.role != "unit_head") continue;
    if (m.unit_id == r.unit_id ||
        std::find(r.unit_ids.begin(), r.unit_ids.end(), m.unit_id) != r.unit_ids.end()) {
      return Allow("head of the unit concerned", &m);
    }
  }
  return Deny("requires being head of the unit concerned");
}

// --- Referrals (docs/referrals.md) --------------------------------------------------------------
// A unit that works on the case refers her to another unit; only staff of the receiving unit
// decide (accept, decline, complete) and only staff of the referring unit cancel. Her consent for
// the receiving unit is checked by the referral service when the referral is made.
Decision ReferralParty(const Subject& s, const Resource& r, const std::string& unit_id,
                       std::string_view who) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (IsCaseStaff(m) && !unit_id.empty() && m.unit_id == unit_id) {
      return Allow("case staff of the " + std::string(who) + " unit", &m);
    }
  }
  return Deny("only case staff of the " + std::string(who) + " unit");
}

Decision ReferralDecide(const Subject& s, const Resource& r) {
  return ReferralParty(s, r, r.to_unit_id, "receiving");
}

Decision ReferralCancel(const Subject& s, const Resource& r) {
  return ReferralParty(s, r, r.from_unit_id, "referring");
}

// --- Directory (docs/directory.md) -------------------------------------------------------------
// Staff of the shelter's own unit record its admissions and exits (counts, never names).
Decision MemberOfRecordUnit(const Subject& s, const Resource& r) {
  for (const auto& m : s.memberships) {
    if (!r.unit_id.empty() && m.unit_id == r.unit_id && m.role != "administrator") {
      return Allow("staff of the shelter's unit", &m);
    }
  }
  return Deny("only staff of the shelter's unit record admissions and exits");
}

// --- Coordination (docs/coordination.md) -------------------------------------------------------
// Instructions are given by prosecutors and unit heads of a unit that works on the case; the
// target unit's case staff act on them; the parties (target and issuing units) read them.
Decision InstructionIssue(const Subject& s, const Resource& r) {
  return CaseAccess(
      s, r, Reach::kSubstance, false,
      [](const Membership& m) { return m.role == "prosecutor" || m.role == "unit_head"; },
      "give instructions on this case (prosecutors and unit heads)");
}

// Her withdrawal of the complaint is recorded by the justice staff who work on the case.
Decision WithdrawalRecord(const Subject& s, const Resource& r) {
  return CaseAccess(
      s, r, Reach::kSubstance, false,
      [](const Membership& m) {
        return In(kJustice, m.sector) &&
               In({"officer", "unit_head", "prosecutor", "clerk", "judge"}, m.role);
      },
      "record a withdrawal (justice staff)");
}

// Protection measures are ordered by prosecutors and judges (their unit heads and clerks record
// them).
Decision MeasureIssue(const Subject& s, const Resource& r) {
  return CaseAccess(
      s, r, Reach::kSubstance, false,
      [](const Membership& m) {
        return (m.sector == "prosecution" || m.sector == "court") &&
               In({"prosecutor", "judge", "unit_head", "clerk"}, m.role);
      },
      "record protection measures (prosecution and court)");
}

// r.unit_id: the item's target unit; r.unit_ids: the issuing unit.
Decision WorkItemAct(const Subject& s, const Resource& r) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (IsCaseStaff(m) && !r.unit_id.empty() && m.unit_id == r.unit_id) {
      return Allow("case staff of the unit the item is addressed to", &m);
    }
  }
  return Deny("only case staff of the unit the item is addressed to act on it");
}

Decision WorkItemParty(const Subject& s, const Resource& r) {
  if (Excluded(s, r)) return Deny(kExcludedReason);
  for (const auto& m : s.memberships) {
    if (!IsCaseStaff(m)) continue;
    if (!r.unit_id.empty() && m.unit_id == r.unit_id) return Allow("target unit of the item", &m);
    for (const auto& u : r.unit_ids) {
      if (!u.empty() && u == m.unit_id) return Allow("unit that issued the item", &m);
    }
  }
  return Deny("only the unit the item is addressed to and the unit that issued it read it");
}

// Aggregates only: administrators, commission members, and unit heads for their own units
// (r.unit_id: the unit asked about, "" for all the caller may see).
Decision TimelinessStats(const Subject& s, const Resource& r) {
  if (const Membership* m = FindRole(s, "administrator")) return Allow("administrator", m);
  if (const Membership* m = FindRole(s, "commission_member")) {
    return Allow("commission member", m);
  }
  for (const auto& m : s.memberships) {
    if (m.role == "unit_head" && (r.unit_id.empty() || m.unit_id == r.unit_id)) {
      return Allow("head of the unit", &m);
    }
  }
  return Deny("timeliness figures are for administrators, commission members and unit heads");
}

struct Entry {
  ActionPolicy policy;
  Rule rule;
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> kTable = {
      {{"unit.list", "any staff member"}, AnyStaff},
      {{"unit.read", "any staff member"}, AnyStaff},
      {{"unit.create", "administrators"}, AdministratorOnly},
      {{"unit.update", "administrators"}, AdministratorOnly},
      {{"user.list", "administrators; unit heads for their own units"}, AdministratorOrHeadOfUnit},
      {{"user.read", "administrators; unit heads for members of their units"},
       AdministratorOrHeadOfUnit},
      {{"user.create", "administrators"}, AdministratorOnly},
      {{"user.update", "administrators"}, AdministratorOnly},
      {{"user.memberships", "administrators"}, AdministratorOnly},
      {{"user.disable", "administrators; unit heads for members of their units"},
       AdministratorOrHeadOfUnit},
      {{"user.enable", "administrators"}, AdministratorOnly},
      {{"auth.totp.enrol", "the account holder"}, Self},
      {{"auth.password.change", "the account holder"}, Self},
      {{"audit.read", "administrators"}, AdministratorOnly},
      {{"audit.verify", "administrators"}, AdministratorOnly},
      // Cases: see the comment above CaseAccess and docs/cases.md.
      {{"case.create", "case staff (case-handling role and sector) of the receiving unit"},
       CaseCreate},
      {{"case.search", "case staff; results only list cases they may see"}, CaseStaffAnywhere},
      {{"case.search_by_name",
        "unit heads, officers, prosecutors, social workers and doctors; results only list cases "
        "whose identity they may read"},
       CaseSearchByName},
      {{"case.intake",
        "case staff of the receiving unit, quoting the reference code, with her consent recorded"},
       CaseStaffAnywhere},
      {{"case.read_core",
        "the opening unit; units with any consent or legal ground; break-the-glass"},
       CaseReadCore},
      {{"case.read", "the opening unit; units with consent beyond coordination; break-the-glass"},
       CaseRead},
      {{"case.read_identity",
        "the opening unit; units with consent beyond coordination; break-the-glass"},
       CaseRead},
      {{"case.read_compartment",
        "the compartment's sectors and roles, in the opening unit or with consent for a purpose of "
        "that compartment; break-the-glass"},
       CaseReadCompartment},
      {{"case.note.create",
        "the compartment's sectors and roles, in the opening unit or with consent for a purpose of "
        "that compartment"},
       CaseWriteCompartment},
      {{"case.update", "the opening unit; units with consent beyond coordination"}, CaseWrite},
      {{"case.risk.assess", "the opening unit; units with consent beyond coordination"}, CaseWrite},
      {{"case.transition",
        "units that reach the case (opening unit or consent beyond coordination), by sector and "
        "role for each move"},
       CaseTransition},
      {{"case.child_report", "the opening unit; units with consent beyond coordination"},
       CaseWrite},
      {{"case.followup_code", "the opening unit; units with consent beyond coordination"},
       CaseWrite},
      {{"case.access_log", "the opening unit; units with consent beyond coordination"}, CaseWrite},
      {{"case.exclusion", "unit heads of units that reach the case"}, CaseHeadOnly},
      {{"consent.record",
        "the opening unit; units with consent beyond coordination (legal grounds: child "
        "protection, prosecution, court, police, gendarmerie)"},
       ConsentRecord},
      {{"consent.revoke", "the opening unit; units with consent beyond coordination"}, CaseWrite},
      {{"case.break_glass",
        "police, gendarmerie, prosecution, health and child protection staff of the case's "
        "region"},
       BreakGlass},
      {{"case.btg.review", "heads of the opening unit or of the grantee's unit, never the grantee"},
       HeadOfRecordUnit},
      {{"alert.list", "heads of the unit"}, HeadOfRecordUnit},
      {{"alert.ack", "heads of the unit"}, HeadOfRecordUnit},
      // Duplicate detection at intake (docs/matching.md): candidates are filtered by case.read.
      {{"case.duplicate_check",
        "case staff of the acting unit; only candidates whose case they may read are shown"},
       CaseCreate},
      {{"case.duplicate.decide",
        "the opening unit or units with consent beyond coordination, on both cases"},
       CaseWrite},
      {{"case.merge",
        "unit heads and prosecutors of units that reach both cases (opening unit or consent beyond "
        "coordination)"},
       CaseMerge},
      {{"case.duplicate.review",
        "case staff of the unit; only pairs whose two cases they may read are listed"},
       CaseCreate},
      {{"document.read",
        "sectors that read the document type, in units that reach the case; break-the-glass"},
       DocumentRead},
      {{"document.create",
        "sectors and roles that add the document type, in units that reach the case"},
       DocumentCreate},
      // Referrals (docs/referrals.md): her consent for the receiving unit and purpose (a child:
      // a legal ground) is checked when the referral is made.
      {{"referral.create",
        "case staff of a unit that reaches the case (opening unit or consent beyond coordination), "
        "with her active consent for the receiving unit and the service's purpose"},
       CaseWrite},
      {{"referral.read",
        "the opening unit; units with consent beyond coordination; break-the-glass"},
       CaseRead},
      {{"referral.decide",
        "case staff of the receiving unit (accept, decline with a next step, complete)"},
       ReferralDecide},
      {{"referral.cancel", "case staff of the referring unit, while the referral is proposed"},
       ReferralCancel},
      {{"referral.list",
        "case staff; only referrals to or from their own units, never of cases they are excluded "
        "from"},
       CaseStaffAnywhere},
      // Directory: services are public information once published; editing them is for the
      // unit's head, occupancy for the shelter's staff.
      {{"directory.read", "any staff member (published or not)"}, AnyStaff},
      {{"directory.write", "administrators; unit heads for their unit's services"},
       AdministratorOrHeadOfUnit},
      {{"directory.publish", "administrators; unit heads for their unit's services"},
       AdministratorOrHeadOfUnit},
      {{"directory.export", "any staff member"}, AnyStaff},
      {{"directory.import", "administrators"}, AdministratorOnly},
      {{"shelter.admit", "staff of the shelter's unit"}, MemberOfRecordUnit},
      {{"shelter.exit", "staff of the shelter's unit"}, MemberOfRecordUnit},
      {{"shelter.find", "any staff member"}, AnyStaff},
      {{"stats.read",
        "administrators, commission members and unit heads, for any area: aggregates only, "
        "every count under the threshold withheld with its complements"},
       StatisticsReader},
      // Coordination: instructions, reviews, follow-ups, the inbox and timeliness figures.
      {{"instruction.catalogue.read", "any staff member"}, AnyStaff},
      {{"instruction.catalogue.write", "administrators"}, AdministratorOnly},
      {{"instruction.issue",
        "prosecutors and unit heads of units that reach the case (opening unit or consent beyond "
        "coordination)"},
       InstructionIssue},
      {{"work_item.act", "case staff of the unit the item is addressed to"}, WorkItemAct},
      {{"work_item.read",
        "case staff of the unit the item is addressed to or of the unit that "
        "issued it"},
       WorkItemParty},
      {{"work_item.list",
        "the opening unit; units with any consent or legal ground; break-the-glass (free text "
        "withheld)"},
       CaseReadCore},
      {{"case.withdrawal.record",
        "police, gendarmerie, prosecution and court staff (officers, unit heads, prosecutors, "
        "clerks, judges) of units that reach the case"},
       WithdrawalRecord},
      {{"measure.issue",
        "prosecutors, judges, unit heads and clerks of prosecution and court units that reach the "
        "case"},
       MeasureIssue},
      {{"measure.violation.report",
        "the opening unit; units with consent beyond coordination (any case role)"},
       CaseWrite},
      {{"measure.list",
        "the opening unit; units with any consent or legal ground; break-the-glass (conditions: "
        "justice compartment)"},
       CaseReadCore},
      {{"coordination.inbox", "any staff member: items of their units and items they issued"},
       AnyStaff},
      {{"coordination.stats",
        "administrators and commission members; unit heads for their own units (aggregates "
        "only)"},
       TimelinessStats},
      // Live updates and notifications (docs/notifications.md): the event stream carries only
      // "something for your unit changed"; the outbox and its channels are for administrators.
      {{"events.subscribe", "any staff member (events of their own units only)"}, AnyStaff},
      {{"notification.admin", "administrators"}, AdministratorOnly},
      {{"notification.test", "administrators (to their own address)"}, AdministratorOnly},
      {{"notification.preferences", "the account holder"}, Self},
  };
  return kTable;
}

}  // namespace

const std::vector<std::string_view>& CaseCompartments() {
  static const std::vector<std::string_view> kCompartments = {"clinical", "justice", "social"};
  return kCompartments;
}

const std::vector<std::string_view>& ConsentPurposes() {
  static const std::vector<std::string_view> kPurposes = [] {
    std::vector<std::string_view> v;
    for (const auto& p : PurposeRules()) v.push_back(p.purpose);
    return v;
  }();
  return kPurposes;
}

const std::vector<std::string_view>& CaseDocumentTypes() {
  static const std::vector<std::string_view> kTypes = [] {
    std::vector<std::string_view> v;
    for (const auto& d : DocumentRules()) v.push_back(d.type);
    return v;
  }();
  return kTypes;
}

std::string_view CompartmentOfPurpose(std::string_view purpose) {
  for (const auto& p : PurposeRules()) {
    if (p.purpose == purpose) return p.compartment;
  }
  return "";
}

bool PurposeFitsSector(std::string_view purpose, std::string_view sector) {
  for (const auto& p : PurposeRules()) {
    if (p.purpose == purpose) return In(p.sectors, sector);
  }
  return false;
}

const std::vector<ActionPolicy>& Policies() {
  static const std::vector<ActionPolicy> kPolicies = [] {
    std::vector<ActionPolicy> v;
    for (const auto& e : Table()) v.push_back(e.policy);
    return v;
  }();
  return kPolicies;
}

bool IsKnownPolicy(std::string_view policy) {
  if (policy == "public" || policy == "authenticated") return true;
  for (const auto& e : Table()) {
    if (e.policy.action == policy) return true;
  }
  return false;
}

Decision Authorize(const Subject& subject, std::string_view action, const Resource& resource) {
  if (subject.user_id.empty()) return Deny("not authenticated");
  if (subject.must_enrol_totp && action != "auth.totp.enrol") {
    return Deny("a second factor must be enrolled first");
  }
  for (const auto& e : Table()) {
    if (e.policy.action == action) return e.rule(subject, resource);
  }
  return Deny("no policy for this action (denied by default)");
}

}  // namespace tamkine::access
