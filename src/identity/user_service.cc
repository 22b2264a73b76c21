#include "identity/user_service.h"

#include <set>

#include "audit/audit_log.h"
#include "audit/guarded.h"
#include "common/ids.h"
#include "common/json.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/unit_service.h"
#include "identity/validation.h"

namespace tamkine::identity {

namespace {

StatusOr<storage::Value> SealOpt(const crypto::Keyring& k, std::string_view column,
                                 const std::string& id, const std::optional<std::string>& v) {
  if (!v) return storage::Null();
  ASSIGN_OR_RETURN(auto sealed, k.Seal("users", column, id, *v));
  return storage::Value(storage::Blob{std::move(sealed)});
}

StatusOr<std::optional<std::string>> OpenOpt(const crypto::Keyring& k, std::string_view column,
                                             const std::string& id, const storage::Row& r,
                                             size_t i) {
  if (r.IsNull(i)) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto s, k.Open("users", column, id, r.Bytes(i)));
  return std::optional<std::string>(std::move(s));
}

access::Resource UserResource(const User& u) {
  access::Resource r{"user", u.id};
  for (const auto& m : u.memberships) r.unit_ids.push_back(m.unit_id);
  if (!r.unit_ids.empty()) r.unit_id = r.unit_ids.front();
  return r;
}

}  // namespace

StatusOr<std::vector<access::Membership>> LoadMemberships(storage::Tx& tx,
                                                          const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT m.unit_id, u.name, u.sector, u.region_code, "
                                       "u.province_code, m.role FROM memberships m JOIN units u "
                                       "ON u.id = m.unit_id WHERE m.user_id = ? "
                                       "ORDER BY u.name, m.role",
                                       {user_id}));
  std::vector<access::Membership> out;
  for (const auto& r : rows) {
    access::Membership m;
    m.unit_id = r.Text(0);
    m.unit_name = r.Text(1);
    m.sector = r.Text(2);
    m.region_code = static_cast<int>(r.Int(3));
    m.province_code = r.Text(4);
    m.role = r.Text(5);
    out.push_back(std::move(m));
  }
  return out;
}

StatusOr<std::optional<User>> LoadUser(storage::Tx& tx, const crypto::Keyring& keyring,
                                       const std::string& id) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id, username, display_name_sealed, "
                                         "email_sealed, phone_sealed, active, totp_enabled, "
                                         "created_at FROM users WHERE id = ?",
                                         {id}));
  if (!row) return std::optional<User>();
  User u;
  u.id = row->Text(0);
  u.username = row->Text(1);
  ASSIGN_OR_RETURN(u.display_name,
                   keyring.Open("users", "display_name_sealed", u.id, row->Bytes(2)));
  ASSIGN_OR_RETURN(u.email, OpenOpt(keyring, "email_sealed", u.id, *row, 3));
  ASSIGN_OR_RETURN(u.phone, OpenOpt(keyring, "phone_sealed", u.id, *row, 4));
  u.active = row->Bool(5);
  u.totp_enabled = row->Bool(6);
  u.created_at = row->Int(7);
  ASSIGN_OR_RETURN(u.memberships, LoadMemberships(tx, u.id));
  return std::optional<User>(std::move(u));
}

Status ValidateMemberships(storage::Tx& tx, const std::vector<MembershipInput>& ms) {
  if (ms.empty()) return InvalidArgument("at least one membership is required", "memberships");
  if (ms.size() > 20) return InvalidArgument("at most 20 memberships", "memberships");
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < ms.size(); ++i) {
    std::string f = "memberships[" + std::to_string(i) + "]";
    RETURN_IF_ERROR(ValidateRole(ms[i].role, f + ".role"));
    ASSIGN_OR_RETURN(auto unit, LoadUnit(tx, ms[i].unit_id));
    if (!unit) return InvalidArgument("is not a known unit", f + ".unit_id");
    if (!unit->active) return InvalidArgument("unit is inactive", f + ".unit_id");
    if (!seen.insert({ms[i].unit_id, ms[i].role}).second) {
      return InvalidArgument("is listed twice", f);
    }
  }
  return Status::Ok();
}

Status UserService::ValidateInput(UserInput* in) {
  ASSIGN_OR_RETURN(in->username, NormaliseUsername(in->username, "username"));
  RETURN_IF_ERROR(ValidateText(in->display_name, "display_name", 2, 200));
  RETURN_IF_ERROR(crypto::CheckPasswordPolicy(in->password));
  if (in->email) RETURN_IF_ERROR(ValidateEmail(*in->email, "email"));
  if (in->phone) {
    ASSIGN_OR_RETURN(*in->phone, NormalisePhone(*in->phone, "phone"));
  }
  return Status::Ok();
}

