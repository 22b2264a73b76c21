#include "referrals/referral_service.h"

#include <algorithm>
#include <set>

#include "access/authorize.h"
#include "audit/guarded.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/vocab.h"
#include "common/ids.h"
#include "crypto/keyring.h"
#include "referrals/rules.h"

namespace tamkine::referrals {

using cases::internal::Actor;
using cases::internal::CaseCall;
using cases::internal::CaseRow;
using cases::internal::Units;

// What a decision on one referral is given (see ReferralService::Decide).
struct DecideCall {
  storage::Tx& tx;
  const CaseRow& row;
  const access::Resource& resource;
  const access::Subject& subject;  // restricted to the acting unit when one was named
  const access::RequestContext& ctx;
  Actor actor;
  Micros now;
  std::string next_state;
  // Filled by the action; written by Decide in one conditional update.
  std::optional<std::string> note;  // sealed into decision_sealed
  std::optional<std::string> next_step_referral_id;
  std::optional<std::string> next_step;  // sealed into next_step_sealed
  std::optional<std::string> next_step_unit_id;
  bool records_decision = true;  // false for "complete": the acceptance stays recorded
  std::vector<std::string> changed_units;
};

namespace {

constexpr size_t kMaxText = 4000;

constexpr char kColumns[] =
    "r.id, r.case_id, c.reference_code, r.from_unit_id, r.to_unit_id, r.service, r.purpose, "
    "r.priority, r.reason_sealed, r.state, r.decided_at, r.decided_by_unit_id, r.decision_sealed, "
    "r.next_step_referral_id, r.next_step_sealed, r.next_step_unit_id, r.parent_referral_id, "
    "r.consent_basis, r.version, r.created_at, r.updated_at";
constexpr char kFrom[] = " FROM referrals r JOIN cases c ON c.id = r.case_id ";

// The few facts a decision needs before the full view.
struct RefRow {
  std::string id;
  std::string case_id;
  std::string from_unit_id;
  std::string to_unit_id;
  std::string purpose;
  std::string state;
  std::string consent_basis;
  std::string service;
  int64_t version = 0;
};

StatusOr<RefRow> LoadRef(storage::Tx& tx, const std::string& id) {
  if (!LooksLikeId(id)) return NotFound("no such referral");
  ASSIGN_OR_RETURN(auto r, tx.QueryOne("SELECT id, case_id, from_unit_id, to_unit_id, purpose, "
                                       "state, consent_basis, service, version FROM referrals "
                                       "WHERE id = ?",
                                       {id}));
  if (!r) return NotFound("no such referral");
  return RefRow{r->Text(0), r->Text(1), r->Text(2), r->Text(3), r->Text(4),
                r->Text(5), r->Text(6), r->Text(7), r->Int(8)};
}

// Which document the viewer may read: its type's rule, with the shares of live referrals.
using MayRead = std::function<bool(const std::string& id, const std::string& type,
                                   const std::string& owner_sector)>;

MayRead DocumentReader(const access::Subject& subject, const access::Resource& case_resource,
                       std::map<std::string, std::vector<std::string>> shares) {
  return [&subject, case_resource, shares = std::move(shares)](
             const std::string& id, const std::string& type, const std::string& owner) {
    access::Resource with = case_resource;
    with.subtype = type;
    with.owner_sector = owner;
    auto it = shares.find(id);
    if (it != shares.end()) with.shared_with_unit_ids = it->second;
    return access::Authorize(subject, "document.read", with).allowed;
  };
}

StatusOr<ReferralView> ViewFromRow(storage::Tx& tx, Units& units, const crypto::Keyring& k,
                                   const storage::Row& r, const MayRead& may_read) {
  ReferralView v;
  v.id = r.Text(0);
  v.case_id = r.Text(1);
  v.reference_code = r.Text(2);
  ASSIGN_OR_RETURN(v.from_unit, units.Get(tx, r.Text(3)));
  ASSIGN_OR_RETURN(v.to_unit, units.Get(tx, r.Text(4)));
  v.service = r.Text(5);
  v.purpose = r.Text(6);
  v.priority = r.Text(7);
  ASSIGN_OR_RETURN(v.reason, cases::internal::OpenOpt(k, "referrals", "reason_sealed", v.id, r, 8));
  v.state = r.Text(9);
  v.decided_at = r.OptInt(10);
  ASSIGN_OR_RETURN(v.decided_by_unit, units.GetOpt(tx, r.OptText(11)));
  ASSIGN_OR_RETURN(v.decision_note,
                   cases::internal::OpenOpt(k, "referrals", "decision_sealed", v.id, r, 12));
  v.next_step_referral_id = r.OptText(13);
  ASSIGN_OR_RETURN(v.next_step,
                   cases::internal::OpenOpt(k, "referrals", "next_step_sealed", v.id, r, 14));
  ASSIGN_OR_RETURN(v.next_step_unit, units.GetOpt(tx, r.OptText(15)));
  v.parent_referral_id = r.OptText(16);
  v.consent_basis = r.Text(17);
  v.version = r.Int(18);
  v.created_at = r.Int(19);
  v.updated_at = r.Int(20);
  ASSIGN_OR_RETURN(
      auto docs, tx.Query("SELECT d.document_id, doc.doc_type, doc.owner_sector, d.agreed_method, "
                          "d.recorded_by_user_id, d.recorded_at FROM referral_documents d JOIN "
                          "documents doc ON doc.id = d.document_id WHERE d.referral_id = ? "
                          "ORDER BY d.recorded_at, d.document_id",
                          {v.id}));
  for (const auto& d : docs) {
    // A document the viewer may not read is left out: even its type can say too much.
    if (!may_read(d.Text(0), d.Text(1), d.Text(2))) continue;
    v.documents.push_back({d.Text(0), d.Text(1), d.Text(3), d.Text(4), d.Int(5)});
  }
  return v;
}

StatusOr<ReferralView> LoadView(storage::Tx& tx, Units& units, const crypto::Keyring& k,
                                const std::string& id, const MayRead& may_read) {
  ASSIGN_OR_RETURN(auto r,
                   tx.QueryOne(std::string("SELECT ") + kColumns + kFrom + "WHERE r.id = ?", {id}));
  if (!r) return NotFound("no such referral");
  return ViewFromRow(tx, units, k, *r, may_read);
}

Status CheckText(const std::optional<std::string>& text, const std::string& field) {
  if (text && text->size() > kMaxText) {
    return InvalidArgument("is longer than " + std::to_string(kMaxText) + " bytes", field);
  }
  return Status::Ok();
}

// Everything about a referral that needs no database. `prefix` names the referral in errors
// ("" or "next_step.referral").
Status Validate(const ReferralInput& in, const std::string& prefix) {
  auto check = [&]() -> Status {
    if (FindService(in.service) == nullptr) {
      return InvalidArgument("is not a known service", "service");
    }
    if (std::find(Priorities().begin(), Priorities().end(), in.priority) == Priorities().end()) {
      return InvalidArgument("must be urgent, priority or normal", "priority");
    }
    if (in.to_unit_id.empty()) return InvalidArgument("is required", "to_unit_id");
    if (!LooksLikeId(in.to_unit_id)) return InvalidArgument("is not a known unit", "to_unit_id");
    RETURN_IF_ERROR(CheckText(in.reason, "reason"));
    std::set<std::string> seen;
    for (size_t i = 0; i < in.document_ids.size(); ++i) {
      const std::string field = "document_ids[" + std::to_string(i) + "]";
      if (!LooksLikeId(in.document_ids[i])) {
        return InvalidArgument("is not a document of this case", field);
      }
      if (!seen.insert(in.document_ids[i]).second) return InvalidArgument("is listed twice", field);
    }
    if (!in.document_ids.empty() && !in.documents_agreement) {
      return InvalidArgument("is required with documents: how she agreed to send them",
                             "documents_agreement");
    }
    if (in.documents_agreement) {
      RETURN_IF_ERROR(cases::CheckEnum(cases::ConsentMethods(), *in.documents_agreement,
                                       "documents_agreement"));
      if (in.document_ids.empty()) {
        return InvalidArgument("is only for documents; none are listed", "documents_agreement");
      }
    }
    return Status::Ok();
  };
  Status st = check();
  if (!st.ok() && !prefix.empty()) return st.WithFieldPrefix(prefix);
  return st;
}

// Who is party to a new referral, for its checks.
struct Referrer {
  const CaseRow& row;
  const access::Resource& resource;  // the case, as the decision saw it
  const access::Subject& subject;    // the user as the referring unit only
  Actor actor;
  Micros now;
  std::optional<std::string> parent_referral_id;
};

// Checks the receiving unit, her consent and the documents against the database, inserts the
// referral and its documents and appends its timeline event (the caller has called TouchCase).
// Returns the new referral's id.
StatusOr<std::string> InsertReferral(storage::Tx& tx, const crypto::Keyring& k,
                                     cases::DocumentShares& shares, const Referrer& who,
                                     const ReferralInput& in, const std::string& prefix) {
  auto named = [&](const Status& st) { return prefix.empty() ? st : st.WithFieldPrefix(prefix); };
  auto to = cases::internal::RequireActiveUnit(tx, in.to_unit_id, "to_unit_id");
  if (!to.ok()) return named(to.status());
  ConsentCheck check;
  check.case_kind = who.row.kind;
  check.opening_unit_id = who.row.created_by_unit_id;
  check.from_unit_id = who.actor.unit_id;
  check.to_unit_id = in.to_unit_id;
  check.to_sector = to->sector;
  check.service = in.service;
  ASSIGN_OR_RETURN(auto consents, tx.Query("SELECT unit_id, purpose, basis FROM consents WHERE "
                                           "case_id = ? AND revoked_at IS NULL",
                                           {who.row.id}));
  for (const auto& c : consents) check.active.push_back({c.Text(0), c.Text(1), c.Text(2)});
  auto basis = CheckConsent(check);
  if (!basis.ok()) return named(basis.status());

  ASSIGN_OR_RETURN(auto shared, shares.SharedDocuments(tx, who.row.id));
  MayRead may_read = DocumentReader(who.subject, who.resource, std::move(shared));
  for (size_t i = 0; i < in.document_ids.size(); ++i) {
    const std::string field = "document_ids[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(auto d, tx.QueryOne("SELECT doc_type, owner_sector FROM documents WHERE "
                                         "id = ? AND case_id = ?",
                                         {in.document_ids[i], who.row.id}));
    if (!d) return named(InvalidArgument("is not a document of this case", field));
    if (!may_read(in.document_ids[i], d->Text(0), d->Text(1))) {
      return named(InvalidArgument(
          "is a document the referring unit may not read, so it cannot send it", field));
    }
  }

