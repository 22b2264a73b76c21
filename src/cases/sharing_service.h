// Sharing a case and watching who reads it: the survivor's consents per recipient unit and
// purpose (children: legal grounds), break-the-glass grants and their review, users excluded
// from a case, urgent alerts for unit heads, and the case's access log. Every call is authorized
// and audited.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/subject.h"
#include "cases/deps.h"
#include "cases/model.h"
#include "common/status.h"

namespace tamkine::cases {

class SharingService {
 public:
  explicit SharingService(Deps deps) : deps_(std::move(deps)) {}

  // One consent (or legal ground) per purpose for the recipient unit. InvalidArgument naming the
  // field for a unit that does not exist, a purpose that does not fit its sector, a legal ground
  // on an adult's case.
  StatusOr<std::vector<ConsentView>> RecordConsent(
      const access::RequestContext& ctx, const std::string& case_id, const ConsentInput& in,
      const std::optional<std::string>& acting_unit_id);
  // Takes effect on the recipient's next request. FailedPrecondition when already revoked.
  StatusOr<ConsentView> RevokeConsent(const access::RequestContext& ctx, const std::string& case_id,
                                      const std::string& consent_id, const std::string& reason,
                                      const std::optional<std::string>& acting_unit_id);
  // Active and revoked consents (policy case.read_core: who is involved is part of the core).
  StatusOr<std::vector<ConsentView>> ListConsents(const access::RequestContext& ctx,
                                                  const std::string& case_id);

  // Emergency access by reference code: reads only, for at most Options::break_glass_max, with a
  // written reason; alerts the heads of the grantee's unit and of the opening unit.
  StatusOr<BtgView> BreakGlass(const access::RequestContext& ctx, const std::string& reference_code,
                               const std::string& reason, int minutes);
  // Grants to review for a unit the subject heads (grants by its staff or on its cases).
  StatusOr<std::vector<BtgView>> ListBreakGlass(const access::RequestContext& ctx,
                                                const std::string& unit_id, bool pending_only);
  StatusOr<BtgView> ReviewBreakGlass(const access::RequestContext& ctx, const std::string& grant_id,
                                     const std::string& outcome,
                                     const std::optional<std::string>& note);

  // Records a user as the perpetrator of, or related to, the case: refused everything on it.
  Status AddExclusion(const access::RequestContext& ctx, const std::string& case_id,
                      const std::string& user_id, const std::string& reason);

  // Who accessed what on the case and when, oldest first (allowed and denied). Usernames only
  // when `with_usernames` (the survivor's printable copy names units and roles only).
  StatusOr<std::vector<AccessLogEntry>> AccessLog(const access::RequestContext& ctx,
                                                  const std::string& case_id, bool with_usernames);

  StatusOr<std::vector<AlertView>> ListAlerts(const access::RequestContext& ctx,
                                              const std::string& unit_id,
                                              bool include_acknowledged);
  StatusOr<AlertView> AcknowledgeAlert(const access::RequestContext& ctx,
                                       const std::string& alert_id);

 private:
  Deps deps_;
};

}  // namespace tamkine::cases
