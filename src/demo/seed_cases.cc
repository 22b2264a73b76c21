#include "demo/seed_cases.h"

#include <algorithm>
#include <random>
#include <vector>

#include "cases/dates.h"
#include "cases/import.h"
#include "cases/lifecycle.h"
#include "demo/seed.h"

namespace tamkine::demo {

namespace {

using cases::ImportActor;

// Common first names, and family names that are plainly invented ("Fictif", "Exemple", ...),
// in Latin and Arabic script: no real person is described.
const char* const kFirstLatin[] = {"Fatima Zahra", "Khadija", "Aicha",  "Salma",    "Nadia",
                                   "Hind",         "Zineb",   "Meryem", "Imane",    "Sanae",
                                   "Houda",        "Laila",   "Samira", "Naima",    "Rachida",
                                   "Malika",       "Hafsa",   "Ikram",  "Soukaina", "Asmae"};
const char* const kFirstArabic[] = {"فاطمة الزهراء", "خديجة", "عائشة", "سلمى",  "نادية",
                                    "هند",           "زينب",  "مريم",  "إيمان", "سناء",
                                    "هدى",           "ليلى",  "سميرة", "نعيمة", "رشيدة",
                                    "مليكة",         "حفصة",  "إكرام", "سكينة", "أسماء"};
const char* const kLastLatin[] = {"El Fictif",   "Ben Exemple", "Aït Démo",    "Ou Modèle",
                                  "Bel Imaginé", "El Essai",    "Ben Fiction", "Aït Maquette"};
const char* const kLastArabic[] = {"الوهمي",  "بن المثال", "آيت التجربة", "أو النموذج",
                                   "بلخيالي", "التجريبي",  "بن الخيال",   "آيت المجسم"};
const char* const kChildNames[] = {"Yasmine", "Adam",  "Rim",  "Ilyas",
                                   "Nour",    "Ayoub", "Hiba", "Amine"};

struct Scenario {
  const char* name;
  cases::IncidentFacts facts;
  std::vector<std::string> forms;
  std::vector<const char*> relationships;
  int weight;
};

std::vector<Scenario> Scenarios() {
  using F = cases::IncidentFacts;
  auto facts = [](std::initializer_list<bool F::*> set) {
    F f;
    for (auto m : set) f.*m = true;
    return f;
  };
  return {
      {"conjugal physical violence",
       facts({&F::physical_assault, &F::psychological_abuse}),
       {"physical", "psychological"},
       {"husband", "ex_husband", "partner"},
       45},
      {"sexual violence",
       facts({&F::penetration}),
       {"sexual"},
       {"stranger", "acquaintance", "other_relative", "husband"},
       8},
      {"sexual assault",
       facts({&F::unwanted_sexual_contact}),
       {"sexual"},
       {"colleague", "employer", "stranger", "neighbour"},
       7},
      {"economic violence",
       facts({&F::denial_of_resources, &F::psychological_abuse}),
       {"economic", "psychological"},
       {"husband", "ex_husband", "in_law"},
       15},
      {"psychological violence",
       facts({&F::psychological_abuse}),
       {"psychological"},
       {"husband", "father", "brother", "in_law"},
       15},
      {"online harassment",
       facts({&F::psychological_abuse}),
       {"psychological"},
       {"ex_partner", "acquaintance", "stranger"},
       5},
      {"forced marriage",
       facts({&F::forced_marriage, &F::psychological_abuse}),
       {"psychological"},
       {"father", "other_relative"},
       5},
  };
}

class Seeder {
 public:
  Seeder(const std::map<std::string, std::string>& units,
         const std::map<std::string, std::string>& users, cases::Importer* importer)
      : units_(units), users_(users), importer_(importer), rng_(2026) {}

  Status Init(storage::Tx& tx) {
    for (const auto& a : DemoAccounts()) {
      ASSIGN_OR_RETURN(
          auto row, tx.QueryOne("SELECT sector FROM units WHERE id = ?", {units_.at(a.unit_key)}));
      actors_[a.username] = {users_.at(a.username), units_.at(a.unit_key), row->Text(0)};
    }
    scenarios_ = Scenarios();
    return Status::Ok();
  }

