// CaseService: the timeline, search (by filters and by name) and the public status page.
#include <algorithm>
#include <map>

#include "audit/audit_log.h"
#include "audit/guarded.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/codes.h"
#include "cases/lifecycle.h"
#include "cases/names.h"
#include "cases/vocab.h"
#include "crypto/keyring.h"
#include "reference/regions.h"

namespace tamkine::cases {

using internal::CaseResource;
using internal::CaseRow;
using internal::Placeholders;
using internal::Units;

namespace {

// Local midnight (Morocco, UTC+1) at the start of a date, in microseconds.
Micros StartOfDay(const Date& d) {
  return DaysSinceEpoch(d) * 86400 * kMicrosPerSecond - kMicrosPerHour;
}

// The SQL condition (on alias c) that keeps cases a subject's units may reach, and its
// parameters: opened by one of their units, consented to one of them, break-the-glass, and never
// a case the user is excluded from. Authorize decides each row again afterwards.
std::string ReachableSql(const access::Subject& s, Micros now, storage::Params* params) {
  std::vector<std::string> units;
  for (const auto& m : s.memberships) units.push_back(m.unit_id);
  if (units.empty()) units.emplace_back("");
  std::string sql = "(c.created_by_unit_id IN (" + Placeholders(units.size()) + ")";
  for (const auto& u : units) params->emplace_back(u);
  sql +=
      " OR EXISTS (SELECT 1 FROM consents g WHERE g.case_id = c.id AND g.revoked_at IS NULL "
      "AND g.unit_id IN (" +
      Placeholders(units.size()) + "))";
  for (const auto& u : units) params->emplace_back(u);
  sql +=
      " OR EXISTS (SELECT 1 FROM btg_grants b WHERE b.case_id = c.id AND b.user_id = ? AND "
      "b.expires_at > ?))";
  params->emplace_back(s.user_id);
  params->emplace_back(now);
  sql +=
      " AND NOT EXISTS (SELECT 1 FROM case_exclusions x WHERE x.case_id = c.id AND "
      "x.user_id = ?)";
  params->emplace_back(s.user_id);
  return sql;
}

Status CheckStatusFilter(const std::optional<std::string>& v,
                         const std::vector<std::string_view>& a,
                         const std::vector<std::string_view>& b, const char* field) {
  if (!v) return Status::Ok();
  if (std::find(a.begin(), a.end(), *v) != a.end()) return Status::Ok();
  if (std::find(b.begin(), b.end(), *v) != b.end()) return Status::Ok();
  return InvalidArgument("is not a status of this track", field);
}

// Appends the cases of `rows` the subject may see (`gate`: case.read_core for lists,
// case.read_identity for name search), with masked names for those they may read, up to `limit`.
Status AppendListed(storage::Tx& tx, const Deps& deps, const access::Subject& subject, Micros now,
                    const std::vector<storage::Row>& rows, std::string_view gate, int limit,
                    CaseList* out) {
  Units units;
  for (const auto& row : rows) {
    if (static_cast<int>(out->items.size()) >= limit) break;
    CaseRow c = internal::CaseFromRow(row);
    ASSIGN_OR_RETURN(auto r, CaseResource(tx, c, subject, now));
    if (!access::Authorize(subject, gate, r).allowed) continue;
    CaseListItem item;
    ASSIGN_OR_RETURN(item.core, internal::MakeCore(tx, units, c, now));
    if (access::Authorize(subject, "case.read", r).allowed) {
      ASSIGN_OR_RETURN(item.masked_name, internal::MaskedName(tx, deps, c));
    }
    out->items.push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<TimelineEntry>> CaseService::Timeline(const access::RequestContext& ctx,
                                                           const std::string& case_id) {
  std::vector<TimelineEntry> out;
  RETURN_IF_ERROR(internal::OnCase(
      deps_, ctx, std::nullopt, "", "case.read_core", case_id, "",
      [&](internal::CaseCall& c) -> Status {
        storage::Tx& tx = c.tx;
        const access::Resource& r = c.resource;
        out.clear();
        std::map<std::string, bool> seen;
        auto visible = [&](const std::string& visibility) {
          auto it = seen.find(visibility);
          if (it != seen.end()) return it->second;
          std::string owner;
          auto [action, subtype] = internal::VisibilityAction(visibility, &owner);
          access::Resource with = r;
          with.subtype = subtype;
          with.owner_sector = owner;
          bool ok = access::Authorize(c.subject, action, with).allowed;
          seen[visibility] = ok;
          return ok;
        };
        // Her own steps, then those of cases merged into hers (each in its own order), seen
        // through this case's rules.
        ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("SELECT id, seq, occurred_at, unit_id, kind, topic, from_value, to_value, "
                     "ref_id, visibility, detail_visibility, detail_sealed FROM case_events "
                     "WHERE case_id = ? OR case_id IN (SELECT id FROM cases WHERE "
                     "merged_into_case_id = ?) ORDER BY CASE WHEN case_id = ? THEN 0 ELSE 1 END, "
                     "case_id, seq",
                     {case_id, case_id, case_id}));
        Units units;
        for (const auto& e : rows) {
          if (!visible(e.Text(9))) continue;
          TimelineEntry t;
          t.id = e.Text(0);
          t.seq = e.Int(1);
          t.at = e.Int(2);
          ASSIGN_OR_RETURN(t.unit, units.GetOpt(tx, e.OptText(3)));
          t.kind = e.Text(4);
          t.topic = e.OptText(5);
          t.from = e.OptText(6);
          t.to = e.OptText(7);
          if (t.kind == "consent_recorded" || t.kind == "consent_revoked" || t.kind == "intake" ||
              t.kind == "holder_changed" || t.kind.rfind("referral_", 0) == 0) {
            ASSIGN_OR_RETURN(t.related_unit, units.GetOpt(tx, e.OptText(8)));
          } else if (t.kind == "transition") {
            t.reason_code = e.OptText(8);
          }
          if (!e.IsNull(11)) {
            if (visible(e.Text(10))) {
              ASSIGN_OR_RETURN(t.detail, internal::OpenOpt(*deps_.keyring, "case_events",
                                                           "detail_sealed", t.id, e, 11));
            } else {
              t.detail_withheld = true;
            }
          }
          out.push_back(std::move(t));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<CaseList> CaseService::Search(const access::RequestContext& ctx,
                                       const CaseFilter& filter) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (filter.limit < 1 || filter.limit > 100) {
    return InvalidArgument("must be between 1 and 100", "limit");
  }
  if (filter.offset < 0 || filter.offset > 100000) {
    return InvalidArgument("must be between 0 and 100000", "offset");
  }
  std::optional<std::string> ref;
  if (filter.reference_code) {
    ref = NormaliseReferenceCode(*filter.reference_code);
    if (!ref) return InvalidArgument("is not a valid reference code", "reference_code");
  }
  if (filter.status && *filter.status != "open" && *filter.status != "closed") {
    return InvalidArgument("must be one of: open closed", "status");
  }
  RETURN_IF_ERROR(CheckStatusFilter(filter.service_status, TrackStatuses("care"),
                                    TrackStatuses("child"), "service_status"));
  RETURN_IF_ERROR(
      CheckStatusFilter(filter.justice_status, TrackStatuses("justice"), {}, "justice_status"));
  if (filter.kind) RETURN_IF_ERROR(CheckEnum(CaseKinds(), *filter.kind, "kind"));
  if (filter.form) RETURN_IF_ERROR(CheckEnum(ViolenceForms(), *filter.form, "form"));
  if (filter.risk_level) RETURN_IF_ERROR(CheckEnum(RiskLevels(), *filter.risk_level, "risk_level"));
  if (filter.province_code && reference::FindProvince(*filter.province_code) == nullptr) {
    return InvalidArgument("is not a known province code", "province_code");
  }
  std::optional<Micros> from, to;
  if (filter.from) {
    ASSIGN_OR_RETURN(Date d, ParseDate(*filter.from, "from"));
    from = StartOfDay(d);
  }
  if (filter.to) {
    ASSIGN_OR_RETURN(Date d, ParseDate(*filter.to, "to"));
    to = StartOfDay(d) + 86400 * kMicrosPerSecond;
  }
  const Micros now = deps_.clock->Now();
  CaseList out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"case.search"},
      [](storage::Tx&) -> StatusOr<access::Resource> { return access::Resource{"case"}; },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out = CaseList{};
        storage::Params params;
        std::string sql = std::string("SELECT ") + internal::kCaseColumns + " FROM cases c WHERE " +
                          ReachableSql(*ctx.subject, now, &params);
        auto add = [&](const std::string& cond, const std::optional<std::string>& v) {
          if (!v) return;
          sql += " AND " + cond;
          params.emplace_back(*v);
        };
        add("c.reference_code = ?", ref);
        add("c.status = ?", filter.status);
        add("c.service_status = ?", filter.service_status);
        add("c.justice_status = ?", filter.justice_status);
        add("c.kind = ?", filter.kind);
        add("c.province_code = ?", filter.province_code);
        add("c.risk_level = ?", filter.risk_level);
        if (filter.form) add("c.violence_forms LIKE ?", "%," + *filter.form + ",%");
        if (filter.unit_id) {
          sql +=
              " AND (c.created_by_unit_id = ? OR c.holder_unit_id = ? OR EXISTS (SELECT 1 "
              "FROM intakes i WHERE i.case_id = c.id AND i.receiving_unit_id = ?))";
          for (int i = 0; i < 3; ++i) params.emplace_back(*filter.unit_id);
        }
        if (from) {
          sql += " AND c.created_at >= ?";
          params.emplace_back(*from);
        }
        if (to) {
          sql += " AND c.created_at < ?";
          params.emplace_back(*to);
        }
        sql += " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?";
        params.emplace_back(static_cast<int64_t>(filter.limit + 1));
        params.emplace_back(static_cast<int64_t>(filter.offset));
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
        RETURN_IF_ERROR(
            AppendListed(tx, deps_, *ctx.subject, now, rows, "case.read_core", filter.limit, &out));
        if (static_cast<int>(rows.size()) > filter.limit) {
          out.next_offset = filter.offset + filter.limit;
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<CaseList> CaseService::SearchByName(const access::RequestContext& ctx,
                                             const std::string& name, int limit) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(ValidateText(name, "name", 2, 200));
  if (limit < 1 || limit > 50) return InvalidArgument("must be between 1 and 50", "limit");
  const auto plans = QueryPlans(name);
  if (plans.empty()) return InvalidArgument("has no searchable word", "name");
  ASSIGN_OR_RETURN(auto key, NameIndexKey());
  const Micros now = deps_.clock->Now();
  CaseList out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"case.search_by_name"},
      [](storage::Tx&) -> StatusOr<access::Resource> { return access::Resource{"case"}; },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out = CaseList{};
        storage::Params params;
        // Each plan: every word matches (INTERSECT); any plan will do (UNION).
        std::string matches;
        for (const auto& plan : plans) {
          std::string one;
          for (const auto& keys : plan) {
            if (!one.empty()) one += " INTERSECT ";
            one += "SELECT case_id FROM case_name_keys WHERE key IN (" + Placeholders(keys.size()) +
                   ")";
            for (const auto& k : keys) params.emplace_back(internal::BlindKey(key, k));
          }
          matches += (matches.empty() ? "" : " UNION ") + std::string("SELECT case_id FROM (") +
                     one + ") AS p" + std::to_string(&plan - plans.data());
        }
        std::string sql = std::string("SELECT ") + internal::kCaseColumns +
                          " FROM cases c WHERE c.id IN (" + matches + ") AND " +
                          ReachableSql(*ctx.subject, now, &params) +
                          " ORDER BY c.created_at DESC, c.id DESC LIMIT 200";
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
        RETURN_IF_ERROR(
            AppendListed(tx, deps_, *ctx.subject, now, rows, "case.read_identity", limit, &out));
        return Status::Ok();
      }));
  return out;
}

StatusOr<PublicStatus> CaseService::PublicStatusOf(const std::string& code,
                                                   const std::string& client_addr,
                                                   const std::string& request_id) {
  const Micros now = deps_.clock->Now();
  const std::string throttle_key = "followup:" + client_addr;
  access::RequestContext ctx{nullptr, client_addr, request_id};
  {
    ASSIGN_OR_RETURN(auto tx, deps_.store->Begin(storage::TxMode::kRead));
    ASSIGN_OR_RETURN(auto row, tx->QueryOne("SELECT locked_until FROM login_throttle "
                                            "WHERE key = ?",
                                            {throttle_key}));
    if (row && row->Int(0) > now) {
      tx.reset();
      RETURN_IF_ERROR(audit::AuditStandalone(*deps_.store, *deps_.clock, ctx, "case.public_status",
                                             {"case"}, false,
                                             "too many unknown codes from this address"));
      return ResourceExhausted("too many attempts; try again later");
    }
  }
  const auto canonical = NormaliseFollowupCode(code);
  PublicStatus out;
  RETURN_IF_ERROR(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    out = PublicStatus{"unknown", std::nullopt};
    std::optional<storage::Row> found;
    if (canonical) {
      ASSIGN_OR_RETURN(found, tx.QueryOne("SELECT c.id, c.status, c.service_status, "
                                          "c.updated_at FROM followup_codes f JOIN cases c ON "
                                          "c.id = f.case_id WHERE f.digest = ? AND "
                                          "f.revoked_at IS NULL",
                                          {FollowupDigest(*canonical)}));
    }
    audit::Entry e;
    e.action = "case.public_status";
    e.record_type = "case";
    e.client_addr = client_addr;
    e.request_id = request_id;
    if (found) {
      const std::string status = found->Text(1);
      const std::string service = found->Text(2);
      if (status == "closed") {
        out.status = "closed";
      } else if (service == "reception" || service == "report") {
        out.status = "received";
      } else {
        out.status = "in_progress";
      }
      out.updated_on = MoroccoDate(found->Int(3)).ToString();
      e.record_id = found->Text(0);
      e.decision = "allowed";
      e.reason = "follow-up code";
    } else {
      ASSIGN_OR_RETURN(auto t, tx.QueryOne("SELECT failures, window_start FROM login_throttle "
                                           "WHERE key = ?",
                                           {throttle_key}));
      int64_t failures = 1;
      Micros window_start = now;
      if (t && now - t->Int(1) < deps_.options.followup_window) {
        failures = t->Int(0) + 1;
        window_start = t->Int(1);
      }
      Micros locked_until =
          failures >= deps_.options.followup_max_failures ? now + deps_.options.followup_window : 0;
      RETURN_IF_ERROR(tx.Exec("INSERT INTO login_throttle (key, failures, window_start, "
                              "locked_until) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                              "failures = excluded.failures, window_start = "
                              "excluded.window_start, locked_until = excluded.locked_until",
                              {throttle_key, failures, window_start, locked_until})
                          .status());
      e.decision = "denied";
      e.reason = "unknown follow-up code";
    }
    return audit::Append(tx, *deps_.clock, e);
  }));
  return out;
}

}  // namespace tamkine::cases
