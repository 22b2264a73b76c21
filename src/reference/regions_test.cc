#include "reference/regions.h"

#include <gtest/gtest.h>

namespace tamkine::reference {
namespace {

TEST(RegionsTest, TwelveRegionsSeventyFiveProvinces) {
  ASSERT_EQ(Regions().size(), 12u);
  size_t provinces = 0;
  for (const auto& r : Regions()) provinces += r.provinces.size();
  EXPECT_EQ(provinces, 75u);
}

TEST(RegionsTest, Lookups) {
  const Region* fm = FindRegion(3);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->name_fr, "Fès-Meknès");
  EXPECT_EQ(RegionOfProvince("03.01"), 3);
  EXPECT_EQ(FindProvince("99.99"), nullptr);
  EXPECT_EQ(FindRegion(13), nullptr);
}

}  // namespace
}  // namespace tamkine::reference
