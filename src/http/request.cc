#include "http/request.h"

#include <algorithm>
#include <cctype>

#include "http/status_mapping.h"

namespace tamkine::http {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  for (const auto& [hname, value] : headers) {
    if (hname != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (TrimSpaces(pair.substr(0, eq)) != name) continue;
      std::string_view v = TrimSpaces(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [qname, value] : query) {
    if (qname == name) return value;
  }
  return std::nullopt;
}

Response Response::JsonBody(int status, const Json& j) {
  Response r;
  r.status = status;
  r.body = DumpJson(j);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

Response Response::FromStatus(const Status& s) {
  return JsonBody(HttpStatusFor(s.code()), ErrorJson(s));
}

Response Response::Error(int status, std::string_view code, std::string_view message) {
  return JsonBody(status, ErrorJson(code, message));
}

void Response::SetHeader(std::string_view name, std::string_view value) {
  std::erase_if(headers, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
  headers.emplace_back(std::string(name), std::string(value));
}

std::optional<std::string> Response::GetHeader(std::string_view name) const {
  for (const auto& [hname, value] : headers) {
    if (EqualsIgnoreCase(hname, name)) return value;
  }
  return std::nullopt;
}

}  // namespace tamkine::http
