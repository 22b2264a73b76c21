// The commissions' statistics (docs/statistics.md, docs/openapi/50-stats.json): aggregate counts
// of cases with disclosure control, as JSON for the dashboard and as CSV in Arabic or French.
#include "http/api/routes.h"
#include "stats/export.h"
#include "stats/stats_service.h"

namespace tamkine::http::api {
namespace {

Json EncodeCount(const stats::Count& c) { return c.value ? Json(*c.value) : Json(nullptr); }

Json EncodeCategories(const std::vector<stats::Category>& v) {
  Json a = Json::array();
  for (const auto& c : v) a.push_back({{"key", c.key}, {"count", EncodeCount(c.count)}});
  return a;
}

Json EncodeResult(const stats::StatsResult& r, std::string_view scope, std::string_view period) {
  Json j = {{"scope", scope},
            {"period", period},
            {"threshold", r.threshold},
            {"total", EncodeCount(r.total)},
            {"multi_valued", r.multi_valued}};
  j["by"] = r.by.empty() ? Json(nullptr) : Json(r.by);
  j["rows"] = EncodeCategories(r.rows);
  j["by2"] = r.by2.empty() ? Json(nullptr) : Json(r.by2);
  j["cols"] = EncodeCategories(r.cols);
  Json cells = Json::array();
  for (const auto& row : r.cells) {
    Json line = Json::array();
    for (const auto& c : row) line.push_back(EncodeCount(c));
    cells.push_back(std::move(line));
  }
  j["cells"] = std::move(cells);
  j["cells_withheld"] = r.cells_withheld;
  return j;
}

struct Parsed {
  stats::StatsQuery query;
  std::string scope;
  std::string period;
};

StatusOr<Parsed> ParseQuery(const Request& req) {
  Parsed p;
  auto scope = req.Query("scope");
  auto period = req.Query("period");
  if (!scope || scope->empty()) return InvalidArgument("is required", "scope");
  if (!period || period->empty()) return InvalidArgument("is required", "period");
  ASSIGN_OR_RETURN(p.query.scope, stats::ParseScope(*scope, "scope"));
  ASSIGN_OR_RETURN(p.query.period, stats::ParsePeriod(*period, "period"));
  p.query.by = req.Query("by").value_or("");
  p.query.by2 = req.Query("by2").value_or("");
  p.scope = *scope;
  p.period = *period;
  return p;
}

}  // namespace

void RegisterStatsRoutes(Router& router, ApiDeps& deps) {
  ApiDeps& d = deps;
  AddRoute(router, "GET", "/api/v1/stats/cases", "stats.read",
           "counts of cases for an area and period, with disclosure control", [&d](Request& req) {
             auto p = ParseQuery(req);
             if (!p.ok()) return Err(p.status());
             auto r = d.stats->Query(Call().ctx, p->query);
             if (!r.ok()) return Err(r.status());
             return Ok(EncodeResult(*r, p->scope, p->period));
           });
  AddRoute(router, "GET", "/api/v1/stats/cases.csv", "stats.read",
           "the same counts as a CSV file in Arabic or French", [&d](Request& req) {
             auto p = ParseQuery(req);
             if (!p.ok()) return Err(p.status());
             std::string lang = req.Query("lang").value_or("fr");
             if (lang != "fr" && lang != "ar")
               return Err(InvalidArgument("must be ar or fr", "lang"));
             auto r = d.stats->Query(Call().ctx, p->query);
             if (!r.ok()) return Err(r.status());
             Response out;
             out.status = 200;
             out.body = stats::ToCsv(*r, lang);
             out.SetHeader("Content-Type", "text/csv; charset=utf-8");
             std::string name = "tamkine-stats-" + p->period + ".csv";
             out.SetHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
             return out;
           });
}

}  // namespace tamkine::http::api
