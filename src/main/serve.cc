#include "main/serve.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "cases/case_service.h"
#include "cases/document_service.h"
#include "cases/duplicate_service.h"
#include "cases/duplicates.h"
#include "cases/self_report.h"
#include "cases/sharing_service.h"
#include "coordination/case_hooks.h"
#include "coordination/coordination_service.h"
#include "coordination/escalator.h"
#include "crypto/secret_file.h"
#include "demo/seed.h"
#include "directory/directory_service.h"
#include "http/api/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "keys/keyring_store.h"
#include "notify/channels.h"
#include "notify/delivery.h"
#include "notify/hub.h"
#include "notify/notifier.h"
#include "referrals/referral_service.h"
#include "stats/stats_service.h"

namespace tamkine::app {

void AddServeOptions(CLI::App* cmd, ServeOptions* o) {
  cmd->add_option("--address", o->address, "address to listen on")->capture_default_str();
  cmd->add_option("--port", o->port, "port (0 = pick a free one and print it)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_flag("--demo", o->demo,
                "seed the demo province into an empty database; create demo keys if missing");
  cmd->add_option("--demo-cases", o->demo_cases,
                  "with --demo: how many synthetic cases to seed into an empty database")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--web-dir", o->web_dir, "built web front end (default: web/dist if present)");
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate (chain): serve HTTPS only");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key");
  cmd->add_option("--threads", o->worker_threads, "worker threads for request handling")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--checkpoint-interval", o->checkpoint_interval_seconds,
                  "seconds between signed audit checkpoints")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--request-timeout", o->request_timeout_seconds,
                  "seconds a client has to send a whole request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--rate-limit", o->rate_limit_per_second,
                  "API requests per second per client address (a site behind one NAT address "
                  "shares it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--rate-burst", o->rate_limit_burst,
                  "API requests a client address may send at once above the rate")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--stats-threshold", o->stats_threshold,
                  "statistics withhold every count below this, and the counts that would give "
                  "one away")
      ->capture_default_str()
      ->check(CLI::Range(3, 100));
  cmd->add_option("--events-heartbeat", o->events_heartbeat_seconds,
                  "seconds between heartbeats on a live update stream; each rechecks the session")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  cmd->add_option("--events-max-per-user", o->events_max_streams_per_user,
                  "live update streams one user may hold open (more: 429)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--events-max", o->events_max_streams,
                  "live update streams open in all (more: 503); keep below the connection limit")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  // Notifications outside the platform (docs/notifications.md).
  cmd->add_option("--smtp-host", o->smtp_host, "SMTP server for e-mail notifications (unset: off)");
  cmd->add_option("--smtp-port", o->smtp_port, "SMTP port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--smtp-security", o->smtp_security, "none | starttls | tls")
      ->capture_default_str();
  cmd->add_option("--smtp-from", o->smtp_from, "sender address of e-mail notifications");
  cmd->add_option("--smtp-user", o->smtp_user, "SMTP user (AUTH PLAIN, over TLS only)");
  cmd->add_option("--smtp-password-file", o->smtp_password_file,
                  "file (mode 0600) holding the SMTP password");
  cmd->add_option("--smtp-helo", o->smtp_helo, "host name sent in EHLO")->capture_default_str();
  cmd->add_option("--sms-url", o->sms_url,
                  "SMS gateway URL, http(s); {to} and {text} are replaced (unset: off)");
  cmd->add_option("--sms-method", o->sms_method, "POST | GET | PUT")->capture_default_str();
  cmd->add_option("--sms-body", o->sms_body, "request body template with {to} and {text}")
      ->capture_default_str();
  cmd->add_option("--sms-content-type", o->sms_content_type, "request body content type")
      ->capture_default_str();
  cmd->add_option("--sms-auth-header-file", o->sms_auth_header_file,
                  "file (mode 0600) holding one header line \"Name: value\" for the gateway");
  cmd->add_option("--sms-auth-header-env", o->sms_auth_header_env,
                  "environment variable holding that header line instead");
  cmd->add_option("--notify-coalesce-minutes", o->notify_coalesce_minutes,
                  "at most one 'new items' message per user and channel within this time")
      ->capture_default_str()
      ->check(CLI::Range(0, 1440));
  cmd->add_option("--notify-max-attempts", o->notify_max_attempts,
                  "delivery attempts before a message is given up")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--notify-retry-base", o->notify_retry_base_seconds,
                  "seconds before the second attempt (doubling after, with jitter)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--notify-retry-max", o->notify_retry_max_seconds,
                  "longest delay between two attempts, seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 604800));
  cmd->add_option("--notify-poll", o->notify_poll_seconds,
                  "seconds between passes of the delivery worker")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

