// The public online self-report (docs/openapi/21-self-report.json, docs/cases.md "Online
// self-report"): no sign-in; the body is a survivor and one incident in the same shapes as
// POST /api/v1/cases, and the answer is her receipt.
#include "cases/self_report.h"
#include "http/api/case_codec.h"
#include "http/api/routes.h"

namespace tamkine::http::api {

namespace {

StatusOr<cases::SelfReportInput> DecodeSelfReport(const Json& j) {
  ObjectReader r(j);
  RETURN_IF_ERROR(r.Check());
  cases::SelfReportInput in;
  const Json* survivor = nullptr;
  RETURN_IF_ERROR(r.Object("survivor", &survivor, false));
  if (survivor != nullptr) {
    ASSIGN_OR_RETURN(in.survivor, DecodeSurvivor(*survivor, "survivor"));
  }
  const Json* incident = nullptr;
  RETURN_IF_ERROR(r.Object("incident", &incident, true));
  ASSIGN_OR_RETURN(in.incident, DecodeIncident(*incident, "incident"));
  RETURN_IF_ERROR(r.OptString("province_code", &in.province_code, 1, 16));
  std::optional<std::string> filled_by;
  RETURN_IF_ERROR(r.OptEnum("filled_by", &filled_by, {"self", "ngo", "someone_else"}));
  if (filled_by) in.filled_by = *filled_by;
  const Json* risk = nullptr;
  RETURN_IF_ERROR(r.Object("risk", &risk, false));
  if (risk != nullptr) {
    ASSIGN_OR_RETURN(in.risk, DecodeRisk(*risk, "risk"));
  }
  RETURN_IF_ERROR(r.Finish());
  return in;
}

}  // namespace

void RegisterSelfReportRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  AddRoute(router, "POST", "/api/v1/public/self-report", "public",
           "report violence online, without an account", [&d](Request& req) {
             auto body = Body(req);
             if (!body.ok()) return Err(body.status());
             auto in = DecodeSelfReport(*body);
             if (!in.ok()) return Err(in.status());
             auto receipt = d.self_report->Submit(*in, req.client_addr, req.request_id);
             if (!receipt.ok()) return Err(receipt.status());
             Json unit = {{"name", receipt->unit.name}, {"sector", receipt->unit.sector}};
             if (receipt->unit_phone) unit["phone"] = *receipt->unit_phone;
             return Ok({{"reference_code", receipt->reference_code},
                        {"followup_code", receipt->followup_code},
                        {"issued_at", FormatIsoTimeSeconds(receipt->issued_at)},
                        {"unit", unit}},
                       201);
           });
}

}  // namespace tamkine::http::api
