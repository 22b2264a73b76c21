#include "notify/notifier.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "audit/guarded.h"
#include "cases/contact.h"
#include "common/ids.h"
#include "crypto/keyring.h"
#include "identity/user_service.h"

namespace tamkine::notify {

namespace {

constexpr char kViewColumns[] =
    "id, recipient_kind, recipient_id, channel, address_hint, template, language, state, "
    "attempts, next_attempt_at, last_error, created_at, sent_at";

NotificationView ViewFromRow(const storage::Row& r) {
  NotificationView v;
  v.id = r.Text(0);
  v.recipient_kind = r.Text(1);
  // A survivor is reached through her case: the case id stays out of the administrators' view.
  if (v.recipient_kind == "user") v.recipient_id = r.Text(2);
  v.channel = r.Text(3);
  v.address_hint = r.Text(4);
  v.template_code = r.Text(5);
  v.language = r.Text(6);
  v.state = r.Text(7);
  v.attempts = static_cast<int>(r.Int(8));
  v.next_attempt_at = r.OptInt(9);
  v.last_error = r.OptText(10);
  v.created_at = r.Int(11);
  v.sent_at = r.OptInt(12);
  return v;
}

bool IsState(std::string_view s) {
  for (std::string_view k : {"pending", "sent", "failed", "given_up", "withheld"}) {
    if (s == k) return true;
  }
  return false;
}

access::Resource OutboxResource(std::string id = {}) {
  access::Resource r;
  r.type = "notification";
  r.id = std::move(id);
  return r;
}

// The account itself: preferences are the account holder's (rule Self).
access::Resource OwnAccount(const std::string& user_id) {
  access::Resource r;
  r.type = "user";
  r.id = user_id;
  return r;
}

}  // namespace

Notifier::Notifier(NotifierDeps deps, NotifierOptions options)
    : deps_(std::move(deps)), options_(options) {}

void Notifier::Kick() const {
  if (deps_.kick) deps_.kick();
}

StatusOr<std::string> Notifier::Insert(storage::Tx& tx, const Enqueue& e, Micros now) {
  std::string id = NewId();
  ASSIGN_OR_RETURN(auto sealed,
                   deps_.keyring->Seal("notifications", "address_sealed", id, e.address));
  RETURN_IF_ERROR(
      tx.Exec("INSERT INTO notifications (id, recipient_kind, recipient_id, channel, "
              "address_sealed, address_hint, template, language, state, attempts, "
              "next_attempt_at, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
              {id, e.recipient_kind, e.recipient_id, std::string(ChannelName(e.channel)),
               storage::Blob{std::move(sealed)}, MaskAddress(e.channel, e.address), e.template_code,
               e.language, now, now, now})
          .status());
  return id;
}

StatusOr<NotificationView> Notifier::Load(storage::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kViewColumns +
                                             " FROM notifications WHERE id = ?",
                                         {id}));
  if (!row) return NotFound("no such notification");
  return ViewFromRow(*row);
}

StatusOr<int> Notifier::NotifyUnit(const std::string& unit_id, Urgency urgency) {
  if (!deps_.email_enabled && !deps_.sms_enabled) return 0;
  const std::string code = urgency == Urgency::kUrgent ? "new_urgent_item" : "new_item";
  const Micros now = deps_.clock->Now();
  int queued = 0;
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    queued = 0;
    ASSIGN_OR_RETURN(auto members,
                     tx.Query("SELECT DISTINCT m.user_id, p.email, p.sms, p.language "
                              "FROM memberships m JOIN users u ON u.id = m.user_id "
                              "JOIN notification_preferences p ON p.user_id = m.user_id "
                              "WHERE m.unit_id = ? AND u.active = 1 AND (p.email = 1 OR p.sms = 1) "
                              "ORDER BY m.user_id",
                              {unit_id}));
    for (const auto& m : members) {
      const std::string user_id = m.Text(0);
      ASSIGN_OR_RETURN(auto user, identity::LoadUser(tx, *deps_.keyring, user_id));
      if (!user) continue;
      for (ChannelKind channel : {ChannelKind::kEmail, ChannelKind::kSms}) {
        const bool email = channel == ChannelKind::kEmail;
        if (!(email ? deps_.email_enabled && m.Bool(1) : deps_.sms_enabled && m.Bool(2))) continue;
        const std::optional<std::string>& address = email ? user->email : user->phone;
        if (!address || address->empty()) continue;
        // Coalescing: one "new items" message says it all until she has looked.
        ASSIGN_OR_RETURN(auto recent,
                         tx.QueryOne("SELECT COUNT(*) FROM notifications WHERE recipient_kind = "
                                     "'user' AND recipient_id = ? AND channel = ? AND template IN "
                                     "('new_item', 'new_urgent_item') AND (state IN ('pending', "
                                     "'failed') OR created_at > ?)",
                                     {user_id, std::string(ChannelName(channel)),
                                      now - options_.coalesce_window}));
        if (recent && recent->Int(0) > 0) continue;
        RETURN_IF_ERROR(
            Insert(tx, {"user", user_id, channel, *address, code, m.Text(3)}, now).status());
        ++queued;
      }
    }
    return Status::Ok();
  }));
  if (queued > 0) Kick();
  return queued;
}

