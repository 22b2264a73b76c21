// Referrals between units (docs/referrals.md): a unit that works on the case sends her to another
// unit for a service, with her consent for that unit and the service's purpose (a child: a legal
// ground), carrying exactly the documents she agreed to send; the receiving unit accepts or
// declines with a reason and a next step (no dead ends); the case shows the whole path. Every call
// is authorized and audited (audit::Guarded), every change writes a timeline event, and every
// decision is a conditional update on the referral's version: of two users acting at once, one
// wins and the other gets FailedPrecondition (409).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "access/subject.h"
#include "cases/deps.h"
#include "common/clock.h"
#include "common/status.h"
#include "referrals/model.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::referrals {

struct Deps {
  storage::Store* store = nullptr;
  crypto::Keyring* keyring = nullptr;
  const Clock* clock = nullptr;
  // Called after commit, once per unit, when a referral from or to that unit is created or
  // changes (live updates and notifications plug in here). May be null.
  std::function<void(const std::string& unit_id)> on_changed;
};

// The documents sent with live referrals, for the case services' document rule (cases::Deps).
// Stateless; safe from any thread.
class ReferralShares : public cases::DocumentShares {
 public:
  StatusOr<std::map<std::string, std::vector<std::string>>> SharedDocuments(
      storage::Tx& tx, const std::string& case_id) override;
};

struct DecideCall;  // referral_service.cc

class ReferralService {
 public:
  explicit ReferralService(Deps deps);

  // InvalidArgument naming the field: service, priority, reason, to_unit_id (unknown or inactive
  // unit, the referring unit itself, a sector that does not provide the service, no active
  // consent), document_ids[i] (not a document of the case, or one the referring unit may not
  // read), documents_agreement. Policy referral.create.
  StatusOr<ReferralView> Create(const access::RequestContext& ctx, const std::string& case_id,
                                const ReferralInput& in);
  // The case's whole referral path, oldest first. Policy referral.read.
  StatusOr<std::vector<ReferralView>> ListForCase(const access::RequestContext& ctx,
                                                  const std::string& case_id);
  StatusOr<ReferralView> Get(const access::RequestContext& ctx, const std::string& referral_id);

  // Receiving unit (referral.decide). Accepting needs her consent to be still active.
  StatusOr<ReferralView> Accept(const access::RequestContext& ctx, const std::string& referral_id,
                                const DecisionInput& in);
  // Receiving unit (referral.decide): a reason and exactly one next step (a new referral from the
  // declining unit, whose creation is authorized and audited as referral.create, or a named step
  // and the unit that holds it). Returns the declined referral.
  StatusOr<ReferralView> Decline(const access::RequestContext& ctx, const std::string& referral_id,
                                 const DeclineInput& in);
  // Receiving unit (referral.decide), once the service was given.
  StatusOr<ReferralView> Complete(const access::RequestContext& ctx, const std::string& referral_id,
                                  const DecisionInput& in);
  // Referring unit (referral.cancel), while proposed.
  StatusOr<ReferralView> Cancel(const access::RequestContext& ctx, const std::string& referral_id,
                                const DecisionInput& in);

  // Referrals to (incoming) or from (outgoing) the user's units, urgent first then oldest first;
  // never of a case the user is excluded from. Policy referral.list.
  StatusOr<std::vector<InboxItem>> Inbox(const access::RequestContext& ctx,
                                         const InboxFilter& filter);

  cases::DocumentShares* shares() { return &shares_; }

 private:
  StatusOr<ReferralView> Decide(const access::RequestContext& ctx, const std::string& referral_id,
                                std::string_view action, const std::optional<int64_t>& version,
                                const std::optional<std::string>& acting_unit_id,
                                const std::function<Status(DecideCall&)>& act);
  // Accept (her consent still active), complete or cancel, with an optional note.
  StatusOr<ReferralView> DecideWithNote(const access::RequestContext& ctx,
                                        const std::string& referral_id, std::string_view action,
                                        const DecisionInput& in);
  void Changed(const std::vector<std::string>& unit_ids) const;

  Deps deps_;
  ReferralShares shares_;
  cases::Deps case_deps_;
};

}  // namespace tamkine::referrals
