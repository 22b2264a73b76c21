#include "identity/auth_service.h"

#include <algorithm>

#include "audit/audit_log.h"
#include "audit/guarded.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "identity/user_service.h"
#include "identity/validation.h"

namespace tamkine::identity {

namespace {

constexpr char kBadCredentials[] = "wrong username or password";

std::string UserKey(std::string_view username) {
  std::string lower;
  for (char c : username) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return "user:" + crypto::HexEncode(crypto::Sha256(lower));
}

std::string AddressKey(std::string_view addr) { return "addr:" + std::string(addr); }

bool RequiresSecondFactor(const std::vector<access::Membership>& ms) {
  return std::any_of(ms.begin(), ms.end(), [](const access::Membership& m) {
    return access::RoleRequiresSecondFactor(m.role);
  });
}

struct Account {
  std::string id;
  std::string username;
  std::string password_hash;
  bool active = false;
  bool totp_enabled = false;
  std::optional<std::vector<uint8_t>> totp_sealed;
  int64_t totp_last_step = 0;
};

}  // namespace

StatusOr<bool> AuthService::IsLocked(const std::string& key, Micros now) {
  ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto row,
                   tx->QueryOne("SELECT locked_until FROM login_throttle WHERE key = ?", {key}));
  return row && row->Int(0) > now;
}

Status AuthService::RecordFailure(storage::Tx& tx, const std::string& key, int max, Micros now) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT failures, window_start FROM login_throttle "
                                         "WHERE key = ?",
                                         {key}));
  int64_t failures = 1;
  Micros window_start = now;
  if (row && now - row->Int(1) < options_.failure_window) {
    failures = row->Int(0) + 1;
    window_start = row->Int(1);
  }
  Micros locked_until = failures >= max ? now + options_.lockout : 0;
  return tx
      .Exec(
          "INSERT INTO login_throttle (key, failures, window_start, locked_until) "
          "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
          "window_start = excluded.window_start, locked_until = excluded.locked_until",
          {key, failures, window_start, locked_until})
      .status();
}

