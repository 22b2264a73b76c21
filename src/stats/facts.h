// The case facts statistics are computed from: one small record per case holding only category
// codes (month opened, region, province, age band, forms of violence, ...), never a name, a date
// of birth, a free text or an id that leaves this module. Kept in memory and brought up to date
// from the cases table before each query (rows changed since the last look, by an index on
// cases.updated_at), so a regional dashboard over a million cases is one pass over ~16 MB.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace tamkine::stats {

inline constexpr uint8_t kUnknown = 255;

struct Fact {
  uint16_t month = 0;    // months since January 2000 of the case's opening (UTC)
  uint8_t region = 0;    // 1..12
  uint8_t province = 0;  // index of the province within its region (reference/regions.h)
  uint8_t kind = kUnknown;
  uint8_t age_band = kUnknown;
  uint8_t gbv_type = kUnknown;      // of the first incident
  uint8_t relationship = kUnknown;  // of the first perpetrator recorded
  uint8_t channel = kUnknown;       // of the first intake
  uint8_t sector = kUnknown;        // of the unit that opened the case
  uint8_t status = kUnknown;        // open, closed
  uint8_t close_reason = kUnknown;  // kUnknown while open
  uint8_t risk_level = kUnknown;
  uint8_t forms = 0;  // bit i: ViolenceForms()[i]
  bool live = true;   // false once merged into another case
};

// A category dimension: its codes, in order, and how a fact is classified. Multi-valued
// dimensions (forms of violence) put a case in every category it has.
struct Dimension {
  std::string_view name;
  const std::vector<std::string_view>* values;
  bool multi = false;
  std::function<uint8_t(const Fact&)> of;  // index into values, or kUnknown (single-valued)
};

// The dimensions a breakdown may use besides geography and time.
const std::vector<Dimension>& Dimensions();
const Dimension* FindDimension(std::string_view name);

// Encodes a month "YYYY-MM" as months since January 2000 (and back).
int MonthIndex(int year, int month);

class CaseFacts {
 public:
  explicit CaseFacts(storage::Store* store) : store_(store) {}

  // Reads the cases changed since the last refresh (all of them the first time), in `tx` when
  // given (the caller's transaction) else in a read transaction of its own. Safe to call from
  // several threads; one refresh runs at a time.
  Status Refresh(storage::Tx* tx = nullptr);

  // Calls f for every live fact, under a shared lock.
  void ForEach(const std::function<void(const Fact&)>& f) const;
  size_t size() const;

  // Replaces the facts (tests and benchmarks that build facts without a database).
  void Assign(std::vector<Fact> facts);

 private:
  storage::Store* store_;
  std::mutex refresh_mu_;
  mutable std::shared_mutex mu_;
  std::vector<Fact> facts_;
  std::unordered_map<uint64_t, uint32_t> by_case_;  // hash of the case id -> index
  int64_t watermark_ = -1;                          // highest cases.updated_at seen
};

}  // namespace tamkine::stats
