// GET /api/v1/events: live updates as Server-Sent Events (docs/notifications.md). The stream
// carries only {"unit_id","kind"} for the signed-in user's units — never case content — plus
// comment heartbeats; it ends when the session ends (checked at each heartbeat), the client goes
// away or the server stops.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "access/authorize.h"
#include "http/api/routes.h"
#include "notify/hub.h"

namespace tamkine::http::api {

namespace {

using SteadyClock = std::chrono::steady_clock;

class EventStream final : public StreamSource {
 public:
  EventStream(std::unique_ptr<notify::Subscription> sub, identity::AuthService* auth,
              std::string token, std::chrono::milliseconds heartbeat)
      : sub_(std::move(sub)),
        auth_(auth),
        token_(std::move(token)),
        heartbeat_(heartbeat),
        next_heartbeat_(SteadyClock::now() + heartbeat) {}

  void Start(std::function<void()> wake) override { sub_->SetWaker(std::move(wake)); }

  bool Pull(std::string* out) override {
    const auto now = SteadyClock::now();
    if (first_) {
      first_ = false;
      // Reconnect hint for EventSource; the comment opens the stream at once for proxies.
      *out += "retry: 5000\n: connected\n\n";
    }
    if (now >= next_heartbeat_) {
      // The session may have been signed out, revoked or have expired meanwhile.
      Status s = auth_->CheckSession(token_);
      if (s.code() == StatusCode::kUnauthenticated) {
        *out += "event: end\ndata: {\"reason\":\"session_ended\"}\n\n";
        return false;
      }
      *out += ": heartbeat\n\n";
      next_heartbeat_ = now + heartbeat_;
    }
    for (const auto& e : sub_->Drain()) {
      Json data = {{"unit_id", e.unit_id}, {"kind", e.kind}};
      *out += "event: inbox\ndata: " + data.dump() + "\n\n";
    }
    if (uint64_t dropped = sub_->dropped(); dropped != dropped_) {
      // Events were lost to a full queue: the client should reload its inbox.
      dropped_ = dropped;
      *out += "event: resync\ndata: {}\n\n";
    }
    return true;
  }

  std::chrono::milliseconds tick() const override {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat_ - SteadyClock::now());
    return std::max(std::chrono::milliseconds(1), left);
  }

 private:
  std::unique_ptr<notify::Subscription> sub_;
  identity::AuthService* auth_;
  const std::string token_;
  const std::chrono::milliseconds heartbeat_;
  SteadyClock::time_point next_heartbeat_;
  bool first_ = true;
  uint64_t dropped_ = 0;
};

}  // namespace

void RegisterEventRoutes(Router& router, ApiDeps& d) {
  AddRoute(router, "GET", "/api/v1/events", "events.subscribe",
           "live updates for the user's units (Server-Sent Events)", [&d](Request&) {
             const access::Subject& subject = Call().session->subject;
             access::Resource resource;
             resource.type = "events";
             access::Decision decision = access::Authorize(subject, "events.subscribe", resource);
             if (!decision.allowed) return Err(PermissionDenied(decision.reason));
             if (d.hub == nullptr) return Err(Unavailable("live updates are not enabled"));
             std::vector<std::string> units;
             for (const auto& m : subject.memberships) units.push_back(m.unit_id);
             auto sub = d.hub->Subscribe(subject.user_id, units);
             if (!sub.ok()) return Err(sub.status());
             Response r;
             r.SetHeader("Content-Type", "text/event-stream; charset=utf-8");
             r.SetHeader("Cache-Control", "no-store");
             r.SetHeader("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
             r.stream = std::make_shared<EventStream>(std::move(*sub), d.auth, Call().token,
                                                      d.events_heartbeat);
             return r;
           });
}

}  // namespace tamkine::http::api
