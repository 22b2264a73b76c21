#include "demo/seed.h"

#include <map>

#include "crypto/encoding.h"
#include "demo/seed_cases.h"
#include "demo/seed_coordination.h"
#include "demo/seed_directory.h"
#include "demo/seed_referrals.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"

namespace tamkine::demo {

namespace {

struct DemoUnit {
  const char* key;
  const char* name;
  const char* sector;
  const char* province;
  const char* address;
  const char* phone;
};

// Fictional units placed in real provinces; phone numbers are in the unallocated 0500 range.
const DemoUnit kUnits[] = {
    {"police",
     "Cellule de prise en charge des femmes victimes de violence — Sûreté préfectorale de Fès",
     "police", "03.01", "Avenue (fictive) des Nations Unies, Fès", "0500 00 01 01"},
    {"gendarmerie", "Cellule de la Gendarmerie Royale — Moulay Yacoub", "gendarmerie", "03.05",
     "Centre (fictif), Moulay Yacoub", "0500 00 01 02"},
    {"prosecution", "Cellule de prise en charge — Parquet du Tribunal de première instance de Fès",
     "prosecution", "03.01", "Tribunal de première instance (démo), Fès", "0500 00 01 03"},
    {"court", "Tribunal de première instance de Fès (démo)", "court", "03.01",
     "Tribunal de première instance (démo), Fès", "0500 00 01 04"},
    {"health", "Unité intégrée de prise en charge — Hôpital (démo) de Fès", "health", "03.01",
     "Service des urgences (démo), Fès", "0500 00 01 05"},
    {"listening", "Centre d'écoute et d'orientation — Association Amal (fictive)", "ngo_listening",
     "03.01", "Rue (fictive) 12, Fès", "0500 00 01 06"},
    {"shelter", "Centre d'hébergement Dar Al Amane (fictif)", "ngo_shelter", "03.01",
     "Adresse confidentielle", "0500 00 01 07"},
    {"entraide", "Entraide Nationale — délégation de Fès (démo)", "entraide_nationale", "03.01",
     "Délégation (démo), Fès", "0500 00 01 08"},
    {"upe", "Unité de protection de l'enfance de Fès (démo)", "child_protection", "03.01",
     "UPE (démo), Fès", "0500 00 01 09"},
    {"commission", "Commission locale de prise en charge des femmes victimes de violence — Fès",
     "commission", "03.01", "Tribunal de première instance (démo), Fès", "0500 00 01 10"},
    {"caidat", "Caïdat (démo) — Fès", "local_authority", "03.01", "Caïdat (démo), Fès",
     "0500 00 01 11"},
    {"education", "Direction provinciale de l'éducation — Fès (démo)", "education", "03.01",
     "Direction (démo), Fès", "0500 00 01 12"},
};

}  // namespace

const std::vector<DemoAccount>& DemoAccounts() {
  static const std::vector<DemoAccount> kAccounts = {
      {"admin", "administrator", "commission", "Salma Administratrice (démo)",
       "TAMKINEADMINDEMOTOTPSECRET234567"},
      {"police.head", "unit_head", "police", "Nadia Cheffe de cellule (démo)",
       "TAMKINEPOLICEHEADDEMOSECRET23456"},
      {"police.officer", "officer", "police", "Hind Officière (démo)", ""},
      {"gendarmerie.officer", "officer", "gendarmerie", "Karim Gendarme (démo)", ""},
      {"prosecutor", "prosecutor", "prosecution", "Youssef Substitut (démo)", ""},
      {"judge", "judge", "court", "Meryem Juge (démo)", ""},
      {"clerk", "clerk", "court", "Omar Greffier (démo)", ""},
      {"doctor", "doctor", "health", "Dr Laila Médecin (démo)", ""},
      {"psychologist", "psychologist", "health", "Sanae Psychologue (démo)", ""},
      {"social.worker", "social_worker", "listening", "Zineb Assistante sociale (démo)", ""},
      {"accompagnatrice", "accompagnatrice", "listening", "Fatiha Accompagnatrice (démo)", ""},
      {"shelter.worker", "social_worker", "shelter", "Houda Éducatrice (démo)", ""},
      {"entraide.worker", "social_worker", "entraide", "Rachid Travailleur social (démo)", ""},
      {"upe.worker", "social_worker", "upe", "Imane Assistante UPE (démo)", ""},
      {"commission.member", "commission_member", "commission", "Aicha Membre (démo)", ""},
  };
  return kAccounts;
}

StatusOr<SeedReport> SeedDemo(const identity::Deps& deps, const SeedOptions& options) {
  SeedReport report;
  {
    ASSIGN_OR_RETURN(auto tx, deps.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT COUNT(*) FROM units"));
    if (row && row->Int(0) > 0) {
      report.already_seeded = true;
      return report;
    }
  }
  identity::UnitService units(deps);
  identity::UserService users(deps);
  std::map<std::string, std::string> unit_ids, user_ids;
  for (const auto& u : kUnits) {
    identity::UnitInput in;
    in.name = u.name;
    in.sector = u.sector;
    in.province_code = u.province;
    in.address = u.address;
    in.phone = u.phone;
    ASSIGN_OR_RETURN(auto created, units.CreateBootstrap(in));
    unit_ids[u.key] = created.id;
    ++report.units;
  }
  for (const auto& a : DemoAccounts()) {
    identity::UserInput in;
    in.username = a.username;
    in.display_name = a.display_name;
    in.password = kDemoPassword;
    in.memberships.push_back({unit_ids.at(a.unit_key), a.role});
    std::optional<std::vector<uint8_t>> secret;
    if (!a.totp_secret.empty()) {
      ASSIGN_OR_RETURN(secret, crypto::Base32Decode(a.totp_secret));
    }
    ASSIGN_OR_RETURN(auto user, users.CreateBootstrap(in, secret));
    user_ids[a.username] = user.id;
    ++report.users;
  }
  ASSIGN_OR_RETURN(report.directory_services, SeedDirectory(deps, unit_ids));
  if (options.cases > 0) {
    ASSIGN_OR_RETURN(report.cases, SeedCases(deps, unit_ids, user_ids, options.cases));
    ASSIGN_OR_RETURN(report.referrals, SeedReferrals(deps, unit_ids, user_ids));
    ASSIGN_OR_RETURN(report.work_items, SeedCoordination(deps, unit_ids, user_ids));
  }
  return report;
}

}  // namespace tamkine::demo
