#include "cases/duplicate_service.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "audit/guarded.h"
#include "cases/case_store.h"
#include "cases/case_view.h"
#include "cases/case_write.h"
#include "cases/dates.h"
#include "cases/names.h"
#include "cases/validate.h"
#include "common/ids.h"
#include "crypto/keyring.h"

namespace tamkine::cases {

using internal::CaseRow;
using internal::Placeholders;

namespace {

constexpr int kReviewLimit = 200;

Json EvidenceJson(const std::vector<DuplicateEvidence>& evidence) {
  Json out = Json::array();
  for (const auto& e : evidence) {
    out.push_back({{"field", e.field}, {"agreement", e.agreement}, {"weight", e.weight}});
  }
  return out;
}

std::vector<DuplicateEvidence> EvidenceFromJson(const std::string& text) {
  std::vector<DuplicateEvidence> out;
  auto j = ParseJson(text);
  if (!j.ok() || !j->is_array()) return out;
  for (const auto& e : *j) {
    out.push_back({e.value("field", ""), e.value("agreement", ""), e.value("weight", 0.0)});
  }
  return out;
}

int64_t Milli(double score) { return static_cast<int64_t>(std::llround(score * 1000)); }

std::pair<std::string, std::string> Ordered(const std::string& a, const std::string& b) {
  return a < b ? std::pair(a, b) : std::pair(b, a);
}

std::string ShownStatus(const CaseRow& c) { return c.merged_into_case_id ? "merged" : c.status; }

// Masked names and holder names of these cases: two queries.
struct RefSources {
  std::map<std::string, std::string> masked;  // survivor id -> masked name
  std::map<std::string, std::string> units;   // unit id -> name
};

StatusOr<RefSources> LoadRefSources(storage::Tx& tx, const crypto::Keyring& k,
                                    const std::vector<const CaseRow*>& cases) {
  RefSources out;
  if (cases.empty()) return out;
  storage::Params survivors, units;
  for (const CaseRow* c : cases) {
    survivors.emplace_back(c->survivor_id);
    units.emplace_back(c->holder_unit_id);
  }
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, identity_sealed FROM survivors WHERE id IN (" +
                                           Placeholders(survivors.size()) + ")",
                                       survivors));
  for (const auto& r : rows) {
    ASSIGN_OR_RETURN(std::string text,
                     k.Open("survivors", "identity_sealed", r.Text(0), r.Bytes(1)));
    ASSIGN_OR_RETURN(Json identity, ParseJson(text));
    auto names = internal::JsonStrings(identity.value("names", Json::array()));
    out.masked[r.Text(0)] = names.empty() ? std::string() : MaskName(names.front());
  }
  ASSIGN_OR_RETURN(auto unit_rows, tx.Query("SELECT id, name FROM units WHERE id IN (" +
                                                Placeholders(units.size()) + ")",
                                            units));
  for (const auto& r : unit_rows) out.units[r.Text(0)] = r.Text(1);
  return out;
}

DuplicateCaseRef MakeRef(const CaseRow& c, const RefSources& src) {
  DuplicateCaseRef ref;
  ref.id = c.id;
  ref.reference_code = c.reference_code;
  ref.status = ShownStatus(c);
  ref.opened_at = c.created_at;
  auto u = src.units.find(c.holder_unit_id);
  if (u != src.units.end()) ref.held_by_unit_name = u->second;
  auto m = src.masked.find(c.survivor_id);
  if (m != src.masked.end()) ref.masked_name = m->second;
  return ref;
}

}  // namespace

