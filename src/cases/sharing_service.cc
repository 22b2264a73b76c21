#include "cases/sharing_service.h"

#include <algorithm>

#include "audit/guarded.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/codes.h"
#include "cases/validate.h"
#include "cases/vocab.h"
#include "common/ids.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

using internal::CaseCall;
using internal::CaseResource;
using internal::CaseRow;
using internal::MustLoadCase;
using internal::OnCase;
using internal::TouchCase;
using internal::Units;

namespace {

constexpr char kConsentColumns[] =
    "id, unit_id, purpose, basis, legal_ground, method, granted_at, recorded_by_unit_id, "
    "revoked_at, revoked_by_unit_id, revoke_reason";

StatusOr<ConsentView> ConsentFromRow(storage::Tx& tx, Units& units, const storage::Row& r) {
  ConsentView v;
  v.id = r.Text(0);
  ASSIGN_OR_RETURN(v.unit, units.Get(tx, r.Text(1)));
  v.purpose = r.Text(2);
  v.basis = r.Text(3);
  v.legal_ground = r.OptText(4);
  v.method = r.OptText(5);
  v.granted_at = r.Int(6);
  ASSIGN_OR_RETURN(v.recorded_by_unit, units.Get(tx, r.Text(7)));
  v.revoked_at = r.OptInt(8);
  ASSIGN_OR_RETURN(v.revoked_by_unit, units.GetOpt(tx, r.OptText(9)));
  v.revoke_reason = r.OptText(10);
  return v;
}

StatusOr<ConsentView> LoadConsent(storage::Tx& tx, Units& units, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto r,
      tx.QueryOne(std::string("SELECT ") + kConsentColumns + " FROM consents WHERE id = ?", {id}));
  if (!r) return NotFound("no such consent");
  return ConsentFromRow(tx, units, *r);
}

constexpr char kBtgColumns[] =
    "b.id, b.case_id, c.reference_code, b.user_id, u.username, b.unit_id, b.reason_sealed, "
    "b.granted_at, b.expires_at, b.review_outcome, b.reviewed_at, b.review_note_sealed";

StatusOr<BtgView> BtgFromRow(storage::Tx& tx, Units& units, const crypto::Keyring& k,
                             const storage::Row& r) {
  BtgView v;
  v.id = r.Text(0);
  v.case_id = r.Text(1);
  v.reference_code = r.Text(2);
  v.user_id = r.Text(3);
  v.username = r.Text(4);
  ASSIGN_OR_RETURN(v.unit, units.Get(tx, r.Text(5)));
  ASSIGN_OR_RETURN(v.reason, internal::OpenOpt(k, "btg_grants", "reason_sealed", v.id, r, 6));
  v.granted_at = r.Int(7);
  v.expires_at = r.Int(8);
  v.review_outcome = r.OptText(9);
  v.reviewed_at = r.OptInt(10);
  ASSIGN_OR_RETURN(v.review_note,
                   internal::OpenOpt(k, "btg_grants", "review_note_sealed", v.id, r, 11));
  return v;
}

StatusOr<BtgView> LoadBtg(storage::Tx& tx, Units& units, const crypto::Keyring& k,
                          const std::string& id) {
  ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT ") + kBtgColumns +
                                             " FROM btg_grants b JOIN cases c ON c.id = "
                                             "b.case_id JOIN users u ON u.id = b.user_id "
                                             "WHERE b.id = ?",
                                         {id}));
  if (!row) return NotFound("no such break-the-glass grant");
  return BtgFromRow(tx, units, k, *row);
}

constexpr char kAlertColumns[] =
    "a.id, a.unit_id, a.kind, a.case_id, c.reference_code, a.ref_id, a.created_at, "
    "a.acknowledged_at";

AlertView AlertFromRow(const storage::Row& r) {
  AlertView v;
  v.id = r.Text(0);
  v.unit_id = r.Text(1);
  v.kind = r.Text(2);
  v.case_id = r.OptText(3);
  v.reference_code = r.OptText(4);
  v.ref_id = r.OptText(5);
  v.created_at = r.Int(6);
  v.acknowledged_at = r.OptInt(7);
  return v;
}

}  // namespace

