// Process metrics in the Prometheus text exposition format: HTTP request counters and latency
// histograms per (method, route pattern, status class), error counters by kind, requests in
// flight, and gauges whose values come from callbacks (e.g. tamkine_db_up).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tamkine::http {

// Thread safety: every method may be called concurrently. Recording a request takes a shared
// lock to find its series (an exclusive one only the first time a label set is seen) and then
// updates atomics; RenderPrometheus takes the shared lock. Gauge callbacks are invoked without
// any Metrics lock held, so they may themselves record metrics.
class Metrics {
 public:
  // Histogram upper bounds in seconds, ascending (+Inf is implicit).
  static std::vector<double> DefaultBuckets();

  explicit Metrics(std::vector<double> buckets = DefaultBuckets());
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one finished request. `route` is the matched pattern, or "" for unmatched requests
  // (rendered as route="unmatched"; raw paths are never labels). Methods outside the standard
  // set are rendered as method="OTHER"; status is reduced to its class ("2xx").
  void ObserveRequest(std::string_view method, std::string_view route, int status, double seconds);

  // Counts a server-side failure by kind: a short constant such as "read_timeout",
  // "body_too_large", "handler_exception"; never user data. Rendered as
  // tamkine_http_errors_total{kind="..."}.
  void CountError(std::string_view kind);

  // Requests currently being handled (tamkine_http_requests_in_flight).
  void AddInFlight(int delta);

  // Registers a gauge rendered as `name value`, the value read from `fn` at render time. `fn`
  // must be thread-safe and quick. Re-registering a name replaces the callback. Aborts on a name
  // that is not a valid Prometheus metric name (a programming error).
  void RegisterGauge(std::string name, std::string help, std::function<double()> fn);

  // All metrics in the Prometheus text format (version 0.0.4), in a stable order.
  std::string RenderPrometheus() const;

 private:
  struct Series;
  struct Gauge {
    std::string help;
    std::function<double()> fn;
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // method, route, status class

  Series* FindOrCreate(Key key);

  const std::vector<double> buckets_;
  mutable std::shared_mutex mu_;  // guards series_ and errors_ (the maps, not the counts)
  std::map<Key, std::unique_ptr<Series>> series_;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> errors_;
  std::atomic<int64_t> in_flight_{0};
  mutable std::mutex gauges_mu_;
  std::map<std::string, std::shared_ptr<const Gauge>> gauges_;
};

}  // namespace tamkine::http
