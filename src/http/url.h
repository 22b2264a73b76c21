// Request-target parsing: percent-decoding of the path and the query string. Kept apart from the
// server so it can be tested (and fuzzed) without sockets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tamkine::http {

// Decodes %XX escapes (and '+' as space when plus_as_space). Returns InvalidArgument for a
// truncated or non-hex escape and for an encoded NUL byte.
StatusOr<std::string> PercentDecode(std::string_view s, bool plus_as_space);

struct ParsedTarget {
  std::string path;  // decoded, starts with '/'
  std::vector<std::pair<std::string, std::string>> query;
};

// Splits an origin-form target ("/a/b?x=1&y") into its decoded path and query parameters
// (a parameter without '=' has an empty value; empty pieces between '&' are skipped).
// Returns InvalidArgument unless the target starts with '/', or for invalid percent-encoding.
StatusOr<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace tamkine::http