namespace internal {

StatusOr<std::vector<DuplicateCandidateView>> ReadableCandidates(
    storage::Tx& tx, const Deps& deps, const access::Subject& subject, Micros now,
    const std::vector<DuplicateMatch>& matches, std::vector<access::Decision>* decisions) {
  std::vector<std::string> ids;
  for (const auto& m : matches) ids.push_back(m.case_id);
  ASSIGN_OR_RETURN(auto rows, LoadCases(tx, ids));
  ASSIGN_OR_RETURN(auto resources, CaseResources(tx, rows, subject, now));
  std::vector<const DuplicateMatch*> shown;
  std::vector<const CaseRow*> shown_rows;
  for (const auto& m : matches) {
    auto row = rows.find(m.case_id);
    if (row == rows.end() || row->second.merged_into_case_id) continue;
    access::Decision d = access::Authorize(subject, "case.read", resources[m.case_id]);
    if (!d.allowed) continue;  // not mentioned at all
    shown.push_back(&m);
    shown_rows.push_back(&row->second);
    if (decisions != nullptr) decisions->push_back(std::move(d));
  }
  ASSIGN_OR_RETURN(RefSources src, LoadRefSources(tx, *deps.keyring, shown_rows));
  std::vector<DuplicateCandidateView> out;
  for (size_t i = 0; i < shown.size(); ++i) {
    DuplicateCandidateView v;
    v.decision = shown[i]->decision;
    v.score = shown[i]->score;
    v.evidence = shown[i]->evidence;
    v.case_ref = MakeRef(*shown_rows[i], src);
    out.push_back(std::move(v));
  }
  return out;
}

Status QueuePairs(storage::Tx& tx, const std::string& case_id,
                  const std::vector<DuplicateMatch>& matches, const std::string& unit_id,
                  Micros now) {
  for (const auto& m : matches) {
    if (m.case_id == case_id) continue;
    auto [a, b] = Ordered(case_id, m.case_id);
    const std::string evidence = DumpJson(EvidenceJson(m.evidence));
    RETURN_IF_ERROR(tx.Exec("INSERT INTO duplicate_pairs (id, case_a, case_b, status, decision, "
                            "score_milli, evidence, detected_at, detected_by_unit_id) VALUES "
                            "(?, ?, ?, 'pending', ?, ?, ?, ?, ?) ON CONFLICT (case_a, case_b) DO "
                            "UPDATE SET decision = excluded.decision, score_milli = "
                            "excluded.score_milli, evidence = excluded.evidence, detected_at = "
                            "excluded.detected_at, detected_by_unit_id = "
                            "excluded.detected_by_unit_id WHERE duplicate_pairs.status = "
                            "'pending'",
                            {NewId(), a, b, m.decision, Milli(m.score), evidence, now, unit_id})
                        .status());
  }
  return Status::Ok();
}

}  // namespace internal

StatusOr<std::vector<DuplicateCandidateView>> DuplicateService::Check(
    const access::RequestContext& ctx, const std::string& acting_unit_id,
    const SurvivorInput& survivor, const std::optional<std::string>& case_id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  const Micros started = deps_.clock->Now();
  RETURN_IF_ERROR(PrepareSurvivor(survivor, "survivor", MoroccoDate(started)).status());
  if (case_id && !LooksLikeId(*case_id)) return NotFound("no such case");
  if (deps_.duplicates == nullptr) return Unavailable("duplicate detection is not running");
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, acting_unit_id, "acting_unit_id"));
  const access::Subject& subject = acting.subject();
  std::vector<DuplicateCandidateView> out;
  access::Resource edited;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.duplicate_check"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "case";
        r.unit_id = acting_unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        if (case_id) {
          ASSIGN_OR_RETURN(CaseRow row, internal::MustLoadCase(tx, *case_id));
          ASSIGN_OR_RETURN(edited, internal::CaseResource(tx, row, subject, acting.now()));
          if (!access::Authorize(subject, "case.update", edited).allowed) {
            return PermissionDenied("you may not edit this case");
          }
        }
        ASSIGN_OR_RETURN(auto matches, deps_.duplicates->Candidates(
                                           tx, survivor, case_id.value_or(""), kDuplicateLimit));
        std::vector<access::Decision> decisions;
        ASSIGN_OR_RETURN(out, internal::ReadableCandidates(tx, deps_, subject, acting.now(),
                                                           matches, &decisions));
        for (size_t i = 0; i < out.size(); ++i) {
          RETURN_IF_ERROR(internal::AuditRead(tx, *deps_.clock, acting.ctx(),
                                              "case.duplicate_check", out[i].case_ref.id,
                                              decisions[i]));
        }
        return Status::Ok();
      });
  RETURN_IF_ERROR(internal::HideFromExcluded(st, edited, subject));
  return out;
}

