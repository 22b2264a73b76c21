#include "demo/seed_coordination.h"

#include "coordination/case_hooks.h"
#include "coordination/coordination_service.h"

namespace tamkine::demo {

namespace {

// A demo user as the services see them after sign-in.
StatusOr<access::Subject> SubjectOf(storage::Store& store, const std::string& user_id,
                                    const std::string& username) {
  access::Subject s;
  s.user_id = user_id;
  s.username = username;
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto rows,
                   tx->Query("SELECT m.unit_id, u.name, u.sector, u.region_code, u.province_code, "
                             "m.role FROM memberships m JOIN units u ON u.id = m.unit_id WHERE "
                             "m.user_id = ? ORDER BY m.unit_id, m.role",
                             {user_id}));
  for (const auto& r : rows) {
    s.memberships.push_back(
        {r.Text(0), r.Text(1), r.Text(2), static_cast<int>(r.Int(3)), r.Text(4), r.Text(5)});
  }
  RETURN_IF_ERROR(tx->Commit());
  return s;
}

// Open cases the prosecution reaches (consent beyond coordination), oldest first.
StatusOr<std::vector<std::string>> ProsecutionCases(storage::Store& store,
                                                    const std::string& prosecution, size_t n) {
  ASSIGN_OR_RETURN(auto tx, store.Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(
      auto rows,
      tx->Query("SELECT DISTINCT c.id, c.created_at FROM cases c JOIN consents k ON k.case_id = "
                "c.id WHERE k.unit_id = ? AND k.revoked_at IS NULL AND k.purpose <> "
                "'coordination' AND c.status = 'open' AND c.merged_into_case_id IS NULL AND "
                "c.justice_status NOT IN ('closed', 'closed_without_action') "
                "ORDER BY c.created_at, c.id LIMIT " +
                    std::to_string(n),
                {prosecution}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

}  // namespace

StatusOr<int> SeedCoordination(const identity::Deps& deps,
                               const std::map<std::string, std::string>& unit_ids,
                               const std::map<std::string, std::string>& user_ids) {
  coordination::Deps cdeps{deps.store, deps.keyring, deps.clock, {}, {}};
  coordination::CoordinationService svc(cdeps);
  ASSIGN_OR_RETURN(access::Subject prosecutor,
                   SubjectOf(*deps.store, user_ids.at("prosecutor"), "prosecutor"));
  ASSIGN_OR_RETURN(access::Subject officer,
                   SubjectOf(*deps.store, user_ids.at("police.officer"), "police.officer"));
  access::RequestContext as_prosecutor{&prosecutor, "127.0.0.1", "demo-seed"};
  access::RequestContext as_officer{&officer, "127.0.0.1", "demo-seed"};
  ASSIGN_OR_RETURN(auto cases, ProsecutionCases(*deps.store, unit_ids.at("prosecution"), 5));
  const Micros now = deps.clock->Now();
  int created = 0;
  struct Plan {
    const char* type;
    const char* unit;
    const char* priority;
    Micros issued_ago;  // a phone instruction recorded afterwards
    const char* note;
  };
  const Plan plans[] = {
      {"go_to_scene", "police", "urgent", 0, "Appel de la voisine : cris entendus (démo)"},
      {"take_statement_on_site", "police", "priority", 30 * kMicrosPerMinute,
       "Elle est au centre d'hébergement (démo)"},
      {"obtain_medical_certificate", "health", "priority", 0, nullptr},
      {"remove_aggressor_from_home", "police", "normal", 2 * kMicrosPerHour, nullptr},
  };
  for (size_t i = 0; i < cases.size() && i < std::size(plans); ++i) {
    coordination::IssueInput in;
    in.case_id = cases[i];
    in.type = plans[i].type;
    in.target_unit_id = unit_ids.at(plans[i].unit);
    in.priority = plans[i].priority;
    if (plans[i].issued_ago > 0) in.issued_at = now - plans[i].issued_ago;
    if (plans[i].note != nullptr) in.note = plans[i].note;
    ASSIGN_OR_RETURN(auto w, svc.Issue(as_prosecutor, in));
    ++created;
    if (i == 1) {
      coordination::ActInput ack;
      ack.action = "acknowledge";
      RETURN_IF_ERROR(svc.Act(as_officer, w.id, ack).status());
    }
  }
  if (cases.size() == std::size(plans) + 1) {
    // Her withdrawal, recorded by the police: a review for the prosecution.
    coordination::WithdrawalInput in;
    in.case_id = cases.back();
    in.note = "Venue retirer sa plainte accompagnée de sa belle-famille (démo)";
    auto review = svc.RecordWithdrawal(as_officer, in);
    if (review.ok()) ++created;
  }
  // Health follow-ups of the demo cases' sexual violence (seeded without the hooks).
  coordination::CoordinationCaseHooks hooks(cdeps);
  RETURN_IF_ERROR(storage::WithTx(*deps.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    ASSIGN_OR_RETURN(auto rows,
                     tx.Query("SELECT DISTINCT i.case_id FROM incidents i JOIN cases c ON c.id = "
                              "i.case_id WHERE c.status = 'open' AND (i.gbv_type IN ('rape', "
                              "'sexual_assault') OR i.forms LIKE '%,sexual,%') ORDER BY "
                              "i.case_id LIMIT 3"));
    for (const auto& r : rows) RETURN_IF_ERROR(hooks.AfterWrite(tx, r.Text(0), now));
    return Status::Ok();
  }));
  return created;
}

}  // namespace tamkine::demo
