// Statistics as files: CSV in Arabic or French (labels from the web application's translations,
// embedded in the binary), with spreadsheet formula injection neutralised and withheld counts
// written as "x" with a legend.
#pragma once

#include <string>
#include <string_view>

#include "stats/stats_service.h"

namespace tamkine::stats {

// The label of a category of dimension `by` in `lang` ("ar" or "fr"); the code itself when there
// is no translation.
std::string CategoryLabel(std::string_view by, std::string_view key, std::string_view lang);
// The label of a dimension ("age_band", "province", ...).
std::string DimensionLabel(std::string_view by, std::string_view lang);
// A human name for the scope ("Fès-Meknès", "Maroc") in `lang`.
std::string ScopeLabel(const Scope& s, std::string_view lang);

// One CSV field: quoted when needed, and prefixed with an apostrophe when a spreadsheet would
// read it as a formula (=, +, -, @, tab, carriage return).
std::string CsvField(std::string_view text);

// The whole output as CSV (UTF-8 with a byte-order mark, CRLF line ends): a heading block
// (scope, period, threshold, legend), then the table.
std::string ToCsv(const StatsResult& r, std::string_view lang);

}  // namespace tamkine::stats
