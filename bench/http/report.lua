-- Shared by the wrk scripts: prints machine-readable figures after the run.
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("wrk_requests: %d\n", summary.requests))
  io.write(string.format("wrk_seconds: %.3f\n", summary.duration / 1e6))
  io.write(string.format("wrk_rps: %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("wrk_p50_ms: %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("wrk_p99_ms: %.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("wrk_non2xx: %d\n", non2xx))
  io.write(string.format("wrk_socket_errors: %d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