StatusOr<DuplicatePairView> DuplicateService::Decide(const access::RequestContext& ctx,
                                                     const DuplicateDecisionInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  if (in.decision != "different" && in.decision != "same") {
    return InvalidArgument("must be one of: different same", "decision");
  }
  RETURN_IF_ERROR(ValidateNote(in.reason, "reason", 3, 1000));
  if (!LooksLikeId(in.case_a)) return NotFound("no such case");
  if (!LooksLikeId(in.case_b)) return NotFound("no such case");
  if (in.case_a == in.case_b) return InvalidArgument("must differ from case_a", "case_b");
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, in.acting_unit_id, "acting_unit_id"));
  const access::Subject& subject = acting.subject();
  // Named references rather than structured bindings: lambdas below capture them.
  const auto ordered = Ordered(in.case_a, in.case_b);
  const std::string& a = ordered.first;
  const std::string& b = ordered.second;
  DuplicatePairView out;
  std::map<std::string, access::Resource> resources;
  std::string previous;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.duplicate.decide"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(auto rows, internal::LoadCases(tx, {a, b}));
        if (rows.size() != 2) return NotFound("no such case");
        ASSIGN_OR_RETURN(resources, internal::CaseResources(tx, rows, subject, acting.now()));
        // The decision is on the pair: both cases must allow it; the first refusal decides.
        for (const auto& id : {a, b}) {
          if (!access::Authorize(subject, "case.duplicate.decide", resources[id]).allowed) {
            return resources[id];
          }
        }
        return resources[a];
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT status FROM duplicate_pairs WHERE "
                                                    "case_a = ? AND case_b = ?",
                                                    {a, b}));
        previous = existing ? existing->Text(0) : "";
        if (previous == "merged") {
          return FailedPrecondition("these cases are merged; unmerge them first");
        }
        if (!existing) {
          RETURN_IF_ERROR(tx.Exec("INSERT INTO duplicate_pairs (id, case_a, case_b, status, "
                                  "decision, score_milli, evidence, detected_at, "
                                  "detected_by_unit_id) VALUES (?, ?, ?, 'pending', 'possible', "
                                  "0, '[]', ?, ?)",
                                  {NewId(), a, b, acting.now(), d.unit_id})
                              .status());
        }
        ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM duplicate_pairs WHERE case_a = ? "
                                               "AND case_b = ?",
                                               {a, b}));
        out.id = row->Text(0);
        // The reason is sealed under the pair's id.
        ASSIGN_OR_RETURN(auto reason, internal::Seal(*deps_.keyring, "duplicate_pairs",
                                                     "reason_sealed", out.id, in.reason));
        RETURN_IF_ERROR(
            tx.Exec("UPDATE duplicate_pairs SET status = ?, decided_at = ?, "
                    "decided_by_user_id = ?, decided_by_unit_id = ?, reason_sealed = ? "
                    "WHERE id = ?",
                    {in.decision, acting.now(), subject.user_id, d.unit_id, reason, out.id})
                .status());
        for (const auto& [self, other] : {std::pair(a, b), std::pair(b, a)}) {
          RETURN_IF_ERROR(internal::TouchCase(tx, self, acting.now()));
          internal::Event e;
          e.kind = "duplicate_decision";
          e.topic = in.decision;
          e.ref_id = other;
          e.visibility = "summary";
          e.detail_visibility = "summary";
          e.detail = in.reason;
          RETURN_IF_ERROR(internal::AppendEvent(tx, *deps_.keyring, self, acting.now(),
                                                subject.user_id, d.unit_id, e));
        }
        out.case_a = a;
        out.case_b = b;
        out.status = in.decision;
        out.decided_at = acting.now();
        return Status::Ok();
      });
  for (const auto& id : {a, b}) {
    auto it = resources.find(id);
    if (it != resources.end()) st = internal::HideFromExcluded(st, it->second, subject);
  }
  RETURN_IF_ERROR(st);
  if (deps_.duplicates != nullptr) {
    deps_.duplicates->MarkDifferent(a, b, in.decision == "different");
  }
  return out;
}

