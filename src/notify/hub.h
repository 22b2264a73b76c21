// notify::Hub: the in-process fan-out behind live updates. Producers publish "something for unit
// U changed" (never content); subscribers (one per open event stream) receive the events for the
// units they belong to through a bounded queue. Domain-free and std-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamkine::notify {

struct HubEvent {
  std::string unit_id;
  std::string kind;  // a short constant ("alert", "work_item", "referral"), never content
};

struct HubLimits {
  size_t queue = 64;    // events kept per subscription; the oldest are dropped beyond
  size_t per_key = 4;   // subscriptions per key (a user): more → ResourceExhausted
  size_t total = 1000;  // subscriptions in all: more → Unavailable
};

class Hub;

// One subscriber's view: a bounded queue filled by Publish. Destroying it unsubscribes.
//
// Thread safety: Drain, dropped and SetWaker may be called from any thread, concurrently with
// Publish. The waker is called without any lock held, on the publishing thread; it must be quick
// and must not call back into the Hub.
class Subscription {
 public:
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Takes every queued event, oldest first.
  std::vector<HubEvent> Drain();
  // How many events were dropped because the queue was full (since the start).
  uint64_t dropped() const;
  // Called after each event is queued (and once at once if events are already waiting).
  void SetWaker(std::function<void()> wake);

 private:
  friend class Hub;
  struct State;
  Subscription(Hub* hub, std::shared_ptr<State> state);
  Hub* hub_;
  std::shared_ptr<State> state_;
};

// Thread safety: every method may be called concurrently from any thread. Publish never blocks on
// a subscriber (a full queue drops its oldest event). Subscriptions must not outlive the Hub.
class Hub {
 public:
  explicit Hub(HubLimits limits = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Subscribes `key` (e.g. a user id, for the per-key cap) to events for `unit_ids`.
  // ResourceExhausted when the key already holds limits.per_key subscriptions, Unavailable when
  // the hub holds limits.total.
  StatusOr<std::unique_ptr<Subscription>> Subscribe(const std::string& key,
                                                    const std::vector<std::string>& unit_ids);

  // Queues {unit_id, kind} for every subscription that includes unit_id.
  void Publish(const std::string& unit_id, std::string_view kind);

  // A producer hook for modules that report "an item for this unit changed":
  //   deps.on_changed = hub.Hook("work_item");
  // The returned function holds a pointer to this Hub, which must outlive it.
  std::function<void(const std::string& unit_id)> Hook(std::string kind);

  // Open subscriptions.
  size_t open() const;

 private:
  friend class Subscription;
  void Remove(const std::shared_ptr<Subscription::State>& state);

  const HubLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::shared_ptr<Subscription::State>>> by_unit_;
  std::map<std::string, size_t> per_key_;
  size_t open_ = 0;
};

}  // namespace tamkine::notify