StatusOr<std::vector<ConsentView>> SharingService::RecordConsent(
    const access::RequestContext& ctx, const std::string& case_id, const ConsentInput& in,
    const std::optional<std::string>& acting_unit_id) {
  RETURN_IF_ERROR(ValidateConsent(in, "", /*child_case=*/true));
  std::vector<ConsentView> out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, acting_unit_id, "acting_unit_id", "consent.record", case_id, in.basis,
      [&](CaseCall& c) -> Status {
        out.clear();
        if (in.basis == "legal_ground" && c.row.kind != "child") {
          return InvalidArgument("a legal ground replaces consent only for a child's case",
                                 "basis");
        }
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        std::vector<std::string> ids;
        RETURN_IF_ERROR(internal::WriteConsent(c.tx, deps_, case_id, c.actor, in, "", c.now, &ids));
        Units units;
        for (const auto& id : ids) {
          ASSIGN_OR_RETURN(auto v, LoadConsent(c.tx, units, id));
          out.push_back(std::move(v));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<ConsentView> SharingService::RevokeConsent(
    const access::RequestContext& ctx, const std::string& case_id, const std::string& consent_id,
    const std::string& reason, const std::optional<std::string>& acting_unit_id) {
  RETURN_IF_ERROR(CheckEnum(RevokeReasons(), reason, "reason"));
  ConsentView out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, acting_unit_id, "acting_unit_id", "consent.revoke", case_id, "",
      [&](CaseCall& c) -> Status {
        ASSIGN_OR_RETURN(auto row, c.tx.QueryOne("SELECT unit_id, purpose, revoked_at FROM "
                                                 "consents WHERE id = ? AND case_id = ?",
                                                 {consent_id, case_id}));
        if (!row) return NotFound("no such consent on this case");
        if (!row->IsNull(2)) return FailedPrecondition("this consent is already revoked");
        const std::string unit = row->Text(0);
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        RETURN_IF_ERROR(c.tx.Exec("UPDATE consents SET revoked_at = ?, revoked_by_user_id = ?, "
                                  "revoked_by_unit_id = ?, revoke_reason = ? WHERE id = ?",
                                  {c.now, c.actor.user_id, c.actor.unit_id, reason, consent_id})
                            .status());
        internal::Event e;
        e.kind = "consent_revoked";
        e.topic = row->Text(1);
        e.ref_id = unit;
        RETURN_IF_ERROR(internal::AppendEvent(c.tx, *deps_.keyring, case_id, c.now, c.actor.user_id,
                                              c.actor.unit_id, e));
        // The next step must stay someone's: a holder that no longer reaches the case hands it
        // back to the unit that opened it.
        if (c.row.holder_unit_id == unit && unit != c.row.created_by_unit_id) {
          ASSIGN_OR_RETURN(auto left, c.tx.QueryOne("SELECT COUNT(*) FROM consents WHERE "
                                                    "case_id = ? AND unit_id = ? AND revoked_at "
                                                    "IS NULL AND purpose <> 'coordination'",
                                                    {case_id, unit}));
          if (left && left->Int(0) == 0) {
            RETURN_IF_ERROR(c.tx.Exec("UPDATE cases SET holder_unit_id = created_by_unit_id "
                                      "WHERE id = ?",
                                      {case_id})
                                .status());
            internal::Event h;
            h.kind = "holder_changed";
            h.ref_id = c.row.created_by_unit_id;
            RETURN_IF_ERROR(internal::AppendEvent(c.tx, *deps_.keyring, case_id, c.now,
                                                  c.actor.user_id, c.actor.unit_id, h));
          }
        }
        Units units;
        ASSIGN_OR_RETURN(out, LoadConsent(c.tx, units, consent_id));
        return Status::Ok();
      }));
  return out;
}

StatusOr<std::vector<ConsentView>> SharingService::ListConsents(const access::RequestContext& ctx,
                                                                const std::string& case_id) {
  std::vector<ConsentView> out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.read_core", case_id, "", [&](CaseCall& c) -> Status {
        out.clear();
        ASSIGN_OR_RETURN(auto rows, c.tx.Query(std::string("SELECT ") + kConsentColumns +
                                                   " FROM consents WHERE case_id = ? "
                                                   "ORDER BY granted_at, id",
                                               {case_id}));
        Units units;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto v, ConsentFromRow(c.tx, units, r));
          out.push_back(std::move(v));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<BtgView> SharingService::BreakGlass(const access::RequestContext& ctx,
                                             const std::string& reference_code,
                                             const std::string& reason, int minutes) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  auto code = NormaliseReferenceCode(reference_code);
  if (!code) return InvalidArgument("is not a valid reference code", "reference_code");
  RETURN_IF_ERROR(ValidateNote(reason, "reason", 20, 1000));
  const int max_minutes = static_cast<int>(deps_.options.break_glass_max / kMicrosPerMinute);
  if (minutes < 5 || minutes > max_minutes) {
    return InvalidArgument("must be between 5 and " + std::to_string(max_minutes), "minutes");
  }
  const Micros now = deps_.clock->Now();
  CaseRow row;
  BtgView out;
  access::Resource resource;
  std::vector<std::string> notify;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"case.break_glass"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto c, internal::LoadCaseByReference(tx, *code));
        if (!c) return NotFound("no case has this reference code");
        row = *c;
        ASSIGN_OR_RETURN(resource, CaseResource(tx, row, *ctx.subject, now));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        const std::string id = NewId();
        ASSIGN_OR_RETURN(auto sealed,
                         internal::Seal(*deps_.keyring, "btg_grants", "reason_sealed", id, reason));
        RETURN_IF_ERROR(TouchCase(tx, row.id, now));
        RETURN_IF_ERROR(tx.Exec("INSERT INTO btg_grants (id, case_id, user_id, unit_id, "
                                "reason_sealed, granted_at, expires_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                {id, row.id, ctx.subject->user_id, d.unit_id, sealed, now,
                                 now + minutes * kMicrosPerMinute})
                            .status());
        internal::Event e;
        e.kind = "break_glass";
        e.ref_id = id;
        e.detail = reason;
        e.detail_visibility = "summary";
        RETURN_IF_ERROR(internal::AppendEvent(tx, *deps_.keyring, row.id, now, ctx.subject->user_id,
                                              d.unit_id, e));
        notify.assign({d.unit_id});
        for (const auto& u : {row.created_by_unit_id, row.holder_unit_id}) {
          if (std::find(notify.begin(), notify.end(), u) == notify.end()) notify.push_back(u);
        }
        for (const auto& u : notify) {
          RETURN_IF_ERROR(internal::InsertAlert(tx, u, "break_glass", row.id, id, now));
        }
        Units units;
        ASSIGN_OR_RETURN(out, LoadBtg(tx, units, *deps_.keyring, id));
        return Status::Ok();
      });
  RETURN_IF_ERROR(
      internal::HideFromExcluded(st, resource, *ctx.subject, "no case has this reference code"));
  AnnounceAlerts(deps_, notify);
  return out;
}