StatusOr<std::vector<DuplicateReviewItem>> DuplicateService::Review(
    const access::RequestContext& ctx, const std::string& unit_id) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, unit_id, "unit_id"));
  const access::Subject& subject = acting.subject();
  std::vector<DuplicateReviewItem> out;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.duplicate.review"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "case";
        r.unit_id = unit_id;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        out.clear();
        // Pairs whose two cases the unit reaches (opened, or holds a consent beyond
        // coordination); Authorize decides each case again below.
        const std::string reach =
            "(%.created_by_unit_id = ? OR EXISTS (SELECT 1 FROM consents g WHERE g.case_id = "
            "%.id AND g.revoked_at IS NULL AND g.unit_id = ? AND g.purpose <> 'coordination'))";
        auto on = [&](const std::string& alias) {
          std::string s = reach;
          for (size_t at = s.find('%'); at != std::string::npos; at = s.find('%')) {
            s.replace(at, 1, alias);
          }
          return s;
        };
        ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("SELECT p.id, p.case_a, p.case_b, p.status, p.decision, p.score_milli, "
                     "p.evidence, p.detected_at FROM duplicate_pairs p JOIN cases ca ON ca.id = "
                     "p.case_a JOIN cases cb ON cb.id = p.case_b WHERE p.status IN ('pending', "
                     "'same') AND ca.merged_into_case_id IS NULL AND cb.merged_into_case_id IS "
                     "NULL AND " +
                         on("ca") + " AND " + on("cb") +
                         " ORDER BY p.score_milli DESC, p.detected_at, p.id LIMIT ?",
                     {unit_id, unit_id, unit_id, unit_id, static_cast<int64_t>(kReviewLimit)}));
        std::vector<std::string> ids;
        for (const auto& r : rows) {
          ids.push_back(r.Text(1));
          ids.push_back(r.Text(2));
        }
        ASSIGN_OR_RETURN(auto cases, internal::LoadCases(tx, ids));
        ASSIGN_OR_RETURN(auto resources, internal::CaseResources(tx, cases, subject, acting.now()));
        std::vector<const CaseRow*> readable;
        std::set<std::string> ok;
        for (const auto& [id, c] : cases) {
          if (access::Authorize(subject, "case.read", resources[id]).allowed) {
            readable.push_back(&c);
            ok.insert(id);
          }
        }
        ASSIGN_OR_RETURN(RefSources src, LoadRefSources(tx, *deps_.keyring, readable));
        for (const auto& r : rows) {
          if (!ok.count(r.Text(1)) || !ok.count(r.Text(2))) continue;
          DuplicateReviewItem item;
          item.id = r.Text(0);
          item.status = r.Text(3);
          item.decision = r.Text(4);
          item.score = static_cast<double>(r.Int(5)) / 1000.0;
          item.evidence = EvidenceFromJson(r.Text(6));
          item.detected_at = r.Int(7);
          item.case_a = MakeRef(cases.at(r.Text(1)), src);
          item.case_b = MakeRef(cases.at(r.Text(2)), src);
          out.push_back(std::move(item));
        }
        return Status::Ok();
      }));
  return out;
}

