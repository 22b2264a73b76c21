#include "matching/batch.h"

#include <algorithm>
#include <cstdio>
#include <istream>
#include <ostream>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/json.h"

namespace tamkine::matching {
namespace {

constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kMaxField = 500;  // code points
constexpr size_t kChunkLines = 16384;

Status ReadText(const Json& v, std::string_view key, std::string* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_string())
    return InvalidArgument(std::string(key) + " must be a string", std::string(key));
  *out = v.get<std::string>();
  return ValidateText(*out, key, 0, kMaxField);
}

struct Parsed {
  bool blank = false;
  Status status;
  std::string id;
  NormalizedPerson person;
  std::vector<std::string> warnings;
  std::vector<std::string> unknown;
};

void ParseOne(std::string_view line, Parsed* out) {
  *out = Parsed();
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
    out->blank = true;
    return;
  }
  auto r = ParsePersonLine(line, &out->unknown);
  if (!r.ok()) {
    out->status = r.status();
    return;
  }
  auto p = Normalize(*r, &out->warnings);
  if (!p.ok()) {
    out->status = p.status();
    return;
  }
  out->id = std::move(r->id);
  out->person = std::move(*p);
}

std::string Message(const Status& s) {
  if (s.field().empty() || s.message().find(s.field()) != std::string::npos) return s.message();
  return s.field() + ": " + s.message();
}

void AppendNumber(std::string* out, float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
  // Trim "-0.00" to "0" and trailing zeros ("3.50" -> "3.5", "4.00" -> "4").
  std::string_view s = buf;
  if (s == "-0.00") s = "0.00";
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '0') --end;
  if (end > 0 && s[end - 1] == '.') --end;
  out->append(s.substr(0, end));
}

// Why a line is not JSON, with the column (the shared parser words its errors for HTTP bodies).
std::string JsonError(std::string_view line, const Status& s) {
  if (s.message().find("UTF-8") != std::string::npos) return "line is not valid UTF-8";
  try {
    Json unused = Json::parse(line);  // throws the error we want to describe
    (void)unused;
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    size_t at = what.find("column ");
    size_t syntax = what.find(": ", at == std::string::npos ? 0 : at);
    if (at != std::string::npos && syntax != std::string::npos) {
      return "not valid JSON at " + what.substr(at, syntax - at) + " (" + what.substr(syntax + 2) +
             ")";
    }
    return "not valid JSON";
  } catch (const std::exception&) {
  }
  std::string m = s.message();
  if (m.rfind("request body ", 0) == 0) m = "line " + m.substr(13);
  return m;
}

}  // namespace

StatusOr<PersonRecord> ParsePersonLine(std::string_view line, std::vector<std::string>* unknown) {
  if (line.size() > kMaxLine) {
    return InvalidArgument("line longer than " + std::to_string(kMaxLine) + " bytes");
  }
  auto parsed = ParseJson(line, 4);
  if (!parsed.ok()) return InvalidArgument(JsonError(line, parsed.status()));
  const Json& j = *parsed;
  if (!j.is_object()) return InvalidArgument("not a JSON object");
  PersonRecord r;
  auto id = j.find("id");
  if (id == j.end()) return InvalidArgument("id is required", "id");
  if (!id->is_string() || id->get_ref<const std::string&>().empty()) {
    return InvalidArgument("id must be a non-empty string", "id");
  }
  r.id = id->get<std::string>();
  RETURN_IF_ERROR(ValidateText(r.id, "id", 1, kMaxField));
  for (const auto& [key, v] : j.items()) {
    if (key == "id") continue;
    if (key == "phone") {
      if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) {
          std::string ph;
          RETURN_IF_ERROR(ReadText(v[i], "phone[" + std::to_string(i) + "]", &ph));
          if (!ph.empty()) r.phones.push_back(std::move(ph));
        }
      } else {
        std::string ph;
        RETURN_IF_ERROR(ReadText(v, "phone", &ph));
        if (!ph.empty()) r.phones.push_back(std::move(ph));
      }
      continue;
    }
    std::string* dst = key == "given_name"      ? &r.given_name
                       : key == "family_name"   ? &r.family_name
                       : key == "full_name"     ? &r.full_name
                       : key == "date_of_birth" ? &r.date_of_birth
                       : key == "cin"           ? &r.cin
                       : key == "city"          ? &r.city
                                                : nullptr;
    if (dst == nullptr) {
      if (unknown != nullptr) unknown->push_back(key);
      continue;
    }
    RETURN_IF_ERROR(ReadText(v, key, dst));
  }
  return r;
}

