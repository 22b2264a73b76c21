#include "cases/case_store.h"

#include <algorithm>

#include "audit/audit_log.h"
#include "cases/lifecycle.h"
#include "common/ids.h"
#include "crypto/keyring.h"

namespace tamkine::cases::internal {

const char kCaseColumns[] =
    "c.id, c.reference_code, c.survivor_id, c.kind, c.child_role, c.linked_case_id, "
    "c.created_by_unit_id, c.created_by_user_id, c.holder_unit_id, c.region_code, "
    "c.province_code, c.status, c.service_status, c.justice_status, c.risk_level, c.age_band, "
    "c.violence_forms, c.legal_ground, c.report_due_at, c.report_sent_at, c.close_reason, "
    "c.created_at, c.updated_at, c.merged_into_case_id";

CaseRow CaseFromRow(const storage::Row& r, size_t i) {
  CaseRow c;
  c.id = r.Text(i + 0);
  c.reference_code = r.Text(i + 1);
  c.survivor_id = r.Text(i + 2);
  c.kind = r.Text(i + 3);
  c.child_role = r.OptText(i + 4);
  c.linked_case_id = r.OptText(i + 5);
  c.created_by_unit_id = r.Text(i + 6);
  c.created_by_user_id = r.Text(i + 7);
  c.holder_unit_id = r.Text(i + 8);
  c.region_code = static_cast<int>(r.Int(i + 9));
  c.province_code = r.Text(i + 10);
  c.status = r.Text(i + 11);
  c.service_status = r.Text(i + 12);
  c.justice_status = r.Text(i + 13);
  c.risk_level = r.Text(i + 14);
  c.age_band = r.Text(i + 15);
  c.violence_forms = r.Text(i + 16);
  c.legal_ground = r.OptText(i + 17);
  c.report_due_at = r.OptInt(i + 18);
  c.report_sent_at = r.OptInt(i + 19);
  c.close_reason = r.OptText(i + 20);
  c.created_at = r.Int(i + 21);
  c.updated_at = r.Int(i + 22);
  c.merged_into_case_id = r.OptText(i + 23);
  return c;
}

StatusOr<std::optional<CaseRow>> LoadCase(storage::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto row,
      tx.QueryOne(std::string("SELECT ") + kCaseColumns + " FROM cases c WHERE c.id = ?", {id}));
  if (!row) return std::optional<CaseRow>();
  return std::optional<CaseRow>(CaseFromRow(*row));
}

StatusOr<std::optional<CaseRow>> LoadCaseByReference(storage::Tx& tx, const std::string& code) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kCaseColumns +
                                             " FROM cases c WHERE c.reference_code = ?",
                                         {code}));
  if (!row) return std::optional<CaseRow>();
  return std::optional<CaseRow>(CaseFromRow(*row));
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

StatusOr<std::map<std::string, CaseRow>> LoadCases(storage::Tx& tx,
                                                   const std::vector<std::string>& ids) {
  std::map<std::string, CaseRow> out;
  if (ids.empty()) return out;
  storage::Params params(ids.begin(), ids.end());
  ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string("SELECT ") + kCaseColumns + " FROM cases c WHERE c.id IN (" +
                              Placeholders(ids.size()) + ")",
                          params));
  for (const auto& r : rows) {
    CaseRow c = CaseFromRow(r);
    out.emplace(c.id, std::move(c));
  }
  return out;
}

StatusOr<CaseRow> MustLoadCase(storage::Tx& tx, const std::string& id) {
  if (!LooksLikeId(id)) return NotFound("no such case");
  ASSIGN_OR_RETURN(auto c, LoadCase(tx, id));
  if (!c) return NotFound("no such case");
  return *c;
}

namespace {

// What a case's resource says without reading anything else.
access::Resource BaseResource(const CaseRow& c) {
  access::Resource r;
  r.type = "case";
  r.id = c.id;
  r.unit_id = c.created_by_unit_id;
  r.unit_ids = {c.holder_unit_id};
  r.region_code = c.region_code;
  return r;
}

}  // namespace

StatusOr<access::Resource> CaseResource(storage::Tx& tx, const CaseRow& c,
                                        const access::Subject& subject, Micros now,
                                        std::string subtype) {
  access::Resource r = BaseResource(c);
  r.subtype = std::move(subtype);
  ASSIGN_OR_RETURN(auto grants, tx.Query("SELECT unit_id, purpose FROM consents WHERE case_id = ? "
                                         "AND revoked_at IS NULL ORDER BY granted_at",
                                         {c.id}));
  for (const auto& g : grants) r.grants.push_back({g.Text(0), g.Text(1)});
  ASSIGN_OR_RETURN(auto excluded,
                   tx.Query("SELECT user_id FROM case_exclusions WHERE case_id = ?", {c.id}));
  for (const auto& e : excluded) r.excluded_user_ids.push_back(e.Text(0));
  if (!subject.user_id.empty()) {
    ASSIGN_OR_RETURN(auto btg, tx.QueryOne("SELECT COUNT(*) FROM btg_grants WHERE case_id = ? "
                                           "AND user_id = ? AND expires_at > ?",
                                           {c.id, subject.user_id, now}));
    r.break_glass = btg && btg->Int(0) > 0;
  }
  return r;
}