  std::string id = NewId();
  const ServiceRule* rule = FindService(in.service);
  ASSIGN_OR_RETURN(auto reason,
                   cases::internal::SealOpt(k, "referrals", "reason_sealed", id, in.reason));
  RETURN_IF_ERROR(
      tx.Exec("INSERT INTO referrals (id, case_id, from_unit_id, from_user_id, to_unit_id, "
              "service, purpose, priority, reason_sealed, state, parent_referral_id, "
              "consent_basis, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "'proposed', ?, ?, 1, ?, ?)",
              {id, who.row.id, who.actor.unit_id, who.actor.user_id, in.to_unit_id, in.service,
               std::string(rule->purpose), in.priority, reason,
               storage::Opt(who.parent_referral_id), *basis, who.now, who.now})
          .status());
  for (const auto& doc : in.document_ids) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO referral_documents (referral_id, document_id, "
                            "agreed_method, recorded_by_user_id, recorded_at) VALUES (?, ?, ?, "
                            "?, ?)",
                            {id, doc, *in.documents_agreement, who.actor.user_id, who.now})
                        .status());
  }
  cases::internal::Event e;
  e.kind = "referral_created";
  e.topic = in.service;
  e.to = "proposed";
  e.ref_id = in.to_unit_id;
  e.visibility = "summary";
  RETURN_IF_ERROR(cases::internal::AppendEvent(tx, k, who.row.id, who.now, who.actor.user_id,
                                               who.actor.unit_id, e));
  return id;
}