std::string PairLine(const std::string& a, const std::string& b, const Comparison& c, Decision d) {
  std::string s;
  s.reserve(400);
  s += "{\"a\":";
  s += DumpJson(Json(a));
  s += ",\"b\":";
  s += DumpJson(Json(b));
  s += ",\"score\":";
  AppendNumber(&s, c.score);
  s += ",\"decision\":\"";
  s += DecisionName(d);
  s += "\",\"evidence\":{";
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (i > 0) s += ',';
    s += '"';
    s += FieldName(static_cast<Field>(i));
    s += "\":{\"level\":\"";
    s += LevelName(c.fields[i].level);
    s += "\",\"weight\":";
    AppendNumber(&s, c.fields[i].weight);
    s += '}';
  }
  if (c.names_swapped) s += ",\"names_swapped\":true";
  s += "}}";
  return s;
}

StatusOr<BatchSummary> RunBatch(std::istream& in, std::ostream& out, const BatchOptions& options,
                                const std::function<void(const BatchProblem&)>& on_problem,
                                const std::function<void(const BatchProgress&)>& on_progress) {
  BatchSummary sum;
  MatchIndex index(options.index);
  const int threads = std::max(1, options.threads);
  std::unordered_map<std::string, size_t> first_line;  // id -> line it was first seen on
  std::set<std::string, std::less<>> unknown_reported;
  std::vector<std::string> lines;
  std::vector<Parsed> parsed(kChunkLines);
  auto report = [&](size_t line, bool error, std::string msg) {
    if (error) {
      ++sum.skipped;
    } else {
      ++sum.warnings;
    }
    if (on_problem) on_problem(BatchProblem{line, error, std::move(msg)});
  };

  bool eof = false;
  while (!eof) {
    lines.clear();
    std::string line;
    while (lines.size() < kChunkLines) {
      if (!std::getline(in, line)) {
        eof = true;
        break;
      }
      lines.push_back(std::move(line));
    }
    if (in.bad()) return Unavailable("reading the input failed");
    // Parse and normalise in parallel; index in input order.
    const size_t n = lines.size();
    {
      std::vector<std::jthread> workers;
      for (int t = 1; t < threads; ++t) {
        workers.emplace_back([&, t] {
          for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(threads)) {
            ParseOne(lines[i], &parsed[i]);
          }
        });
      }
      for (size_t i = 0; i < n; i += static_cast<size_t>(threads)) ParseOne(lines[i], &parsed[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t line_no = sum.lines + 1;
      ++sum.lines;
      Parsed& p = parsed[i];
      if (p.blank) continue;
      if (!p.status.ok()) {
        report(line_no, true, Message(p.status) + "; line skipped");
        continue;
      }
      auto [it, inserted] = first_line.try_emplace(p.id, line_no);
      if (!inserted) {
        report(line_no, true,
               "id \"" + p.id + "\" already used on line " + std::to_string(it->second) +
                   "; line skipped");
        continue;
      }
      for (const auto& key : p.unknown) {
        if (unknown_reported.insert(key).second) {
          report(line_no, false, "field \"" + key + "\" is not used (reported once)");
        }
      }
      for (auto& w : p.warnings) report(line_no, false, std::move(w));
      index.Upsert(p.id, std::move(p.person));
      ++sum.persons;
    }
    if (on_progress) on_progress(BatchProgress{"reading", sum.lines, 0});
  }
  decltype(first_line)().swap(first_line);
  std::vector<Parsed>().swap(parsed);

  const size_t total = index.size();
  std::string buf;
  index.AllPairs(
      options.include_possible ? Decision::kPossible : Decision::kProbable, threads,
      [&](size_t done) {
        if (on_progress) on_progress(BatchProgress{"matching", done, total});
      },
      [&](const std::string& a, const std::string& b, const Comparison& c, Decision d) {
        (d == Decision::kProbable ? sum.probable_pairs : sum.possible_pairs)++;
        buf = PairLine(a, b, c, d);
        buf.push_back('\n');
        out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      });
  if (on_progress) on_progress(BatchProgress{"matching", total, total});
  out.flush();
  if (!out) return Unavailable("writing the output failed");
  return sum;
}

}  // namespace tamkine::matching
