// The duplicate API (docs/matching.md "At intake", docs/openapi/22-duplicates.json): the check
// before saving an intake, decisions on pairs, the review queue.
#include "cases/duplicate_service.h"
#include "http/api/case_codec.h"
#include "http/api/routes.h"

namespace tamkine::http::api {

namespace {

Json EncodePair(const cases::DuplicatePairView& p) {
  return {{"id", p.id},
          {"case_a", p.case_a},
          {"case_b", p.case_b},
          {"status", p.status},
          {"decided_at", p.decided_at ? Json(FormatIsoTimeSeconds(*p.decided_at)) : Json(nullptr)}};
}

Json EncodeMerge(const cases::MergeView& m) {
  return {
      {"id", m.id},
      {"surviving_case_id", m.surviving_case_id},
      {"absorbed_case_id", m.absorbed_case_id},
      {"merged_at", FormatIsoTimeSeconds(m.merged_at)},
      {"unmerged_at", m.unmerged_at ? Json(FormatIsoTimeSeconds(*m.unmerged_at)) : Json(nullptr)}};
}

// {<id_field>, reason, acting_unit_id?}: the body of a merge and of an unmerge.
Status ReadMergeBody(const Request& req, const char* id_field, std::string* id, std::string* reason,
                     std::optional<std::string>* acting) {
  ASSIGN_OR_RETURN(Json body, Body(req));
  ObjectReader r(body);
  RETURN_IF_ERROR(r.Check());
  RETURN_IF_ERROR(r.String(id_field, id, 1, 64));
  RETURN_IF_ERROR(r.String("reason", reason, 1, 1000, true));
  RETURN_IF_ERROR(r.OptString("acting_unit_id", acting, 1, 64));
  return r.Finish();
}

Json EncodeReviewItem(const cases::DuplicateReviewItem& i) {
  return {{"id", i.id},
          {"status", i.status},
          {"decision", i.decision},
          {"score", i.score},
          {"evidence", EncodeDuplicateEvidence(i.evidence)},
          {"case_a", EncodeDuplicateCaseRef(i.case_a)},
          {"case_b", EncodeDuplicateCaseRef(i.case_b)},
          {"detected_at", FormatIsoTimeSeconds(i.detected_at)}};
}

}  // namespace

void RegisterDuplicateRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  AddRoute(router, "POST", "/api/v1/cases/duplicate-check", "case.duplicate_check",
           "existing cases that may be the same woman (only cases you may read)",
           [&d](Request& req) {
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             ObjectReader r(*body);
             std::string unit;
             std::optional<std::string> case_id;
             const Json* survivor = nullptr;
             Status s = r.Check();
             if (s.ok()) s = r.String("acting_unit_id", &unit, 1, 64);
             if (s.ok()) s = r.OptString("case_id", &case_id, 1, 64);
             if (s.ok()) s = r.Object("survivor", &survivor, true);
             if (s.ok()) s = r.Finish();
             if (!s.ok()) return Err(s);
             auto in = DecodeSurvivor(*survivor, "survivor");
             if (!in.ok()) return Err(in.status());
             auto found = d.duplicates->Check(Call().ctx, unit, *in, case_id);
             if (!found.ok()) return Err(found.status());
             return Ok({{"candidates", EncodeDuplicateCandidates(*found)}});
           });
  AddRoute(router, "POST", "/api/v1/duplicates/decisions", "case.duplicate.decide",
           "two cases are (not) the same woman; \"different\" is never proposed again",
           [&d](Request& req) {
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             ObjectReader r(*body);
             cases::DuplicateDecisionInput in;
             Status s = r.Check();
             if (s.ok()) s = r.String("case_a", &in.case_a, 1, 64);
             if (s.ok()) s = r.String("case_b", &in.case_b, 1, 64);
             if (s.ok()) s = r.String("decision", &in.decision, 1, 20);
             if (s.ok()) s = r.String("reason", &in.reason, 1, 1000, true);
             if (s.ok()) s = r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64);
             if (s.ok()) s = r.Finish();
             if (!s.ok()) return Err(s);
             auto pair = d.duplicates->Decide(Call().ctx, in);
             if (!pair.ok()) return Err(pair.status());
             return Ok(EncodePair(*pair), 201);
           });
  AddRoute(router, "POST", "/api/v1/cases/{id}/merge", "case.merge",
           "merge another case of the same woman into this one (kept, undoable)",
           [&d](Request& req) {
             cases::MergeInput in;
             Status s = ReadMergeBody(req, "absorbed_case_id", &in.absorbed_case_id, &in.reason,
                                      &in.acting_unit_id);
             if (!s.ok()) return Err(s);
             auto m = d.duplicates->Merge(Call().ctx, req.path_params.at("id"), in);
             if (!m.ok()) return Err(m.status());
             return Ok(EncodeMerge(*m), 201);
           });
  AddRoute(router, "POST", "/api/v1/cases/{id}/unmerge", "case.merge",
           "undo a merge into this case", [&d](Request& req) {
             cases::UnmergeInput in;
             Status s =
                 ReadMergeBody(req, "merge_id", &in.merge_id, &in.reason, &in.acting_unit_id);
             if (!s.ok()) return Err(s);
             auto m = d.duplicates->Unmerge(Call().ctx, req.path_params.at("id"), in);
             if (!m.ok()) return Err(m.status());
             return Ok(EncodeMerge(*m));
           });
  AddRoute(router, "GET", "/api/v1/duplicates/review", "case.duplicate.review",
           "pairs to review or merge whose two cases your unit may read", [&d](Request& req) {
             auto unit = req.Query("unit_id");
             if (!unit) return Err(InvalidArgument("is required", "unit_id"));
             auto list = d.duplicates->Review(Call().ctx, *unit);
             if (!list.ok()) return Err(list.status());
             Json items = Json::array();
             for (const auto& i : *list) items.push_back(EncodeReviewItem(i));
             return Ok({{"items", items}});
           });
}

}  // namespace tamkine::http::api
