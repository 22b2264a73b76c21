// The notifications outbox over HTTP (docs/notifications.md, docs/openapi/42-notifications.json):
// administrators list deliveries, retry one and send themselves a test message; every user sets
// their own preferences. Nothing here returns an address (masked hints only) or a text.
#include "common/clock.h"
#include "http/api/routes.h"
#include "notify/notifier.h"

namespace tamkine::http::api {

namespace {

Json OptTime(const std::optional<Micros>& t) {
  return t ? Json(FormatIsoTimeSeconds(*t)) : Json(nullptr);
}

Json EncodeNotification(const notify::NotificationView& v) {
  return {{"id", v.id},
          {"recipient_kind", v.recipient_kind},
          {"recipient_id", v.recipient_id ? Json(*v.recipient_id) : Json(nullptr)},
          {"channel", v.channel},
          {"address_hint", v.address_hint},
          {"template", v.template_code},
          {"language", v.language},
          {"state", v.state},
          {"attempts", v.attempts},
          {"next_attempt_at", OptTime(v.next_attempt_at)},
          {"last_error", v.last_error ? Json(*v.last_error) : Json(nullptr)},
          {"created_at", FormatIsoTimeSeconds(v.created_at)},
          {"sent_at", OptTime(v.sent_at)}};
}

Json EncodePreferences(const notify::Preferences& p) {
  return {{"email", p.email},
          {"sms", p.sms},
          {"language", p.language},
          {"email_hint", p.email_hint ? Json(*p.email_hint) : Json(nullptr)},
          {"phone_hint", p.phone_hint ? Json(*p.phone_hint) : Json(nullptr)}};
}

}  // namespace

void RegisterNotificationRoutes(Router& router, ApiDeps& d) {
  auto unavailable = [] { return Err(Unavailable("notifications are not enabled")); };
  AddRoute(router, "GET", "/api/v1/admin/notifications", "notification.admin",
           "the notifications outbox", [&d, unavailable](Request& req) {
             if (d.notifier == nullptr) return unavailable();
             auto limit = QueryInt(req, "limit", 1, 500);
             if (!limit.ok()) return Err(limit.status());
             auto items = d.notifier->List(Call().ctx, req.Query("state"),
                                           static_cast<int>(limit->value_or(100)));
             if (!items.ok()) return Err(items.status());
             Json out = Json::array();
             for (const auto& v : *items) out.push_back(EncodeNotification(v));
             return Ok({{"items", out}});
           });
  AddRoute(router, "POST", "/api/v1/admin/notifications/{id}/retry", "notification.admin",
           "retry a failed delivery", [&d, unavailable](Request& req) {
             if (d.notifier == nullptr) return unavailable();
             auto v = d.notifier->Retry(Call().ctx, req.path_params.at("id"));
             if (!v.ok()) return Err(v.status());
             return Ok(EncodeNotification(*v));
           });
  AddRoute(router, "POST", "/api/v1/admin/notifications/test", "notification.test",
           "send a test message to oneself", [&d, unavailable](Request& req) {
             if (d.notifier == nullptr) return unavailable();
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             ObjectReader r(*body);
             std::string channel;
             Status s = r.Check();
             if (s.ok()) s = r.Enum("channel", &channel, {"email", "sms"});
             if (s.ok()) s = r.Finish();
             if (!s.ok()) return Err(s);
             auto v = d.notifier->SendTest(Call().ctx, *notify::ParseChannel(channel));
             if (!v.ok()) return Err(v.status());
             return Ok(EncodeNotification(*v), 202);
           });
  AddRoute(router, "GET", "/api/v1/notifications/preferences", "notification.preferences",
           "my notification preferences", [&d, unavailable](Request&) {
             if (d.notifier == nullptr) return unavailable();
             auto p = d.notifier->GetPreferences(Call().ctx);
             if (!p.ok()) return Err(p.status());
             return Ok(EncodePreferences(*p));
           });
  AddRoute(router, "PUT", "/api/v1/notifications/preferences", "notification.preferences",
           "set my notification preferences", [&d, unavailable](Request& req) {
             if (d.notifier == nullptr) return unavailable();
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             ObjectReader r(*body);
             notify::Preferences p;
             Status s = r.Check();
             if (s.ok()) s = r.Bool("email", &p.email);
             if (s.ok()) s = r.Bool("sms", &p.sms);
             if (s.ok()) s = r.Enum("language", &p.language, {"ar", "fr", "en", "zgh"});
             if (s.ok()) s = r.Finish();
             if (!s.ok()) return Err(s);
             auto out = d.notifier->SetPreferences(Call().ctx, p);
             if (!out.ok()) return Err(out.status());
             return Ok(EncodePreferences(*out));
           });
}

}  // namespace tamkine::http::api
