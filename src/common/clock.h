// Time for the whole system: an injectable Clock so tests never sleep, and UTC formatting.
// Timestamps are microseconds since the Unix epoch (int64), stored as such in every backend.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tamkine {

using Micros = int64_t;
constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the epoch (UTC).
  virtual Micros Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Micros Now() const override;
  static SystemClock* Get();
};

// A clock that moves only when told. Thread safety: Now/Set/Advance may be called concurrently.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Micros start = 1'767'225'600'000'000 /* 2026-01-01T00:00:00Z */)
      : now_(start) {}
  Micros Now() const override { return now_.load(); }
  void Set(Micros t) { now_.store(t); }
  void Advance(Micros d) { now_.fetch_add(d); }

 private:
  std::atomic<Micros> now_;
};

// "2026-01-01T00:00:00.000000Z"
std::string FormatIsoTime(Micros t);
// "2026-01-01T00:00:00Z" (seconds precision)
std::string FormatIsoTimeSeconds(Micros t);
// Parses RFC 3339 timestamps ("2026-01-01T10:00:00Z", with optional fraction and offset).
std::optional<Micros> ParseIsoTime(std::string_view s);

}  // namespace tamkine
