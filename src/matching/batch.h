// The batch pass behind `tamkine dedupe`: reads persons as JSON lines, indexes them, finds every
// probable (and optionally possible) duplicate pair on several threads, and writes one JSON line
// per pair with its score and evidence. Bad lines are reported with their line number and
// skipped; nothing is dropped silently.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "common/status.h"
#include "matching/match_index.h"

namespace tamkine::matching {

struct BatchOptions {
  bool include_possible = false;
  int threads = 2;
  IndexOptions index;
};

// A problem with one input line. An error means the line was skipped; a warning that one value
// of the record was left out (the record was kept).
struct BatchProblem {
  size_t line = 0;
  bool error = false;
  std::string message;
};

struct BatchProgress {
  std::string_view phase;  // "reading", "matching", "writing"
  size_t done = 0;
  size_t total = 0;  // 0 when not known yet
};

struct BatchSummary {
  size_t lines = 0;    // lines read, blank ones included
  size_t persons = 0;  // records indexed
  size_t skipped = 0;  // lines with errors
  size_t warnings = 0;
  size_t probable_pairs = 0;
  size_t possible_pairs = 0;
};

// Input: one JSON object per line with "id" (non-empty string, unique in the file) and optional
// "given_name", "family_name", "full_name", "date_of_birth" (YYYY-MM-DD, YYYY-MM or YYYY),
// "cin", "phone" (a string, possibly with several numbers, or an array of strings), "city"
// (strings or null). Other fields are ignored (one warning per field name). Blank lines are
// ignored.
// Output: per pair, in input order of the first person, then of the second:
//   {"a":ID,"b":ID,"score":N,"decision":"probable"|"possible","evidence":{FIELD:{"level":L,
//    "weight":W},…}}
// with "names_swapped":true in the evidence when given and family names agreed crosswise.
// Returns Unavailable when reading or writing fails; callbacks run on the calling thread.
StatusOr<BatchSummary> RunBatch(std::istream& in, std::ostream& out, const BatchOptions& options,
                                const std::function<void(const BatchProblem&)>& on_problem,
                                const std::function<void(const BatchProgress&)>& on_progress);

// Parses one input line into a record (the field rules above). InvalidArgument names the field.
// Unknown field names are appended to *unknown when given.
StatusOr<PersonRecord> ParsePersonLine(std::string_view line,
                                       std::vector<std::string>* unknown = nullptr);

// The output line for one pair (without the newline).
std::string PairLine(const std::string& a, const std::string& b, const Comparison& c, Decision d);

}  // namespace tamkine::matching