// Does `unit_id` reach the case beyond coordination (so that it can hold a next step)?
StatusOr<bool> ReachesCase(storage::Tx& tx, const CaseRow& row, const std::string& unit_id) {
  if (unit_id == row.created_by_unit_id) return true;
  ASSIGN_OR_RETURN(auto n, tx.QueryOne("SELECT COUNT(*) FROM consents WHERE case_id = ? AND "
                                       "unit_id = ? AND revoked_at IS NULL AND purpose <> "
                                       "'coordination'",
                                       {row.id, unit_id}));
  return n && n->Int(0) > 0;
}

}  // namespace

StatusOr<std::map<std::string, std::vector<std::string>>> ReferralShares::SharedDocuments(
    storage::Tx& tx, const std::string& case_id) {
  // Only while the referral is proposed or accepted, and only while her consent for the
  // receiving unit and the referral's purpose is active: revoking it ends the share on the
  // recipient's next request.
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT d.document_id, r.to_unit_id FROM referral_documents d JOIN referrals r ON "
               "r.id = d.referral_id WHERE r.case_id = ? AND r.state IN ('proposed', 'accepted') "
               "AND (r.consent_basis = 'opening_unit' OR EXISTS (SELECT 1 FROM consents k WHERE "
               "k.case_id = r.case_id AND k.unit_id = r.to_unit_id AND k.purpose = r.purpose AND "
               "k.revoked_at IS NULL))",
               {case_id}));
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : rows) out[r.Text(0)].push_back(r.Text(1));
  return out;
}

