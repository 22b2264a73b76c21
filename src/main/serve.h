// `tamkine serve`: starts the HTTP server on the opened runtime, with the background duties
// (audit checkpoints, keyring refresh) and structured shutdown.
#pragma once

#include <cstdint>
#include <string>

#include "main/runtime.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}  // namespace CLI

namespace tamkine::app {

// How often a running server re-reads the keyring (to pick up `keys rotate` from another process).
inline constexpr int kKeyringRefreshSeconds = 5;
// How often overdue work items are looked for and escalated (docs/coordination.md).
inline constexpr int kEscalationSweepSeconds = 30;

struct ServeOptions {
  std::string address = "127.0.0.1";
  int port = 8080;
  bool demo = false;
  int demo_cases = 300;  // synthetic cases seeded with --demo into an empty database
  std::string web_dir;   // default: web/dist next to the working directory when it exists
  std::string tls_cert;
  std::string tls_key;
  int worker_threads = 4;
  int checkpoint_interval_seconds = 600;
  int request_timeout_seconds = 15;
  // API requests per second per client address, and the burst allowed above it. An office behind
  // one NAT address shares them; raise for such sites (and for load tests).
  int rate_limit_per_second = 50;
  int rate_limit_burst = 200;
  // Published statistics withhold counts below this (docs/statistics.md).
  int64_t stats_threshold = 5;
  // Live updates (GET /api/v1/events): heartbeat period (also how often an open stream rechecks
  // its session), and the caps on open streams (per user; in all).
  int events_heartbeat_seconds = 15;
  int events_max_streams_per_user = 4;
  int events_max_streams = 500;
  // Notifications outside the platform (docs/notifications.md). A channel is enabled when its
  // host (SMTP) or URL (SMS) is set; secrets are read from files (mode 0600) or the environment.
  std::string smtp_host;
  int smtp_port = 587;
  std::string smtp_security = "starttls";  // none | starttls | tls
  std::string smtp_from;
  std::string smtp_user;
  std::string smtp_password_file;
  std::string smtp_helo = "tamkine.invalid";
  std::string sms_url;
  std::string sms_method = "POST";
  std::string sms_body = R"({"to":"{to}","text":"{text}"})";
  std::string sms_content_type = "application/json";
  std::string sms_auth_header_file;  // one line "Name: value"
  std::string sms_auth_header_env;   // or the name of an environment variable holding it
  int notify_coalesce_minutes = 10;
  int notify_max_attempts = 8;
  int notify_retry_base_seconds = 30;
  int notify_retry_max_seconds = 3600;
  int notify_poll_seconds = 5;
};

void AddServeOptions(CLI::App* cmd, ServeOptions* o);
int RunServe(const Paths& paths, const ServeOptions& o);

}  // namespace tamkine::app