StatusOr<std::map<std::string, access::Resource>> CaseResources(
    storage::Tx& tx, const std::map<std::string, CaseRow>& cases, const access::Subject& subject,
    Micros now) {
  std::map<std::string, access::Resource> out;
  if (cases.empty()) return out;
  storage::Params ids;
  for (const auto& [id, c] : cases) {
    out.emplace(id, BaseResource(c));
    ids.emplace_back(id);
  }
  const std::string in = " IN (" + Placeholders(ids.size()) + ")";
  ASSIGN_OR_RETURN(auto grants, tx.Query("SELECT case_id, unit_id, purpose FROM consents WHERE "
                                         "revoked_at IS NULL AND case_id" +
                                             in + " ORDER BY granted_at",
                                         ids));
  for (const auto& g : grants) out[g.Text(0)].grants.push_back({g.Text(1), g.Text(2)});
  ASSIGN_OR_RETURN(
      auto excluded,
      tx.Query("SELECT case_id, user_id FROM case_exclusions WHERE case_id" + in, ids));
  for (const auto& e : excluded) out[e.Text(0)].excluded_user_ids.push_back(e.Text(1));
  if (!subject.user_id.empty()) {
    storage::Params p = ids;
    p.emplace_back(subject.user_id);
    p.emplace_back(now);
    ASSIGN_OR_RETURN(auto btg, tx.Query("SELECT DISTINCT case_id FROM btg_grants WHERE case_id" +
                                            in + " AND user_id = ? AND expires_at > ?",
                                        p));
    for (const auto& b : btg) out[b.Text(0)].break_glass = true;
  }
  return out;
}

Status HideFromExcluded(Status st, const access::Resource& r, const access::Subject& s,
                        std::string_view not_found) {
  if (st.code() != StatusCode::kPermissionDenied) return st;
  if (std::find(r.excluded_user_ids.begin(), r.excluded_user_ids.end(), s.user_id) ==
      r.excluded_user_ids.end()) {
    return st;
  }
  return NotFound(std::string(not_found));
}

StatusOr<UnitRef> Units::Get(storage::Tx& tx, const std::string& id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id, name, sector FROM units WHERE id = ?", {id}));
  if (!row) return Internal("a case refers to a unit that does not exist");
  UnitRef u{row->Text(0), row->Text(1), row->Text(2)};
  cache_[id] = u;
  return u;
}

StatusOr<std::optional<UnitRef>> Units::GetOpt(storage::Tx& tx,
                                               const std::optional<std::string>& id) {
  if (!id) return std::optional<UnitRef>();
  ASSIGN_OR_RETURN(UnitRef u, Get(tx, *id));
  return std::optional<UnitRef>(u);
}

StatusOr<UnitRef> RequireActiveUnit(storage::Tx& tx, const std::string& id,
                                    const std::string& field) {
  ASSIGN_OR_RETURN(auto row,
                   tx.QueryOne("SELECT id, name, sector, active FROM units WHERE id = ?", {id}));
  if (!row) return InvalidArgument("is not a known unit", field);
  if (!row->Bool(3)) return InvalidArgument("unit is inactive", field);
  return UnitRef{row->Text(0), row->Text(1), row->Text(2)};
}

StatusOr<CaseCore> MakeCore(storage::Tx& tx, Units& units, const CaseRow& c, Micros now) {
  CaseCore core;
  core.id = c.id;
  core.reference_code = c.reference_code;
  core.kind = c.kind;
  core.status = c.merged_into_case_id ? "merged" : c.status;
  core.merged_into_case_id = c.merged_into_case_id;
  const std::string track(ServiceTrack(c.kind));
  core.service = {track, c.service_status, std::string(NextStep(track, c.service_status))};
  core.justice = {"justice", c.justice_status, std::string(NextStep("justice", c.justice_status))};
  ASSIGN_OR_RETURN(core.holder, units.Get(tx, c.holder_unit_id));
  ASSIGN_OR_RETURN(core.opened_by, units.Get(tx, c.created_by_unit_id));
  core.risk_level = c.risk_level;
  core.close_reason = c.close_reason;
  core.child_role = c.child_role;
  core.linked_case_id = c.linked_case_id;
  core.report_due_at = c.report_due_at;
  core.report_sent_at = c.report_sent_at;
  core.report_overdue = c.report_due_at && !c.report_sent_at && now > *c.report_due_at;
  core.created_at = c.created_at;
  core.updated_at = c.updated_at;
  return core;
}

Status TouchCase(storage::Tx& tx, const std::string& case_id, Micros now) {
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("UPDATE cases SET updated_at = ? WHERE id = ?", {now, case_id}));
  if (n != 1) return NotFound("no such case");
  return Status::Ok();
}