std::function<void(const std::string& unit_id)> Notifier::UnitHook(Urgency urgency) {
  return [this, urgency](const std::string& unit_id) {
    auto n = NotifyUnit(unit_id, urgency);
    if (!n.ok()) spdlog::warn("notifications: enqueue failed: {}", n.status().ToString());
  };
}

StatusOr<SurvivorOutcome> Notifier::NotifySurvivor(const std::string& case_id,
                                                   std::string_view template_code) {
  const Template* t = FindTemplate(template_code);
  if (t == nullptr || t->audience != Audience::kSurvivor) {
    return InvalidArgument("is not a survivor message template", "template");
  }
  cases::Deps case_deps;
  case_deps.store = deps_.store;
  case_deps.keyring = deps_.keyring;
  case_deps.clock = deps_.clock;
  ASSIGN_OR_RETURN(cases::SurvivorContact contact, cases::LoadSurvivorContact(case_deps, case_id));
  const std::string language = SurvivorLanguage(contact.languages);
  // Only a text message, only when texting her is marked safe: a call or an e-mail she did not
  // ask for may be seen by him.
  std::string reason;
  if (!contact.safety.safe_to_text) {
    reason = "not marked safe to text";
  } else if (contact.phones.empty()) {
    reason = "no phone on file";
  } else if (!deps_.sms_enabled) {
    reason = "the sms channel is not configured";
  }
  const Micros now = deps_.clock->Now();
  SurvivorOutcome out;
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    if (reason.empty()) {
      ASSIGN_OR_RETURN(out.notification_id,
                       Insert(tx,
                              {"survivor_contact", contact.case_id, ChannelKind::kSms,
                               contact.phones.front(), std::string(template_code), language},
                              now));
      out.queued = true;
      return Status::Ok();
    }
    out.notification_id = NewId();
    out.reason = reason;
    return tx
        .Exec(
            "INSERT INTO notifications (id, recipient_kind, recipient_id, channel, "
            "address_hint, template, language, state, attempts, last_error, created_at, "
            "updated_at) VALUES (?, 'survivor_contact', ?, 'sms', '', ?, ?, 'withheld', 0, ?, "
            "?, ?)",
            {out.notification_id, contact.case_id, std::string(template_code), language, reason,
             now, now})
        .status();
  }));
  if (out.queued) Kick();
  return out;
}

StatusOr<std::vector<NotificationView>> Notifier::List(const access::RequestContext& ctx,
                                                       const std::optional<std::string>& state,
                                                       int limit) {
  if (state && !IsState(*state)) {
    return InvalidArgument("must be pending, sent, failed, given_up or withheld", "state");
  }
  std::vector<NotificationView> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"notification.admin"},
      [](storage::Tx&) -> StatusOr<access::Resource> { return OutboxResource(); },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        std::string sql = std::string("SELECT ") + kViewColumns + " FROM notifications";
        storage::Params params;
        if (state) {
          sql += " WHERE state = ?";
          params.emplace_back(*state);
        }
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
        params.emplace_back(static_cast<int64_t>(limit));
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
        for (const auto& r : rows) out.push_back(ViewFromRow(r));
        return Status::Ok();
      }));
  return out;
}

