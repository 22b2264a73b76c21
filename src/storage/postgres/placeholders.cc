#include "storage/postgres/placeholders.h"

namespace tamkine::storage::postgres {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }

// Returns the index just past the quote that closes the literal opened at `open`. `quote` is '\''
// or '"'; a doubled quote stands for itself; with `backslash`, \x escapes the next byte (E'…').
size_t SkipQuoted(std::string_view s, size_t open, char quote, bool backslash) {
  size_t i = open + 1;
  while (i < s.size()) {
    char c = s[i];
    if (backslash && c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return s.size();
}

// If a dollar-quote tag ($$ or $name$) starts at `i`, returns its length, else 0.
size_t DollarTagLength(std::string_view s, size_t i) {
  if (i > 0 && IsIdentChar(s[i - 1])) return 0;  // part of an identifier such as a$b
  size_t j = i + 1;
  if (j < s.size() && IsIdentStart(s[j])) {
    ++j;
    while (j < s.size() && IsIdentChar(s[j]) && s[j] != '$') ++j;
  }
  if (j < s.size() && s[j] == '$') return j - i + 1;
  return 0;
}

}  // namespace

RewrittenSql RewritePlaceholders(std::string_view s) {
  RewrittenSql out;
  out.sql.reserve(s.size() + 16);
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    size_t end = i + 1;  // the span [i, end) is copied unchanged
    if (c == '\'') {
      const bool escape_string =
          i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E') && (i < 2 || !IsIdentChar(s[i - 2]));
      end = SkipQuoted(s, i, '\'', escape_string);
    } else if (c == '"') {
      end = SkipQuoted(s, i, '"', false);
    } else if (c == '-' && next == '-') {
      end = s.find('\n', i);
      end = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '/' && next == '*') {
      int depth = 1;
      end = i + 2;
      while (end < s.size() && depth > 0) {
        if (s[end] == '/' && end + 1 < s.size() && s[end + 1] == '*') {
          ++depth;
          end += 2;
        } else if (s[end] == '*' && end + 1 < s.size() && s[end + 1] == '/') {
          --depth;
          end += 2;
        } else {
          ++end;
        }
      }
    } else if (c == '$') {
      if (size_t tag_len = DollarTagLength(s, i); tag_len > 0) {
        std::string_view tag = s.substr(i, tag_len);
        size_t close = s.find(tag, i + tag_len);
        end = close == std::string_view::npos ? s.size() : close + tag_len;
      }
    } else if (c == '?') {
      ++out.placeholders;
      out.sql += '$';
      out.sql += std::to_string(out.placeholders);
      ++i;
      continue;
    }
    out.sql.append(s.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace tamkine::storage::postgres
