#include "notify/hub.h"

#include <utility>

namespace tamkine::notify {

struct Subscription::State {
  std::string key;
  std::vector<std::string> units;
  size_t capacity = 0;
  std::mutex mu;  // guards the fields below
  std::deque<HubEvent> queue;
  uint64_t dropped = 0;
  std::function<void()> wake;
};

Subscription::Subscription(Hub* hub, std::shared_ptr<State> state)
    : hub_(hub), state_(std::move(state)) {}

Subscription::~Subscription() { hub_->Remove(state_); }

std::vector<HubEvent> Subscription::Drain() {
  std::lock_guard lock(state_->mu);
  std::vector<HubEvent> out(std::make_move_iterator(state_->queue.begin()),
                            std::make_move_iterator(state_->queue.end()));
  state_->queue.clear();
  return out;
}

uint64_t Subscription::dropped() const {
  std::lock_guard lock(state_->mu);
  return state_->dropped;
}

void Subscription::SetWaker(std::function<void()> wake) {
  std::function<void()> now;
  {
    std::lock_guard lock(state_->mu);
    state_->wake = std::move(wake);
    if (!state_->queue.empty()) now = state_->wake;
  }
  if (now) now();
}

Hub::Hub(HubLimits limits) : limits_(limits) {}

Hub::~Hub() = default;

StatusOr<std::unique_ptr<Subscription>> Hub::Subscribe(const std::string& key,
                                                       const std::vector<std::string>& unit_ids) {
  auto state = std::make_shared<Subscription::State>();
  state->key = key;
  state->capacity = limits_.queue == 0 ? 1 : limits_.queue;
  for (const auto& u : unit_ids) {
    bool seen = false;
    for (const auto& have : state->units) seen = seen || have == u;
    if (!seen) state->units.push_back(u);
  }
  {
    std::lock_guard lock(mu_);
    if (open_ >= limits_.total) return Unavailable("too many live update streams; try later");
    size_t& mine = per_key_[key];
    if (mine >= limits_.per_key) {
      if (mine == 0) per_key_.erase(key);
      return ResourceExhausted("too many live update streams open for this account");
    }
    ++mine;
    ++open_;
    for (const auto& u : state->units) by_unit_[u].insert(state);
  }
  return std::unique_ptr<Subscription>(new Subscription(this, std::move(state)));
}

void Hub::Remove(const std::shared_ptr<Subscription::State>& state) {
  std::lock_guard lock(mu_);
  for (const auto& u : state->units) {
    auto it = by_unit_.find(u);
    if (it == by_unit_.end()) continue;
    it->second.erase(state);
    if (it->second.empty()) by_unit_.erase(it);
  }
  auto k = per_key_.find(state->key);
  if (k != per_key_.end() && --k->second == 0) per_key_.erase(k);
  --open_;
}

void Hub::Publish(const std::string& unit_id, std::string_view kind) {
  std::vector<std::shared_ptr<Subscription::State>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = by_unit_.find(unit_id);
    if (it == by_unit_.end()) return;
    targets.assign(it->second.begin(), it->second.end());
  }
  for (const auto& s : targets) {
    std::function<void()> wake;
    {
      std::lock_guard lock(s->mu);
      if (s->queue.size() >= s->capacity) {
        s->queue.pop_front();
        ++s->dropped;
      }
      s->queue.push_back({unit_id, std::string(kind)});
      wake = s->wake;
    }
    if (wake) wake();
  }
}

std::function<void(const std::string& unit_id)> Hub::Hook(std::string kind) {
  return [this, kind = std::move(kind)](const std::string& unit_id) { Publish(unit_id, kind); };
}

size_t Hub::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

}  // namespace tamkine::notify
