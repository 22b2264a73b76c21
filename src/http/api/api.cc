#include "http/api/api.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include "audit/audit_service.h"
#include "common/ids.h"
#include "common/json.h"
#include "crypto/hash.h"
#include "http/api/codec.h"
#include "http/api/routes.h"
#include "http/metrics.h"
#include "http/static_files.h"
#include "identity/auth_service.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "reference/regions.h"

namespace tamkine::embedded {
extern const std::string_view kOpenApiParts;
}

namespace tamkine::http::api {

std::string_view OpenApiDocument() {
  // The parts (docs/openapi/*.json, in name order) merged once: the first is the base; the others
  // add paths and component schemas.
  static const std::string kDoc = [] {
    auto parts = ParseJson(embedded::kOpenApiParts, 64);
    if (!parts.ok() || !parts->is_array() || parts->empty()) std::abort();  // part of the build
    Json merged = (*parts)[0];
    for (size_t i = 1; i < parts->size(); ++i) {
      const Json& p = (*parts)[i];
      for (auto it = p["paths"].begin(); it != p["paths"].end(); ++it) {
        if (merged["paths"].contains(it.key())) std::abort();  // a path belongs to one part
        merged["paths"][it.key()] = it.value();
      }
      if (p.contains("components") && p["components"].contains("schemas")) {
        for (auto it = p["components"]["schemas"].begin(); it != p["components"]["schemas"].end();
             ++it) {
          merged["components"]["schemas"][it.key()] = it.value();
        }
      }
    }
    return merged.dump(1);
  }();
  return kDoc;
}

namespace {

constexpr char kSessionCookie[] = "tamkine_session";

thread_local CallContext* t_call = nullptr;

bool IsStateChanging(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string SessionCookie(const std::string& token, bool tls, bool clear) {
  std::string c = std::string(kSessionCookie) + "=" + (clear ? "" : token) +
                  "; Path=/; HttpOnly; SameSite=Strict";
  if (clear) c += "; Max-Age=0";
  if (tls) c += "; Secure";
  return c;
}

// A token bucket per client address. Thread safety: guarded by mu_.
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}
  bool Allow(const std::string& key) {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() > 100000) buckets_.clear();  // bound memory under address spraying
    auto& b = buckets_[key];
    if (b.last.time_since_epoch().count() == 0) {
      b.tokens = burst_;
    } else {
      double dt = std::chrono::duration<double>(now - b.last).count();
      b.tokens = std::min(burst_, b.tokens + dt * rate_);
    }
    b.last = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last{};
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

CallContext& Call() { return *t_call; }

StatusOr<Json> Body(const Request& req) {
  if (req.body.empty()) return InvalidArgument("a JSON body is required");
  return ParseJson(req.body);
}

StatusOr<std::optional<int64_t>> QueryInt(const Request& req, const char* name, int64_t min,
                                          int64_t max) {
  auto v = req.Query(name);
  if (!v) return std::optional<int64_t>();
  try {
    size_t used = 0;
    long long x = std::stoll(*v, &used);
    if (used != v->size() || x < min || x > max) throw std::out_of_range(name);
    return std::optional<int64_t>(x);
  } catch (const std::exception&) {
    return InvalidArgument(
        "must be an integer between " + std::to_string(min) + " and " + std::to_string(max), name);
  }
}

void AddRoute(Router& router, std::string method, std::string pattern, std::string policy,
              std::string summary, Handler handler, size_t max_body) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.policy = std::move(policy);
  r.summary = std::move(summary);
  r.max_body_bytes = max_body;
  r.handler = std::move(handler);
  router.Add(std::move(r));
}

struct Api::Impl {
  RateLimiter limiter;
  explicit Impl(const ApiDeps& d) : limiter(d.rate_limit_per_second, d.rate_limit_burst) {}
};

Api::Api(ApiDeps deps) : deps_(std::move(deps)), impl_(std::make_unique<Impl>(deps_)) {
  RegisterRoutes();
}

Api::~Api() = default;

size_t Api::BodyLimit(std::string_view method, std::string_view path) const {
  return router_.BodyLimit(method, path, 64 * 1024);
}

Response Api::Handle(Request& req) {
  Response not_matched;
  const Route* matched = router_.Resolve(req, &not_matched);
  if (matched == nullptr) {
    bool api = req.path.rfind("/api/", 0) == 0;
    if (!api && !deps_.web_dir.empty() && (req.method == "GET" || req.method == "HEAD")) {
      if (auto r = ServeStatic(deps_.web_dir, req)) {
        req.route = "static";
        return *r;
      }
    }
    return not_matched;
  }
  const Route& route = *matched;

  CallContext call;
  call.ctx.client_addr = req.client_addr;
  call.ctx.request_id = req.request_id;

  if (req.path.rfind("/api/", 0) == 0 && !impl_->limiter.Allow(req.client_addr)) {
    return Err(ResourceExhausted("too many requests; slow down"));
  }
  if (IsStateChanging(req.method) && !req.body.empty()) {
    auto ct = req.Header("content-type");
    if (!ct || ct->rfind("application/json", 0) != 0) {
      Response r = Err(InvalidArgument("Content-Type must be application/json", "Content-Type"));
      r.status = 415;
      return r;
    }
  }
  if (route.policy != "public") {
    auto token = req.Cookie(kSessionCookie);
    if (!token || token->empty()) return Err(Unauthenticated("sign in first"));
    auto session = deps_.auth->Authenticate(*token, req.client_addr);
    if (!session.ok()) return Err(session.status());
    call.session = std::move(*session);
    call.token = *token;
    call.ctx.subject = &call.session->subject;
    if (IsStateChanging(req.method)) {
      auto sent = req.Header("x-csrf-token");
      if (!sent || !crypto::ConstantTimeEquals(*sent, call.session->csrf_token)) {
        return Err(PermissionDenied("missing or wrong X-CSRF-Token header"));
      }
    }
    // Until a required second factor is enrolled, only enrolment and the session itself work.
    if (call.session->subject.must_enrol_totp && route.policy != "auth.totp.enrol" &&
        route.policy != "authenticated") {
      return Err(Status(StatusCode::kPermissionDenied,
                        "enrol a second factor (authenticator app) first", "totp"));
    }
  }
  t_call = &call;
  Response resp;
  try {
    resp = route.handler(req);
  } catch (const std::exception& e) {
    spdlog::error("request {}: handler threw: {}", req.request_id, e.what());
    resp = Err(Internal("unexpected error"));
  }
  t_call = nullptr;
  return resp;
}

void Api::RegisterRoutes() {
  ApiDeps& d = deps_;
  auto add = [this](std::string method, std::string pattern, std::string policy,
                    std::string summary, Handler h) {
    AddRoute(router_, std::move(method), std::move(pattern), std::move(policy), std::move(summary),
             std::move(h));
  };
  auto id = [](const Request& r) { return r.path_params.at("id"); };

  // --- system ---
  add("GET", "/healthz", "public", "liveness", [](Request&) { return Ok({{"status", "ok"}}); });
  add("GET", "/readyz", "public", "readiness", [&d](Request&) {
    Status s = d.ready ? d.ready() : Status::Ok();
    if (!s.ok()) return Err(Unavailable("database unavailable"));
    return Ok({{"status", "ready"}});
  });
  add("GET", "/metrics", "public", "metrics", [&d](Request&) {
    Response r;
    r.body = d.metrics != nullptr ? d.metrics->RenderPrometheus() : "";
    r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  });
  add("GET", "/api/v1/openapi.json", "public", "OpenAPI document", [](Request&) {
    Response r;
    r.body = std::string(OpenApiDocument());
    r.SetHeader("Content-Type", "application/json");
    return r;
  });

  // --- reference ---
  add("GET", "/api/v1/reference/regions", "public", "regions", [](Request&) {
    Response r;
    r.body = std::string(reference::RegionsJson());
    r.SetHeader("Content-Type", "application/json; charset=utf-8");
    return r;
  });
  add("GET", "/api/v1/reference/vocabulary", "public", "sectors and roles", [](Request&) {
    Json sectors = Json::array(), roles = Json::array();
    for (auto s : access::Sectors()) sectors.push_back(std::string(s));
    for (auto s : access::Roles()) roles.push_back(std::string(s));
    return Ok({{"sectors", sectors}, {"roles", roles}});
  });

  // --- auth ---
  add("POST", "/api/v1/auth/login", "public", "sign in", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    ObjectReader r(*body);
    identity::LoginRequest lr;
    Status s = r.Check();
    if (s.ok()) s = r.String("username", &lr.username, 1, 200);
    if (s.ok()) s = r.String("password", &lr.password, 1, 256);
    if (s.ok()) s = r.OptString("totp_code", &lr.totp_code, 0, 16);
    if (s.ok()) s = r.Finish();
    if (!s.ok()) return Err(s);
    lr.client_addr = req.client_addr;
    lr.request_id = req.request_id;
    auto result = d.auth->Login(lr);
    if (!result.ok()) {
      Response e = Err(result.status());
      if (result.status().field() == "totp_code") {
        Json j = {{"error",
                   {{"code", "totp_required"},
                    {"message", result.status().message()},
                    {"field", "totp_code"}}}};
        e = Response::JsonBody(401, j);
      }
      return e;
    }
    Response resp = Ok(EncodeSession(result->session));
    resp.SetHeader("Set-Cookie", SessionCookie(result->token, d.tls, false));
    return resp;
  });
  add("POST", "/api/v1/auth/logout", "authenticated", "sign out", [&d](Request&) {
    Status s = d.auth->Logout(Call().token, Call().ctx);
    if (!s.ok()) return Err(s);
    Response r;
    r.status = 204;
    r.SetHeader("Set-Cookie", SessionCookie("", d.tls, true));
    return r;
  });
  add("GET", "/api/v1/auth/session", "authenticated", "current session",
      [](Request&) { return Ok(EncodeSession(*Call().session)); });
  add("POST", "/api/v1/auth/totp/enrol", "auth.totp.enrol", "start TOTP enrolment", [&d](Request&) {
    auto e = d.auth->BeginTotpEnrolment(Call().ctx);
    if (!e.ok()) return Err(e.status());
    return Ok({{"secret", e->secret_base32}, {"otpauth_uri", e->otpauth_uri}});
  });
  add("POST", "/api/v1/auth/totp/confirm", "auth.totp.enrol", "confirm TOTP", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    ObjectReader r(*body);
    std::string code;
    Status s = r.Check();
    if (s.ok()) s = r.String("code", &code, 1, 16);
    if (s.ok()) s = r.Finish();
    if (s.ok()) s = d.auth->ConfirmTotp(Call().ctx, code);
    if (!s.ok()) return Err(s);
    return Ok({{"totp_enabled", true}});
  });
  add("POST", "/api/v1/auth/password", "auth.password.change", "change password",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        std::string current, next;
        Status s = r.Check();
        if (s.ok()) s = r.String("current_password", &current, 1, 256);
        if (s.ok()) s = r.String("new_password", &next, 1, 256);
        if (s.ok()) s = r.Finish();
        if (s.ok()) s = d.auth->ChangePassword(Call().ctx, current, next, Call().token);
        if (!s.ok())
          return Err(s.field() == "new.password" ? Status(s.code(), s.message(), "new_password")
                                                 : s);
        Response resp;
        resp.status = 204;
        return resp;
      });

  // --- units ---
  add("GET", "/api/v1/units", "unit.list", "list units", [&d](Request& req) {
    identity::UnitFilter f;
    auto region = QueryInt(req, "region_code", 1, 12);
    if (!region.ok()) return Err(region.status());
    f.region_code = *region;
    if (auto p = req.Query("province_code")) f.province_code = *p;
    if (auto s = req.Query("sector")) f.sector = *s;
    auto units = d.units->List(Call().ctx, f);
    if (!units.ok()) return Err(units.status());
    Json items = Json::array();
    for (const auto& u : *units) items.push_back(EncodeUnit(u));
    return Ok({{"items", items}});
  });
  add("POST", "/api/v1/units", "unit.create", "create unit", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    auto in = DecodeUnitInput(*body);
    if (!in.ok()) return Err(in.status());
    auto u = d.units->Create(Call().ctx, *in);
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUnit(*u), 201);
  });
  add("GET", "/api/v1/units/{id}", "unit.read", "read unit", [&d, id](Request& req) {
    auto u = d.units->Get(Call().ctx, id(req));
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUnit(*u));
  });
  add("PATCH", "/api/v1/units/{id}", "unit.update", "update unit", [&d, id](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    auto p = DecodeUnitPatch(*body);
    if (!p.ok()) return Err(p.status());
    auto u = d.units->Update(Call().ctx, id(req), *p);
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUnit(*u));
  });

  // --- users ---
  add("GET", "/api/v1/users", "user.list", "list users", [&d](Request& req) {
    std::optional<std::string> unit = req.Query("unit_id");
    auto users = d.users->List(Call().ctx, unit);
    if (!users.ok()) return Err(users.status());
    Json items = Json::array();
    for (const auto& u : *users) items.push_back(EncodeUser(u));
    return Ok({{"items", items}});
  });
  add("POST", "/api/v1/users", "user.create", "create user", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    auto in = DecodeUserInput(*body);
    if (!in.ok()) return Err(in.status());
    auto u = d.users->Create(Call().ctx, *in);
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUser(*u), 201);
  });
  add("GET", "/api/v1/users/{id}", "user.read", "read user", [&d, id](Request& req) {
    auto u = d.users->Get(Call().ctx, id(req));
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUser(*u));
  });
  add("PATCH", "/api/v1/users/{id}", "user.update", "update user", [&d, id](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    auto p = DecodeUserPatch(*body);
    if (!p.ok()) return Err(p.status());
    auto u = d.users->Update(Call().ctx, id(req), *p);
    if (!u.ok()) return Err(u.status());
    return Ok(EncodeUser(*u));
  });
  add("PUT", "/api/v1/users/{id}/memberships", "user.memberships", "replace memberships",
      [&d, id](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto ms = DecodeMemberships(*body);
        if (!ms.ok()) return Err(ms.status());
        auto u = d.users->SetMemberships(Call().ctx, id(req), *ms);
        if (!u.ok()) return Err(u.status());
        return Ok(EncodeUser(*u));
      });
  for (bool enable : {false, true}) {
    add("POST", enable ? "/api/v1/users/{id}/enable" : "/api/v1/users/{id}/disable",
        enable ? "user.enable" : "user.disable", enable ? "enable user" : "disable user",
        [&d, id, enable](Request& req) {
          auto u = d.users->SetActive(Call().ctx, id(req), enable);
          if (!u.ok()) return Err(u.status());
          return Ok(EncodeUser(*u));
        });
  }

  // --- audit ---
  add("GET", "/api/v1/audit", "audit.read", "audit entries", [&d](Request& req) {
    auto limit = QueryInt(req, "limit", 1, 500);
    if (!limit.ok()) return Err(limit.status());
    auto before = QueryInt(req, "before_seq", 1, INT64_MAX);
    if (!before.ok()) return Err(before.status());
    auto entries = d.audit->List(Call().ctx, static_cast<int>(limit->value_or(100)), *before);
    if (!entries.ok()) return Err(entries.status());
    Json items = Json::array();
    for (const auto& e : *entries) items.push_back(EncodeAuditEntry(e));
    Json next = nullptr;
    if (!entries->empty() && entries->back().seq > 1 &&
        static_cast<int64_t>(entries->size()) == limit->value_or(100)) {
      next = entries->back().seq;
    }
    return Ok({{"items", items}, {"next_before_seq", next}});
  });
  add("GET", "/api/v1/audit/verify", "audit.verify", "verify audit chain", [&d](Request&) {
    auto r = d.audit->Verify(Call().ctx);
    if (!r.ok()) return Err(r.status());
    return Ok(EncodeVerifyReport(*r));
  });
  add("GET", "/api/v1/audit/checkpoints", "audit.read", "audit checkpoints", [&d](Request&) {
    auto cps = d.audit->Checkpoints(Call().ctx);
    if (!cps.ok()) return Err(cps.status());
    Json items = Json::array();
    for (const auto& c : *cps) items.push_back(EncodeCheckpoint(c));
    return Ok({{"items", items}});
  });

  RegisterCaseRoutes(router_, d);
  RegisterDirectoryRoutes(router_, d);
  RegisterDuplicateRoutes(router_, d);
  RegisterSelfReportRoutes(router_, d);
  RegisterStatsRoutes(router_, d);
  RegisterReferralRoutes(router_, d);
  RegisterCoordinationRoutes(router_, d);
  RegisterEventRoutes(router_, d);
  RegisterNotificationRoutes(router_, d);
}

}  // namespace tamkine::http::api
