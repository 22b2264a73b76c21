#include "storage/postgres/placeholders.h"

#include <gtest/gtest.h>

namespace tamkine::storage::postgres {
namespace {

struct Case {
  const char* name;
  const char* in;
  const char* out;
  int placeholders;
};

class RewritePlaceholdersTest : public ::testing::TestWithParam<Case> {};

TEST_P(RewritePlaceholdersTest, Rewrites) {
  const Case& c = GetParam();
  RewrittenSql r = RewritePlaceholders(c.in);
  EXPECT_EQ(r.sql, c.out);
  EXPECT_EQ(r.placeholders, c.placeholders);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RewritePlaceholdersTest,
    ::testing::Values(
        Case{"None", "SELECT 1", "SELECT 1", 0}, Case{"Empty", "", "", 0},
        Case{"Several", "INSERT INTO t VALUES (?, ?,?)", "INSERT INTO t VALUES ($1, $2,$3)", 3},
        Case{"TenAndMore", "?,?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11", 11},
        Case{"StringLiteral", "SELECT 'a?b', ?", "SELECT 'a?b', $1", 1},
        Case{"DoubledQuote", "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1},
        Case{"EscapeString", "SELECT E'\\'?', ?", "SELECT E'\\'?', $1", 1},
        Case{"BackslashInStandardString", "SELECT '\\', ?", "SELECT '\\', $1", 1},
        Case{"IdentifierEndingInE", "SELECT name' ?'", "SELECT name' ?'", 0},
        Case{"QuotedIdentifier", "SELECT \"a?\"\"b\" FROM t WHERE x = ?",
             "SELECT \"a?\"\"b\" FROM t WHERE x = $1", 1},
        Case{"LineComment", "SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2},
        Case{"LineCommentAtEnd", "SELECT ? -- why?", "SELECT $1 -- why?", 1},
        Case{"BlockComment", "SELECT /* ? /* nested ? */ ? */ ?",
             "SELECT /* ? /* nested ? */ ? */ $1", 1},
        Case{"DollarQuoted", "SELECT $$ ? $$, ?", "SELECT $$ ? $$, $1", 1},
        Case{"TaggedDollarQuoted", "SELECT $fn$ $$ ? $fn$, ?", "SELECT $fn$ $$ ? $fn$, $1", 1},
        Case{"NumberedParameterKept", "SELECT $1, ?", "SELECT $1, $1", 1},
        Case{"DollarInIdentifier", "SELECT a$b$, ?", "SELECT a$b$, $1", 1},
        Case{"Unterminated", "SELECT 'abc ?", "SELECT 'abc ?", 0},
        Case{"MinusNotComment", "SELECT 1 - ?", "SELECT 1 - $1", 1},
        Case{"Utf8", "SELECT 'ⵜⴰⵎⴽⵉⵏⵜ ?', ?", "SELECT 'ⵜⴰⵎⴽⵉⵏⵜ ?', $1", 1}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tamkine::storage::postgres