  Status One(storage::Tx& tx, int index, Micros now) {
    const Micros day = 24 * kMicrosPerHour;
    Micros at = now - Uniform(2, 360) * day - Uniform(0, 23) * kMicrosPerHour;
    const bool child = Chance(12);
    cases::NewCaseInput in;
    std::string opener;
    if (child) {
      in.kind = "child";
      in.child_role = Chance(60) ? "victim" : "accompanying";
      opener =
          Pick(std::vector<std::string>{"upe.worker", "upe.worker", "police.officer", "doctor"});
      in.intake.channel = opener == "upe.worker" && Chance(40) ? "referral" : "in_person";
      if (in.intake.channel == "referral") in.intake.referred_by_unit_id = units_.at("education");
      if (!mothers_.empty() && Chance(50)) in.linked_case_id = Pick(mothers_);
    } else {
      struct Entry {
        const char* user;
        const char* channel;
        int weight;
      };
      static const Entry kOpeners[] = {
          {"police.officer", "in_person", 20},      {"police.officer", "ex_officio", 6},
          {"police.officer", "referral", 3},        {"gendarmerie.officer", "in_person", 8},
          {"gendarmerie.officer", "ex_officio", 3}, {"prosecutor", "online_self_report", 8},
          {"prosecutor", "in_person", 5},           {"doctor", "in_person", 12},
          {"social.worker", "hotline", 10},         {"social.worker", "ngo_on_behalf", 6},
          {"accompagnatrice", "in_person", 6},      {"shelter.worker", "referral", 4}};
      int total = 0;
      for (const auto& e : kOpeners) total += e.weight;
      int roll = static_cast<int>(Uniform(0, total - 1));
      for (const auto& e : kOpeners) {
        if ((roll -= e.weight) < 0) {
          opener = e.user;
          in.intake.channel = e.channel;
          break;
        }
      }
      if (in.intake.channel == "referral") {
        in.intake.referred_by_unit_id =
            units_.at(opener == "shelter.worker" ? "listening" : "caidat");
      }
      if (in.intake.channel == "ngo_on_behalf")
        in.intake.on_behalf_unit_id = units_.at("listening");
    }
    const ImportActor& open = actors_.at(opener);
    in.intake.unit_id = open.unit_id;
    in.intake.received_at = at;
    if (Chance(30)) in.intake.notes = "Premier accueil (fictif) : elle est venue accompagnée.";

    // Survivor.
    cases::Date today = cases::MoroccoDate(at);
    int birth_year = child ? today.year - static_cast<int>(Uniform(3, 16))
                           : today.year - static_cast<int>(Uniform(18, 62));
    size_t first = Uniform(0, std::size(kFirstLatin) - 1);
    size_t last = Uniform(0, std::size(kLastLatin) - 1);
    if (child) {
      in.survivor.names = {std::string(kChildNames[first % std::size(kChildNames)]) + " " +
                           kLastLatin[last]};
    } else {
      in.survivor.names = {std::string(kFirstLatin[first]) + " " + kLastLatin[last],
                           std::string(kFirstArabic[first]) + " " + kLastArabic[last]};
      if (Chance(70)) in.survivor.id_number = "ZZ" + std::to_string(Uniform(100000, 999999));
      in.survivor.phones = {"06 99 " + std::to_string(Uniform(10, 99)) + " " +
                            std::to_string(Uniform(10, 99)) + " " +
                            std::to_string(Uniform(10, 99))};
      in.survivor.address = "Quartier (fictif) n° " + std::to_string(Uniform(1, 200)) + ", Fès";
      in.survivor.marital_status = Pick(std::vector<std::string>{
          "married", "married", "married", "married", "married", "divorced", "divorced", "single",
          "single", "separated", "widowed"});
      in.survivor.contact.safe_to_call = Chance(70);
      in.survivor.contact.safe_to_text = Chance(40);
      if (Chance(40)) in.survivor.contact.safe_times = "le matin, quand il est au travail";
      for (int k = 0, n = static_cast<int>(Uniform(0, 3)); k < n; ++k) {
        cases::ChildInput c;
        c.name = kChildNames[Uniform(0, std::size(kChildNames) - 1)];
        c.birth_date = std::to_string(today.year - Uniform(1, 15));
        c.sex = Chance(50) ? "female" : "male";
        in.survivor.children.push_back(c);
      }
    }
    in.survivor.birth_date =
        Chance(60) ? std::to_string(birth_year)
                   : std::to_string(birth_year) + "-0" + std::to_string(Uniform(1, 9));
    in.survivor.languages = {"darija"};
    if (Chance(30)) in.survivor.languages.emplace_back("french");
    if (Chance(20)) {
      in.survivor.languages = {Pick(std::vector<std::string>{"tamazight", "tachelhit", "tarifit"})};
      in.survivor.needs_translator = true;
    }
    in.survivor.reading_ability = Pick(std::vector<std::string>{
        "reads", "reads", "reads_with_difficulty", "cannot_read", "unknown"});
    if (Chance(6))
      in.survivor.disabilities = {Pick(std::vector<std::string>{"physical", "hearing"})};

    // Incident.
    const Scenario& s = WeightedScenario(child);
    cases::IncidentInput inc;
    cases::Date when = cases::MoroccoDate(at - Uniform(0, 20) * day);
    inc.date = when.ToString();
    if (Chance(60)) {
      const int64_t hour = Uniform(0, 23);
      inc.time = (hour < 10 ? "0" : "") + std::to_string(hour) + ":30";
    }
    inc.province_code = opener == "gendarmerie.officer" ? "03.05" : "03.01";
    inc.place_type =
        s.name == std::string("online harassment")
            ? "online"
            : Pick(std::vector<std::string>{"home", "home", "home", "home", "street", "workplace",
                                            "relative_home", "public_transport"});
    inc.forms = s.forms;
    inc.facts = s.facts;
    inc.repeat = Chance(50);
    inc.description = std::string("Récit (fictif) : ") + s.name + ".";
    cases::PerpetratorInput p;
    p.relationship = Pick(std::vector<std::string>(s.relationships.begin(), s.relationships.end()));
    p.cohabiting = p.relationship == "husband" || p.relationship == "partner";
    p.weapon = Chance(10);
    p.prior_violence = Chance(60);
    p.name = "Auteur (fictif) " + std::to_string(index + 1);
    if (index == 7) {
      // One demo case shows a perpetrator who is himself a user: he can never open it.
      p.works_in_sector = "gendarmerie";
      p.user_id = actors_.at("gendarmerie.officer").user_id;
    }
    inc.perpetrators.push_back(p);
    in.incidents.push_back(inc);

    // Consents for the units that will work on it.
    const bool medical = s.facts.physical_assault || s.facts.penetration || Chance(30);
    const bool justice = Chance(child ? 30 : 55);
    const bool shelter = !child && Chance(15);
    const bool economic = !child && Chance(8);
    auto consent = [&](const char* unit, std::vector<std::string> purposes) {
      if (units_.at(unit) == open.unit_id) return;
      in.consents.push_back({units_.at(unit), std::move(purposes), "consent", std::nullopt,
                             Chance(70) ? "oral" : "written"});
    };
    if (child) {
      if (opener != "upe.worker") {
        in.consents.push_back({units_.at("upe"),
                               {"child_protection"},
                               "legal_ground",
                               "child_protection_mandate",
                               "oral"});
      }
    } else {
      if (medical) consent("health", {"medical_care"});
      if (Chance(60) || shelter || economic) consent("listening", {"social_support", "legal_aid"});
      if (justice) {
        consent("police", {"investigation_prosecution"});
        consent("prosecution", {"investigation_prosecution"});
        consent("court", {"investigation_prosecution"});
      }
      if (shelter) consent("shelter", {"shelter"});
      if (economic) consent("entraide", {"economic_integration"});
    }
    if (child && medical) consent("health", {"medical_care"});
    if (child && justice) {
      consent("police", {"investigation_prosecution"});
      consent("prosecution", {"investigation_prosecution"});
    }
    if (Chance(50)) {
      cases::RiskInput risk;
      const bool high = Chance(25);
      risk.answers["threatened_to_kill"] = high && Chance(60) ? "yes" : "no";
      risk.answers["strangled_or_choked"] = high && Chance(40) ? "yes" : "no";
      risk.answers["violence_increasing"] = Chance(50) ? "yes" : "no";
      risk.answers["controlling_jealousy"] = Chance(50) ? "yes" : "unknown";
      risk.answers["recent_separation"] = Chance(30) ? "yes" : "no";
      in.risk = risk;
    }
    ASSIGN_OR_RETURN(std::string id, importer_->AddCase(tx, open, in, at));
    if (!child) mothers_.push_back(id);

    // The chain of services.
    // Steps spread over the case's age, so that recent cases have not been through everything.
    Micros t = at;
    const int64_t gap_hours = std::clamp<int64_t>((now - at) / (12 * kMicrosPerHour), 1, 96);
    auto later = [&] {
      t = std::min(now - kMicrosPerMinute, t + Uniform(1, gap_hours) * kMicrosPerHour);
      return t;
    };
    auto move = [&](const std::string& who, const char* track, const char* to,
                    const char* close_reason = nullptr) -> Status {
      cases::TransitionInput m;
      m.track = track;
      m.to = to;
      if (close_reason != nullptr) {
        m.close_reason = close_reason;
        m.reason = "Clôture (fictive) après entretien avec elle.";
      }
      return importer_->Move(tx, actors_.at(who), id, m, later());
    };
    auto doc = [&](const std::string& who, const char* type, const Json& meta,
                   const std::optional<cases::DocumentFileInput>& file = std::nullopt) -> Status {
      return importer_->Document(tx, actors_.at(who), id, type, meta, file, t);
    };
    auto today_str = [&] { return cases::MoroccoDate(t).ToString(); };
    if (child) {
      if (Chance(75))
        RETURN_IF_ERROR(importer_->ChildReportSent(tx, actors_.at("upe.worker"), id, later()));
      const char* path[] = {"reception", "diagnosis", "referral", "support"};
      int depth = static_cast<int>(Uniform(0, 4));
      for (int k = 0; k < depth; ++k) RETURN_IF_ERROR(move("upe.worker", "child", path[k]));
      if (depth == 4 && Chance(40)) {
        RETURN_IF_ERROR(move("upe.worker", "child", "closed", "services_completed"));
      }
    } else {
      struct Step {
        const char* to;
        const char* who;
        bool wanted;
      };
      const Step steps[] = {{"orientation", opener.c_str(), Chance(85)},
                            {"medical", "doctor", medical},
                            {"psychological", "psychologist", Chance(35)},
                            {"legal_aid", "social.worker", Chance(35)},
                            {"shelter", "shelter.worker", shelter},
                            {"training", "entraide.worker", economic},
                            {"economic_integration", "entraide.worker", economic}};
      std::string status = "reception";
      for (const auto& step : steps) {
        if (!step.wanted || !cases::CheckMove("care", status, step.to).ok()) continue;
        RETURN_IF_ERROR(move(step.who, "care", step.to));
        status = step.to;
        if (std::string(step.to) == "medical") {
          std::optional<cases::DocumentFileInput> pdf;
          if (Chance(30)) pdf = TinyPdf();
          RETURN_IF_ERROR(doc("doctor", "medical_certificate",
                              {{"doctor_name", "Dr (fictif) Démo"},
                               {"issued_on", today_str()},
                               {"itt_days", Uniform(0, 30)},
                               {"psychological_incapacity", Chance(20)},
                               {"copy_handed_to_survivor", Chance(80)}},
                              pdf));
          if (Chance(30)) {
            RETURN_IF_ERROR(importer_->Note(tx, actors_.at("doctor"), id, "clinical",
                                            "Examen (fictif) : ecchymoses, pas de fracture.", t));
          }
        }
        if (std::string(step.to) == "shelter") {
          RETURN_IF_ERROR(
              doc("shelter.worker", "shelter_admission",
                  {{"admitted_on", today_str()},
                   {"children_admitted", static_cast<int>(in.survivor.children.size())}}));
        }
        if (std::string(step.to) == "legal_aid" && Chance(50)) {
          RETURN_IF_ERROR(importer_->Note(tx, actors_.at("social.worker"), id, "social",
                                          "Entretien (fictif) : orientation vers l'avocate.", t));
        }
      }
      if (Chance(20) && status != "reception") {
        RETURN_IF_ERROR(move("social.worker", "care", "closed",
                             Chance(50) ? "services_completed" : "survivor_request"));
      }
    }
    if (justice) {
      const std::string officer = opener == "gendarmerie.officer" ? opener : "police.officer";
      RETURN_IF_ERROR(move(officer, "justice", "complaint"));
      RETURN_IF_ERROR(
          doc(officer, "complaint", {{"filed_on", today_str()}, {"route", "in_person"}}));
      if (Chance(80)) {
        RETURN_IF_ERROR(move(officer, "justice", "investigation"));
        RETURN_IF_ERROR(
            doc(officer, "police_minutes",
                {{"recorded_on", today_str()}, {"read_back_in_her_language", Chance(70)}}));
        if (Chance(70)) {
          RETURN_IF_ERROR(move("prosecutor", "justice", "prosecution_decision"));
          if (Chance(25)) {
            RETURN_IF_ERROR(move("prosecutor", "justice", "closed_without_action", "no_grounds"));
          } else {
            RETURN_IF_ERROR(doc("prosecutor", "prosecution_decision",
                                {{"decided_on", today_str()}, {"decision", "prosecute"}}));
            if (Chance(40)) {
              RETURN_IF_ERROR(doc("prosecutor", "protection_order",
                                  {{"issued_on", today_str()},
                                   {"issuing_authority", "prosecution"},
                                   {"measures", {"no_contact", "no_approach"}}}));
            }
            if (Chance(60)) {
              RETURN_IF_ERROR(move("judge", "justice", "hearings"));
              RETURN_IF_ERROR(doc("judge", "hearing_record",
                                  {{"held_on", today_str()}, {"private_hearing", true}}));
              if (Chance(50)) {
                RETURN_IF_ERROR(move("judge", "justice", "judgment"));
                RETURN_IF_ERROR(doc("judge", "judgment",
                                    {{"delivered_on", today_str()},
                                     {"outcome", Chance(70) ? "conviction" : "acquittal"},
                                     {"copy_given_to_survivor", Chance(50)}}));
              }
            }
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <typename T>
  T Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size()) - 1))];
  }
  const Scenario& WeightedScenario(bool child) {
    int total = 0;
    for (const auto& s : scenarios_) total += s.weight;
    while (true) {
      int roll = static_cast<int>(Uniform(0, total - 1));
      for (const auto& s : scenarios_) {
        if ((roll -= s.weight) >= 0) continue;
        // Children: no conjugal or economic scenarios.
        bool adult_only = std::string(s.name).find("conjugal") != std::string::npos ||
                          std::string(s.name).find("economic") != std::string::npos;
        if (child && adult_only) break;
        return s;
      }
    }
  }
  // A one-page PDF with a fake author in its information dictionary (stripped on the way in).
  static cases::DocumentFileInput TinyPdf() {
    const std::string pdf =
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        "4 0 obj\n<< /Author (Scanner fictif) >>\nendobj\n"
        "trailer\n<< /Root 1 0 R /Info 4 0 R >>\n%%EOF\n";
    return {"certificat-demo.pdf", {pdf.begin(), pdf.end()}, std::nullopt};
  }