namespace {

// The tables whose rows belong to a case and move with a merge, with their key column.
const std::vector<std::pair<std::string, std::string>>& MovedTables() {
  static const std::vector<std::pair<std::string, std::string>> kTables = {
      {"intakes", "id"},          {"incidents", "id"},         {"perpetrators", "id"},
      {"risk_assessments", "id"}, {"consents", "id"},          {"case_notes", "id"},
      {"documents", "id"},        {"followup_codes", "digest"}};
  return kTables;
}

// Exclusions are copied to the surviving case, never moved (the absorbed case stays protected).
const char kCopiedExclusion[] = "case_exclusions:copied";

// A case's forms of violence are those of its incidents (kept in step when incidents move).
Status RecomputeForms(storage::Tx& tx, const std::string& case_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT forms FROM incidents WHERE case_id = ?", {case_id}));
  std::set<std::string> forms;
  for (const auto& r : rows) {
    for (auto& f : internal::SplitList(r.Text(0))) forms.insert(std::move(f));
  }
  return tx
      .Exec("UPDATE cases SET violence_forms = ? WHERE id = ?",
            {internal::JoinList({forms.begin(), forms.end()}), case_id})
      .status();
}

Status MergeEvents(storage::Tx& tx, const crypto::Keyring& k, const std::string& kind,
                   const std::string& surviving, const std::string& absorbed,
                   const std::string& reason, const std::string& user, const std::string& unit,
                   Micros now) {
  for (const auto& [self, other] :
       {std::pair(surviving, absorbed), std::pair(absorbed, surviving)}) {
    RETURN_IF_ERROR(internal::TouchCase(tx, self, now));
    internal::Event e;
    e.kind = kind;
    e.ref_id = other;
    e.visibility = "summary";
    e.detail_visibility = "summary";
    e.detail = reason;
    RETURN_IF_ERROR(internal::AppendEvent(tx, k, self, now, user, unit, e));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<MergeView> DuplicateService::Merge(const access::RequestContext& ctx,
                                            const std::string& surviving_case_id,
                                            const MergeInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(ValidateNote(in.reason, "reason", 3, 1000));
  if (!LooksLikeId(surviving_case_id)) return NotFound("no such case");
  if (!LooksLikeId(in.absorbed_case_id)) {
    return InvalidArgument("is not a case id", "absorbed_case_id");
  }
  if (in.absorbed_case_id == surviving_case_id) {
    return InvalidArgument("must be another case", "absorbed_case_id");
  }
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, in.acting_unit_id, "acting_unit_id"));
  const access::Subject& subject = acting.subject();
  const std::string& s = surviving_case_id;
  const std::string& a = in.absorbed_case_id;
  std::map<std::string, CaseRow> rows;
  std::map<std::string, access::Resource> resources;
  MergeView out;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.merge"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        ASSIGN_OR_RETURN(rows, internal::LoadCases(tx, {s, a}));
        if (rows.count(s) == 0) return NotFound("no such case");
        if (rows.count(a) == 0) return NotFound("no such case");
        ASSIGN_OR_RETURN(resources, internal::CaseResources(tx, rows, subject, acting.now()));
        if (!access::Authorize(subject, "case.merge", resources[a]).allowed) return resources[a];
        return resources[s];
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        const CaseRow& sc = rows.at(s);
        const CaseRow& ac = rows.at(a);
        if (sc.merged_into_case_id || ac.merged_into_case_id) {
          return FailedPrecondition("one of these cases is already merged into another");
        }
        if (sc.kind != ac.kind) return FailedPrecondition("an adult's and a child's case differ");
        ASSIGN_OR_RETURN(auto into, tx.QueryOne("SELECT COUNT(*) FROM cases WHERE "
                                                "merged_into_case_id = ?",
                                                {a}));
        if (into && into->Int(0) > 0) {
          return FailedPrecondition(
              "other cases are merged into the absorbed case; unmerge them "
              "first");
        }
        const auto ordered = Ordered(s, a);
        ASSIGN_OR_RETURN(auto pair, tx.QueryOne("SELECT status FROM duplicate_pairs WHERE case_a "
                                                "= ? AND case_b = ?",
                                                {ordered.first, ordered.second}));
        out.id = NewId();
        ASSIGN_OR_RETURN(auto reason, internal::Seal(*deps_.keyring, "case_merges", "reason_sealed",
                                                     out.id, in.reason));
        RETURN_IF_ERROR(tx.Exec("INSERT INTO case_merges (id, surviving_case_id, "
                                "absorbed_case_id, absorbed_status, pair_status, merged_at, "
                                "merged_by_user_id, merged_by_unit_id, reason_sealed) VALUES "
                                "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                {out.id, s, a, ac.status,
                                 pair ? storage::Value(pair->Text(0)) : storage::Null(),
                                 acting.now(), subject.user_id, d.unit_id, reason})
                            .status());
        for (const auto& [table, key] : MovedTables()) {
          std::string list =
              "INSERT INTO case_merge_moves (merge_id, table_name, row_id) SELECT ?, ?, ";
          list.append(key).append(" FROM ").append(table).append(" WHERE case_id = ?");
          RETURN_IF_ERROR(tx.Exec(list, {out.id, table, a}).status());
          RETURN_IF_ERROR(
              tx.Exec("UPDATE " + table + " SET case_id = ? WHERE case_id = ?", {s, a}).status());
        }
        RETURN_IF_ERROR(tx.Exec("INSERT INTO case_merge_moves (merge_id, table_name, row_id) "
                                "SELECT ?, ?, user_id FROM case_exclusions WHERE case_id = ? AND "
                                "user_id NOT IN (SELECT user_id FROM case_exclusions WHERE "
                                "case_id = ?)",
                                {out.id, std::string(kCopiedExclusion), a, s})
                            .status());
        RETURN_IF_ERROR(tx.Exec("INSERT INTO case_exclusions (case_id, user_id, reason, "
                                "created_by_user_id, created_at) SELECT ?, user_id, reason, "
                                "created_by_user_id, created_at FROM case_exclusions WHERE "
                                "case_id = ? AND user_id NOT IN (SELECT user_id FROM "
                                "case_exclusions WHERE case_id = ?)",
                                {s, a, s})
                            .status());
        RETURN_IF_ERROR(
            tx.Exec("UPDATE cases SET merged_into_case_id = ? WHERE id = ?", {s, a}).status());
        RETURN_IF_ERROR(RecomputeForms(tx, s));
        RETURN_IF_ERROR(RecomputeForms(tx, a));
        if (pair) {
          RETURN_IF_ERROR(tx.Exec("UPDATE duplicate_pairs SET status = 'merged' WHERE case_a = ? "
                                  "AND case_b = ?",
                                  {ordered.first, ordered.second})
                              .status());
        }
        out.surviving_case_id = s;
        out.absorbed_case_id = a;
        out.merged_at = acting.now();
        return MergeEvents(tx, *deps_.keyring, "case_merged", s, a, in.reason, subject.user_id,
                           d.unit_id, acting.now());
      });
  for (const auto& id : {s, a}) {
    auto it = resources.find(id);
    if (it != resources.end()) st = internal::HideFromExcluded(st, it->second, subject);
  }
  RETURN_IF_ERROR(st);
  if (deps_.duplicates != nullptr) {
    deps_.duplicates->Refresh(a);
    deps_.duplicates->Refresh(s);
  }
  return out;
}