ReferralService::ReferralService(Deps deps) : deps_(std::move(deps)) {
  case_deps_.store = deps_.store;
  case_deps_.keyring = deps_.keyring;
  case_deps_.clock = deps_.clock;
  case_deps_.document_shares = &shares_;
}

void ReferralService::Changed(const std::vector<std::string>& unit_ids) const {
  if (!deps_.on_changed) return;
  std::set<std::string> once(unit_ids.begin(), unit_ids.end());
  for (const auto& u : once) {
    if (!u.empty()) deps_.on_changed(u);
  }
}

StatusOr<ReferralView> ReferralService::Create(const access::RequestContext& ctx,
                                               const std::string& case_id,
                                               const ReferralInput& in) {
  RETURN_IF_ERROR(Validate(in, ""));
  ReferralView out;
  RETURN_IF_ERROR(cases::internal::OnCase(
      case_deps_, ctx, in.acting_unit_id, "acting_unit_id", "referral.create", case_id, "",
      [&](CaseCall& c) -> Status {
        ASSIGN_OR_RETURN(access::Subject as_unit,
                         cases::internal::ActingAs(c.subject, c.actor.unit_id, "acting_unit_id"));
        RETURN_IF_ERROR(cases::internal::TouchCase(c.tx, case_id, c.now));
        Referrer who{c.row, c.resource, as_unit, c.actor, c.now, std::nullopt};
        ASSIGN_OR_RETURN(std::string id,
                         InsertReferral(c.tx, *deps_.keyring, shares_, who, in, ""));
        ASSIGN_OR_RETURN(auto shared, shares_.SharedDocuments(c.tx, case_id));
        Units units;
        ASSIGN_OR_RETURN(out, LoadView(c.tx, units, *deps_.keyring, id,
                                       DocumentReader(c.subject, c.resource, std::move(shared))));
        return Status::Ok();
      }));
  Changed({out.from_unit.id, out.to_unit.id});
  return out;
}

StatusOr<std::vector<ReferralView>> ReferralService::ListForCase(const access::RequestContext& ctx,
                                                                 const std::string& case_id) {
  std::vector<ReferralView> out;
  RETURN_IF_ERROR(cases::internal::OnCase(
      case_deps_, ctx, std::nullopt, "", "referral.read", case_id, "", [&](CaseCall& c) -> Status {
        out.clear();
        ASSIGN_OR_RETURN(auto shared, shares_.SharedDocuments(c.tx, case_id));
        MayRead may_read = DocumentReader(c.subject, c.resource, std::move(shared));
        ASSIGN_OR_RETURN(auto rows, c.tx.Query(std::string("SELECT ") + kColumns + kFrom +
                                                   "WHERE r.case_id = ? ORDER BY r.created_at, "
                                                   "r.id",
                                               {case_id}));
        Units units;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto v, ViewFromRow(c.tx, units, *deps_.keyring, r, may_read));
          out.push_back(std::move(v));
        }
        return Status::Ok();
      }));
  return out;
}

StatusOr<ReferralView> ReferralService::Get(const access::RequestContext& ctx,
                                            const std::string& referral_id) {
  cases::internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, std::nullopt, "acting_unit_id"));
  CaseRow row;
  access::Resource resource;
  ReferralView out;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"referral.read"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(RefRow ref, LoadRef(tx, referral_id));
        ASSIGN_OR_RETURN(row, cases::internal::MustLoadCase(tx, ref.case_id));
        ASSIGN_OR_RETURN(resource,
                         cases::internal::CaseResource(tx, row, acting.subject(), acting.now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        ASSIGN_OR_RETURN(auto shared, shares_.SharedDocuments(tx, row.id));
        Units units;
        ASSIGN_OR_RETURN(out,
                         LoadView(tx, units, *deps_.keyring, referral_id,
                                  DocumentReader(acting.subject(), resource, std::move(shared))));
        return Status::Ok();
      });
  RETURN_IF_ERROR(
      cases::internal::HideFromExcluded(st, resource, acting.subject(), "no such referral"));
  return out;
}