  const std::map<std::string, std::string>& units_;
  const std::map<std::string, std::string>& users_;
  cases::Importer* importer_;
  std::mt19937_64 rng_;
  std::map<std::string, ImportActor> actors_;
  std::vector<Scenario> scenarios_;
  std::vector<std::string> mothers_;
};

}  // namespace

StatusOr<int> SeedCases(const identity::Deps& deps,
                        const std::map<std::string, std::string>& unit_ids,
                        const std::map<std::string, std::string>& user_ids, int count) {
  cases::Deps cdeps{deps.store, deps.keyring, deps.clock, nullptr, {}};
  ASSIGN_OR_RETURN(auto importer, cases::Importer::Create(cdeps));
  Seeder seeder(unit_ids, user_ids, importer.get());
  const Micros now = deps.clock->Now();
  RETURN_IF_ERROR(storage::WithTx(
      *deps.store, storage::TxMode::kWrite,
      [&](storage::Tx& tx) {
        RETURN_IF_ERROR(seeder.Init(tx));
        for (int i = 0; i < count; ++i) {
          Status s = seeder.One(tx, i, now);
          if (!s.ok())
            return Status(s.code(), "demo case " + std::to_string(i) + ": " + s.message(),
                          s.field());
        }
        return Status::Ok();
      },
      1));
  return count;
}

}  // namespace tamkine::demo