Status UserService::Insert(storage::Tx& tx, const User& u, const std::string& password_hash,
                           const std::optional<std::vector<uint8_t>>& totp_secret) {
  const crypto::Keyring& k = *deps_.keyring;
  ASSIGN_OR_RETURN(auto name, k.Seal("users", "display_name_sealed", u.id, u.display_name));
  ASSIGN_OR_RETURN(auto email, SealOpt(k, "email_sealed", u.id, u.email));
  ASSIGN_OR_RETURN(auto phone, SealOpt(k, "phone_sealed", u.id, u.phone));
  storage::Value totp = storage::Null();
  if (totp_secret) {
    std::string secret(totp_secret->begin(), totp_secret->end());
    ASSIGN_OR_RETURN(auto sealed, k.Seal("users", "totp_secret_sealed", u.id, secret));
    totp = storage::Blob{std::move(sealed)};
  }
  Status ins = tx.Exec(
                     "INSERT INTO users (id, username, display_name_sealed, email_sealed, "
                     "phone_sealed, password_hash, active, totp_secret_sealed, "
                     "totp_enabled, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                     {u.id, u.username, storage::Blob{std::move(name)}, email, phone, password_hash,
                      totp, storage::Bool(totp_secret.has_value()), u.created_at, u.created_at})
                   .status();
  if (ins.code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("this username is taken", "username");
  }
  RETURN_IF_ERROR(ins);
  for (const auto& m : u.memberships) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, ?)",
                            {u.id, m.unit_id, m.role})
                        .status());
  }
  return Status::Ok();
}

StatusOr<User> UserService::Create(const access::RequestContext& ctx, const UserInput& input) {
  UserInput in = input;
  RETURN_IF_ERROR(ValidateInput(&in));
  // Hashing takes ~100 ms and 64 MiB: done before the transaction, never inside it.
  ASSIGN_OR_RETURN(std::string hash, deps_.hasher->Hash(in.password));
  User u;
  u.id = NewId();
  u.username = in.username;
  u.display_name = in.display_name;
  u.email = in.email;
  u.phone = in.phone;
  u.created_at = deps_.clock->Now();
  for (const auto& m : in.memberships) u.memberships.push_back({m.unit_id, "", "", 0, "", m.role});
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"user.create"},
      [&](storage::Tx&) -> StatusOr<access::Resource> { return UserResource(u); },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        RETURN_IF_ERROR(ValidateMemberships(tx, in.memberships));
        RETURN_IF_ERROR(Insert(tx, u, hash, std::nullopt));
        ASSIGN_OR_RETURN(u.memberships, LoadMemberships(tx, u.id));
        return Status::Ok();
      }));
  return u;
}

StatusOr<User> UserService::CreateBootstrap(
    const UserInput& input, const std::optional<std::vector<uint8_t>>& totp_secret) {
  UserInput in = input;
  RETURN_IF_ERROR(ValidateInput(&in));
  ASSIGN_OR_RETURN(std::string hash, deps_.hasher->Hash(in.password));
  User u;
  u.id = NewId();
  u.username = in.username;
  u.display_name = in.display_name;
  u.email = in.email;
  u.phone = in.phone;
  u.totp_enabled = totp_secret.has_value();
  u.created_at = deps_.clock->Now();
  for (const auto& m : in.memberships) u.memberships.push_back({m.unit_id, "", "", 0, "", m.role});
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    RETURN_IF_ERROR(ValidateMemberships(tx, in.memberships));
    RETURN_IF_ERROR(Insert(tx, u, hash, totp_secret));
    ASSIGN_OR_RETURN(u.memberships, LoadMemberships(tx, u.id));
    audit::Entry e;
    e.username = "system";
    e.action = "user.create";
    e.record_type = "user";
    e.record_id = u.id;
    e.decision = "allowed";
    e.reason = "bootstrap";
    return audit::Append(tx, *deps_.clock, e);
  }));
  return u;
}