namespace {

// Background duties: signed audit checkpoints and picking up keys rotated by another process.
// Thread safety: Stop may be called from any thread; the loop wakes at once.
class Housekeeper {
 public:
  Housekeeper(Runtime* rt, int checkpoint_seconds)
      : rt_(rt), checkpoint_seconds_(checkpoint_seconds), thread_([this] { Loop(); }) {}
  ~Housekeeper() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    auto next_checkpoint =
        std::chrono::steady_clock::now() + std::chrono::seconds(checkpoint_seconds_);
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::seconds(kKeyringRefreshSeconds), [this] { return stop_; });
      if (stop_) break;
      lock.unlock();
      Status s = keys::RefreshKeyring(*rt_->store, *rt_->keyring);
      if (!s.ok()) spdlog::warn("keyring refresh failed: {}", s.ToString());
      if (rt_->audit_key && std::chrono::steady_clock::now() >= next_checkpoint) {
        Checkpoint();
        next_checkpoint =
            std::chrono::steady_clock::now() + std::chrono::seconds(checkpoint_seconds_);
      }
      lock.lock();
    }
    lock.unlock();
    if (rt_->audit_key) Checkpoint();  // sign the head once more on the way out
  }
  void Checkpoint() {
    auto c = audit::WriteCheckpoint(*rt_->store, *rt_->audit_key, *rt_->clock);
    if (!c.ok()) {
      spdlog::warn("audit checkpoint failed: {}", c.status().ToString());
    } else if (c->has_value()) {
      spdlog::info("audit checkpoint at entry {}", (*c)->seq);
    }
  }

  Runtime* rt_;
  int checkpoint_seconds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Escalation of overdue work items (coordination/escalator.h), every `seconds`.
// Thread safety: Stop may be called from any thread; the loop wakes at once.
class EscalationTimer {
 public:
  EscalationTimer(coordination::Escalator* escalator, const Clock* clock, int seconds)
      : escalator_(escalator), clock_(clock), seconds_(seconds), thread_([this] { Loop(); }) {}
  ~EscalationTimer() { Stop(); }
  EscalationTimer(const EscalationTimer&) = delete;
  EscalationTimer& operator=(const EscalationTimer&) = delete;
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      auto n = escalator_->Sweep(clock_->Now());
      if (!n.ok()) {
        spdlog::warn("escalation sweep failed: {}", n.status().ToString());
      } else if (*n > 0) {
        spdlog::info("escalated {} overdue work items", *n);
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(seconds_), [this] { return stop_; });
    }
  }

  coordination::Escalator* escalator_;
  const Clock* clock_;
  int seconds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The configured notification channels (null when not configured).
struct Channels {
  std::unique_ptr<notify::Channel> email, sms;
};

StatusOr<Channels> MakeChannels(const ServeOptions& o) {
  Channels out;
  if (!o.smtp_host.empty()) {
    notify::SmtpConfig c;
    c.host = o.smtp_host;
    c.port = static_cast<uint16_t>(o.smtp_port);
    ASSIGN_OR_RETURN(c.security, notify::ParseSmtpSecurity(o.smtp_security));
    c.from = o.smtp_from;
    c.username = o.smtp_user;
    c.helo = o.smtp_helo;
    if (!o.smtp_password_file.empty()) {
      ASSIGN_OR_RETURN(c.password, crypto::ReadSecretFile(o.smtp_password_file, "SMTP password"));
      while (!c.password.empty() && (c.password.back() == '\n' || c.password.back() == '\r')) {
        c.password.pop_back();
      }
    }
    RETURN_IF_ERROR(notify::ValidateSmtpConfig(c));
    out.email = notify::MakeSmtpChannel(std::move(c));
  }
  if (!o.sms_url.empty()) {
    notify::SmsGatewayConfig c;
    c.url = o.sms_url;
    c.method = o.sms_method;
    c.body = o.sms_body;
    c.content_type = o.sms_content_type;
    if (!o.sms_auth_header_file.empty()) {
      ASSIGN_OR_RETURN(c.auth_header,
                       crypto::ReadSecretFile(o.sms_auth_header_file, "SMS gateway header"));
    } else if (!o.sms_auth_header_env.empty()) {
      const char* v = std::getenv(o.sms_auth_header_env.c_str());
      if (v == nullptr) {
        return InvalidArgument("is not set in the environment", "sms-auth-header-env");
      }
      c.auth_header = v;
    }
    while (!c.auth_header.empty() &&
           (c.auth_header.back() == '\n' || c.auth_header.back() == '\r')) {
      c.auth_header.pop_back();
    }
    RETURN_IF_ERROR(notify::ValidateSmsGatewayConfig(c));
    out.sms = notify::MakeSmsGatewayChannel(std::move(c));
  }
  return out;
}

}  // namespace

