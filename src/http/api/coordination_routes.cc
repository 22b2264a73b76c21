// The coordination API (docs/coordination.md, docs/openapi/40-coordination.json): the instruction
// catalogue, instructions on a case, the target unit's actions on a work item, the case's work
// items, the inbox and the timeliness figures.
#include "coordination/coordination_service.h"
#include "http/api/case_codec.h"
#include "http/api/routes.h"

namespace tamkine::http::api {

namespace {

Json OptJson(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<Micros>& t) {
  return t ? Json(FormatIsoTimeSeconds(*t)) : Json(nullptr);
}

StatusOr<std::optional<Micros>> OptTimeField(ObjectReader& r, const char* key) {
  std::optional<std::string> s;
  RETURN_IF_ERROR(r.OptString(key, &s, 1, 64));
  if (!s) return std::optional<Micros>();
  auto t = ParseIsoTime(*s);
  if (!t) return InvalidArgument("must be an RFC 3339 time", r.FieldName(key));
  return std::optional<Micros>(*t);
}

Status StringList(ObjectReader& r, const char* key, std::vector<std::string>* out, size_t max_items,
                  size_t max_len) {
  const Json* a = nullptr;
  RETURN_IF_ERROR(r.Array(key, &a, max_items, false));
  if (a == nullptr) return Status::Ok();
  for (size_t i = 0; i < a->size(); ++i) {
    std::string field = r.FieldName(key) + "[" + std::to_string(i) + "]";
    if (!(*a)[i].is_string()) return InvalidArgument("must be a string", field);
    std::string s = (*a)[i].get<std::string>();
    RETURN_IF_ERROR(ValidateText(s, field, 1, max_len));
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

Json EncodeType(const coordination::InstructionType& t) {
  return {{"code", t.code},
          {"labels", {{"ar", t.label_ar}, {"fr", t.label_fr}, {"en", t.label_en}}},
          {"sectors", t.sectors},
          {"default_priority", t.default_priority},
          {"deadline_minutes",
           {{"urgent", t.minutes_urgent},
            {"priority", t.minutes_priority},
            {"normal", t.minutes_normal}}},
          {"active", t.active}};
}

StatusOr<coordination::InstructionType> DecodeType(const Json& body) {
  ObjectReader r(body);
  RETURN_IF_ERROR(r.Check());
  coordination::InstructionType t;
  RETURN_IF_ERROR(r.String("code", &t.code, 1, 40));
  const Json* labels = nullptr;
  RETURN_IF_ERROR(r.Object("labels", &labels));
  ObjectReader l(*labels, "labels.");
  RETURN_IF_ERROR(l.Check());
  RETURN_IF_ERROR(l.String("ar", &t.label_ar, 1, 200));
  RETURN_IF_ERROR(l.String("fr", &t.label_fr, 1, 200));
  RETURN_IF_ERROR(l.String("en", &t.label_en, 1, 200));
  RETURN_IF_ERROR(l.Finish());
  RETURN_IF_ERROR(StringList(r, "sectors", &t.sectors, 12, 40));
  RETURN_IF_ERROR(r.Enum("default_priority", &t.default_priority, coordination::Priorities()));
  const Json* minutes = nullptr;
  RETURN_IF_ERROR(r.Object("deadline_minutes", &minutes));
  ObjectReader m(*minutes, "deadline_minutes.");
  RETURN_IF_ERROR(m.Check());
  RETURN_IF_ERROR(m.Int("urgent", &t.minutes_urgent, 1, 527040));
  RETURN_IF_ERROR(m.Int("priority", &t.minutes_priority, 1, 527040));
  RETURN_IF_ERROR(m.Int("normal", &t.minutes_normal, 1, 527040));
  RETURN_IF_ERROR(m.Finish());
  RETURN_IF_ERROR(r.Finish());
  return t;
}

Json EncodeItem(const coordination::WorkItem& w, Micros now) {
  Json j = {{"id", w.id},
            {"case_id", w.case_id},
            {"reference_code", w.reference_code},
            {"kind", w.kind},
            {"type", w.type},
            {"priority", w.priority},
            {"target_unit", w.target_unit_id ? Json{{"id", *w.target_unit_id},
                                                    {"name", w.target_unit_name.value_or("")}}
                                             : Json(nullptr)},
            {"issuer_unit", w.issuer_unit_id ? Json{{"id", *w.issuer_unit_id},
                                                    {"name", w.issuer_unit_name.value_or("")}}
                                             : Json(nullptr)},
            {"issuer_user_id", OptJson(w.issuer_user_id)},
            {"issued_at", FormatIsoTimeSeconds(w.issued_at)},
            {"recorded_at", FormatIsoTimeSeconds(w.recorded_at)},
            {"due_at", FormatIsoTimeSeconds(w.due_at)},
            {"state", w.state},
            {"version", w.version},
            {"overdue", w.OverdueAt(now)},
            {"acknowledged_at", OptTime(w.acknowledged_at)},
            {"acknowledged_by_user_id", OptJson(w.acknowledged_by_user_id)},
            {"started_at", OptTime(w.started_at)},
            {"completed_at", OptTime(w.completed_at)},
            {"completed_by_user_id", OptJson(w.completed_by_user_id)},
            {"outcome_code", OptJson(w.outcome_code)},
            {"escalated_at", OptTime(w.escalated_at)},
            {"measure_id", OptJson(w.measure_id)},
            {"parent_id", OptJson(w.parent_id)},
            {"document_ids", w.document_ids},
            {"text_withheld", w.text_withheld}};
  if (w.kind == "withdrawal_review" && w.outcome_code == "pressure_suspected") {
    // The next step the prosecution should consider: POST .../instructions with parent_id.
    j["suggested_instruction_type"] = "investigate_withdrawal";
  }
  if (!w.text_withheld) {
    j["note"] = OptJson(w.note);
    j["outcome"] = OptJson(w.outcome);
    j["refusal_reason"] = OptJson(w.refusal_reason);
  }
  return j;
}

Json EncodeMeasure(const coordination::ProtectionMeasure& m) {
  Json j = {{"id", m.id},
            {"case_id", m.case_id},
            {"kind", m.kind},
            {"issuing_authority", m.issuing_authority},
            {"issued_by_unit_id", m.issued_by_unit_id},
            {"starts_on", FormatIsoTimeSeconds(m.starts_on)},
            {"ends_on", OptTime(m.ends_on)},
            {"state", m.state},
            {"reminder_sent_at", OptTime(m.reminder_sent_at)},
            {"conditions_withheld", m.conditions_withheld}};
  if (!m.conditions_withheld) j["conditions"] = OptJson(m.conditions);
  return j;
}

Json EncodeDistribution(const coordination::Distribution& d) {
  auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"count", d.count},
          {"median_minutes", opt(d.median_minutes)},
          {"p90_minutes", opt(d.p90_minutes)}};
}

Json EncodeRow(const coordination::TimelinessRow& r) {
  Json j = {{"sector", r.sector},
            {"items", r.items},
            {"done", r.done},
            {"refused", r.refused},
            {"open", r.open},
            {"overdue_open", r.overdue_open},
            {"completed_late", r.completed_late},
            {"acknowledgement", EncodeDistribution(r.acknowledgement)},
            {"completion", EncodeDistribution(r.completion)},
            {"intake_to_first_instruction", EncodeDistribution(r.intake_to_first_instruction)}};
  if (!r.unit_id.empty()) {
    j["unit_id"] = r.unit_id;
    j["unit_name"] = r.unit_name;
    j["province_code"] = r.province_code;
  }
  return j;
}

StatusOr<coordination::TimelinessQuery> DecodeTimeliness(const Request& req, Micros now) {
  coordination::TimelinessQuery q;
  q.to = now;
  q.from = now - 30 * 24 * kMicrosPerHour;
  for (auto [name, out] : {std::pair<const char*, Micros*>{"from", &q.from}, {"to", &q.to}}) {
    if (auto v = req.Query(name); v && !v->empty()) {
      auto t = ParseIsoTime(*v);
      if (!t) return InvalidArgument("must be an RFC 3339 time", name);
      *out = *t;
    }
  }
  if (auto v = req.Query("unit_id"); v && !v->empty()) q.unit_id = *v;
  if (auto v = req.Query("sector"); v && !v->empty()) q.sector = *v;
  if (auto v = req.Query("province_code"); v && !v->empty()) q.province_code = *v;
  return q;
}

}  // namespace

void RegisterCoordinationRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  auto add = [&router](std::string method, std::string pattern, std::string policy,
                       std::string summary, Handler h) {
    AddRoute(router, std::move(method), std::move(pattern), std::move(policy), std::move(summary),
             std::move(h));
  };
  auto id = [](const Request& r) { return r.path_params.at("id"); };
  auto now = [&d] { return d.clock->Now(); };
  auto reply = [now](const StatusOr<coordination::WorkItem>& w, int status = 200) {
    if (!w.ok()) return Err(w.status());
    return Ok(EncodeItem(*w, now()), status);
  };

