// The case API (docs/cases.md, docs/openapi/20-cases.json): cases, intakes, incidents, risk,
// moves, compartments, timeline, consents, break-the-glass, exclusions, access log, documents,
// alerts, and the public follow-up status.
#include <map>

#include "cases/case_service.h"
#include "cases/document_service.h"
#include "cases/sharing_service.h"
#include "http/api/case_codec.h"
#include "http/api/routes.h"

namespace tamkine::http::api {

namespace {

constexpr size_t kDocumentBodyLimit = 15 * 1024 * 1024;

std::string Param(const Request& r, const char* name) { return r.path_params.at(name); }

// Reads a small body: the listed string fields plus the optional acting_unit_id.
struct SmallBody {
  std::map<std::string, std::optional<std::string>> fields;
  std::optional<std::string> acting_unit_id;
};

StatusOr<SmallBody> ReadSmallBody(const Request& req,
                                  const std::vector<std::pair<const char*, bool>>& fields,
                                  size_t max_len = 1000) {
  SmallBody out;
  Json empty = Json::object();
  StatusOr<Json> body = req.body.empty() ? StatusOr<Json>(empty) : Body(req);
  if (!body.ok()) return body.status();
  ObjectReader r(*body);
  RETURN_IF_ERROR(r.Check());
  for (const auto& [name, required] : fields) {
    std::optional<std::string> v;
    if (required) {
      std::string s;
      RETURN_IF_ERROR(r.String(name, &s, 1, max_len, true));
      v = std::move(s);
    } else {
      RETURN_IF_ERROR(r.OptString(name, &v, 1, max_len, true));
    }
    out.fields[name] = std::move(v);
  }
  RETURN_IF_ERROR(r.OptString("acting_unit_id", &out.acting_unit_id, 1, 64));
  RETURN_IF_ERROR(r.Finish());
  return out;
}

template <typename T, typename Enc>
Response Reply(const StatusOr<T>& v, Enc encode, int status = 200) {
  if (!v.ok()) return Err(v.status());
  return Ok(encode(*v), status);
}

}  // namespace

void RegisterCaseRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  auto add = [&router](std::string method, std::string pattern, std::string policy,
                       std::string summary, Handler h, size_t max_body = 64 * 1024) {
    AddRoute(router, std::move(method), std::move(pattern), std::move(policy), std::move(summary),
             std::move(h), max_body);
  };

  // --- public and reference ---
  add("GET", "/api/v1/reference/case-vocabulary", "public", "case vocabularies",
      [](Request&) { return Ok(CaseVocabulary()); });
  add("POST", "/api/v1/public/case-status", "public", "follow a case with its follow-up code",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        std::string code;
        Status s = r.Check();
        if (s.ok()) s = r.String("code", &code, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return Reply(d.cases->PublicStatusOf(code, req.client_addr, req.request_id),
                     EncodePublicStatus);
      });

