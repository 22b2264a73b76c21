// The referrals API (docs/referrals.md, docs/openapi/41-referrals.json): refer her to another
// unit with her consent and the documents she agreed to send, accept, decline with a next step,
// cancel, complete, the case's referral path and a unit's incoming and outgoing referrals.
#include "http/api/case_codec.h"
#include "http/api/routes.h"
#include "referrals/referral_service.h"
#include "referrals/rules.h"

namespace tamkine::http::api {

namespace {

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<Micros>& t) {
  return t ? Json(FormatIsoTimeSeconds(*t)) : Json(nullptr);
}

StatusOr<referrals::ReferralInput> DecodeReferral(const Json& j, const std::string& prefix) {
  ObjectReader r(j, prefix);
  RETURN_IF_ERROR(r.Check());
  referrals::ReferralInput in;
  RETURN_IF_ERROR(r.String("to_unit_id", &in.to_unit_id, 1, 64));
  RETURN_IF_ERROR(r.String("service", &in.service, 1, 40));
  std::optional<std::string> priority;
  RETURN_IF_ERROR(r.OptString("priority", &priority, 1, 20));
  if (priority) in.priority = *priority;
  RETURN_IF_ERROR(r.OptString("reason", &in.reason, 1, 4000, true));
  const Json* docs = nullptr;
  RETURN_IF_ERROR(r.Array("document_ids", &docs, 50, false));
  for (size_t i = 0; docs != nullptr && i < docs->size(); ++i) {
    if (!(*docs)[i].is_string()) {
      return InvalidArgument("must be a string",
                             r.FieldName("document_ids") + "[" + std::to_string(i) + "]");
    }
    in.document_ids.push_back((*docs)[i].get<std::string>());
  }
  RETURN_IF_ERROR(r.OptString("documents_agreement", &in.documents_agreement, 1, 20));
  if (prefix.empty()) RETURN_IF_ERROR(r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<referrals::DecisionInput> DecodeDecision(const Request& req) {
  referrals::DecisionInput in;
  if (req.body.empty()) return in;  // everything is optional
  ASSIGN_OR_RETURN(Json body, Body(req));
  ObjectReader r(body);
  RETURN_IF_ERROR(r.Check());
  RETURN_IF_ERROR(r.OptInt("version", &in.version, 1, INT64_MAX));
  RETURN_IF_ERROR(r.OptString("note", &in.note, 1, 4000, true));
  RETURN_IF_ERROR(r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64));
  RETURN_IF_ERROR(r.Finish());
  return in;
}

StatusOr<referrals::DeclineInput> DecodeDecline(const Request& req) {
  ASSIGN_OR_RETURN(Json body, Body(req));
  ObjectReader r(body);
  RETURN_IF_ERROR(r.Check());
  referrals::DeclineInput in;
  RETURN_IF_ERROR(r.OptInt("version", &in.version, 1, INT64_MAX));
  RETURN_IF_ERROR(r.String("reason", &in.reason, 1, 4000, true));
  RETURN_IF_ERROR(r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64));
  const Json* step = nullptr;
  RETURN_IF_ERROR(r.Object("next_step", &step, true));
  ObjectReader s(*step, "next_step.");
  RETURN_IF_ERROR(s.Check());
  const Json* referral = nullptr;
  RETURN_IF_ERROR(s.Object("referral", &referral, false));
  if (referral != nullptr) {
    ASSIGN_OR_RETURN(in.next_step.referral, DecodeReferral(*referral, "next_step.referral."));
  }
  RETURN_IF_ERROR(s.OptString("text", &in.next_step.text, 1, 4000, true));
  RETURN_IF_ERROR(s.OptString("holder_unit_id", &in.next_step.holder_unit_id, 1, 64));
  RETURN_IF_ERROR(s.Finish());
  RETURN_IF_ERROR(r.Finish());
  return in;
}

// The fields a referral and an inbox line share.
template <typename T>
Json EncodeCommon(const T& v) {
  return {{"id", v.id},
          {"case_id", v.case_id},
          {"reference_code", v.reference_code},
          {"from_unit", EncodeUnitRef(v.from_unit)},
          {"to_unit", EncodeUnitRef(v.to_unit)},
          {"service", v.service},
          {"priority", v.priority},
          {"state", v.state},
          {"version", v.version},
          {"created_at", FormatIsoTimeSeconds(v.created_at)},
          {"updated_at", FormatIsoTimeSeconds(v.updated_at)}};
}

Json EncodeReferral(const referrals::ReferralView& v) {
  Json docs = Json::array();
  for (const auto& d : v.documents) {
    docs.push_back({{"id", d.id},
                    {"type", d.type},
                    {"agreement", d.agreement},
                    {"recorded_by_user_id", d.recorded_by_user_id},
                    {"recorded_at", FormatIsoTimeSeconds(d.recorded_at)}});
  }
  Json j = EncodeCommon(v);
  j["purpose"] = v.purpose;
  j["consent_basis"] = v.consent_basis;
  j["reason"] = OptJson(v.reason);
  j["documents"] = docs;
  j["decided_at"] = OptTime(v.decided_at);
  j["decided_by_unit"] = v.decided_by_unit ? EncodeUnitRef(*v.decided_by_unit) : Json();
  j["decision_note"] = OptJson(v.decision_note);
  j["next_step_referral_id"] = OptJson(v.next_step_referral_id);
  j["next_step"] = OptJson(v.next_step);
  j["next_step_unit"] = v.next_step_unit ? EncodeUnitRef(*v.next_step_unit) : Json();
  j["parent_referral_id"] = OptJson(v.parent_referral_id);
  return j;
}

}  // namespace

void RegisterReferralRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  auto id = [](const Request& r) { return r.path_params.at("id"); };
  auto reply = [](const StatusOr<referrals::ReferralView>& v, int status = 200) {
    if (!v.ok()) return Err(v.status());
    return Ok(EncodeReferral(*v), status);
  };

  AddRoute(router, "POST", "/api/v1/cases/{id}/referrals", "referral.create",
           "refer her to another unit", [&d, id, reply](Request& req) {
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             auto in = DecodeReferral(*body, "");
             if (!in.ok()) return Err(in.status());
             return reply(d.referrals->Create(Call().ctx, id(req), *in), 201);
           });
  AddRoute(router, "GET", "/api/v1/cases/{id}/referrals", "referral.read",
           "the case's referral path, oldest first", [&d, id](Request& req) {
             auto list = d.referrals->ListForCase(Call().ctx, id(req));
             if (!list.ok()) return Err(list.status());
             Json items = Json::array();
             for (const auto& v : *list) items.push_back(EncodeReferral(v));
             return Ok({{"items", items}});
           });
  AddRoute(router, "GET", "/api/v1/referrals", "referral.list",
           "referrals to or from the user's units", [&d](Request& req) {
             referrals::InboxFilter f;
             if (auto b = req.Query("box"); b && !b->empty()) f.box = *b;
             if (auto s = req.Query("state"); s && !s->empty()) f.state = *s;
             if (auto u = req.Query("unit_id"); u && !u->empty()) f.unit_id = *u;
             auto limit = QueryInt(req, "limit", 1, 200);
             if (!limit.ok()) return Err(limit.status());
             f.limit = static_cast<int>(limit->value_or(100));
             auto list = d.referrals->Inbox(Call().ctx, f);
             if (!list.ok()) return Err(list.status());
             Json items = Json::array();
             for (const auto& v : *list) items.push_back(EncodeCommon(v));
             return Ok({{"items", items}});
           });
  AddRoute(router, "GET", "/api/v1/referrals/{id}", "referral.read", "one referral",
           [&d, id, reply](Request& req) { return reply(d.referrals->Get(Call().ctx, id(req))); });
  AddRoute(router, "POST", "/api/v1/referrals/{id}/decline", "referral.decide",
           "decline a referral with a reason and a next step (receiving unit)",
           [&d, id, reply](Request& req) {
             auto in = DecodeDecline(req);
             if (!in.ok()) return Err(in.status());
             return reply(d.referrals->Decline(Call().ctx, id(req), *in));
           });
  using Decision = StatusOr<referrals::ReferralView> (referrals::ReferralService::*)(
      const access::RequestContext&, const std::string&, const referrals::DecisionInput&);
  struct Simple {
    const char* action;
    const char* policy;
    const char* summary;
    Decision decide;
  };
  for (const Simple& s : {
           Simple{"accept", "referral.decide", "accept a referral (receiving unit)",
                  &referrals::ReferralService::Accept},
           Simple{"complete", "referral.decide",
                  "record that the service was given (receiving unit)",
                  &referrals::ReferralService::Complete},
           Simple{"cancel", "referral.cancel", "cancel a proposed referral (referring unit)",
                  &referrals::ReferralService::Cancel},
       }) {
    AddRoute(router, "POST", std::string("/api/v1/referrals/{id}/") + s.action, s.policy, s.summary,
             [&d, id, reply, decide = s.decide](Request& req) {
               auto in = DecodeDecision(req);
               if (!in.ok()) return Err(in.status());
               return reply((d.referrals->*decide)(Call().ctx, id(req), *in));
             });
  }
}

}  // namespace tamkine::http::api
