// The Tamkine JSON API: route registration and the middleware every request passes
// (route match → session → CSRF → rate limit → handler), mapping Status to HTTP in one place
// (http/status_mapping). Handlers decode and validate JSON, then call domain services.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http/request.h"
#include "http/router.h"

namespace tamkine {
class Clock;
namespace audit {
class AuditService;
}
namespace cases {
class CaseService;
class SharingService;
class DocumentService;
class DuplicateService;
class SelfReportService;
}  // namespace cases
namespace directory {
class DirectoryService;
}
namespace stats {
class StatsService;
}  // namespace stats
namespace referrals {
class ReferralService;
}  // namespace referrals
namespace coordination {
class CoordinationService;
}
namespace identity {
class UnitService;
class UserService;
class AuthService;
}  // namespace identity
namespace http {
class Metrics;
}
namespace notify {
class Hub;
class Notifier;
}  // namespace notify
}  // namespace tamkine

namespace tamkine::http::api {

struct ApiDeps {
  identity::UnitService* units = nullptr;
  identity::UserService* users = nullptr;
  identity::AuthService* auth = nullptr;
  audit::AuditService* audit = nullptr;
  cases::CaseService* cases = nullptr;
  cases::SharingService* case_sharing = nullptr;
  cases::DocumentService* case_documents = nullptr;
  cases::DuplicateService* duplicates = nullptr;
  cases::SelfReportService* self_report = nullptr;
  directory::DirectoryService* directory = nullptr;
  stats::StatsService* stats = nullptr;
  referrals::ReferralService* referrals = nullptr;
  coordination::CoordinationService* coordination = nullptr;
  notify::Hub* hub = nullptr;            // live updates; null = GET /api/v1/events answers 503
  notify::Notifier* notifier = nullptr;  // the outbox; null = its endpoints answer 503
  std::chrono::milliseconds events_heartbeat{
      15000};  // also how often a stream rechecks its session
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;
  std::function<Status()> ready;   // checks the database for /readyz
  std::string web_dir;             // built front end; empty = none
  bool tls = false;                // adds Secure to cookies
  int rate_limit_per_second = 50;  // per client address, API requests
  int rate_limit_burst = 200;
};

class Api {
 public:
  explicit Api(ApiDeps deps);
  ~Api();

  // Handles one request (called on a worker thread). Never throws.
  Response Handle(Request& req);

  // The body limit for a request line, asked before the body is read.
  size_t BodyLimit(std::string_view method, std::string_view path) const;

  const Router& router() const { return router_; }

 private:
  struct Impl;
  void RegisterRoutes();
  ApiDeps deps_;
  Router router_;
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3.1 document served at /api/v1/openapi.json (docs/openapi.json, embedded).
std::string_view OpenApiDocument();

}  // namespace tamkine::http::api