StatusOr<std::vector<BtgView>> SharingService::ListBreakGlass(const access::RequestContext& ctx,
                                                              const std::string& unit_id,
                                                              bool pending_only) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  std::vector<BtgView> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"case.btg.review"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "btg";
        r.unit_id = unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        std::string sql = std::string("SELECT ") + kBtgColumns +
                          " FROM btg_grants b JOIN cases c ON c.id = b.case_id JOIN users u ON "
                          "u.id = b.user_id WHERE (b.unit_id = ? OR c.created_by_unit_id = ?)";
        if (pending_only) sql += " AND b.review_outcome IS NULL";
        sql += " ORDER BY b.granted_at DESC, b.id DESC LIMIT 200";
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {unit_id, unit_id}));
        Units units;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto v, BtgFromRow(tx, units, *deps_.keyring, r));
          out.push_back(std::move(v));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<BtgView> SharingService::ReviewBreakGlass(const access::RequestContext& ctx,
                                                   const std::string& grant_id,
                                                   const std::string& outcome,
                                                   const std::optional<std::string>& note) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(CheckEnum(BtgReviewOutcomes(), outcome, "outcome"));
  if (note) RETURN_IF_ERROR(ValidateNote(*note, "note", 1, 1000));
  const Micros now = deps_.clock->Now();
  BtgView grant;
  BtgView out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"case.btg.review"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        if (!LooksLikeId(grant_id)) return NotFound("no such break-the-glass grant");
        Units units;
        ASSIGN_OR_RETURN(grant, LoadBtg(tx, units, *deps_.keyring, grant_id));
        ASSIGN_OR_RETURN(CaseRow c, MustLoadCase(tx, grant.case_id));
        ASSIGN_OR_RETURN(access::Resource cr, CaseResource(tx, c, *ctx.subject, now));
        access::Resource r;
        r.type = "btg";
        r.id = grant_id;
        r.unit_id = c.created_by_unit_id;
        r.unit_ids = {grant.unit.id};
        r.excluded_user_ids = cr.excluded_user_ids;
        r.excluded_user_ids.push_back(grant.user_id);  // nobody reviews their own access
        return r;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        if (grant.review_outcome) return FailedPrecondition("this grant was already reviewed");
        ASSIGN_OR_RETURN(auto sealed, internal::SealOpt(*deps_.keyring, "btg_grants",
                                                        "review_note_sealed", grant_id, note));
        RETURN_IF_ERROR(tx.Exec("UPDATE btg_grants SET review_outcome = ?, reviewed_at = ?, "
                                "reviewed_by_user_id = ?, review_note_sealed = ? WHERE id = ?",
                                {outcome, now, ctx.subject->user_id, sealed, grant_id})
                            .status());
        RETURN_IF_ERROR(TouchCase(tx, grant.case_id, now));
        internal::Event e;
        e.kind = "break_glass_reviewed";
        e.to = outcome;
        e.ref_id = grant_id;
        e.visibility = "summary";
        RETURN_IF_ERROR(internal::AppendEvent(tx, *deps_.keyring, grant.case_id, now,
                                              ctx.subject->user_id, d.unit_id, e));
        Units units;
        ASSIGN_OR_RETURN(out, LoadBtg(tx, units, *deps_.keyring, grant_id));
        return Status::Ok();
      }));
  return out;
}