StatusOr<LoginResult> AuthService::Login(const LoginRequest& req) {
  Micros now = deps_.clock->Now();
  const std::string user_key = UserKey(req.username);
  const std::string addr_key = AddressKey(req.client_addr);
  access::RequestContext ctx{nullptr, req.client_addr, req.request_id};

  // Locked-out usernames get the same answer whether or not they exist.
  ASSIGN_OR_RETURN(bool user_locked, IsLocked(user_key, now));
  ASSIGN_OR_RETURN(bool addr_locked, IsLocked(addr_key, now));
  if (user_locked || addr_locked) {
    RETURN_IF_ERROR(audit::AuditStandalone(*deps_.store, *deps_.clock, ctx, "auth.login",
                                           {"session"}, false, "locked out"));
    return ResourceExhausted("too many failed attempts; try again in 15 minutes");
  }

  std::optional<Account> acct;
  auto normalised = NormaliseUsername(req.username, "username");
  if (normalised.ok()) {
    ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT id, username, password_hash, active, "
                                            "totp_enabled, totp_secret_sealed, totp_last_step "
                                            "FROM users WHERE username = ?",
                                            {*normalised}));
    if (row) {
      acct = Account{
          row->Text(0),
          row->Text(1),
          row->Text(2),
          row->Bool(3),
          row->Bool(4),
          row->IsNull(5) ? std::nullopt : std::optional<std::vector<uint8_t>>(row->Bytes(5)),
          row->Int(6)};
    }
  }

  bool password_ok = false;
  if (acct) {
    password_ok = deps_.hasher->Verify(acct->password_hash, req.password);
  } else {
    deps_.hasher->DummyVerify(req.password);  // same work, so timing does not tell
  }
  std::string failure;
  bool totp_missing = false;
  int64_t totp_step = 0;
  if (!acct || !password_ok || !acct->active) {
    failure = !acct ? "unknown username" : !password_ok ? "wrong password" : "account disabled";
  } else if (acct->totp_enabled) {
    if (!req.totp_code || req.totp_code->empty()) {
      totp_missing = true;
      failure = "second factor required";
    } else {
      ASSIGN_OR_RETURN(std::string secret, deps_.keyring->Open("users", "totp_secret_sealed",
                                                               acct->id, *acct->totp_sealed));
      std::vector<uint8_t> sb(secret.begin(), secret.end());
      auto step = crypto::VerifyTotp(sb, *req.totp_code, now / kMicrosPerSecond);
      if (!step) {
        failure = "wrong second-factor code";
      } else if (*step <= acct->totp_last_step) {
        failure = "second-factor code already used";
      } else {
        totp_step = *step;
      }
    }
  }

  if (!failure.empty()) {
    // A missing code after a right password is not a failure: it is the first of two steps.
    RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
      if (!totp_missing) {
        RETURN_IF_ERROR(RecordFailure(tx, user_key, options_.max_failures_per_user, now));
        RETURN_IF_ERROR(RecordFailure(tx, addr_key, options_.max_failures_per_address, now));
      }
      audit::Entry e;
      if (acct) {
        e.user_id = acct->id;
        e.username = acct->username;
      }
      e.action = "auth.login";
      e.record_type = "session";
      e.decision = "denied";
      e.reason = failure;
      e.client_addr = req.client_addr;
      e.request_id = req.request_id;
      return audit::Append(tx, *deps_.clock, e);
    }));
    if (acct && password_ok && acct->active) {
      return Status(StatusCode::kUnauthenticated,
                    totp_missing ? "enter the 6-digit code from your authenticator app"
                                 : "the code is wrong or was already used",
                    "totp_code");
    }
    return Unauthenticated(kBadCredentials);
  }

  // Upgrade the hash when the configured parameters changed since it was made.
  std::optional<std::string> rehash;
  if (deps_.hasher->NeedsRehash(acct->password_hash)) {
    auto h = deps_.hasher->Hash(req.password);
    if (h.ok()) rehash = *h;
  }

  LoginResult result;
  result.token = crypto::NewSessionToken();
  result.session.csrf_token = crypto::NewSessionToken();
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    ASSIGN_OR_RETURN(auto user, LoadUser(tx, *deps_.keyring, acct->id));
    if (!user) return Unauthenticated(kBadCredentials);
    access::Subject& s = result.session.subject;
    s.user_id = user->id;
    s.username = user->username;
    s.memberships = user->memberships;
    s.must_enrol_totp = RequiresSecondFactor(user->memberships) && !user->totp_enabled;
    result.session.display_name = user->display_name;
    result.session.totp_enabled = user->totp_enabled;
    result.session.expires_at =
        std::min(now + options_.idle_timeout, now + options_.absolute_timeout);
    RETURN_IF_ERROR(tx.Exec("DELETE FROM login_throttle WHERE key = ?", {user_key}).status());
    if (totp_step > 0) {
      RETURN_IF_ERROR(
          tx.Exec("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
                  {totp_step, user->id, totp_step})
              .status());
    }
    if (rehash) {
      RETURN_IF_ERROR(
          tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {*rehash, user->id}).status());
    }
    RETURN_IF_ERROR(tx.Exec("INSERT INTO sessions (token_digest, user_id, csrf_token, created_at, "
                            "last_seen_at, expires_at, must_enrol_totp, client_addr) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            {crypto::TokenDigest(result.token), user->id, result.session.csrf_token,
                             now, now, now + options_.absolute_timeout,
                             storage::Bool(s.must_enrol_totp), req.client_addr})
                        .status());
    audit::Entry e;
    e.user_id = user->id;
    e.username = user->username;
    e.action = "auth.login";
    e.record_type = "session";
    e.decision = "allowed";
    e.reason = totp_step > 0 ? "password and second factor" : "password";
    e.client_addr = req.client_addr;
    e.request_id = req.request_id;
    return audit::Append(tx, *deps_.clock, e);
  }));
  return result;
}

Status AuthService::CheckSession(const std::string& token) {
  if (token.empty() || token.size() > 128) return Unauthenticated("sign in first");
  const Micros now = deps_.clock->Now();
  ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
  ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT s.last_seen_at, s.expires_at, u.active "
                                          "FROM sessions s JOIN users u ON u.id = s.user_id "
                                          "WHERE s.token_digest = ?",
                                          {crypto::TokenDigest(token)}));
  if (!row || !row->Bool(2) || now >= row->Int(1) || now - row->Int(0) >= options_.idle_timeout) {
    return Unauthenticated("your session has ended; sign in again");
  }
  return Status::Ok();
}

StatusOr<SessionInfo> AuthService::Authenticate(const std::string& token,
                                                const std::string& client_addr) {
  if (token.empty() || token.size() > 128) return Unauthenticated("sign in first");
  Micros now = deps_.clock->Now();
  std::string digest = crypto::TokenDigest(token);
  SessionInfo info;
  bool expired = false;
  bool touch = false;
  {
    ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT s.user_id, s.csrf_token, s.last_seen_at, "
                                            "s.expires_at, s.must_enrol_totp, u.active "
                                            "FROM sessions s JOIN users u ON u.id = s.user_id "
                                            "WHERE s.token_digest = ?",
                                            {digest}));
    if (!row) return Unauthenticated("sign in first");
    Micros last_seen = row->Int(2);
    Micros absolute = row->Int(3);
    if (!row->Bool(5) || now >= absolute || now - last_seen >= options_.idle_timeout) {
      expired = true;
    } else {
      ASSIGN_OR_RETURN(auto user, LoadUser(*tx, *deps_.keyring, row->Text(0)));
      if (!user) return Unauthenticated("sign in first");
      info.subject.user_id = user->id;
      info.subject.username = user->username;
      info.subject.memberships = user->memberships;
      info.subject.must_enrol_totp = row->Bool(4);
      info.csrf_token = row->Text(1);
      info.display_name = user->display_name;
      info.totp_enabled = user->totp_enabled;
      touch = now - last_seen >= options_.touch_interval;
      info.expires_at = std::min(absolute, (touch ? now : last_seen) + options_.idle_timeout);
    }
  }
  if (expired) {
    RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
      return tx.Exec("DELETE FROM sessions WHERE token_digest = ?", {digest}).status();
    }));
    return Unauthenticated("your session has ended; sign in again");
  }
  if (touch) {
    RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
      return tx.Exec("UPDATE sessions SET last_seen_at = ? WHERE token_digest = ?", {now, digest})
          .status();
    }));
  }
  return info;
}

