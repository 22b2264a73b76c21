#include "reference/regions.h"

#include <cstdlib>

#include "common/json.h"

namespace tamkine::embedded {
extern const std::string_view kRegionsJson;
}

namespace tamkine::reference {

namespace {
std::vector<Region> Parse() {
  auto parsed = ParseJson(embedded::kRegionsJson);
  if (!parsed.ok()) std::abort();  // the embedded file is part of the build
  std::vector<Region> out;
  for (const auto& r : (*parsed)["regions"]) {
    Region region;
    region.code = r["code"].get<int>();
    region.name_fr = r["name_fr"].get<std::string>();
    region.name_ar = r["name_ar"].get<std::string>();
    for (const auto& p : r["provinces"]) {
      region.provinces.push_back({p["code"].get<std::string>(), p["name_fr"].get<std::string>(),
                                  p["name_ar"].get<std::string>(), p["kind"].get<std::string>()});
    }
    out.push_back(std::move(region));
  }
  return out;
}
}  // namespace

const std::vector<Region>& Regions() {
  static const std::vector<Region> kRegions = Parse();
  return kRegions;
}

const Region* FindRegion(int code) {
  for (const auto& r : Regions()) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const Province* FindProvince(std::string_view code) {
  for (const auto& r : Regions()) {
    for (const auto& p : r.provinces) {
      if (p.code == code) return &p;
    }
  }
  return nullptr;
}

int RegionOfProvince(std::string_view code) {
  for (const auto& r : Regions()) {
    for (const auto& p : r.provinces) {
      if (p.code == code) return r.code;
    }
  }
  return 0;
}

std::string_view RegionsJson() { return embedded::kRegionsJson; }

}  // namespace tamkine::reference
