// JSON helpers: strict decoding of request bodies (types checked, unknown fields rejected, the
// failing field named) and the one place nlohmann::json is included for domain code.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine {

using Json = nlohmann::json;

// Parses text as JSON. Returns InvalidArgument (field "") for malformed JSON or invalid UTF-8,
// and for nesting deeper than max_depth.
StatusOr<Json> ParseJson(std::string_view text, int max_depth = 32);

// Serialises JSON; invalid UTF-8 in strings is replaced rather than thrown on.
std::string DumpJson(const Json& j);

// Validates free text: valid UTF-8 (guaranteed by the parser), no control characters other than
// newline and tab (when multiline), length in code points within [min_len, max_len].
Status ValidateText(std::string_view s, std::string_view field, size_t min_len, size_t max_len,
                    bool multiline = false);

// Reads one JSON object field by field. Every getter validates type and records the key as seen;
// Finish() rejects any key that was not read. Errors name the field with the reader's prefix,
// e.g. "memberships[1].role".
//
//   ObjectReader r(body);
//   RETURN_IF_ERROR(r.Check());
//   std::string name;
//   RETURN_IF_ERROR(r.String("name", &name, 1, 200));
//   RETURN_IF_ERROR(r.Finish());
class ObjectReader {
 public:
  explicit ObjectReader(const Json& j, std::string prefix = "");

  // InvalidArgument unless the value is an object.
  Status Check() const;

  bool Has(std::string_view key) const;

  Status String(std::string_view key, std::string* out, size_t min_len, size_t max_len,
                bool multiline = false);
  Status OptString(std::string_view key, std::optional<std::string>* out, size_t min_len,
                   size_t max_len, bool multiline = false);
  // One of `allowed`.
  Status Enum(std::string_view key, std::string* out, const std::vector<std::string_view>& allowed);
  Status OptEnum(std::string_view key, std::optional<std::string>* out,
                 const std::vector<std::string_view>& allowed);
  Status Int(std::string_view key, int64_t* out, int64_t min, int64_t max);
  Status OptInt(std::string_view key, std::optional<int64_t>* out, int64_t min, int64_t max);
  Status Bool(std::string_view key, bool* out);
  Status OptBool(std::string_view key, std::optional<bool>* out);
  // Returns the raw array/object for nested reading; marks the key seen.
  Status Array(std::string_view key, const Json** out, size_t max_items, bool required = true);
  Status Object(std::string_view key, const Json** out, bool required = true);

  // Fails with InvalidArgument on the first key that no getter asked for.
  Status Finish() const;

  std::string FieldName(std::string_view key) const;

 private:
  const Json* Get(std::string_view key);
  const Json& j_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace tamkine