Status AuthService::Logout(const std::string& token, const access::RequestContext& ctx) {
  std::string digest = crypto::TokenDigest(token);
  return storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    RETURN_IF_ERROR(tx.Exec("DELETE FROM sessions WHERE token_digest = ?", {digest}).status());
    audit::Entry e;
    if (ctx.subject != nullptr) {
      e.user_id = ctx.subject->user_id;
      e.username = ctx.subject->username;
    }
    e.action = "auth.logout";
    e.record_type = "session";
    e.decision = "allowed";
    e.client_addr = ctx.client_addr;
    e.request_id = ctx.request_id;
    return audit::Append(tx, *deps_.clock, e);
  });
}

StatusOr<TotpEnrolment> AuthService::BeginTotpEnrolment(const access::RequestContext& ctx) {
  TotpEnrolment out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"auth.totp.enrol"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"user", ctx.subject->user_id};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        const std::string& id = ctx.subject->user_id;
        ASSIGN_OR_RETURN(auto row,
                         tx.QueryOne("SELECT totp_enabled FROM users WHERE id = ?", {id}));
        if (!row) return NotFound("no such user");
        if (row->Bool(0)) return FailedPrecondition("two-factor sign-in is already enabled");
        auto secret = crypto::NewTotpSecret();
        std::string raw(secret.begin(), secret.end());
        ASSIGN_OR_RETURN(auto sealed, deps_.keyring->Seal("users", "totp_secret_sealed", id, raw));
        RETURN_IF_ERROR(tx.Exec("UPDATE users SET totp_secret_sealed = ? WHERE id = ?",
                                {storage::Blob{std::move(sealed)}, id})
                            .status());
        out.secret_base32 = crypto::Base32Encode(secret);
        out.otpauth_uri = crypto::OtpauthUri("Tamkine", ctx.subject->username, secret);
        return Status::Ok();
      }));
  return out;
}

Status AuthService::ConfirmTotp(const access::RequestContext& ctx, const std::string& code) {
  Micros now = deps_.clock->Now();
  return audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"auth.totp.enrol"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"user", ctx.subject->user_id};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        const std::string& id = ctx.subject->user_id;
        ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT totp_enabled, totp_secret_sealed "
                                               "FROM users WHERE id = ?",
                                               {id}));
        if (!row) return NotFound("no such user");
        if (row->Bool(0)) return FailedPrecondition("two-factor sign-in is already enabled");
        if (row->IsNull(1)) return FailedPrecondition("start the enrolment first");
        ASSIGN_OR_RETURN(std::string secret,
                         deps_.keyring->Open("users", "totp_secret_sealed", id, row->Bytes(1)));
        std::vector<uint8_t> sb(secret.begin(), secret.end());
        auto step = crypto::VerifyTotp(sb, code, now / kMicrosPerSecond);
        if (!step) return InvalidArgument("the code does not match; try the next one", "code");
        RETURN_IF_ERROR(tx.Exec("UPDATE users SET totp_enabled = 1, totp_last_step = ? "
                                "WHERE id = ?",
                                {*step, id})
                            .status());
        return tx.Exec("UPDATE sessions SET must_enrol_totp = 0 WHERE user_id = ?", {id}).status();
      });
}

Status AuthService::ChangePassword(const access::RequestContext& ctx, const std::string& current,
                                   const std::string& next, const std::string& keep_token) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(crypto::CheckPasswordPolicy(next).WithFieldPrefix("new"));
  std::string hash;
  {
    ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT password_hash FROM users WHERE id = ?",
                                            {ctx.subject->user_id}));
    if (!row) return Unauthenticated("sign in first");
    hash = row->Text(0);
  }
  if (!deps_.hasher->Verify(hash, current)) {
    return InvalidArgument("the current password is wrong", "current_password");
  }
  ASSIGN_OR_RETURN(std::string new_hash, deps_.hasher->Hash(next));
  return audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"auth.password.change"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        return access::Resource{"user", ctx.subject->user_id};
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        RETURN_IF_ERROR(tx.Exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                                {new_hash, deps_.clock->Now(), ctx.subject->user_id})
                            .status());
        return tx
            .Exec("DELETE FROM sessions WHERE user_id = ? AND token_digest <> ?",
                  {ctx.subject->user_id, crypto::TokenDigest(keep_token)})
            .status();
      });
}

}  // namespace tamkine::identity
