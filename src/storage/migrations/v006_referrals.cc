// v6: referrals between units (docs/referrals.md). A referral sends her, with her consent (a
// child: a legal ground), from one unit to another for one service, carrying exactly the
// documents she agreed to share. Free text (reason, decline reason, next step) is sealed; states,
// units, services and priorities stay plain because rules and inboxes need them. `version` makes
// every decision a conditional update checked by the database (two users, one winner).
// Version 5 belongs to another capability (coordination work items); the runner applies each
// missing version by number, so the gap is harmless.
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV6 = R"SQL(
CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases (id),
  from_unit_id TEXT NOT NULL REFERENCES units (id),
  from_user_id TEXT NOT NULL REFERENCES users (id),
  to_unit_id TEXT NOT NULL REFERENCES units (id),
  service TEXT NOT NULL,
  purpose TEXT NOT NULL,
  priority TEXT NOT NULL CHECK (priority IN ('urgent', 'priority', 'normal')),
  reason_sealed {{BLOB}},
  state TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined', 'cancelled',
                                       'completed')),
  decided_at BIGINT,
  decided_by_user_id TEXT REFERENCES users (id),
  decided_by_unit_id TEXT REFERENCES units (id),
  decision_sealed {{BLOB}},
  next_step_referral_id TEXT REFERENCES referrals (id),
  next_step_sealed {{BLOB}},
  next_step_unit_id TEXT REFERENCES units (id),
  parent_referral_id TEXT REFERENCES referrals (id),
  consent_basis TEXT NOT NULL
    CHECK (consent_basis IN ('consent', 'legal_ground', 'opening_unit')),
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_by_case ON referrals (case_id, created_at);
CREATE INDEX referrals_to_unit ON referrals (to_unit_id, state, created_at);
CREATE INDEX referrals_from_unit ON referrals (from_unit_id, state, created_at);
CREATE TABLE referral_documents (
  referral_id TEXT NOT NULL REFERENCES referrals (id),
  document_id TEXT NOT NULL REFERENCES documents (id),
  agreed_method TEXT NOT NULL,
  recorded_by_user_id TEXT NOT NULL REFERENCES users (id),
  recorded_at BIGINT NOT NULL,
  PRIMARY KEY (referral_id, document_id)
);
CREATE INDEX referral_documents_by_document ON referral_documents (document_id);
)SQL";

}  // namespace

std::string V6Referrals(bool /*pg*/) { return std::string(kV6); }

}  // namespace tamkine::storage
