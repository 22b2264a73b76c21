#include "cases/contact.h"

#include "cases/case_store.h"
#include "cases/case_write.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

StatusOr<SurvivorContact> LoadSurvivorContact(const Deps& deps, const std::string& case_id) {
  ASSIGN_OR_RETURN(auto tx, deps.store->Begin(storage::TxMode::kRead));
  std::string id = case_id;
  std::optional<internal::CaseRow> row;
  for (int hops = 0; hops < 8; ++hops) {  // merges chain rarely; bound it anyway
    ASSIGN_OR_RETURN(row, internal::LoadCase(*tx, id));
    if (!row) return NotFound("no such case");
    if (!row->merged_into_case_id) break;
    id = *row->merged_into_case_id;
  }
  SurvivorContact out;
  out.case_id = row->id;
  out.closed = row->status == "closed";
  ASSIGN_OR_RETURN(Json identity, internal::OpenSurvivorPart(*tx, *deps.keyring, row->survivor_id,
                                                             "identity_sealed"));
  ASSIGN_OR_RETURN(Json profile, internal::OpenSurvivorPart(*tx, *deps.keyring, row->survivor_id,
                                                            "profile_sealed"));
  out.phones = internal::JsonStrings(identity.value("phones", Json::array()));
  out.languages = internal::JsonStrings(profile.value("languages", Json::array()));
  const Json contact = profile.value("contact", Json::object());
  out.safety.safe_to_call = contact.value("safe_to_call", false);
  out.safety.safe_to_text = contact.value("safe_to_text", false);
  out.safety.safe_times = internal::JsonOptString(contact, "safe_times");
  return out;
}

}  // namespace tamkine::cases