Status AppendEvent(storage::Tx& tx, const crypto::Keyring& keyring, const std::string& case_id,
                   Micros at, const std::string& user_id, const std::string& unit_id,
                   const Event& e) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT COALESCE(MAX(seq), 0) FROM case_events "
                                         "WHERE case_id = ?",
                                         {case_id}));
  const int64_t seq = row ? row->Int(0) + 1 : 1;
  const std::string id = NewId();
  ASSIGN_OR_RETURN(auto detail, SealOpt(keyring, "case_events", "detail_sealed", id, e.detail));
  return tx
      .Exec(
          "INSERT INTO case_events (id, case_id, seq, occurred_at, user_id, unit_id, kind, topic, "
          "from_value, to_value, ref_id, visibility, detail_visibility, detail_sealed) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, case_id, seq, at, user_id.empty() ? storage::Null() : storage::Value(user_id),
           unit_id.empty() ? storage::Null() : storage::Value(unit_id), e.kind,
           storage::Opt(e.topic), storage::Opt(e.from), storage::Opt(e.to), storage::Opt(e.ref_id),
           e.visibility, e.detail_visibility, detail})
      .status();
}

std::pair<std::string, std::string> VisibilityAction(const std::string& visibility,
                                                     std::string* owner_sector) {
  owner_sector->clear();
  if (visibility == "core") return {"case.read_core", ""};
  if (visibility == "summary") return {"case.read", ""};
  if (visibility == "identity") return {"case.read_identity", ""};
  if (visibility.rfind("doc:", 0) == 0) {
    std::string rest = visibility.substr(4);
    auto colon = rest.find(':');
    if (colon != std::string::npos) {
      *owner_sector = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    return {"document.read", rest};
  }
  return {"case.read_compartment", visibility};
}

Status InsertAlert(storage::Tx& tx, const std::string& unit_id, const std::string& kind,
                   const std::optional<std::string>& case_id,
                   const std::optional<std::string>& ref_id, Micros now) {
  return tx
      .Exec(
          "INSERT INTO alerts (id, unit_id, kind, case_id, ref_id, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {NewId(), unit_id, kind, storage::Opt(case_id), storage::Opt(ref_id), now})
      .status();
}

StatusOr<storage::Value> Seal(const crypto::Keyring& k, std::string_view table,
                              std::string_view column, const std::string& id,
                              std::string_view plaintext) {
  ASSIGN_OR_RETURN(auto sealed, k.Seal(table, column, id, plaintext));
  return storage::Value(storage::Blob{std::move(sealed)});
}

StatusOr<storage::Value> SealOpt(const crypto::Keyring& k, std::string_view table,
                                 std::string_view column, const std::string& id,
                                 const std::optional<std::string>& v) {
  if (!v) return storage::Null();
  return Seal(k, table, column, id, *v);
}

StatusOr<std::optional<std::string>> OpenOpt(const crypto::Keyring& k, std::string_view table,
                                             std::string_view column, const std::string& id,
                                             const storage::Row& r, size_t i) {
  if (r.IsNull(i)) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto s, k.Open(table, column, id, r.Bytes(i)));
  return std::optional<std::string>(std::move(s));
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out = ",";
  for (const auto& s : v) out += s + ",";
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

StatusOr<access::Subject> ActingAs(const access::Subject& s,
                                   const std::optional<std::string>& unit_id,
                                   const std::string& field) {
  if (!unit_id) return s;
  access::Subject narrowed = s;
  narrowed.memberships.clear();
  for (const auto& m : s.memberships) {
    if (m.unit_id == *unit_id) narrowed.memberships.push_back(m);
  }
  if (narrowed.memberships.empty()) {
    return InvalidArgument("you are not a member of this unit", field);
  }
  return narrowed;
}

Status Acting::Init(const access::RequestContext& ctx, const Clock& clock,
                    const std::optional<std::string>& unit_id, const std::string& field) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  ASSIGN_OR_RETURN(subject_, ActingAs(*ctx.subject, unit_id, field));
  ctx_ = ctx;
  ctx_.subject = &subject_;
  now_ = clock.Now();
  return Status::Ok();
}

std::vector<std::string> JsonStrings(const Json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::string> JsonOptString(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Status AuditRead(storage::Tx& tx, const Clock& clock, const access::RequestContext& ctx,
                 std::string_view action, const std::string& case_id, const access::Decision& d) {
  audit::Entry e;
  if (ctx.subject != nullptr) {
    e.user_id = ctx.subject->user_id;
    e.username = ctx.subject->username;
  }
  e.role = d.role;
  e.unit_id = d.unit_id;
  e.action = std::string(action);
  e.record_type = "case";
  e.record_id = case_id;
  e.decision = d.allowed ? "allowed" : "denied";
  e.reason = d.reason;
  e.client_addr = ctx.client_addr;
  e.request_id = ctx.request_id;
  return audit::Append(tx, clock, e);
}

}  // namespace tamkine::cases::internal