StatusOr<ReferralView> ReferralService::Decide(const access::RequestContext& ctx,
                                               const std::string& referral_id,
                                               std::string_view action,
                                               const std::optional<int64_t>& version,
                                               const std::optional<std::string>& acting_unit_id,
                                               const std::function<Status(DecideCall&)>& act) {
  cases::internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, acting_unit_id, "acting_unit_id"));
  RefRow ref;
  CaseRow row;
  access::Resource resource;
  ReferralView out;
  std::vector<std::string> changed;
  const std::string_view policy = action == "cancel" ? "referral.cancel" : "referral.decide";
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {policy},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(ref, LoadRef(tx, referral_id));
        ASSIGN_OR_RETURN(row, cases::internal::MustLoadCase(tx, ref.case_id));
        ASSIGN_OR_RETURN(resource,
                         cases::internal::CaseResource(tx, row, acting.subject(), acting.now()));
        resource.from_unit_id = ref.from_unit_id;
        resource.to_unit_id = ref.to_unit_id;
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        if (row.merged_into_case_id) {
          return FailedPrecondition("this case was merged into case " + *row.merged_into_case_id +
                                    "; work on that case");
        }
        if (version && *version != ref.version) {
          return FailedPrecondition("the referral changed meanwhile (it is now at version " +
                                        std::to_string(ref.version) + "); reload it",
                                    "version");
        }
        ASSIGN_OR_RETURN(std::string next, NextState(ref.state, action));
        ASSIGN_OR_RETURN(access::Subject as_unit,
                         cases::internal::ActingAs(acting.subject(), d.unit_id, "acting_unit_id"));
        DecideCall call{tx,           row,          resource,
                        as_unit,      acting.ctx(), {acting.subject().user_id, d.unit_id},
                        acting.now(), next};
        RETURN_IF_ERROR(cases::internal::TouchCase(tx, row.id, call.now));
        RETURN_IF_ERROR(act(call));
        ASSIGN_OR_RETURN(auto note, cases::internal::SealOpt(*deps_.keyring, "referrals",
                                                             "decision_sealed", ref.id, call.note));
        ASSIGN_OR_RETURN(auto step,
                         cases::internal::SealOpt(*deps_.keyring, "referrals", "next_step_sealed",
                                                  ref.id, call.next_step));
        // The database decides between two users acting at once: only the update that still
        // finds the version both read applies; the other changes nothing.
        int64_t n = 0;
        if (call.records_decision) {
          ASSIGN_OR_RETURN(
              n, tx.Exec("UPDATE referrals SET state = ?, decided_at = ?, decided_by_user_id = ?, "
                         "decided_by_unit_id = ?, decision_sealed = ?, next_step_referral_id = ?, "
                         "next_step_sealed = ?, next_step_unit_id = ?, version = version + 1, "
                         "updated_at = ? WHERE id = ? AND version = ? AND state = ?",
                         {next, call.now, call.actor.user_id, call.actor.unit_id, note,
                          storage::Opt(call.next_step_referral_id), step,
                          storage::Opt(call.next_step_unit_id), call.now, ref.id, ref.version,
                          ref.state}));
        } else {
          ASSIGN_OR_RETURN(n, tx.Exec("UPDATE referrals SET state = ?, version = version + 1, "
                                      "updated_at = ? WHERE id = ? AND version = ? AND state = ?",
                                      {next, call.now, ref.id, ref.version, ref.state}));
        }
        if (n != 1) return Aborted("the referral changed meanwhile");
        cases::internal::Event e;
        e.kind = "referral_" + next;
        e.topic = ref.service;
        e.from = ref.state;
        e.to = next;
        e.ref_id = ref.to_unit_id;
        e.visibility = "summary";
        e.detail_visibility = "summary";
        e.detail = call.note;
        RETURN_IF_ERROR(cases::internal::AppendEvent(tx, *deps_.keyring, row.id, call.now,
                                                     call.actor.user_id, call.actor.unit_id, e));
        ASSIGN_OR_RETURN(auto shared, shares_.SharedDocuments(tx, row.id));
        Units units;
        ASSIGN_OR_RETURN(out,
                         LoadView(tx, units, *deps_.keyring, ref.id,
                                  DocumentReader(acting.subject(), resource, std::move(shared))));
        changed = call.changed_units;
        return Status::Ok();
      });
  RETURN_IF_ERROR(
      cases::internal::HideFromExcluded(st, resource, acting.subject(), "no such referral"));
  changed.push_back(ref.from_unit_id);
  changed.push_back(ref.to_unit_id);
  Changed(changed);
  return out;
}

