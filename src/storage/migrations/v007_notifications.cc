// v7: notifications outside the platform (docs/notifications.md). The outbox holds one row per
// message to send: who (a user, or a survivor's contact through her case), how (email | sms),
// where (the address, sealed; a masked hint for administrators), what (a template code and a
// language — never text, never case content), and the delivery state. Users opt in per channel
// in notification_preferences.
//
// Version 7 follows 4 on this branch: versions 5 (coordination) and 6 (referrals) are added by
// their own capabilities; the migration runner applies each missing version on its own, so a gap
// is harmless and a database at 7 still receives 5 and 6 when they arrive (they do not depend on
// these tables, nor these on them).
#include "storage/migrations/versions.h"

namespace tamkine::storage {

namespace {

constexpr std::string_view kV7 = R"SQL(
CREATE TABLE notification_preferences (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  email BIGINT NOT NULL DEFAULT 0,
  sms BIGINT NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('ar', 'fr', 'en', 'zgh')),
  updated_at BIGINT NOT NULL
);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('user', 'survivor_contact')),
  recipient_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  address_sealed {{BLOB}},
  address_hint TEXT NOT NULL DEFAULT '',
  template TEXT NOT NULL,
  language TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'given_up', 'withheld')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, channel, template,
                                                          created_at);
CREATE INDEX notifications_by_created ON notifications (created_at);
)SQL";

}  // namespace

std::string V7Notifications(bool /*pg*/) { return std::string(kV7); }

}  // namespace tamkine::storage
