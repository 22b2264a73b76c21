#include "common/json.h"

#include <algorithm>

namespace tamkine {

namespace {

// Counts code points in valid UTF-8 text.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

int Depth(const Json& j, int limit) {
  if (limit < 0) return 1;
  int best = 0;
  if (j.is_object() || j.is_array()) {
    for (const auto& v : j) best = std::max(best, Depth(v, limit - 1));
    return best + 1;
  }
  return 0;
}

}  // namespace

StatusOr<Json> ParseJson(std::string_view text, int max_depth) {
  if (!ValidUtf8(text)) return InvalidArgument("request body is not valid UTF-8");
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("request body is not valid JSON");
  if (Depth(j, max_depth + 1) > max_depth) {
    return InvalidArgument("JSON is nested too deeply");
  }
  return j;
}

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status ValidateText(std::string_view s, std::string_view field, size_t min_len, size_t max_len,
                    bool multiline) {
  if (!ValidUtf8(s)) return InvalidArgument("must be valid UTF-8", std::string(field));
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      return InvalidArgument("must not contain control characters", std::string(field));
    }
  }
  size_t n = CodePoints(s);
  if (n < min_len) {
    return InvalidArgument(min_len == 1
                               ? "must not be empty"
                               : "must be at least " + std::to_string(min_len) + " characters",
                           std::string(field));
  }
  if (n > max_len) {
    return InvalidArgument("must be at most " + std::to_string(max_len) + " characters",
                           std::string(field));
  }
  return Status::Ok();
}

ObjectReader::ObjectReader(const Json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

Status ObjectReader::Check() const {
  if (!j_.is_object()) {
    return InvalidArgument("must be a JSON object", prefix_);
  }
  return Status::Ok();
}

std::string ObjectReader::FieldName(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  return prefix_ + "." + std::string(key);
}

bool ObjectReader::Has(std::string_view key) const {
  if (!j_.is_object()) return false;
  auto it = j_.find(key);
  return it != j_.end() && !it->is_null();
}

const Json* ObjectReader::Get(std::string_view key) {
  seen_.emplace(key);
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ObjectReader::String(std::string_view key, std::string* out, size_t min_len, size_t max_len,
                            bool multiline) {
  const Json* v = Get(key);
  if (v == nullptr) return InvalidArgument("is required", FieldName(key));
  if (!v->is_string()) return InvalidArgument("must be a string", FieldName(key));
  const auto& s = v->get_ref<const std::string&>();
  RETURN_IF_ERROR(ValidateText(s, FieldName(key), min_len, max_len, multiline));
  *out = s;
  return Status::Ok();
}

Status ObjectReader::OptString(std::string_view key, std::optional<std::string>* out,
                               size_t min_len, size_t max_len, bool multiline) {
  if (!Has(key)) {
    seen_.emplace(key);
    out->reset();
    return Status::Ok();
  }
  std::string s;
  RETURN_IF_ERROR(String(key, &s, min_len, max_len, multiline));
  *out = std::move(s);
  return Status::Ok();
}

Status ObjectReader::Enum(std::string_view key, std::string* out,
                          const std::vector<std::string_view>& allowed) {
  const Json* v = Get(key);
  if (v == nullptr) return InvalidArgument("is required", FieldName(key));
  if (!v->is_string()) return InvalidArgument("must be a string", FieldName(key));
  const auto& s = v->get_ref<const std::string&>();
  if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
    std::string msg = "must be one of:";
    for (auto a : allowed) {
      msg += ' ';
      msg += a;
    }
    return InvalidArgument(msg, FieldName(key));
  }
  *out = s;
  return Status::Ok();
}

Status ObjectReader::OptEnum(std::string_view key, std::optional<std::string>* out,
                             const std::vector<std::string_view>& allowed) {
  if (!Has(key)) {
    seen_.emplace(key);
    out->reset();
    return Status::Ok();
  }
  std::string s;
  RETURN_IF_ERROR(Enum(key, &s, allowed));
  *out = std::move(s);
  return Status::Ok();
}

Status ObjectReader::Int(std::string_view key, int64_t* out, int64_t min, int64_t max) {
  const Json* v = Get(key);
  if (v == nullptr) return InvalidArgument("is required", FieldName(key));
  if (!v->is_number_integer()) return InvalidArgument("must be an integer", FieldName(key));
  int64_t x = 0;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      return InvalidArgument("is out of range", FieldName(key));
    }
    x = static_cast<int64_t>(u);
  } else {
    x = v->get<int64_t>();
  }
  if (x < min || x > max) {
    return InvalidArgument("must be between " + std::to_string(min) + " and " + std::to_string(max),
                           FieldName(key));
  }
  *out = x;
  return Status::Ok();
}

Status ObjectReader::OptInt(std::string_view key, std::optional<int64_t>* out, int64_t min,
                            int64_t max) {
  if (!Has(key)) {
    seen_.emplace(key);
    out->reset();
    return Status::Ok();
  }
  int64_t x = 0;
  RETURN_IF_ERROR(Int(key, &x, min, max));
  *out = x;
  return Status::Ok();
}

Status ObjectReader::Bool(std::string_view key, bool* out) {
  const Json* v = Get(key);
  if (v == nullptr) return InvalidArgument("is required", FieldName(key));
  if (!v->is_boolean()) return InvalidArgument("must be true or false", FieldName(key));
  *out = v->get<bool>();
  return Status::Ok();
}

Status ObjectReader::OptBool(std::string_view key, std::optional<bool>* out) {
  if (!Has(key)) {
    seen_.emplace(key);
    out->reset();
    return Status::Ok();
  }
  bool b = false;
  RETURN_IF_ERROR(Bool(key, &b));
  *out = b;
  return Status::Ok();
}

Status ObjectReader::Array(std::string_view key, const Json** out, size_t max_items,
                           bool required) {
  const Json* v = Get(key);
  *out = nullptr;
  if (v == nullptr) {
    return required ? InvalidArgument("is required", FieldName(key)) : Status::Ok();
  }
  if (!v->is_array()) return InvalidArgument("must be an array", FieldName(key));
  if (v->size() > max_items) {
    return InvalidArgument("must have at most " + std::to_string(max_items) + " items",
                           FieldName(key));
  }
  *out = v;
  return Status::Ok();
}

Status ObjectReader::Object(std::string_view key, const Json** out, bool required) {
  const Json* v = Get(key);
  *out = nullptr;
  if (v == nullptr) {
    return required ? InvalidArgument("is required", FieldName(key)) : Status::Ok();
  }
  if (!v->is_object()) return InvalidArgument("must be an object", FieldName(key));
  *out = v;
  return Status::Ok();
}

Status ObjectReader::Finish() const {
  if (!j_.is_object()) return Status::Ok();
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (seen_.find(it.key()) == seen_.end()) {
      return InvalidArgument("unknown field", FieldName(it.key()));
    }
  }
  return Status::Ok();
}

}  // namespace tamkine