StatusOr<ReferralView> ReferralService::Accept(const access::RequestContext& ctx,
                                               const std::string& referral_id,
                                               const DecisionInput& in) {
  return DecideWithNote(ctx, referral_id, "accept", in);
}

StatusOr<ReferralView> ReferralService::Complete(const access::RequestContext& ctx,
                                                 const std::string& referral_id,
                                                 const DecisionInput& in) {
  return DecideWithNote(ctx, referral_id, "complete", in);
}

StatusOr<ReferralView> ReferralService::Cancel(const access::RequestContext& ctx,
                                               const std::string& referral_id,
                                               const DecisionInput& in) {
  return DecideWithNote(ctx, referral_id, "cancel", in);
}

StatusOr<ReferralView> ReferralService::DecideWithNote(const access::RequestContext& ctx,
                                                       const std::string& referral_id,
                                                       std::string_view action,
                                                       const DecisionInput& in) {
  RETURN_IF_ERROR(CheckText(in.note, "note"));
  return Decide(
      ctx, referral_id, action, in.version, in.acting_unit_id, [&](DecideCall& c) -> Status {
        c.note = in.note;
        // Completing keeps the acceptance as the recorded decision.
        c.records_decision = action != "complete";
        if (action != "accept") return Status::Ok();
        // Her consent may have been revoked since the referral was made.
        ASSIGN_OR_RETURN(auto ok, c.tx.QueryOne("SELECT COUNT(*) FROM referrals r WHERE r.id = ? "
                                                "AND (r.consent_basis = 'opening_unit' OR "
                                                "EXISTS (SELECT 1 FROM consents k WHERE "
                                                "k.case_id = r.case_id AND k.unit_id = "
                                                "r.to_unit_id AND k.purpose = r.purpose AND "
                                                "k.revoked_at IS NULL))",
                                                {referral_id}));
        if (!ok || ok->Int(0) == 0) {
          return FailedPrecondition(
              "her consent for this unit and purpose was revoked; the referral can "
              "only be declined or cancelled",
              "state");
        }
        return Status::Ok();
      });
}

StatusOr<ReferralView> ReferralService::Decline(const access::RequestContext& ctx,
                                                const std::string& referral_id,
                                                const DeclineInput& in) {
  if (in.reason.empty()) return InvalidArgument("is required: why the unit declines", "reason");
  RETURN_IF_ERROR(CheckText(in.reason, "reason"));
  const NextStepInput& step = in.next_step;
  const bool named = step.text.has_value() || step.holder_unit_id.has_value();
  if (step.referral.has_value() == named) {
    return InvalidArgument(
        "needs exactly one of: a new referral (referral), or a named step (text and "
        "holder_unit_id)",
        "next_step");
  }
  if (step.referral) {
    RETURN_IF_ERROR(Validate(*step.referral, "next_step.referral"));
  } else {
    if (!step.text || step.text->empty()) {
      return InvalidArgument("is required: what happens next", "next_step.text");
    }
    RETURN_IF_ERROR(CheckText(step.text, "next_step.text"));
    if (!step.holder_unit_id || !LooksLikeId(*step.holder_unit_id)) {
      return InvalidArgument("is required: the unit that holds the next step",
                             "next_step.holder_unit_id");
    }
  }
  return Decide(
      ctx, referral_id, "decline", in.version, in.acting_unit_id, [&](DecideCall& c) -> Status {
        c.note = in.reason;
        if (step.referral) {
          // The new referral is the declining unit's own act: authorized and audited as such.
          access::Decision d = access::Authorize(c.subject, "referral.create", c.resource);
          if (!d.allowed) {
            return FailedPrecondition("the declining unit may not refer her further (" + d.reason +
                                          "); name a next step held by another unit instead",
                                      "next_step.referral");
          }
          Referrer who{c.row, c.resource, c.subject, c.actor, c.now, referral_id};
          ASSIGN_OR_RETURN(std::string id, InsertReferral(c.tx, *deps_.keyring, shares_, who,
                                                          *step.referral, "next_step.referral"));
          RETURN_IF_ERROR(cases::internal::AuditRead(c.tx, *deps_.clock, c.ctx, "referral.create",
                                                     c.row.id, d));
          c.next_step_referral_id = id;
          c.changed_units.push_back(step.referral->to_unit_id);
        } else {
          auto holder = cases::internal::RequireActiveUnit(c.tx, *step.holder_unit_id,
                                                           "next_step.holder_unit_id");
          if (!holder.ok()) return holder.status();
          ASSIGN_OR_RETURN(bool reaches, ReachesCase(c.tx, c.row, *step.holder_unit_id));
          if (!reaches) {
            return InvalidArgument(
                "must be a unit that works on the case (the opening unit, or one with her consent "
                "beyond coordination)",
                "next_step.holder_unit_id");
          }
          c.next_step = step.text;
          c.next_step_unit_id = step.holder_unit_id;
          c.changed_units.push_back(*step.holder_unit_id);
        }
        return Status::Ok();
      });
}

