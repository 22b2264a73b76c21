// What the route files of each capability share: the per-request call context set by the
// middleware, response helpers, body and query decoding, and route registration. A capability
// adds `Register<Name>Routes(Router&, ApiDeps&)` in its own `<name>_routes.cc`, calls it from
// Api::RegisterRoutes, and describes its endpoints in docs/openapi/<nn>-<name>.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "access/subject.h"
#include "common/json.h"
#include "http/api/api.h"
#include "http/request.h"
#include "http/router.h"
#include "identity/auth_service.h"

namespace tamkine::http::api {

// The request being handled on this worker thread (set by Api::Handle around the handler).
struct CallContext {
  access::RequestContext ctx;
  std::optional<identity::SessionInfo> session;  // set unless the route is public
  std::string token;
};
CallContext& Call();

inline Response Ok(const Json& j, int status = 200) { return Response::JsonBody(status, j); }
inline Response Err(const Status& s) { return Response::FromStatus(s); }

// The request body parsed as JSON; InvalidArgument when empty, malformed or invalid UTF-8.
StatusOr<Json> Body(const Request& req);

// An optional integer query parameter within [min, max]; InvalidArgument naming it otherwise.
StatusOr<std::optional<int64_t>> QueryInt(const Request& req, const char* name, int64_t min,
                                          int64_t max);

// Registers a route; `policy` is "public", "authenticated" or an action of access::Policies().
void AddRoute(Router& router, std::string method, std::string pattern, std::string policy,
              std::string summary, Handler handler, size_t max_body = 64 * 1024);

// The case file (case_routes.cc, docs/openapi/20-cases.json).
void RegisterCaseRoutes(Router& router, ApiDeps& deps);
// Duplicate detection at intake (duplicate_routes.cc, docs/openapi/22-duplicates.json).
void RegisterDuplicateRoutes(Router& router, ApiDeps& deps);
// The online self-report (self_report_routes.cc, docs/openapi/21-self-report.json).
void RegisterSelfReportRoutes(Router& router, ApiDeps& deps);

// The service directory and shelters (directory_routes.cc, docs/openapi/30-directory.json).
void RegisterDirectoryRoutes(Router& router, ApiDeps& deps);

// Referrals between units (referral_routes.cc, docs/openapi/41-referrals.json).
void RegisterReferralRoutes(Router& router, ApiDeps& deps);

// The commissions' statistics (stats_routes.cc, docs/openapi/50-stats.json).
void RegisterStatsRoutes(Router& router, ApiDeps& deps);

// Coordination: instructions, work items, inbox, timeliness (coordination_routes.cc,
// docs/openapi/40-coordination.json).
void RegisterCoordinationRoutes(Router& router, ApiDeps& deps);

// Live updates (events_routes.cc) and the notification outbox (notification_routes.cc),
// docs/openapi/42-notifications.json.
void RegisterEventRoutes(Router& router, ApiDeps& deps);
void RegisterNotificationRoutes(Router& router, ApiDeps& deps);

}  // namespace tamkine::http::api
