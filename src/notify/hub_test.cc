#include "notify/hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tamkine::notify {
namespace {

TEST(HubTest, FansOutToEverySubscriberOfTheUnitOnly) {
  Hub hub;
  auto a = hub.Subscribe("user-a", {"u1", "u2"});
  auto b = hub.Subscribe("user-b", {"u2"});
  auto c = hub.Subscribe("user-c", {"u3"});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  hub.Publish("u2", "alert");
  hub.Publish("u1", "work_item");
  auto ea = (*a)->Drain();
  ASSERT_EQ(ea.size(), 2u);
  EXPECT_EQ(ea[0].unit_id, "u2");
  EXPECT_EQ(ea[0].kind, "alert");
  EXPECT_EQ(ea[1].unit_id, "u1");
  EXPECT_EQ(ea[1].kind, "work_item");
  auto eb = (*b)->Drain();
  ASSERT_EQ(eb.size(), 1u);
  EXPECT_EQ(eb[0].unit_id, "u2");
  EXPECT_TRUE((*c)->Drain().empty());
  EXPECT_TRUE((*a)->Drain().empty());  // drained
}

TEST(HubTest, FullQueueDropsTheOldestAndNeverBlocks) {
  Hub hub(HubLimits{.queue = 3, .per_key = 4, .total = 10});
  auto s = hub.Subscribe("k", {"u"});
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 10; ++i) hub.Publish("u", "k" + std::to_string(i));
  auto e = (*s)->Drain();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, "k7");
  EXPECT_EQ(e[2].kind, "k9");
  EXPECT_EQ((*s)->dropped(), 7u);
}

TEST(HubTest, UnsubscribeOnDestructionStopsDeliveryAndFreesTheSlot) {
  Hub hub(HubLimits{.queue = 8, .per_key = 1, .total = 10});
  {
    auto s = hub.Subscribe("k", {"u"});
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(hub.open(), 1u);
    auto again = hub.Subscribe("k", {"u"});
    EXPECT_EQ(again.status().code(), StatusCode::kResourceExhausted);
  }
  EXPECT_EQ(hub.open(), 0u);
  hub.Publish("u", "alert");  // nobody listens: nothing to do
  auto s = hub.Subscribe("k", {"u"});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->Drain().empty());
}

TEST(HubTest, TotalCapIsUnavailable) {
  Hub hub(HubLimits{.queue = 8, .per_key = 5, .total = 2});
  auto a = hub.Subscribe("a", {"u"});
  auto b = hub.Subscribe("b", {"u"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(hub.Subscribe("c", {"u"}).status().code(), StatusCode::kUnavailable);
}

TEST(HubTest, WakerRunsOnPublishAndAtOnceWhenEventsWait) {
  Hub hub;
  auto s = hub.Subscribe("k", {"u"});
  ASSERT_TRUE(s.ok());
  hub.Publish("u", "alert");
  int woken = 0;
  (*s)->SetWaker([&] { ++woken; });
  EXPECT_EQ(woken, 1);  // an event was already waiting
  hub.Publish("u", "alert");
  hub.Publish("other", "alert");
  EXPECT_EQ(woken, 2);
  EXPECT_EQ((*s)->Drain().size(), 2u);
}

TEST(HubTest, HookPublishesWithItsKind) {
  Hub hub;
  auto s = hub.Subscribe("k", {"u"});
  ASSERT_TRUE(s.ok());
  auto on_changed = hub.Hook("referral");
  on_changed("u");
  auto e = (*s)->Drain();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, "referral");
}

TEST(HubTest, ConcurrentPublishersAndSubscribers) {
  Hub hub(HubLimits{.queue = 16, .per_key = 100, .total = 1000});
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    while (!stop) hub.Publish("u", "alert");
  });
  for (int i = 0; i < 200; ++i) {
    auto s = hub.Subscribe("k", {"u"});
    ASSERT_TRUE(s.ok());
    EXPECT_LE((*s)->Drain().size(), 16u);
  }
  stop = true;
  publisher.join();
  EXPECT_EQ(hub.open(), 0u);
}

}  // namespace
}  // namespace tamkine::notify