  add("GET", "/api/v1/instruction-types", "instruction.catalogue.read", "the instruction catalogue",
      [&d](Request&) {
        auto list = d.coordination->Catalogue(Call().ctx);
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& t : *list) items.push_back(EncodeType(t));
        return Ok({{"items", items}});
      });
  add("POST", "/api/v1/instruction-types", "instruction.catalogue.write", "add an instruction type",
      [&d](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        auto t = DecodeType(*body);
        if (!t.ok()) return Err(t.status());
        auto added = d.coordination->AddType(Call().ctx, std::move(*t));
        if (!added.ok()) return Err(added.status());
        return Ok(EncodeType(*added), 201);
      });
  add("POST", "/api/v1/cases/{id}/instructions", "instruction.issue",
      "give an instruction on the case to a unit", [&d, id, reply](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        coordination::IssueInput in;
        in.case_id = id(req);
        Status s = r.Check();
        if (s.ok()) s = r.String("type", &in.type, 1, 40);
        if (s.ok()) s = r.String("target_unit_id", &in.target_unit_id, 1, 64);
        if (s.ok()) s = r.OptEnum("priority", &in.priority, coordination::Priorities());
        if (s.ok()) {
          auto t = OptTimeField(r, "issued_at");
          if (t.ok()) in.issued_at = *t;
          s = t.status();
        }
        if (s.ok()) {
          auto t = OptTimeField(r, "due_at");
          if (t.ok()) in.due_at = *t;
          s = t.status();
        }
        if (s.ok()) s = r.OptString("note", &in.note, 1, 4000, true);
        if (s.ok()) s = r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64);
        if (s.ok()) s = r.OptString("parent_id", &in.parent_id, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return reply(d.coordination->Issue(Call().ctx, in), 201);
      });
  add("POST", "/api/v1/cases/{id}/withdrawal", "case.withdrawal.record",
      "record that she withdrew her complaint; opens a review for the prosecution",
      [&d, id, reply](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        coordination::WithdrawalInput in;
        in.case_id = id(req);
        Status s = r.Check();
        if (s.ok()) {
          auto t = OptTimeField(r, "withdrawn_at");
          if (t.ok()) in.withdrawn_at = *t;
          s = t.status();
        }
        if (s.ok()) s = r.OptString("note", &in.note, 1, 4000, true);
        if (s.ok()) s = r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        return reply(d.coordination->RecordWithdrawal(Call().ctx, in), 201);
      });
  add("POST", "/api/v1/cases/{id}/protection-measures", "measure.issue",
      "record a protection measure", [&d, id](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        coordination::MeasureInput in;
        in.case_id = id(req);
        std::optional<Micros> starts;
        Status s = r.Check();
        if (s.ok()) s = r.Enum("kind", &in.kind, coordination::MeasureKinds());
        if (s.ok()) s = r.String("issuing_authority", &in.issuing_authority, 2, 300);
        if (s.ok()) {
          auto t = OptTimeField(r, "starts_on");
          if (t.ok()) starts = *t;
          s = t.status();
        }
        if (s.ok()) {
          auto t = OptTimeField(r, "ends_on");
          if (t.ok()) in.ends_on = *t;
          s = t.status();
        }
        if (s.ok()) s = r.OptString("conditions", &in.conditions, 1, 4000, true);
        if (s.ok()) s = r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        in.starts_on = starts.value_or(d.clock->Now());
        auto m = d.coordination->IssueMeasure(Call().ctx, in);
        if (!m.ok()) return Err(m.status());
        return Ok(EncodeMeasure(*m), 201);
      });
  add("POST", "/api/v1/protection-measures/{id}/violations", "measure.violation.report",
      "report a violation: an urgent instruction and a linked incident",
      [&d, id, now](Request& req) {
        auto body = Body(req);
        if (!body.ok()) return Err(body.status());
        ObjectReader r(*body);
        coordination::ViolationInput in;
        in.measure_id = id(req);
        std::optional<std::string> type;
        const Json* incident = nullptr;
        Status s = r.Check();
        if (s.ok()) s = r.String("target_unit_id", &in.target_unit_id, 1, 64);
        if (s.ok()) s = r.OptString("type", &type, 1, 40);
        if (s.ok()) s = r.Object("incident", &incident);
        if (s.ok()) s = r.OptString("note", &in.note, 1, 4000, true);
        if (s.ok()) s = r.OptString("acting_unit_id", &in.acting_unit_id, 1, 64);
        if (s.ok()) s = r.Finish();
        if (!s.ok()) return Err(s);
        if (type) in.type = *type;
        auto inc = DecodeIncident(*incident, "incident.");
        if (!inc.ok()) return Err(inc.status());
        in.incident = std::move(*inc);
        auto v = d.coordination->ReportViolation(Call().ctx, in);
        if (!v.ok()) return Err(v.status());
        return Ok(
            {{"instruction", EncodeItem(v->instruction, now())}, {"incident_id", v->incident_id}},
            201);
      });
  add("GET", "/api/v1/cases/{id}/protection-measures", "measure.list",
      "the case's protection measures", [&d, id](Request& req) {
        auto list = d.coordination->Measures(Call().ctx, id(req));
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& m : *list) items.push_back(EncodeMeasure(m));
        return Ok({{"items", items}});
      });
  add("GET", "/api/v1/cases/{id}/work-items", "work_item.list",
      "the case's instructions, reviews and follow-ups", [&d, id, now](Request& req) {
        auto list = d.coordination->ForCase(Call().ctx, id(req));
        if (!list.ok()) return Err(list.status());
        Json items = Json::array();
        for (const auto& w : *list) items.push_back(EncodeItem(w, now()));
        return Ok({{"items", items}});
      });
  add("GET", "/api/v1/work-items/{id}", "work_item.read", "one work item with its free text",
      [&d, id, reply](Request& req) { return reply(d.coordination->Get(Call().ctx, id(req))); });
  for (std::string_view action : coordination::WorkItemActions()) {
    std::string a(action);
    add("POST", "/api/v1/work-items/{id}/" + a, "work_item.act", a + " a work item",
        [&d, id, reply, a](Request& req) {
          auto body = Body(req);
          if (!body.ok()) return Err(body.status());
          ObjectReader r(*body);
          coordination::ActInput in;
          in.action = a;
          std::optional<int64_t> version;
          Status s = r.Check();
          if (s.ok()) s = r.OptInt("version", &version, 1, INT64_MAX);
          if (s.ok()) s = r.OptString("outcome", &in.outcome, 1, 4000, true);
          if (s.ok()) {
            s = r.OptEnum("outcome_code", &in.outcome_code, coordination::WithdrawalOutcomes());
          }
          if (s.ok()) s = r.OptString("reason", &in.reason, 1, 2000, true);
          if (s.ok()) s = StringList(r, "document_ids", &in.document_ids, 20, 64);
          if (s.ok()) s = r.Finish();
          if (!s.ok()) return Err(s);
          in.version = version;
          return reply(d.coordination->Act(Call().ctx, id(req), in));
        });
  }
  add("GET", "/api/v1/inbox", "coordination.inbox",
      "open items of my units and items I issued, overdue and urgent first", [&d, now](Request&) {
        auto inbox = d.coordination->InboxOf(Call().ctx);
        if (!inbox.ok()) return Err(inbox.status());
        Json items = Json::array();
        for (const auto& w : inbox->items) items.push_back(EncodeItem(w, now()));
        Json alerts = Json::array();
        for (const auto& a : inbox->alerts) {
          alerts.push_back({{"id", a.id},
                            {"kind", a.kind},
                            {"unit_id", a.unit_id},
                            {"case_id", OptJson(a.case_id)},
                            {"reference_code", OptJson(a.reference_code)},
                            {"ref_id", OptJson(a.ref_id)},
                            {"created_at", FormatIsoTimeSeconds(a.created_at)}});
        }
        return Ok({{"items", items}, {"alerts", alerts}});
      });
  add("GET", "/api/v1/stats/timeliness", "coordination.stats",
      "timeliness of hand-overs per unit and sector (aggregates)", [&d, now](Request& req) {
        auto q = DecodeTimeliness(req, now());
        if (!q.ok()) return Err(q.status());
        auto t = d.coordination->TimelinessOf(Call().ctx, *q);
        if (!t.ok()) return Err(t.status());
        Json units = Json::array();
        for (const auto& r : t->units) units.push_back(EncodeRow(r));
        Json sectors = Json::array();
        for (const auto& r : t->sectors) sectors.push_back(EncodeRow(r));
        return Ok({{"from", FormatIsoTimeSeconds(q->from)},
                   {"to", FormatIsoTimeSeconds(q->to)},
                   {"units", units},
                   {"sectors", sectors}});
      });
}

}  // namespace tamkine::http::api
