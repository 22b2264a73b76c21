// The notifications outbox (docs/notifications.md): enqueueing messages for the members of a unit
// (staff who opted in) and for a survivor (only when her contact is marked safe), users' channel
// preferences, and the administrators' view of deliveries. Enqueueing is a database insert only:
// a channel that is down never blocks or loses the in-platform item; the DeliveryWorker
// (delivery.h) sends.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/subject.h"
#include "common/clock.h"
#include "common/status.h"
#include "notify/message.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::notify {

enum class Urgency { kNormal, kUrgent };

struct NotifierOptions {
  // At most one "new items" message per user and channel within this window (and none while an
  // earlier one is still undelivered).
  Micros coalesce_window = 10 * kMicrosPerMinute;
};

struct NotifierDeps {
  storage::Store* store = nullptr;
  crypto::Keyring* keyring = nullptr;
  const Clock* clock = nullptr;
  // Which channels are configured; messages are only enqueued for these.
  bool email_enabled = false;
  bool sms_enabled = false;
  // Wakes the delivery worker after an enqueue (optional; it also polls).
  std::function<void()> kick;
};

// One outbox row as administrators see it: no address (a masked hint), no text (the template).
struct NotificationView {
  std::string id;
  std::string recipient_kind;               // user | survivor_contact
  std::optional<std::string> recipient_id;  // the user; null for a survivor
  std::string channel;
  std::string address_hint;
  std::string template_code;
  std::string language;
  std::string state;  // pending | sent | failed | given_up | withheld
  int attempts = 0;
  std::optional<Micros> next_attempt_at;
  std::optional<std::string> last_error;  // for withheld: why
  Micros created_at = 0;
  std::optional<Micros> sent_at;
};

struct SurvivorOutcome {
  bool queued = false;
  std::string notification_id;  // the row (queued, or withheld with its reason)
  std::string reason;           // why it was withheld (empty when queued)
};

struct Preferences {
  bool email = false;
  bool sms = false;
  std::string language = "fr";  // ar | fr | en | zgh
  // Masked addresses the messages would go to (from the user's account); null when none.
  std::optional<std::string> email_hint;
  std::optional<std::string> phone_hint;
};

// Thread safety: every method may be called concurrently (each runs its own transactions).
class Notifier {
 public:
  explicit Notifier(NotifierDeps deps, NotifierOptions options = {});

  // Enqueues "you have a new (urgent) item in Tamkine" for each active member of the unit who
  // opted in to a configured channel and has an address for it, unless coalesced (see
  // NotifierOptions). Returns how many messages were enqueued.
  StatusOr<int> NotifyUnit(const std::string& unit_id, Urgency urgency);

  // A hook for modules that report "an item for this unit changed" after commit: enqueues and
  // logs a failure instead of returning it (the in-platform item is already committed).
  std::function<void(const std::string& unit_id)> UnitHook(Urgency urgency);

  // Enqueues a survivor template (Audience::kSurvivor) to her phone by SMS, in her language, only
  // when texting her is marked safe and she has a phone. Otherwise records a `withheld` row
  // saying why and returns queued=false (not an error). NotFound for an unknown case,
  // InvalidArgument for a template that is not a survivor template.
  StatusOr<SurvivorOutcome> NotifySurvivor(const std::string& case_id,
                                           std::string_view template_code);

  // --- administrators (notification.admin / notification.test) ---
  // Newest first; `state` filters. InvalidArgument for an unknown state.
  StatusOr<std::vector<NotificationView>> List(const access::RequestContext& ctx,
                                               const std::optional<std::string>& state, int limit);
  // Makes a failed or given-up message due now (attempts start again). NotFound; a sent or
  // withheld message is FailedPrecondition.
  StatusOr<NotificationView> Retry(const access::RequestContext& ctx, const std::string& id);
  // Enqueues the "test" template to the administrator's own address on `channel`.
  // FailedPrecondition when the channel is not configured or the account has no such address.
  StatusOr<NotificationView> SendTest(const access::RequestContext& ctx, ChannelKind channel);

  // --- the signed-in user's own preferences (notification.preferences) ---
  StatusOr<Preferences> GetPreferences(const access::RequestContext& ctx);
  // InvalidArgument for an unknown language.
  StatusOr<Preferences> SetPreferences(const access::RequestContext& ctx, const Preferences& p);

 private:
  struct Enqueue {
    std::string recipient_kind, recipient_id;
    ChannelKind channel = ChannelKind::kEmail;
    std::string address, template_code, language;
  };
  // Inserts a pending row; returns its id.
  StatusOr<std::string> Insert(storage::Tx& tx, const Enqueue& e, Micros now);
  StatusOr<NotificationView> Load(storage::Tx& tx, const std::string& id);
  void Kick() const;

  NotifierDeps deps_;
  NotifierOptions options_;
};

}  // namespace tamkine::notify