StatusOr<NotificationView> Notifier::Retry(const access::RequestContext& ctx,
                                           const std::string& id) {
  NotificationView out;
  const Micros now = deps_.clock->Now();
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"notification.admin"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(out, Load(tx, id));
        return OutboxResource(id);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        if (out.state != "failed" && out.state != "given_up") {
          return FailedPrecondition("only a failed or given-up message can be retried", "state");
        }
        RETURN_IF_ERROR(tx.Exec("UPDATE notifications SET state = 'pending', attempts = 0, "
                                "next_attempt_at = ?, updated_at = ? WHERE id = ?",
                                {now, now, id})
                            .status());
        ASSIGN_OR_RETURN(out, Load(tx, id));
        return Status::Ok();
      }));
  Kick();
  return out;
}

StatusOr<NotificationView> Notifier::SendTest(const access::RequestContext& ctx,
                                              ChannelKind channel) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  const bool email = channel == ChannelKind::kEmail;
  if (!(email ? deps_.email_enabled : deps_.sms_enabled)) {
    return FailedPrecondition(
        "the " + std::string(ChannelName(channel)) + " channel is not configured", "channel");
  }
  NotificationView out;
  const Micros now = deps_.clock->Now();
  const std::string user_id = ctx.subject->user_id;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"notification.test"},
      [](storage::Tx&) -> StatusOr<access::Resource> { return OutboxResource(); },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(auto user, identity::LoadUser(tx, *deps_.keyring, user_id));
        if (!user) return NotFound("no such user");
        const std::optional<std::string>& address = email ? user->email : user->phone;
        if (!address || address->empty()) {
          return FailedPrecondition(
              std::string("your account has no ") + (email ? "e-mail address" : "phone number"),
              "channel");
        }
        ASSIGN_OR_RETURN(auto pref, tx.QueryOne("SELECT language FROM notification_preferences "
                                                "WHERE user_id = ?",
                                                {user_id}));
        ASSIGN_OR_RETURN(auto id, Insert(tx,
                                         {"user", user_id, channel, *address, "test",
                                          pref ? pref->Text(0) : std::string("fr")},
                                         now));
        ASSIGN_OR_RETURN(out, Load(tx, id));
        return Status::Ok();
      }));
  Kick();
  return out;
}

StatusOr<Preferences> Notifier::GetPreferences(const access::RequestContext& ctx) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  Preferences out;
  const std::string user_id = ctx.subject->user_id;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"notification.preferences", /*audit_allowed=*/false},
      [&](storage::Tx&) -> StatusOr<access::Resource> { return OwnAccount(user_id); },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out = Preferences{};
        ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT email, sms, language FROM "
                                               "notification_preferences WHERE user_id = ?",
                                               {user_id}));
        if (row) {
          out.email = row->Bool(0);
          out.sms = row->Bool(1);
          out.language = row->Text(2);
        }
        ASSIGN_OR_RETURN(auto user, identity::LoadUser(tx, *deps_.keyring, user_id));
        if (user && user->email) out.email_hint = MaskAddress(ChannelKind::kEmail, *user->email);
        if (user && user->phone) out.phone_hint = MaskAddress(ChannelKind::kSms, *user->phone);
        return Status::Ok();
      }));
  return out;
}

StatusOr<Preferences> Notifier::SetPreferences(const access::RequestContext& ctx,
                                               const Preferences& p) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (!IsLanguage(p.language)) return InvalidArgument("must be ar, fr, en or zgh", "language");
  const std::string user_id = ctx.subject->user_id;
  const Micros now = deps_.clock->Now();
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"notification.preferences"},
      [&](storage::Tx&) -> StatusOr<access::Resource> { return OwnAccount(user_id); },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(
            auto changed,
            tx.Exec("UPDATE notification_preferences SET email = ?, sms = ?, "
                    "language = ?, updated_at = ? WHERE user_id = ?",
                    {storage::Bool(p.email), storage::Bool(p.sms), p.language, now, user_id}));
        if (changed > 0) return Status::Ok();
        return tx
            .Exec(
                "INSERT INTO notification_preferences (user_id, email, sms, language, "
                "updated_at) VALUES (?, ?, ?, ?, ?)",
                {user_id, storage::Bool(p.email), storage::Bool(p.sms), p.language, now})
            .status();
      }));
  return GetPreferences(ctx);
}

}  // namespace tamkine::notify