StatusOr<User> UserService::Update(const access::RequestContext& ctx, const std::string& id,
                                   const UserPatch& input) {
  UserPatch patch = input;
  if (patch.display_name)
    RETURN_IF_ERROR(ValidateText(*patch.display_name, "display_name", 2, 200));
  if (patch.email) RETURN_IF_ERROR(ValidateEmail(*patch.email, "email"));
  if (patch.phone) {
    ASSIGN_OR_RETURN(*patch.phone, NormalisePhone(*patch.phone, "phone"));
  }
  User out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"user.update"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUser(tx, *deps_.keyring, id));
        if (!u) return NotFound("no such user");
        out = *u;
        return UserResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        const crypto::Keyring& k = *deps_.keyring;
        if (patch.display_name) out.display_name = *patch.display_name;
        if (patch.email) out.email = patch.email;
        if (patch.phone) out.phone = patch.phone;
        ASSIGN_OR_RETURN(auto name, k.Seal("users", "display_name_sealed", id, out.display_name));
        ASSIGN_OR_RETURN(auto email, SealOpt(k, "email_sealed", id, out.email));
        ASSIGN_OR_RETURN(auto phone, SealOpt(k, "phone_sealed", id, out.phone));
        return tx
            .Exec(
                "UPDATE users SET display_name_sealed = ?, email_sealed = ?, phone_sealed = ?, "
                "updated_at = ? WHERE id = ?",
                {storage::Blob{std::move(name)}, email, phone, deps_.clock->Now(), id})
            .status();
      }));
  return out;
}

StatusOr<User> UserService::SetMemberships(const access::RequestContext& ctx, const std::string& id,
                                           const std::vector<MembershipInput>& ms) {
  User out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"user.memberships"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUser(tx, *deps_.keyring, id));
        if (!u) return NotFound("no such user");
        out = *u;
        return UserResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        RETURN_IF_ERROR(ValidateMemberships(tx, ms));
        RETURN_IF_ERROR(tx.Exec("DELETE FROM memberships WHERE user_id = ?", {id}).status());
        for (const auto& m : ms) {
          RETURN_IF_ERROR(tx.Exec("INSERT INTO memberships (user_id, unit_id, role) "
                                  "VALUES (?, ?, ?)",
                                  {id, m.unit_id, m.role})
                              .status());
        }
        // Roles changed: existing sessions carry the old roles, so they end.
        RETURN_IF_ERROR(tx.Exec("DELETE FROM sessions WHERE user_id = ?", {id}).status());
        ASSIGN_OR_RETURN(out.memberships, LoadMemberships(tx, id));
        return Status::Ok();
      }));
  return out;
}

StatusOr<User> UserService::SetActive(const access::RequestContext& ctx, const std::string& id,
                                      bool active) {
  User out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {active ? "user.enable" : "user.disable"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUser(tx, *deps_.keyring, id));
        if (!u) return NotFound("no such user");
        out = *u;
        return UserResource(out);
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        if (!active && ctx.subject->user_id == id) {
          return FailedPrecondition("you cannot disable your own account");
        }
        RETURN_IF_ERROR(tx.Exec("UPDATE users SET active = ?, updated_at = ? WHERE id = ?",
                                {storage::Bool(active), deps_.clock->Now(), id})
                            .status());
        if (!active) {
          RETURN_IF_ERROR(tx.Exec("DELETE FROM sessions WHERE user_id = ?", {id}).status());
        }
        out.active = active;
        return Status::Ok();
      }));
  return out;
}

StatusOr<User> UserService::Get(const access::RequestContext& ctx, const std::string& id) {
  User out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"user.read"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto u, LoadUser(tx, *deps_.keyring, id));
        if (!u) return NotFound("no such user");
        out = *u;
        return UserResource(out);
      },
      [](storage::Tx&, const access::Decision&) { return Status::Ok(); }));
  return out;
}

StatusOr<std::vector<User>> UserService::List(const access::RequestContext& ctx,
                                              const std::optional<std::string>& unit_id) {
  std::vector<User> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"user.list"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r{"user"};
        if (unit_id) r.unit_id = *unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        std::vector<storage::Row> rows;
        if (unit_id) {
          ASSIGN_OR_RETURN(rows, tx.Query("SELECT DISTINCT u.id, u.username FROM users u JOIN "
                                          "memberships m ON m.user_id = u.id WHERE m.unit_id = ? "
                                          "ORDER BY u.username LIMIT 5000",
                                          {*unit_id}));
        } else {
          ASSIGN_OR_RETURN(rows,
                           tx.Query("SELECT id, username FROM users ORDER BY username LIMIT 5000"));
        }
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto u, LoadUser(tx, *deps_.keyring, r.Text(0)));
          if (u) out.push_back(std::move(*u));
        }
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::identity
