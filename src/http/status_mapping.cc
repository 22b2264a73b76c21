#include "http/status_mapping.h"

#include <spdlog/spdlog.h>

namespace tamkine::http {

namespace {
constexpr std::string_view kInternalMessage = "An internal error occurred.";
// The storage layer's own words name hosts, sockets and files; clients get this instead.
constexpr std::string_view kUnavailableMessage =
    "The service cannot reach or write its database at the moment. Try again shortly; if you "
    "were saving something, check whether it was saved before entering it again.";
}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kPayloadTooLarge:
      return 413;
    case StatusCode::kDeadlineExceeded:
      return 408;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string_view PublicMessage(const Status& s) {
  if (HttpStatusFor(s.code()) == 500) return kInternalMessage;
  if (s.code() == StatusCode::kUnavailable) return kUnavailableMessage;
  return s.message();
}

Json ErrorJson(const Status& s) {
  if (HttpStatusFor(s.code()) == 500) {
    spdlog::error("internal error: {}", s.ToString());
  } else if (s.code() == StatusCode::kUnavailable) {
    spdlog::warn("unavailable: {}", s.ToString());
  }
  return ErrorJson(StatusCodeName(s.code()), PublicMessage(s), s.field());
}

Json ErrorJson(std::string_view code, std::string_view message, std::string_view field) {
  Json err = Json::object();
  err["code"] = std::string(code);
  err["message"] = std::string(message);
  err["field"] = field.empty() ? Json(nullptr) : Json(std::string(field));
  return Json{{"error", std::move(err)}};
}

}  // namespace tamkine::http
