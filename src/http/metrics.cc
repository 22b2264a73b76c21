#include "http/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tamkine::http {

struct Metrics::Series {
  explicit Series(size_t n_buckets) : buckets(n_buckets) {}
  std::atomic<uint64_t> count{0};
  std::atomic<double> sum{0};
  std::vector<std::atomic<uint64_t>> buckets;  // non-cumulative; summed at render time
};

namespace {

constexpr std::array<std::string_view, 7> kKnownMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                           "PATCH", "DELETE", "OPTIONS"};

std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : kKnownMethods) {
    if (m == method) return m;
  }
  return "OTHER";
}

std::string_view StatusClass(int status) {
  switch (status / 100) {
    case 1:
      return "1xx";
    case 2:
      return "2xx";
    case 3:
      return "3xx";
    case 4:
      return "4xx";
    case 5:
      return "5xx";
    default:
      return "other";
  }
}

// Label values are escaped per the exposition format: backslash, double quote, newline.
std::string EscapeLabel(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer the shortest representation that round-trips, for readability ("0.005" not
  // "0.0050000000000000001").
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

bool IsMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// HELP text escapes backslash and newline.
std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<double> Metrics::DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Metrics(std::vector<double> buckets) : buckets_(std::move(buckets)) {
  if (!std::is_sorted(buckets_.begin(), buckets_.end())) {
    std::fprintf(stderr, "FATAL: Metrics buckets must be ascending\n");
    std::abort();
  }
}

Metrics::~Metrics() = default;

Metrics::Series* Metrics::FindOrCreate(Key key) {
  {
    std::shared_lock lock(mu_);
    if (auto it = series_.find(key); it != series_.end()) return it->second.get();
  }
  std::unique_lock lock(mu_);
  auto& slot = series_[std::move(key)];
  if (!slot) slot = std::make_unique<Series>(buckets_.size());
  return slot.get();
}

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status,
                             double seconds) {
  Series* s = FindOrCreate(Key(std::string(MethodLabel(method)),
                               route.empty() ? std::string("unmatched") : std::string(route),
                               std::string(StatusClass(status))));
  if (!(seconds >= 0)) seconds = 0;  // also catches NaN
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->sum.fetch_add(seconds, std::memory_order_relaxed);
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), seconds);
  if (it != buckets_.end()) {
    s->buckets[static_cast<size_t>(it - buckets_.begin())].fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::CountError(std::string_view kind) {
  {
    std::shared_lock lock(mu_);
    if (auto it = errors_.find(kind); it != errors_.end()) {
      it->second->fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  std::unique_lock lock(mu_);
  auto& slot = errors_[std::string(kind)];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  slot->fetch_add(1, std::memory_order_relaxed);
}

void Metrics::AddInFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }

void Metrics::RegisterGauge(std::string name, std::string help, std::function<double()> fn) {
  if (!IsMetricName(name) || !fn) {
    std::fprintf(stderr, "FATAL: bad gauge registration '%s'\n", name.c_str());
    std::abort();
  }
  auto gauge = std::make_shared<const Gauge>(Gauge{std::move(help), std::move(fn)});
  std::lock_guard lock(gauges_mu_);
  gauges_[std::move(name)] = std::move(gauge);
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  auto labels = [](const Key& k) {
    return "method=\"" + EscapeLabel(std::get<0>(k)) + "\",route=\"" + EscapeLabel(std::get<1>(k)) +
           "\",status=\"" + EscapeLabel(std::get<2>(k)) + "\"";
  };
  {
    std::shared_lock lock(mu_);
    out += "# HELP tamkine_http_requests_total HTTP requests handled.\n";
    out += "# TYPE tamkine_http_requests_total counter\n";
    for (const auto& [key, s] : series_) {
      out += "tamkine_http_requests_total{" + labels(key) + "} " +
             std::to_string(s->count.load(std::memory_order_relaxed)) + "\n";
    }
    out += "# HELP tamkine_http_request_duration_seconds HTTP request latency.\n";
    out += "# TYPE tamkine_http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
      std::string l = labels(key);
      // A request bumps count before its bucket, so while requests are being recorded the
      // finite buckets may lag count; +Inf and _count use one value so they always agree.
      uint64_t cumulative = 0;
      for (size_t i = 0; i < buckets_.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        out += "tamkine_http_request_duration_seconds_bucket{" + l + ",le=\"" +
               FormatNumber(buckets_[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      uint64_t count = std::max(cumulative, s->count.load(std::memory_order_relaxed));
      out += "tamkine_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
             std::to_string(count) + "\n";
      out += "tamkine_http_request_duration_seconds_sum{" + l + "} " +
             FormatNumber(s->sum.load(std::memory_order_relaxed)) + "\n";
      out +=
          "tamkine_http_request_duration_seconds_count{" + l + "} " + std::to_string(count) + "\n";
    }
    out += "# HELP tamkine_http_errors_total Server-side HTTP failures by kind.\n";
    out += "# TYPE tamkine_http_errors_total counter\n";
    for (const auto& [kind, n] : errors_) {
      out += "tamkine_http_errors_total{kind=\"" + EscapeLabel(kind) + "\"} " +
             std::to_string(n->load(std::memory_order_relaxed)) + "\n";
    }
  }
  out += "# HELP tamkine_http_requests_in_flight HTTP requests being handled.\n";
  out += "# TYPE tamkine_http_requests_in_flight gauge\n";
  out += "tamkine_http_requests_in_flight " +
         std::to_string(in_flight_.load(std::memory_order_relaxed)) + "\n";

  std::vector<std::pair<std::string, std::shared_ptr<const Gauge>>> gauges;
  {
    std::lock_guard lock(gauges_mu_);
    gauges.assign(gauges_.begin(), gauges_.end());
  }
  for (const auto& [name, g] : gauges) {
    out += "# HELP " + name + " " + EscapeHelp(g->help) + "\n";
    out += "# TYPE " + name + " gauge\n";
    double value = std::nan("");
    try {
      value = g->fn();
    } catch (...) {
      // A failing probe renders as NaN rather than breaking the whole scrape.
    }
    out += name + " " + FormatNumber(value) + "\n";
  }
  return out;
}

}  // namespace tamkine::http
