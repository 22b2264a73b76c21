// JSON codecs for the identity and audit API: strict decoding of request bodies into domain
// inputs (unknown fields and wrong types rejected, the field named) and encoding of results.
#pragma once

#include "audit/audit_log.h"
#include "common/json.h"
#include "identity/auth_service.h"
#include "identity/model.h"

namespace tamkine::http::api {

StatusOr<identity::UnitInput> DecodeUnitInput(const Json& j);
StatusOr<identity::UnitPatch> DecodeUnitPatch(const Json& j);
StatusOr<identity::UserInput> DecodeUserInput(const Json& j);
StatusOr<identity::UserPatch> DecodeUserPatch(const Json& j);
StatusOr<std::vector<identity::MembershipInput>> DecodeMemberships(const Json& j);

Json EncodeUnit(const identity::Unit& u);
Json EncodeUser(const identity::User& u);
Json EncodeMemberships(const std::vector<access::Membership>& ms);
Json EncodeSession(const identity::SessionInfo& s);
Json EncodeAuditEntry(const audit::Entry& e);
Json EncodeVerifyReport(const audit::VerifyReport& r);
Json EncodeCheckpoint(const audit::Checkpoint& c);

}  // namespace tamkine::http::api
