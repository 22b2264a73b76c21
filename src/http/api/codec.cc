#include "http/api/codec.h"

#include "access/subject.h"

namespace tamkine::http::api {

namespace {

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

StatusOr<std::vector<identity::MembershipInput>> DecodeMembershipArray(const Json& arr) {
  std::vector<identity::MembershipInput> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string prefix = "memberships[" + std::to_string(i) + "]";
    ObjectReader r(arr[i], prefix);
    RETURN_IF_ERROR(r.Check());
    identity::MembershipInput m;
    RETURN_IF_ERROR(r.String("unit_id", &m.unit_id, 1, 64));
    RETURN_IF_ERROR(r.Enum("role", &m.role, access::Roles()));
    RETURN_IF_ERROR(r.Finish());
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

StatusOr<identity::UnitInput> DecodeUnitInput(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  identity::UnitInput in;
  RETURN_IF_ERROR(r.String("name", &in.name, 2, 200));
  RETURN_IF_ERROR(r.Enum("sector", &in.sector, access::Sectors()));
  RETURN_IF_ERROR(r.String("province_code", &in.province_code, 1, 10));
  RETURN_IF_ERROR(r.OptInt("region_code", &in.region_code, 1, 12));
  RETURN_IF_ERROR(r.OptString("address", &in.address, 1, 500));
  RETURN_IF_ERROR(r.OptString("phone", &in.phone, 1, 40));
  RETURN_IF_ERROR(r.OptString("email", &in.email, 3, 254));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<identity::UnitPatch> DecodeUnitPatch(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  identity::UnitPatch p;
  RETURN_IF_ERROR(r.OptString("name", &p.name, 2, 200));
  RETURN_IF_ERROR(r.OptString("address", &p.address, 1, 500));
  RETURN_IF_ERROR(r.OptString("phone", &p.phone, 1, 40));
  RETURN_IF_ERROR(r.OptString("email", &p.email, 3, 254));
  RETURN_IF_ERROR(r.OptBool("active", &p.active));
  RETURN_IF_ERROR(r.Finish());
  return p;
}

StatusOr<std::vector<identity::MembershipInput>> DecodeMemberships(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  const Json* arr = nullptr;
  RETURN_IF_ERROR(r.Array("memberships", &arr, 20));
  RETURN_IF_ERROR(r.Finish());
  return DecodeMembershipArray(*arr);
}

StatusOr<identity::UserInput> DecodeUserInput(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  identity::UserInput in;
  RETURN_IF_ERROR(r.String("username", &in.username, 3, 64));
  RETURN_IF_ERROR(r.String("display_name", &in.display_name, 2, 200));
  RETURN_IF_ERROR(r.String("password", &in.password, 1, 256));
  RETURN_IF_ERROR(r.OptString("email", &in.email, 3, 254));
  RETURN_IF_ERROR(r.OptString("phone", &in.phone, 1, 40));
  const Json* arr = nullptr;
  RETURN_IF_ERROR(r.Array("memberships", &arr, 20));
  RETURN_IF_ERROR(r.Finish());
  ASSIGN_OR_RETURN(in.memberships, DecodeMembershipArray(*arr));
  return in;
}

StatusOr<identity::UserPatch> DecodeUserPatch(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  identity::UserPatch p;
  RETURN_IF_ERROR(r.OptString("display_name", &p.display_name, 2, 200));
  RETURN_IF_ERROR(r.OptString("email", &p.email, 3, 254));
  RETURN_IF_ERROR(r.OptString("phone", &p.phone, 1, 40));
  RETURN_IF_ERROR(r.Finish());
  return p;
}

Json EncodeUnit(const identity::Unit& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"sector", u.sector},
          {"region_code", u.region_code},
          {"province_code", u.province_code},
          {"address", OptJson(u.address)},
          {"phone", OptJson(u.phone)},
          {"email", OptJson(u.email)},
          {"active", u.active}};
}

Json EncodeMemberships(const std::vector<access::Membership>& ms) {
  Json arr = Json::array();
  for (const auto& m : ms) {
    arr.push_back({{"unit_id", m.unit_id},
                   {"unit_name", m.unit_name},
                   {"sector", m.sector},
                   {"region_code", m.region_code},
                   {"province_code", m.province_code},
                   {"role", m.role}});
  }
  return arr;
}

Json EncodeUser(const identity::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"email", OptJson(u.email)},
          {"phone", OptJson(u.phone)},
          {"active", u.active},
          {"totp_enabled", u.totp_enabled},
          {"memberships", EncodeMemberships(u.memberships)}};
}

Json EncodeSession(const identity::SessionInfo& s) {
  Json user = {{"id", s.subject.user_id},
               {"username", s.subject.username},
               {"display_name", s.display_name},
               {"totp_enabled", s.totp_enabled},
               {"memberships", EncodeMemberships(s.subject.memberships)}};
  return {{"user", user},
          {"csrf_token", s.csrf_token},
          {"must_enrol_totp", s.subject.must_enrol_totp},
          {"expires_at", FormatIsoTimeSeconds(s.expires_at)}};
}

Json EncodeAuditEntry(const audit::Entry& e) {
  auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {{"seq", e.seq},
          {"time", FormatIsoTime(e.time)},
          {"user_id", opt(e.user_id)},
          {"username", opt(e.username)},
          {"role", opt(e.role)},
          {"unit_id", opt(e.unit_id)},
          {"action", e.action},
          {"record_type", opt(e.record_type)},
          {"record_id", opt(e.record_id)},
          {"decision", e.decision},
          {"reason", opt(e.reason)},
          {"client_addr", opt(e.client_addr)},
          {"request_id", opt(e.request_id)},
          {"hash", e.hash}};
}

Json EncodeVerifyReport(const audit::VerifyReport& r) {
  Json problems = Json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"seq", p.seq}, {"kind", p.kind}, {"message", p.message}});
  }
  return {{"ok", r.ok()},
          {"entries", r.entries},
          {"checkpoints_checked", r.checkpoints_checked},
          {"problems", problems}};
}

Json EncodeCheckpoint(const audit::Checkpoint& c) {
  return {{"seq", c.seq},
          {"hash", c.hash},
          {"time", FormatIsoTime(c.time)},
          {"time_us", c.time},
          {"public_key", c.public_key},
          {"signature", c.signature}};
}

}  // namespace tamkine::http::api
