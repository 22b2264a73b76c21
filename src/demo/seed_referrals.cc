#include "demo/seed_referrals.h"

#include <memory>

#include "cases/document_service.h"
#include "cases/sharing_service.h"
#include "referrals/referral_service.h"

namespace tamkine::demo {

namespace {

// The demo user as a subject of one unit (Fès, region 3).
access::Subject As(const std::string& user_id, const std::string& username,
                   const std::string& unit_id, const std::string& sector, const std::string& role) {
  access::Subject s;
  s.user_id = user_id;
  s.username = username;
  s.memberships.push_back({unit_id, "", sector, 3, "03.01", role});
  return s;
}

}  // namespace

StatusOr<int> SeedReferrals(const identity::Deps& deps,
                            const std::map<std::string, std::string>& unit_ids,
                            const std::map<std::string, std::string>& user_ids) {
  std::string case_id;
  {
    ASSIGN_OR_RETURN(auto tx, deps.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT id FROM cases WHERE created_by_unit_id = ? "
                                            "AND kind = 'adult' AND merged_into_case_id IS NULL "
                                            "ORDER BY created_at, id LIMIT 1",
                                            {unit_ids.at("police")}));
    if (!row) return 0;
    case_id = row->Text(0);
  }
  referrals::ReferralService service(referrals::Deps{deps.store, deps.keyring, deps.clock, {}});
  cases::Deps case_deps{deps.store, deps.keyring, deps.clock, nullptr, {}, service.shares()};
  cases::SharingService sharing(case_deps);
  cases::DocumentService documents(case_deps);

  const access::Subject officer = As(user_ids.at("police.officer"), "police.officer",
                                     unit_ids.at("police"), "police", "officer");
  const access::Subject shelter = As(user_ids.at("shelter.worker"), "shelter.worker",
                                     unit_ids.at("shelter"), "ngo_shelter", "social_worker");
  access::RequestContext as_officer{&officer, "127.0.0.1", "seed-demo"};
  access::RequestContext as_shelter{&shelter, "127.0.0.1", "seed-demo"};

  for (const auto& [unit, purpose] :
       {std::pair<std::string, std::string>{"shelter", "shelter"}, {"health", "medical_care"}}) {
    cases::ConsentInput c;
    c.unit_id = unit_ids.at(unit);
    c.purposes = {purpose};
    c.method = "written";
    RETURN_IF_ERROR(sharing.RecordConsent(as_officer, case_id, c, std::nullopt).status());
  }
  cases::DocumentInput complaint;
  complaint.type = "complaint";
  complaint.metadata = {{"filed_on", "2025-12-30"}, {"route", "in_person"}};
  ASSIGN_OR_RETURN(auto doc, documents.Create(as_officer, case_id, complaint));

  referrals::ReferralInput to_shelter;
  to_shelter.to_unit_id = unit_ids.at("shelter");
  to_shelter.service = "shelter";
  to_shelter.priority = "urgent";
  to_shelter.reason = "Elle ne peut pas rentrer chez elle ce soir (démo).";
  to_shelter.document_ids = {doc.id};
  to_shelter.documents_agreement = "written";
  ASSIGN_OR_RETURN(auto sent, service.Create(as_officer, case_id, to_shelter));
  RETURN_IF_ERROR(service.Accept(as_shelter, sent.id, {}).status());

  referrals::ReferralInput to_hospital;
  to_hospital.to_unit_id = unit_ids.at("health");
  to_hospital.service = "medical_care";
  to_hospital.priority = "priority";
  to_hospital.reason = "Certificat médical à établir (démo).";
  RETURN_IF_ERROR(service.Create(as_officer, case_id, to_hospital).status());
  return 2;
}

}  // namespace tamkine::demo
