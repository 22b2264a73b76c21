#include "cases/self_report.h"

#include "audit/audit_log.h"
#include "cases/case_write.h"
#include "cases/dates.h"
#include "cases/vocab.h"
#include "crypto/keyring.h"
#include "reference/regions.h"

namespace tamkine::cases {

namespace {

// The prosecution unit that receives online reports for a province: the oldest active one there,
// else the oldest in the province's region. Units are not sealed (they are public services).
StatusOr<std::optional<storage::Row>> ReceivingUnit(storage::Tx& tx,
                                                    const std::string& province_code) {
  ASSIGN_OR_RETURN(auto in_province,
                   tx.QueryOne("SELECT id, name, sector, phone FROM units WHERE sector = "
                               "'prosecution' AND active = 1 AND province_code = ? "
                               "ORDER BY created_at, id LIMIT 1",
                               {province_code}));
  if (in_province) return in_province;
  const int region = reference::RegionOfProvince(province_code);
  if (region == 0) return std::optional<storage::Row>();
  return tx.QueryOne(
      "SELECT id, name, sector, phone FROM units WHERE sector = 'prosecution' "
      "AND active = 1 AND region_code = ? ORDER BY created_at, id LIMIT 1",
      {static_cast<int64_t>(region)});
}

// The account the platform's intakes are recorded under; created once, never able to sign in.
Status EnsurePlatformUser(storage::Tx& tx, const crypto::Keyring& k, Micros now) {
  const std::string id = SelfReportService::kPlatformUserId;
  ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM users WHERE id = ?", {id}));
  if (row) return Status::Ok();
  ASSIGN_OR_RETURN(auto name, k.Seal("users", "display_name_sealed", id,
                                     "Online self-report (platform account; cannot sign in)"));
  // "!" is no password hash at all: verification always fails. The account is also disabled.
  return tx
      .Exec(
          "INSERT INTO users (id, username, display_name_sealed, password_hash, active, "
          "created_at, updated_at) VALUES (?, ?, ?, '!', 0, ?, ?) "
          "ON CONFLICT (id) DO NOTHING",
          {id, std::string(SelfReportService::kPlatformUsername), storage::Blob{std::move(name)},
           now, now})
      .status();
}

// Counts this report against the address; ResourceExhausted once the window's quota is used.
Status Throttle(storage::Tx& tx, const std::string& key, const SelfReportOptions& o, Micros now) {
  ASSIGN_OR_RETURN(auto t, tx.QueryOne("SELECT failures, window_start FROM login_throttle "
                                       "WHERE key = ?",
                                       {key}));
  int64_t count = 1;
  Micros window_start = now;
  if (t && now - t->Int(1) < o.window) {
    count = t->Int(0) + 1;
    window_start = t->Int(1);
  }
  if (count > o.max_per_window) {
    return ResourceExhausted("too many reports from this connection; call the free line 8350");
  }
  return tx
      .Exec(
          "INSERT INTO login_throttle (key, failures, window_start, locked_until) "
          "VALUES (?, ?, ?, 0) ON CONFLICT (key) DO UPDATE SET failures = "
          "excluded.failures, window_start = excluded.window_start",
          {key, count, window_start})
      .status();
}

// The case writers name "incidents[0]..."; her form has one "incident".
Status AsHerFields(Status s) {
  constexpr std::string_view kPrefix = "incidents[0]";
  if (s.ok() || s.field().rfind(kPrefix, 0) != 0) return s;
  return {s.code(), s.message(), "incident" + s.field().substr(kPrefix.size())};
}

}  // namespace

StatusOr<SelfReportReceipt> SelfReportService::Submit(const SelfReportInput& input,
                                                      const std::string& client_addr,
                                                      const std::string& request_id) {
  const Micros now = deps_.clock->Now();
  RETURN_IF_ERROR(
      CheckEnum(Vocabulary{"self", "ngo", "someone_else"}, input.filled_by, "filled_by"));
  const std::string province = input.province_code.value_or(input.incident.province_code);
  if (input.province_code && reference::FindProvince(*input.province_code) == nullptr) {
    return InvalidArgument("is not a known province code", "province_code");
  }

  NewCaseInput in;
  in.kind = "adult";
  in.survivor = input.survivor;
  in.incidents = {input.incident};
  in.risk = input.risk;
  in.intake.channel = "online_self_report";
  in.intake.received_at = now;
  if (input.filled_by != "self") {
    in.intake.notes = input.filled_by == "ngo" ? "filled in with her by an NGO worker"
                                               : "filled in with her by someone she trusts";
  }
  // A girl under 18 who reports herself opens a child's case (the child protection path).
  if (input.survivor.birth_date) {
    auto birth = ParsePartialDate(*input.survivor.birth_date, "survivor.birth_date");
    if (birth.ok() && MinimumAge(*birth, MoroccoDate(now)) < 18) {
      in.kind = "child";
      in.child_role = "victim";
    }
  }

  SelfReportReceipt out;
  ASSIGN_OR_RETURN(auto name_key, internal::LoadNameKey(*deps_.store, *deps_.keyring, now));
  RETURN_IF_ERROR(
      AsHerFields(storage::WithTx(*deps_.store, storage::TxMode::kWrite, [&](storage::Tx& tx) {
        out = SelfReportReceipt{};
        RETURN_IF_ERROR(Throttle(tx, "selfreport:" + client_addr, options_, now));
        ASSIGN_OR_RETURN(auto unit, ReceivingUnit(tx, province));
        if (!unit) {
          return FailedPrecondition(
              "no unit receives online reports for this province yet; call the free line 8350");
        }
        in.intake.unit_id = unit->Text(0);
        // Validation runs here, after the unit is known, so its errors name her fields.
        ASSIGN_OR_RETURN(internal::PreparedCase p, internal::PrepareNewCase(in, now));
        RETURN_IF_ERROR(EnsurePlatformUser(tx, *deps_.keyring, now));
        ASSIGN_OR_RETURN(auto written,
                         internal::WriteNewCase(tx, deps_, name_key,
                                                {kPlatformUserId, p.in.intake.unit_id}, p, now));
        out.reference_code = written.reference_code;
        out.followup_code = written.followup_code;
        out.issued_at = now;
        out.unit = UnitRef{unit->Text(0), unit->Text(1), unit->Text(2)};
        if (!unit->IsNull(3)) out.unit_phone = unit->Text(3);
        audit::Entry e;
        e.user_id = kPlatformUserId;
        e.unit_id = p.in.intake.unit_id;
        e.action = "case.self_report";
        e.record_type = "case";
        e.record_id = p.id;
        e.decision = "allowed";
        e.reason = "online self-report (" + input.filled_by + ")";
        e.client_addr = client_addr;
        e.request_id = request_id;
        return audit::Append(tx, *deps_.clock, e);
      })));
  return out;
}

}  // namespace tamkine::cases
