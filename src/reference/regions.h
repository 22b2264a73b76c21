// Morocco's 12 regions and 75 prefectures/provinces (Decree 2-15-40), embedded in the binary from
// data/morocco_regions.json. Units and cases are placed with these codes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tamkine::reference {

struct Province {
  std::string code;  // "03.01": region.index (local codes, not HCP's)
  std::string name_fr;
  std::string name_ar;
  std::string kind;  // "prefecture" | "province"
};

struct Region {
  int code = 0;  // 1..12 in the decree's order
  std::string name_fr;
  std::string name_ar;
  std::vector<Province> provinces;
};

// All regions, parsed once. Thread safety: safe to call from any thread.
const std::vector<Region>& Regions();

// nullptr when unknown.
const Region* FindRegion(int code);
const Province* FindProvince(std::string_view code);

// The region a province belongs to (0 when unknown).
int RegionOfProvince(std::string_view province_code);

// The embedded JSON document as shipped.
std::string_view RegionsJson();

}  // namespace tamkine::reference