StatusOr<MergeView> DuplicateService::Unmerge(const access::RequestContext& ctx,
                                              const std::string& surviving_case_id,
                                              const UnmergeInput& in) {
  if (ctx.subject == nullptr) return Unauthenticated("sign in first");
  RETURN_IF_ERROR(ValidateNote(in.reason, "reason", 3, 1000));
  if (!LooksLikeId(surviving_case_id)) return NotFound("no such case");
  if (!LooksLikeId(in.merge_id)) return NotFound("no such merge");
  internal::Acting acting;
  RETURN_IF_ERROR(acting.Init(ctx, *deps_.clock, in.acting_unit_id, "acting_unit_id"));
  const access::Subject& subject = acting.subject();
  const std::string& s = surviving_case_id;
  access::Resource resource;
  MergeView out;
  Status st = audit::Guarded(
      *deps_.store, *deps_.clock, acting.ctx(), {"case.merge"},
      [&](storage::Tx& tx) -> StatusOr<access::Resource> {
        // The surviving case holds everything the merge moved: its rules decide.
        ASSIGN_OR_RETURN(CaseRow row, internal::MustLoadCase(tx, s));
        ASSIGN_OR_RETURN(resource, internal::CaseResource(tx, row, subject, acting.now()));
        return resource;
      },
      [&](storage::Tx& tx, const access::Decision& d) -> Status {
        ASSIGN_OR_RETURN(auto m, tx.QueryOne("SELECT absorbed_case_id, pair_status, merged_at "
                                             "FROM case_merges WHERE id = ? AND "
                                             "surviving_case_id = ? AND unmerged_at IS NULL",
                                             {in.merge_id, s}));
        if (!m) return NotFound("no such merge");
        const std::string a = m->Text(0);
        ASSIGN_OR_RETURN(auto moves, tx.Query("SELECT table_name, row_id FROM case_merge_moves "
                                              "WHERE merge_id = ?",
                                              {in.merge_id}));
        for (const auto& mv : moves) {
          const std::string table = mv.Text(0);
          if (table == kCopiedExclusion) {
            RETURN_IF_ERROR(tx.Exec("DELETE FROM case_exclusions WHERE case_id = ? AND "
                                    "user_id = ?",
                                    {s, mv.Text(1)})
                                .status());
            continue;
          }
          const auto& tables = MovedTables();
          auto t = std::find_if(tables.begin(), tables.end(),
                                [&](const auto& e) { return e.first == table; });
          if (t == tables.end()) return Internal("a merge moved rows of an unknown table");
          RETURN_IF_ERROR(tx.Exec("UPDATE " + t->first + " SET case_id = ? WHERE " + t->second +
                                      " = ? AND case_id = ?",
                                  {a, mv.Text(1), s})
                              .status());
        }
        RETURN_IF_ERROR(
            tx.Exec("UPDATE cases SET merged_into_case_id = NULL WHERE id = ?", {a}).status());
        RETURN_IF_ERROR(RecomputeForms(tx, s));
        RETURN_IF_ERROR(RecomputeForms(tx, a));
        const auto ordered = Ordered(s, a);
        RETURN_IF_ERROR(tx.Exec("UPDATE duplicate_pairs SET status = ? WHERE case_a = ? AND "
                                "case_b = ? AND status = 'merged'",
                                {m->IsNull(1) ? std::string("pending") : m->Text(1), ordered.first,
                                 ordered.second})
                            .status());
        ASSIGN_OR_RETURN(auto reason,
                         internal::Seal(*deps_.keyring, "case_merges", "unmerge_reason_sealed",
                                        in.merge_id, in.reason));
        RETURN_IF_ERROR(tx.Exec("UPDATE case_merges SET unmerged_at = ?, unmerged_by_user_id = ?, "
                                "unmerged_by_unit_id = ?, unmerge_reason_sealed = ? WHERE id = ?",
                                {acting.now(), subject.user_id, d.unit_id, reason, in.merge_id})
                            .status());
        out.id = in.merge_id;
        out.surviving_case_id = s;
        out.absorbed_case_id = a;
        out.merged_at = m->Int(2);
        out.unmerged_at = acting.now();
        return MergeEvents(tx, *deps_.keyring, "case_unmerged", s, a, in.reason, subject.user_id,
                           d.unit_id, acting.now());
      });
  RETURN_IF_ERROR(internal::HideFromExcluded(st, resource, subject));
  if (deps_.duplicates != nullptr) {
    deps_.duplicates->Refresh(out.absorbed_case_id);
    deps_.duplicates->Refresh(s);
  }
  return out;
}

}  // namespace tamkine::cases
