#include "matching/batch.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/json.h"

namespace tamkine::matching {
namespace {

struct BatchRun {
  StatusOr<BatchSummary> summary = Internal("not run");
  std::vector<BatchProblem> problems;
  std::vector<Json> pairs;
};

BatchRun RunOn(const std::string& input, bool include_possible = false, int threads = 2,
               BatchOptions o = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  o.include_possible = include_possible;
  o.threads = threads;
  BatchRun r;
  r.summary = RunBatch(
      in, out, o, [&](const BatchProblem& p) { r.problems.push_back(p); }, nullptr);
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) {
    auto j = ParseJson(line);
    EXPECT_TRUE(j.ok()) << line;
    if (j.ok()) r.pairs.push_back(*j);
  }
  return r;
}

constexpr const char* kWoman =
    R"({"id":"unit-1","given_name":"فاطمة الزهراء","family_name":"العلوي","date_of_birth":"1988-03-14","phone":"06 12 34 56 78","city":"الدار البيضاء"}
{"id":"ngo-7","given_name":"Fatim-Zahra","family_name":"El Alaoui","date_of_birth":"1988","phone":"+212612345678","city":"Casablanca"}
{"id":"online-3","full_name":"FATIMA ZAHRA ALAOUI","phone":"0612345678","date_of_birth":"1988-03-14"}
{"id":"sister","given_name":"Khadija","family_name":"El Alaoui","date_of_birth":"1992-07-01","phone":"0612345678","city":"Casablanca"}
)";

TEST(RunBatch, WritesOneLinePerProbablePairWithEvidence) {
  BatchRun r = RunOn(kWoman);
  ASSERT_TRUE(r.summary.ok()) << r.summary.status().ToString();
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.summary->persons, 4u);
  ASSERT_EQ(r.pairs.size(), 3u);
  EXPECT_EQ(r.summary->probable_pairs, 3u);
  const std::pair<const char*, const char*> want[] = {
      {"unit-1", "ngo-7"}, {"unit-1", "online-3"}, {"ngo-7", "online-3"}};
  for (size_t i = 0; i < 3; ++i) {
    const Json& p = r.pairs[i];
    EXPECT_EQ(p["a"], want[i].first);
    EXPECT_EQ(p["b"], want[i].second);
    EXPECT_TRUE(p["score"].is_number());
    EXPECT_EQ(p["decision"], "probable");
    for (const char* f : {"given_name", "family_name", "date_of_birth", "cin", "phone", "city"}) {
      ASSERT_TRUE(p["evidence"].contains(f)) << f;
      EXPECT_TRUE(p["evidence"][f]["level"].is_string());
      EXPECT_TRUE(p["evidence"][f]["weight"].is_number());
    }
    EXPECT_EQ(p["evidence"]["phone"]["level"], "exact");
    EXPECT_EQ(p["evidence"]["cin"]["level"], "missing");
  }
}

TEST(RunBatch, SameResultOnOneThread) {
  BatchRun a = RunOn(kWoman, true, 1);
  BatchRun b = RunOn(kWoman, true, 2);
  ASSERT_EQ(a.pairs.size(), b.pairs.size());
  for (size_t i = 0; i < a.pairs.size(); ++i) EXPECT_EQ(a.pairs[i], b.pairs[i]);
}

TEST(RunBatch, BadLinesAreReportedWithTheirNumberAndSkipped) {
  const std::string input = std::string(kWoman) +                          // lines 1-4
                            "\n" +                                         // 5: blank, ignored
                            "{\"id\": \"x1\", \"given_name\": \n" +        // 6: truncated JSON
                            "[\"not\", \"an object\"]\n" +                 // 7
                            "{\"given_name\": \"Amina\"}\n" +              // 8: no id
                            "{\"id\": 42, \"given_name\": \"Amina\"}\n" +  // 9: id not a string
                            "{\"id\": \"x2\", \"date_of_birth\": \"14/03/1988\"}\n" +  // 10
                            "{\"id\": \"ngo-7\", \"given_name\": \"Amina\"}\n" +       // 11: dup id
                            "{\"id\": \"x3\", \"family_name\": 7}\n" +                 // 12
                            "{\"id\": \"x4\", \"phone\": [\"0612345678\", 5]}\n" +     // 13
                            "{\"id\": \"x5\", \"given_name\": \"Amina\", \"phone\": \"n/a\", "
                            "\"address\": \"Derb Sultan\"}\n" +  // 14: kept, two warnings
                            "{\"id\": \"x6\", \"given_name\": \"Houda\", \"address\": \"\"}";  // 15
  BatchRun r = RunOn(input);
  ASSERT_TRUE(r.summary.ok());
  EXPECT_EQ(r.summary->lines, 15u);
  EXPECT_EQ(r.summary->persons, 6u);
  EXPECT_EQ(r.summary->skipped, 8u);
  EXPECT_EQ(r.summary->warnings, 2u);
  struct Want {
    size_t line;
    bool error;
    const char* text;
  };
  const Want want[] = {
      {6, true, "JSON"},           {7, true, "not a JSON object"},
      {8, true, "id is required"}, {9, true, "id must be a non-empty string"},
      {10, true, "date_of_birth"}, {11, true, "already used on line 2"},
      {12, true, "family_name"},   {13, true, "phone[1]"},
      {14, false, "address"},      {14, false, "n/a"},
  };
  ASSERT_EQ(r.problems.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    EXPECT_EQ(r.problems[i].line, want[i].line) << i;
    EXPECT_EQ(r.problems[i].error, want[i].error) << i;
    EXPECT_NE(r.problems[i].message.find(want[i].text), std::string::npos) << r.problems[i].message;
    if (want[i].error) {
      EXPECT_NE(r.problems[i].message.find("skipped"), std::string::npos);
    }
  }
  // The good lines were still matched.
  EXPECT_EQ(r.pairs.size(), 3u);
}

TEST(RunBatch, IncludePossibleAddsPossiblePairs) {
  // With the probable threshold above every score, the pair is only possible: written with
  // --include-possible only, marked as such.
  BatchOptions o;
  o.index.model.probable_threshold = 1000;
  BatchRun probable = RunOn(kWoman, false, 2, o);
  o.include_possible = true;
  BatchRun possible = RunOn(kWoman, true, 2, o);
  ASSERT_TRUE(possible.summary.ok());
  EXPECT_TRUE(probable.pairs.empty());
  ASSERT_EQ(possible.pairs.size(), 3u);
  for (const auto& p : possible.pairs) EXPECT_EQ(p["decision"], "possible");
  EXPECT_EQ(possible.summary->possible_pairs, 3u);
  EXPECT_EQ(possible.summary->probable_pairs, 0u);
}

TEST(PairLine, Format) {
  Comparison c;
  c.fields[0] = {Level::kClose, 3.5f};
  c.fields[4] = {Level::kExact, 4.0f};
  c.score = 7.5f;
  c.names_swapped = true;
  EXPECT_EQ(PairLine("a\"1", "b", c, Decision::kPossible),
            R"({"a":"a\"1","b":"b","score":7.5,"decision":"possible","evidence":{)"
            R"("given_name":{"level":"close","weight":3.5},)"
            R"("family_name":{"level":"missing","weight":0},)"
            R"("date_of_birth":{"level":"missing","weight":0},)"
            R"("cin":{"level":"missing","weight":0},)"
            R"("phone":{"level":"exact","weight":4},)"
            R"("city":{"level":"missing","weight":0},"names_swapped":true}})");
}

}  // namespace
}  // namespace tamkine::matching
