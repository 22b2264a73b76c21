// CSV export: formula injection neutralised, quoting, withheld counts as "x", labels in Arabic
// and French from the web application's translations.
#include "stats/export.h"

#include <gtest/gtest.h>

namespace tamkine::stats {
namespace {

TEST(CsvField, NeutralisesFormulasAndQuotes) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("-2"), "'-2");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("Fès"), "Fès");
  EXPECT_EQ(CsvField("12"), "12");
}

StatsResult Sample() {
  StatsResult r;
  r.scope.region = 3;
  r.period.year = 2026;
  r.period.quarter = 3;
  r.threshold = 5;
  r.total = Count{35};
  r.by = "age_band";
  r.rows = {{"18-29", Count{20}}, {"30-44", Count{}}, {"60+", Count{}}, {"unknown", Count{0}}};
  return r;
}

TEST(ToCsv, FrenchBreakdownWithWithheldCells) {
  std::string csv = ToCsv(Sample(), "fr");
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0U);  // Excel reads UTF-8 (Arabic) with the BOM
  EXPECT_NE(csv.find("Fès-Meknès"), std::string::npos) << csv;
  EXPECT_NE(csv.find("2026-Q3"), std::string::npos);
  EXPECT_NE(csv.find("18–29 ans,20\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",x\r\n"), std::string::npos);
  EXPECT_EQ(csv.find("60+,"), std::string::npos) << "the label, not the code";
}

TEST(ToCsv, ArabicLabels) {
  std::string csv = ToCsv(Sample(), "ar");
  EXPECT_NE(csv.find("فاس مكناس"), std::string::npos) << csv;
  EXPECT_NE(csv.find("18–29,20\r\n"), std::string::npos) << csv;
}

TEST(ToCsv, CrossTabulationHasAColumnPerCategoryAndTotals) {
  StatsResult r = Sample();
  r.by2 = "kind";
  r.cols = {{"adult", Count{30}}, {"child", Count{5}}};
  r.cells = {{Count{18}, Count{2}}, {Count{}, Count{}}, {Count{}, Count{0}}, {Count{0}, Count{0}}};
  r.rows[0].count = Count{20};
  std::string csv = ToCsv(r, "fr");
  EXPECT_NE(csv.find("Une femme,Un enfant,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("18–29 ans,18,2,20\r\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace tamkine::stats
