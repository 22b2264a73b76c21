#include "http/url.h"

namespace tamkine::http {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

StatusOr<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return InvalidArgument("invalid percent-encoding in request target");
      }
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("invalid percent-encoding in request target");
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return InvalidArgument("encoded NUL in request target");
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

StatusOr<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return InvalidArgument("request target must be an absolute path");
  }
  ParsedTarget out;
  size_t qpos = target.find('?');
  std::string_view raw_path = target.substr(0, qpos);
  ASSIGN_OR_RETURN(out.path, PercentDecode(raw_path, /*plus_as_space=*/false));
  if (qpos == std::string_view::npos) return out;
  std::string_view rest = target.substr(qpos + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view piece = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    ASSIGN_OR_RETURN(std::string name, PercentDecode(raw_name, /*plus_as_space=*/true));
    ASSIGN_OR_RETURN(std::string value, PercentDecode(raw_value, /*plus_as_space=*/true));
    out.query.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace tamkine::http
