// Status and StatusOr: how every expected failure travels through Tamkine.
// A Status carries a code, a human message, and optionally the request field it concerns;
// http/ maps codes to HTTP statuses in exactly one place (http/status_mapping.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tamkine {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // 400: the caller sent something wrong (names the field)
  kUnauthenticated,     // 401: no valid session
  kPermissionDenied,    // 403: authenticated but not allowed
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kAborted,             // 409: concurrent modification; retry may succeed
  kFailedPrecondition,  // 409/422: the record is not in a state that allows this
  kResourceExhausted,   // 429 (throttling) or 413 (size) depending on context
  kPayloadTooLarge,     // 413
  kUnavailable,         // 503: the database or a dependency is down; retryable
  kDeadlineExceeded,    // 408/504
  kInternal,            // 500: a bug or an invariant broken
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The request field the error concerns ("" when none), e.g. "members[2].role".
  const std::string& field() const { return field_; }

  // Returns a copy whose field is prefixed, e.g. WithFieldPrefix("unit") turns "name" into
  // "unit.name".
  Status WithFieldPrefix(std::string_view prefix) const;

  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgument(std::string msg, std::string field = {}) {
  return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
}
inline Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
inline Status AlreadyExists(std::string msg, std::string field = {}) {
  return {StatusCode::kAlreadyExists, std::move(msg), std::move(field)};
}
inline Status PermissionDenied(std::string msg) {
  return {StatusCode::kPermissionDenied, std::move(msg)};
}
inline Status Unauthenticated(std::string msg) {
  return {StatusCode::kUnauthenticated, std::move(msg)};
}
inline Status FailedPrecondition(std::string msg, std::string field = {}) {
  return {StatusCode::kFailedPrecondition, std::move(msg), std::move(field)};
}
inline Status Aborted(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
inline Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
inline Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
inline Status ResourceExhausted(std::string msg) {
  return {StatusCode::kResourceExhausted, std::move(msg)};
}

// StatusOr<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : v_(status) {}        // NOLINT(google-explicit-constructor)
  StatusOr(Status&& status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(const T& value) : v_(value) {}               // NOLINT(google-explicit-constructor)
  StatusOr(T&& value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  // Converts anything T can be built from (e.g. a string literal for StatusOr<std::string>).
  // NOLINTBEGIN(google-explicit-constructor,bugprone-forwarding-reference-overload)
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, StatusOr<T>>) StatusOr(U&& value)
      : v_(T(std::forward<U>(value))) {}  // NOLINT(google-readability-casting)
  // NOLINTEND(google-explicit-constructor,bugprone-forwarding-reference-overload)

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace tamkine

#define TAMKINE_CONCAT_INNER(a, b) a##b
#define TAMKINE_CONCAT(a, b) TAMKINE_CONCAT_INNER(a, b)

// RETURN_IF_ERROR(expr): returns the Status from the enclosing function when expr is not OK.
#define RETURN_IF_ERROR(expr)       \
  do {                              \
    ::tamkine::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr, returns its Status on error, else assigns.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(TAMKINE_CONCAT(_status_or_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): lhs may be a declaration, which cannot be parenthesised.
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