  // --- cases ---
  add("POST", "/api/v1/cases", "case.create", "open a case from an intake", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    auto in = DecodeNewCase(*body);
    if (!in.ok()) return Err(in.status());
    auto created = d.cases->Create(Call().ctx, *in);
    if (!created.ok()) return Err(created.status());
    const cases::CaseCore& core = created->view.core;
    Json receipt = {{"reference_code", core.reference_code},
                    {"followup_code", created->followup_code},
                    {"issued_at", FormatIsoTimeSeconds(core.created_at)},
                    {"unit_name", core.opened_by.name}};
    return Ok({{"case", EncodeCaseView(created->view)},
               {"receipt", receipt},
               {"possible_duplicates", EncodeDuplicateCandidates(created->possible_duplicates)}},
              201);
  });
  add("GET", "/api/v1/cases", "case.search", "search cases", [&d](Request& req) {
    cases::CaseFilter f;
    for (auto [name, field] :
         std::initializer_list<std::pair<const char*, std::optional<std::string>*>>{
             {"reference_code", &f.reference_code},
             {"status", &f.status},
             {"service_status", &f.service_status},
             {"justice_status", &f.justice_status},
             {"unit_id", &f.unit_id},
             {"kind", &f.kind},
             {"form", &f.form},
             {"province_code", &f.province_code},
             {"risk_level", &f.risk_level},
             {"from", &f.from},
             {"to", &f.to}}) {
      *field = req.Query(name);
    }
    auto limit = QueryInt(req, "limit", 1, 100);
    if (!limit.ok()) return Err(limit.status());
    auto offset = QueryInt(req, "offset", 0, 100000);
    if (!offset.ok()) return Err(offset.status());
    f.limit = static_cast<int>(limit->value_or(50));
    f.offset = static_cast<int>(offset->value_or(0));
    return Reply(d.cases->Search(Call().ctx, f), EncodeCaseList);
  });
  add("POST", "/api/v1/cases/name-search", "case.search_by_name", "search cases by name",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        std::string name;
        std::optional<int64_t> limit;
        Status s = r.Check();
        if (s.ok()) s = r.String("name", &name, 2, 200);
        if (s.ok()) s = r.OptInt("limit", &limit, 1, 50);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return Reply(d.cases->SearchByName(Call().ctx, name, static_cast<int>(limit.value_or(20))),
                     EncodeCaseList);
      });
  add("GET", "/api/v1/cases/{id}", "case.read_core", "read a case", [&d](Request& req) {
    return Reply(d.cases->Get(Call().ctx, Param(req, "id")), EncodeCaseView);
  });
  add("GET", "/api/v1/cases/{id}/identity", "case.read_identity", "her full identity (audited)",
      [&d](Request& req) {
        return Reply(d.cases->GetIdentity(Call().ctx, Param(req, "id")), EncodeIdentity);
      });
  add("PUT", "/api/v1/cases/{id}/survivor", "case.update", "replace her identity and profile",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        std::optional<std::string> acting;
        auto in = DecodeSurvivor(*body, "", &acting);
        if (!in.ok()) return Err(in.status());
        return Reply(d.cases->UpdateSurvivor(Call().ctx, Param(req, "id"), *in, acting),
                     EncodeIdentity);
      });
  add("POST", "/api/v1/cases/{id}/incidents", "case.update", "add an incident", [&d](Request& req) {
    auto body = Body(req);
    if (!body.ok()) return Err(body.status());
    std::optional<std::string> acting;
    auto in = DecodeIncident(*body, "", &acting);
    if (!in.ok()) return Err(in.status());
    return Reply(d.cases->AddIncident(Call().ctx, Param(req, "id"), *in, acting), EncodeIncident,
                 201);
  });
  add("POST", "/api/v1/cases/{id}/intakes", "case.intake",
      "attach a new intake (she quotes her reference code)", [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto in = DecodeAttachIntake(*body);
        if (!in.ok()) return Err(in.status());
        return Reply(d.cases->AttachIntake(Call().ctx, Param(req, "id"), *in), EncodeCaseView, 201);
      });
  add("POST", "/api/v1/cases/{id}/risk-assessments", "case.risk.assess",
      "danger assessment (high alerts unit heads)", [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        std::optional<std::string> acting;
        auto in = DecodeRisk(*body, "", &acting);
        if (!in.ok()) return Err(in.status());
        return Reply(d.cases->AssessRisk(Call().ctx, Param(req, "id"), *in, acting), EncodeRisk,
                     201);
      });
  add("POST", "/api/v1/cases/{id}/transitions", "case.transition", "move a track",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto in = DecodeTransition(*body);
        if (!in.ok()) return Err(in.status());
        return Reply(d.cases->Transition(Call().ctx, Param(req, "id"), *in), EncodeCaseView);
      });
  add("POST", "/api/v1/cases/{id}/child-report", "case.child_report",
      "the report to the child protection support centre was sent", [&d](Request& req) {
        auto body = ReadSmallBody(req, {});
        if (!body.ok()) return Err(body.status());
        return Reply(
            d.cases->MarkChildReportSent(Call().ctx, Param(req, "id"), body->acting_unit_id),
            EncodeCaseView);
      });
  add("GET", "/api/v1/cases/{id}/timeline", "case.read_core", "the case's timeline",
      [&d](Request& req) {
        return Reply(d.cases->Timeline(Call().ctx, Param(req, "id")), EncodeTimeline);
      });
  add("GET", "/api/v1/cases/{id}/compartments/{compartment}", "case.read_compartment",
      "a compartment (clinical, justice, social)", [&d](Request& req) {
        return Reply(
            d.cases->GetCompartment(Call().ctx, Param(req, "id"), Param(req, "compartment")),
            EncodeCompartment);
      });
  add("POST", "/api/v1/cases/{id}/compartments/{compartment}/notes", "case.note.create",
      "add a note to a compartment", [&d](Request& req) {
        auto body = ReadSmallBody(req, {{"text", true}}, 10000);
        if (!body.ok()) return Err(body.status());
        return Reply(d.cases->AddNote(Call().ctx, Param(req, "id"), Param(req, "compartment"),
                                      *body->fields["text"], body->acting_unit_id),
                     EncodeNote, 201);
      });
  add("POST", "/api/v1/cases/{id}/followup-code", "case.followup_code",
      "issue her a new follow-up code (the old one stops working)", [&d](Request& req) {
        auto body = ReadSmallBody(req, {});
        if (!body.ok()) return Err(body.status());
        auto code =
            d.cases->ReissueFollowupCode(Call().ctx, Param(req, "id"), body->acting_unit_id);
        if (!code.ok()) return Err(code.status());
        return Ok({{"followup_code", *code}}, 201);
      });

  // --- sharing ---
  add("GET", "/api/v1/cases/{id}/consents", "case.read_core", "consents and legal grounds",
      [&d](Request& req) {
        auto list = d.case_sharing->ListConsents(Call().ctx, Param(req, "id"));
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& c : *list) items.push_back(EncodeConsent(c));
        return Ok({{"items", items}});
      });
  add("POST", "/api/v1/cases/{id}/consents", "consent.record",
      "record her consent (or a child's legal ground) for a unit and purposes", [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        std::optional<std::string> acting;
        auto in = DecodeConsent(*body, "", &acting);
        if (!in.ok()) return Err(in.status());
        auto list = d.case_sharing->RecordConsent(Call().ctx, Param(req, "id"), *in, acting);
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& c : *list) items.push_back(EncodeConsent(c));
        return Ok({{"items", items}}, 201);
      });
  add("POST", "/api/v1/cases/{id}/consents/{consent_id}/revoke", "consent.revoke",
      "revoke a consent (effective on the next request)", [&d](Request& req) {
        auto body = ReadSmallBody(req, {{"reason", true}}, 64);
        if (!body.ok()) return Err(body.status());
        return Reply(
            d.case_sharing->RevokeConsent(Call().ctx, Param(req, "id"), Param(req, "consent_id"),
                                          *body->fields["reason"], body->acting_unit_id),
            EncodeConsent);
      });
  add("POST", "/api/v1/cases/{id}/exclusions", "case.exclusion",
      "record a user as perpetrator or related: refused everything on the case",
      [&d](Request& req) {
        auto body = ReadSmallBody(req, {{"user_id", true}, {"reason", true}}, 64);
        if (!body.ok()) return Err(body.status());
        Status s = d.case_sharing->AddExclusion(Call().ctx, Param(req, "id"),
                                                *body->fields["user_id"], *body->fields["reason"]);
        if (!s.ok()) return Err(s);
        Response r;
        r.status = 204;
        return r;
      });
  add("GET", "/api/v1/cases/{id}/access-log", "case.access_log",
      "who accessed what and when (?for=survivor omits usernames)", [&d](Request& req) {
        auto who = req.Query("for");
        if (who && *who != "staff" && *who != "survivor") {
          return Err(InvalidArgument("must be staff or survivor", "for"));
        }
        bool staff = !who || *who == "staff";
        return Reply(d.case_sharing->AccessLog(Call().ctx, Param(req, "id"), staff),
                     EncodeAccessLog);
      });
  add("POST", "/api/v1/cases/break-glass", "case.break_glass",
      "emergency read access by reference code (time-limited, alerted, reviewed)",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        std::string code, reason;
        std::optional<int64_t> minutes;
        Status s = r.Check();
        if (s.ok()) s = r.String("reference_code", &code, 1, 40);
        if (s.ok()) s = r.String("reason", &reason, 1, 1000, true);
        if (s.ok()) s = r.OptInt("minutes", &minutes, 1, 1440);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return Reply(d.case_sharing->BreakGlass(Call().ctx, code, reason,
                                                static_cast<int>(minutes.value_or(60))),
                     EncodeBtg, 201);
      });
  add("GET", "/api/v1/break-glass", "case.btg.review", "break-the-glass grants to review",
      [&d](Request& req) {
        auto unit = req.Query("unit_id");
        if (!unit) return Err(InvalidArgument("is required", "unit_id"));
        bool all = req.Query("all").value_or("false") == "true";
        auto list = d.case_sharing->ListBreakGlass(Call().ctx, *unit, !all);
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& b : *list) items.push_back(EncodeBtg(b));
        return Ok({{"items", items}});
      });
  add("POST", "/api/v1/break-glass/{id}/review", "case.btg.review",
      "review a break-the-glass grant", [&d](Request& req) {
        auto body = ReadSmallBody(req, {{"outcome", true}, {"note", false}});
        if (!body.ok()) return Err(body.status());
        return Reply(
            d.case_sharing->ReviewBreakGlass(Call().ctx, Param(req, "id"), *body->fields["outcome"],
                                             body->fields["note"]),
            EncodeBtg);
      });
  add("GET", "/api/v1/alerts", "alert.list", "urgent alerts for a unit's head", [&d](Request& req) {
    auto unit = req.Query("unit_id");
    if (!unit) return Err(InvalidArgument("is required", "unit_id"));
    bool all = req.Query("all").value_or("false") == "true";
    auto list = d.case_sharing->ListAlerts(Call().ctx, *unit, all);
    if (!list.ok()) return Err(list.status());
    Json items = Json::array();
    for (const auto& a : *list) items.push_back(EncodeAlert(a));
    return Ok({{"items", items}});
  });
  add("POST", "/api/v1/alerts/{id}/ack", "alert.ack", "acknowledge an alert", [&d](Request& req) {
    return Reply(d.case_sharing->AcknowledgeAlert(Call().ctx, Param(req, "id")), EncodeAlert);
  });

  // --- documents ---
  add("GET", "/api/v1/cases/{id}/documents", "case.read_core", "documents the viewer may read",
      [&d](Request& req) {
        auto list = d.case_documents->List(Call().ctx, Param(req, "id"));
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& doc : *list) items.push_back(EncodeDocument(doc));
        return Ok({{"items", items}});
      });
  add(
      "POST", "/api/v1/cases/{id}/documents", "document.create",
      "add a typed document, with an optional file (base64)",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto in = DecodeDocument(*body);
        if (!in.ok()) return Err(in.status());
        return Reply(d.case_documents->Create(Call().ctx, Param(req, "id"), *in), EncodeDocument,
                     201);
      },
      kDocumentBodyLimit);
  add("GET", "/api/v1/cases/{id}/documents/{document_id}", "document.read",
      "a document with its metadata and versions", [&d](Request& req) {
        return Reply(d.case_documents->Get(Call().ctx, Param(req, "id"), Param(req, "document_id")),
                     EncodeDocument);
      });
  add(
      "POST", "/api/v1/cases/{id}/documents/{document_id}/versions", "document.create",
      "a new version of the document's file",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        const Json* file = nullptr;
        std::optional<std::string> acting;
        Status s = r.Check();
        if (s.ok()) s = r.Object("file", &file, true);
        if (s.ok()) s = r.OptString("acting_unit_id", &acting, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        auto f = DecodeFile(*file, "file");
        if (!f.ok()) return Err(f.status());
        return Reply(d.case_documents->AddVersion(Call().ctx, Param(req, "id"),
                                                  Param(req, "document_id"), *f, acting),
                     EncodeDocument, 201);
      },
      kDocumentBodyLimit);
  add("GET", "/api/v1/cases/{id}/documents/{document_id}/content", "document.read",
      "the file of a version (?version=N; default the current one)", [&d](Request& req) {
        auto version = QueryInt(req, "version", 1, 1000000);
        if (!version.ok()) return Err(version.status());
        auto file = d.case_documents->Content(Call().ctx, Param(req, "id"),
                                              Param(req, "document_id"), version->value_or(0));
        if (!file.ok()) return Err(file.status());
        Response r;
        r.body.assign(file->bytes.begin(), file->bytes.end());
        r.SetHeader("Content-Type", file->mime);
        r.SetHeader("Content-Disposition", "attachment; filename=\"" + file->download_name + "\"");
        r.SetHeader("Cache-Control", "no-store");
        return r;
      });
}

}  // namespace tamkine::http::api