Status SharingService::AddExclusion(const access::RequestContext& ctx, const std::string& case_id,
                                    const std::string& user_id, const std::string& reason) {
  RETURN_IF_ERROR(CheckEnum(ExclusionReasons(), reason, "reason"));
  if (!LooksLikeId(user_id)) return InvalidArgument("is not a user id", "user_id");
  return OnCase(
      deps_, ctx, std::nullopt, "", "case.exclusion", case_id, "", [&](CaseCall& c) -> Status {
        ASSIGN_OR_RETURN(auto u, c.tx.QueryOne("SELECT id FROM users WHERE id = ?", {user_id}));
        if (!u) return InvalidArgument("is not a known user", "user_id");
        RETURN_IF_ERROR(TouchCase(c.tx, case_id, c.now));
        RETURN_IF_ERROR(c.tx.Exec("INSERT INTO case_exclusions (case_id, user_id, reason, "
                                  "created_by_user_id, created_at) VALUES (?, ?, ?, ?, ?) "
                                  "ON CONFLICT (case_id, user_id) DO NOTHING",
                                  {case_id, user_id, reason, c.actor.user_id, c.now})
                            .status());
        internal::Event e;
        e.kind = "exclusion_added";
        e.topic = reason;
        e.visibility = "summary";
        return internal::AppendEvent(c.tx, *deps_.keyring, case_id, c.now, c.actor.user_id,
                                     c.actor.unit_id, e);
      });
}

StatusOr<std::vector<AccessLogEntry>> SharingService::AccessLog(const access::RequestContext& ctx,
                                                                const std::string& case_id,
                                                                bool with_usernames) {
  std::vector<AccessLogEntry> out;
  RETURN_IF_ERROR(OnCase(
      deps_, ctx, std::nullopt, "", "case.access_log", case_id, "", [&](CaseCall& c) -> Status {
        out.clear();
        ASSIGN_OR_RETURN(auto rows, c.tx.Query("SELECT seq, time, username, role, unit_id, "
                                               "action, decision, reason FROM audit_log WHERE "
                                               "record_type = 'case' AND record_id = ? "
                                               "ORDER BY seq LIMIT 5000",
                                               {case_id}));
        Units units;
        for (const auto& r : rows) {
          AccessLogEntry e;
          e.seq = r.Int(0);
          e.time = r.Int(1);
          if (with_usernames) e.username = r.OptText(2);
          e.role = r.OptText(3);
          if (e.role && e.role->empty()) e.role.reset();
          if (auto unit = r.OptText(4); unit && !unit->empty()) {
            ASSIGN_OR_RETURN(e.unit, units.GetOpt(c.tx, unit));
          }
          e.action = r.Text(5);
          e.decision = r.Text(6);
          e.reason = r.OptText(7).value_or("");
          out.push_back(std::move(e));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<std::vector<AlertView>> SharingService::ListAlerts(const access::RequestContext& ctx,
                                                            const std::string& unit_id,
                                                            bool include_acknowledged) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  std::vector<AlertView> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"alert.list"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "alert";
        r.unit_id = unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        std::string sql = std::string("SELECT ") + kAlertColumns +
                          " FROM alerts a LEFT JOIN cases c ON c.id = a.case_id WHERE "
                          "a.unit_id = ?";
        if (!include_acknowledged) sql += " AND a.acknowledged_at IS NULL";
        sql += " ORDER BY a.created_at DESC, a.id DESC LIMIT 200";
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {unit_id}));
        for (const auto& r : rows) out.push_back(AlertFromRow(r));
        return Status::Ok();
      }));
  return out;
}

StatusOr<AlertView> SharingService::AcknowledgeAlert(const access::RequestContext& ctx,
                                                     const std::string& alert_id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  const Micros now = deps_.clock->Now();
  AlertView out;
  const std::string select = std::string("SELECT ") + kAlertColumns +
                             " FROM alerts a LEFT JOIN cases c ON c.id = a.case_id WHERE a.id = ?";
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"alert.ack"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto row, tx.QueryOne(select, {alert_id}));
        if (!row) return NotFound("no such alert");
        out = AlertFromRow(*row);
        access::Resource r;
        r.type = "alert";
        r.id = alert_id;
        r.unit_id = out.unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE alerts SET acknowledged_at = ?, "
                                            "acknowledged_by_user_id = ? WHERE id = ? AND "
                                            "acknowledged_at IS NULL",
                                            {now, ctx.subject->user_id, alert_id}));
        if (n != 1) return FailedPrecondition("this alert was already acknowledged");
        ASSIGN_OR_RETURN(auto row, tx.QueryOne(select, {alert_id}));
        out = AlertFromRow(*row);
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::cases