StatusOr<std::vector<InboxItem>> ReferralService::Inbox(const access::RequestContext& ctx,
                                                        const InboxFilter& filter) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (filter.box != "incoming" && filter.box != "outgoing") {
    return InvalidArgument("must be incoming or outgoing", "box");
  }
  if (filter.state &&
      std::find(States().begin(), States().end(), *filter.state) == States().end()) {
    return InvalidArgument("is not a referral state", "state");
  }
  if (filter.limit < 1 || filter.limit > 200) {
    return InvalidArgument("must be between 1 and 200", "limit");
  }
  storage::Params params;
  for (const auto& m : ctx.subject->memberships) {
    if (!filter.unit_id || m.unit_id == *filter.unit_id) params.emplace_back(m.unit_id);
  }
  if (filter.unit_id && params.empty()) {
    return InvalidArgument("is not one of the user's units", "unit_id");
  }
  std::vector<InboxItem> out;
  access::Resource resource;
  resource.type = "referral";
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"referral.list"},
      [&](storage::Tx&) -> StatusOr<access::Resource> { return resource; },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        if (params.empty()) return Status::Ok();
        const std::string column = filter.box == "incoming" ? "r.to_unit_id" : "r.from_unit_id";
        std::string sql =
            "SELECT r.id, r.case_id, c.reference_code, r.from_unit_id, r.to_unit_id, r.service, "
            "r.priority, r.state, r.version, r.created_at, r.updated_at FROM referrals r JOIN "
            "cases c ON c.id = r.case_id WHERE " +
            column + " IN (" + cases::internal::Placeholders(params.size()) + ")";
        storage::Params p = params;
        if (filter.state) {
          sql += " AND r.state = ?";
          p.emplace_back(*filter.state);
        }
        sql +=
            " AND NOT EXISTS (SELECT 1 FROM case_exclusions x WHERE x.case_id = r.case_id AND "
            "x.user_id = ?) ORDER BY CASE r.priority WHEN 'urgent' THEN 0 WHEN 'priority' THEN 1 "
            "ELSE 2 END, r.created_at, r.id LIMIT " +
            std::to_string(filter.limit);
        p.emplace_back(ctx.subject->user_id);
        ASSIGN_OR_RETURN(auto rows, tx.Query(sql, p));
        Units units;
        for (const auto& r : rows) {
          InboxItem it;
          it.id = r.Text(0);
          it.case_id = r.Text(1);
          it.reference_code = r.Text(2);
          ASSIGN_OR_RETURN(it.from_unit, units.Get(tx, r.Text(3)));
          ASSIGN_OR_RETURN(it.to_unit, units.Get(tx, r.Text(4)));
          it.service = r.Text(5);
          it.priority = r.Text(6);
          it.state = r.Text(7);
          it.version = r.Int(8);
          it.created_at = r.Int(9);
          it.updated_at = r.Int(10);
          out.push_back(std::move(it));
        }
        return Status::Ok();
      }));
  return out;
}

}  // namespace tamkine::referrals