int RunServe(const Paths& paths, const ServeOptions& o) {
  auto opened = OpenRuntime(paths, o.demo);
  if (!opened.ok()) {
    std::fprintf(stderr, "tamkine: %s\n", opened.status().ToString().c_str());
    if (opened.status().message().find("no key") != std::string::npos ||
        opened.status().message().find("TAMKINE_KEK") != std::string::npos) {
      std::fprintf(stderr,
                   "create keys with `tamkine keys init --key-dir DIR` (outside the data "
                   "directory), or start with --demo for a demonstration\n");
    }
    return 1;
  }
  std::unique_ptr<Runtime> rt = std::move(*opened);
  if (o.demo) {
    auto seeded = demo::SeedDemo(rt->Deps(), {o.demo_cases});
    if (!seeded.ok()) {
      std::fprintf(stderr, "tamkine: demo seeding failed: %s\n",
                   seeded.status().ToString().c_str());
      return 1;
    }
    if (!seeded->already_seeded) {
      spdlog::info("demo data: {} units, {} accounts, {} cases, {} referrals", seeded->units,
                   seeded->users, seeded->cases, seeded->referrals);
    }
  }

  identity::UnitService units(rt->Deps());
  identity::UserService users(rt->Deps());
  identity::AuthService auth(rt->Deps(), identity::AuthOptions{});
  audit::AuditService audit_service(rt->store.get(), rt->clock);
  // Duplicate detection: the index of every survivor, built before the first request.
  cases::MatchingDuplicateFinder duplicate_finder(rt->store.get(), rt->keyring.get());
  auto indexed = duplicate_finder.Rebuild();
  if (!indexed.ok()) {
    std::fprintf(stderr, "tamkine: building the duplicate index failed: %s\n",
                 indexed.status().ToString().c_str());
    return 1;
  }
  spdlog::info("duplicate index: {} cases", *indexed);
  // Live updates: producers publish "something for unit U changed"; GET /api/v1/events listens.
  notify::Hub hub(notify::HubLimits{.queue = 64,
                                    .per_key = static_cast<size_t>(o.events_max_streams_per_user),
                                    .total = static_cast<size_t>(o.events_max_streams)});
  // Notifications outside the platform: an outbox the delivery worker empties.
  auto channels = MakeChannels(o);
  if (!channels.ok()) {
    std::fprintf(stderr, "tamkine: %s\n", channels.status().ToString().c_str());
    return 1;
  }
  notify::DeliveryOptions delivery;
  delivery.max_attempts = o.notify_max_attempts;
  delivery.base_delay = o.notify_retry_base_seconds * kMicrosPerSecond;
  delivery.max_delay = o.notify_retry_max_seconds * kMicrosPerSecond;
  delivery.poll = std::chrono::seconds(o.notify_poll_seconds);
  notify::DeliveryWorker delivery_worker(rt->store.get(), rt->keyring.get(), rt->clock,
                                         channels->email.get(), channels->sms.get(), delivery);
  notify::NotifierDeps notifier_deps;
  notifier_deps.store = rt->store.get();
  notifier_deps.keyring = rt->keyring.get();
  notifier_deps.clock = rt->clock;
  notifier_deps.email_enabled = channels->email != nullptr;
  notifier_deps.sms_enabled = channels->sms != nullptr;
  notifier_deps.kick = [&delivery_worker] { delivery_worker.Kick(); };
  notify::Notifier notifier(notifier_deps, {o.notify_coalesce_minutes * kMicrosPerMinute});
  spdlog::info("notifications: e-mail {}, sms {}", notifier_deps.email_enabled ? "on" : "off",
               notifier_deps.sms_enabled ? "on" : "off");

  // Each module's changes reach the units concerned twice: a live update for their open screens
  // (GET /api/v1/events) and, coalesced, a neutral message to members who opted in. Case alerts
  // (high risk, break-the-glass, an intake attached) are urgent; new or moved work items and
  // referrals are not.
  auto announce = [&hub, &notifier](std::string kind, notify::Urgency urgency) {
    auto live = hub.Hook(std::move(kind));
    auto message = notifier.UnitHook(urgency);
    return [live, message](const std::string& unit_id) {
      live(unit_id);
      message(unit_id);
    };
  };
  // Coordination: its hooks keep the justice track open during a withdrawal review and schedule
  // health follow-ups.
  coordination::Deps coordination_deps{rt->store.get(), rt->keyring.get(), rt->clock, {}, {}};
  coordination_deps.on_changed = announce("work_item", notify::Urgency::kNormal);
  coordination::CoordinationCaseHooks case_hooks(coordination_deps);
  // Referrals: documents sent with a live referral are readable by the receiving unit
  // (cases::DocumentShares).
  referrals::ReferralService referral_service(
      referrals::Deps{rt->store.get(), rt->keyring.get(), rt->clock,
                      announce("referral", notify::Urgency::kNormal)});
  cases::Deps case_deps{
      rt->store.get(),           rt->keyring.get(), rt->clock, &duplicate_finder, {},
      referral_service.shares(), &case_hooks};
  case_deps.on_alert = announce("alert", notify::Urgency::kUrgent);
  cases::CaseService case_service(case_deps);
  cases::SharingService case_sharing(case_deps);
  cases::DocumentService case_documents(case_deps);
  cases::DuplicateService duplicate_service(case_deps);
  cases::SelfReportService self_report(case_deps);
  directory::DirectoryService directory_service(directory::Deps{rt->store.get(), rt->clock});
  stats::CaseFacts case_facts(rt->store.get());
  stats::StatsService stats_service(
      stats::StatsDeps{rt->store.get(), rt->clock, &case_facts, o.stats_threshold});
  coordination::CoordinationService coordination_service(coordination_deps);
  coordination::Escalator escalator(coordination_deps);
  http::Metrics metrics;
  storage::Store* store = rt->store.get();
  metrics.RegisterGauge("tamkine_db_up", "1 when the database answers",
                        [store] { return store->Ping().ok() ? 1.0 : 0.0; });
  metrics.RegisterGauge("tamkine_events_streams_open", "live update streams open",
                        [&hub] { return static_cast<double>(hub.open()); });

  std::string web_dir = o.web_dir;
  if (web_dir.empty() && std::filesystem::exists("web/dist/index.html")) web_dir = "web/dist";

  http::api::ApiDeps deps;
  deps.units = &units;
  deps.users = &users;
  deps.auth = &auth;
  deps.audit = &audit_service;
  deps.cases = &case_service;
  deps.case_sharing = &case_sharing;
  deps.case_documents = &case_documents;
  deps.duplicates = &duplicate_service;
  deps.self_report = &self_report;
  deps.directory = &directory_service;
  deps.stats = &stats_service;
  deps.referrals = &referral_service;
  deps.coordination = &coordination_service;
  deps.hub = &hub;
  deps.notifier = &notifier;
  deps.events_heartbeat = std::chrono::seconds(o.events_heartbeat_seconds);
  deps.clock = rt->clock;
  deps.metrics = &metrics;
  deps.ready = [store] { return store->Ping(); };
  deps.web_dir = web_dir;
  deps.tls = !o.tls_cert.empty();
  deps.rate_limit_per_second = o.rate_limit_per_second;
  deps.rate_limit_burst = o.rate_limit_burst;
  http::api::Api api(deps);

  http::ServerOptions so;
  so.address = o.address;
  so.port = static_cast<uint16_t>(o.port);
  so.worker_threads = o.worker_threads;
  so.read_timeout = std::chrono::seconds(o.request_timeout_seconds);
  so.tls_cert_file = o.tls_cert;
  so.tls_key_file = o.tls_key;
  so.static_dir = web_dir;
  so.handle_signals = true;
  http::Server server(
      so, [&api](http::Request& r) { return api.Handle(r); }, &metrics);
  server.set_body_limit(
      [&api](std::string_view m, std::string_view p) { return api.BodyLimit(m, p); });
  Status listening = server.Listen();
  if (!listening.ok()) {
    std::fprintf(stderr, "tamkine: %s\n", listening.ToString().c_str());
    return 1;
  }
  Housekeeper housekeeper(rt.get(), o.checkpoint_interval_seconds);
  EscalationTimer escalation(&escalator, rt->clock, kEscalationSweepSeconds);
  delivery_worker.Start();
  std::printf("listening on %s://%s:%u\n", deps.tls ? "https" : "http", o.address.c_str(),
              server.port());
  if (o.demo) std::printf("demo accounts and password: docs/DEMO.md\n");
  std::fflush(stdout);
  server.Run();
  escalation.Stop();
  delivery_worker.Stop();  // after the send in progress; what is left waits in the outbox
  housekeeper.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace tamkine::app
