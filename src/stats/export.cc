#include "stats/export.h"

#include <mutex>

#include "common/json.h"
#include "reference/regions.h"

namespace tamkine::embedded {
extern const std::string_view kLabelsAr;
extern const std::string_view kLabelsFr;
}  // namespace tamkine::embedded

namespace tamkine::stats {

namespace {

const Json& Labels(std::string_view lang) {
  static const Json kAr = Json::parse(embedded::kLabelsAr, nullptr, false);
  static const Json kFr = Json::parse(embedded::kLabelsFr, nullptr, false);
  return lang == "ar" ? kAr : kFr;
}

std::string Lookup(std::string_view lang, const std::string& key, std::string_view fallback) {
  const Json& l = Labels(lang);
  if (l.is_object()) {
    auto it = l.find(key);
    if (it != l.end() && it->is_string()) return it->get<std::string>();
  }
  return std::string(fallback);
}

// Where the web application keeps a dimension's category labels.
std::string Prefix(std::string_view by) {
  if (by == "sector") return "sector.";
  if (by == "gbv_type") return "case.v.gbv.";
  if (by == "status") return "stats.v.status.";
  return "case.v." + std::string(by) + ".";
}

std::string Cell(const Count& c) { return c.value ? std::to_string(*c.value) : "x"; }

}  // namespace

std::string CategoryLabel(std::string_view by, std::string_view key, std::string_view lang) {
  const bool ar = lang == "ar";
  if (key == "unknown") return Lookup(lang, "stats.unknown", "unknown");
  if (by == "region") {
    for (const auto& r : reference::Regions()) {
      if (std::to_string(r.code) == key) return ar ? r.name_ar : r.name_fr;
    }
  }
  if (by == "province") {
    if (const auto* p = reference::FindProvince(key)) return ar ? p->name_ar : p->name_fr;
  }
  if (by == "quarter" || by == "month") return std::string(key);
  return Lookup(lang, Prefix(by) + std::string(key), key);
}

std::string DimensionLabel(std::string_view by, std::string_view lang) {
  return Lookup(lang, "stats.dim." + std::string(by), by);
}

std::string ScopeLabel(const Scope& s, std::string_view lang) {
  const bool ar = lang == "ar";
  if (!s.province.empty()) {
    if (const auto* p = reference::FindProvince(s.province)) return ar ? p->name_ar : p->name_fr;
  }
  if (s.region != 0) {
    if (const auto* r = reference::FindRegion(s.region)) return ar ? r->name_ar : r->name_fr;
  }
  return Lookup(lang, "stats.nation", "Maroc");
}

std::string CsvField(std::string_view text) {
  std::string s(text);
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ToCsv(const StatsResult& r, std::string_view lang) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&out](std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      out += CsvField(f);
      first = false;
    }
    out += "\r\n";
  };
  std::string period = std::to_string(r.period.year);
  if (r.period.month > 0) {
    period += (r.period.month < 10 ? "-0" : "-") + std::to_string(r.period.month);
  } else if (r.period.quarter > 0) {
    period += "-Q" + std::to_string(r.period.quarter);
  }
  line({Lookup(lang, "stats.scope", "scope"), ScopeLabel(r.scope, lang)});
  line({Lookup(lang, "stats.period", "period"), period});
  line({Lookup(lang, "stats.legend", "x: withheld (fewer than the threshold, or protecting one)"),
        std::to_string(r.threshold)});
  if (r.multi_valued) line({Lookup(lang, "stats.multiNote", "a case may count in several forms")});
  out += "\r\n";
  std::string total_label = Lookup(lang, "stats.total", "total");
  if (r.by.empty()) {
    line({total_label, Cell(r.total)});
    return out;
  }
  if (r.by2.empty()) {
    line({DimensionLabel(r.by, lang), Lookup(lang, "stats.cases", "cases")});
    for (const auto& c : r.rows) line({CategoryLabel(r.by, c.key, lang), Cell(c.count)});
    line({total_label, Cell(r.total)});
    return out;
  }
  auto row = [&](const std::string& first, auto&& each, const Count& last) {
    std::string l = CsvField(first);
    for (size_t j = 0; j < r.cols.size(); ++j) l += "," + CsvField(each(j));
    l += "," + CsvField(Cell(last)) + "\r\n";
    out += l;
  };
  std::string head = CsvField(DimensionLabel(r.by, lang) + " / " + DimensionLabel(r.by2, lang));
  for (const auto& c : r.cols) head += "," + CsvField(CategoryLabel(r.by2, c.key, lang));
  out += head + "," + CsvField(total_label) + "\r\n";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    row(
        CategoryLabel(r.by, r.rows[i].key, lang), [&](size_t j) { return Cell(r.cells[i][j]); },
        r.rows[i].count);
  }
  row(
      total_label, [&](size_t j) { return Cell(r.cols[j].count); }, r.total);
  return out;
}

}  // namespace tamkine::stats
