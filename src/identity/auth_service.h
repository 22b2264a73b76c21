// Authentication: password + TOTP sign-in with throttling that never reveals whether a username
// exists, server-side sessions (idle and absolute timeouts), CSRF tokens, TOTP enrolment and
// password changes. Raw session tokens are never stored: only their SHA-256 digests.
#pragma once

#include <optional>
#include <string>

#include "access/subject.h"
#include "common/status.h"
#include "identity/deps.h"
#include "identity/model.h"

namespace tamkine::identity {

struct AuthOptions {
  Micros idle_timeout = 15 * kMicrosPerMinute;
  Micros absolute_timeout = 12 * kMicrosPerHour;
  // Per username: this many failures within `failure_window` lock it for `lockout`.
  int max_failures_per_user = 5;
  // Per client address (slows password spraying across many usernames).
  int max_failures_per_address = 50;
  Micros failure_window = 15 * kMicrosPerMinute;
  Micros lockout = 15 * kMicrosPerMinute;
  // last_seen_at is written at most this often, so reads stay cheap.
  Micros touch_interval = kMicrosPerMinute;
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp_code;
  std::string client_addr;
  std::string request_id;
};

struct SessionInfo {
  access::Subject subject;
  std::string csrf_token;
  Micros expires_at = 0;  // the earlier of the idle and absolute deadlines
  std::string display_name;
  bool totp_enabled = false;
};

struct LoginResult {
  std::string token;  // goes into the HttpOnly cookie, nowhere else
  SessionInfo session;
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string otpauth_uri;
};

class AuthService {
 public:
  AuthService(Deps deps, AuthOptions options) : deps_(deps), options_(options) {}

  // Unauthenticated ("wrong username or password") for an unknown user, a wrong password or a
  // disabled account — the same answer, after the same password-hashing work. ResourceExhausted
  // while the username or address is locked out (also for unknown usernames). Unauthenticated
  // with field "totp_code" when the account has TOTP and the code is missing, wrong or replayed.
  StatusOr<LoginResult> Login(const LoginRequest& req);

  // Resolves a session token to its subject. Unauthenticated when unknown, expired (idle or
  // absolute) or the user is disabled; expired sessions are deleted.
  StatusOr<SessionInfo> Authenticate(const std::string& token, const std::string& client_addr);

  // Ok while the session of `token` is still valid (not signed out, revoked, expired or idle,
  // and the user is active). Unlike Authenticate it does not extend the idle timeout: a
  // long-lived event stream must not keep an unattended session alive. Unauthenticated
  // otherwise; Unavailable when the database cannot be reached.
  Status CheckSession(const std::string& token);

  Status Logout(const std::string& token, const access::RequestContext& ctx);

  // Stores a new pending TOTP secret for the subject (replacing a pending one) and returns it.
  // FailedPrecondition when TOTP is already enabled.
  StatusOr<TotpEnrolment> BeginTotpEnrolment(const access::RequestContext& ctx);
  // Enables TOTP when `code` matches the pending secret; lifts must_enrol_totp on the subject's
  // sessions.
  Status ConfirmTotp(const access::RequestContext& ctx, const std::string& code);

  // Ends every other session of the user.
  Status ChangePassword(const access::RequestContext& ctx, const std::string& current,
                        const std::string& next, const std::string& keep_token);

 private:
  StatusOr<bool> IsLocked(const std::string& key, Micros now);
  Status RecordFailure(storage::Tx& tx, const std::string& key, int max, Micros now);
  Deps deps_;
  AuthOptions options_;
};

}  // namespace tamkine::identity
