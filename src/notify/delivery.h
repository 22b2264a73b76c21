// The delivery worker: takes due outbox rows, sends each through its channel, and records the
// result — sent, or a retry scheduled with exponential backoff and jitter, or given_up after the
// last attempt. Rows are claimed with a lease (next_attempt_at moved ahead) so that several
// server processes on one database never send the same row at once, and a process that dies
// mid-send leaves the row to be retried when the lease ends (delivery is at least once).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "notify/message.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::notify {

struct DeliveryOptions {
  int max_attempts = 8;                       // then given_up
  Micros base_delay = 30 * kMicrosPerSecond;  // before the 2nd attempt (doubling after)
  Micros max_delay = kMicrosPerHour;          // cap on one delay
  Micros lease = 5 * kMicrosPerMinute;        // a claimed row is not retaken before this
  int batch = 20;                             // rows per pass
  std::chrono::milliseconds poll{5000};       // background pass interval (Kick wakes earlier)
};

// The delay before the attempt after `attempts` failed ones (attempts >= 1): base·2^(attempts-1)
// capped at max, then scaled by a jitter factor in [0.5, 1) from `random` in [0, 1).
Micros RetryDelay(const DeliveryOptions& o, int attempts, double random);

// Thread safety: RunOnce must not run concurrently with itself in one process (the background
// thread is the only caller once Start ran); Kick and Stop may be called from any thread.
class DeliveryWorker {
 public:
  // `email` and `sms` may be null (channel not configured: its rows wait, failing with a
  // clear error). `random` returns values in [0, 1) (default: a seeded PRNG).
  DeliveryWorker(storage::Store* store, const crypto::Keyring* keyring, const Clock* clock,
                 Channel* email, Channel* sms, DeliveryOptions options = {},
                 std::function<double()> random = {});
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // One pass: claims up to options.batch due rows (pending or failed, next_attempt_at <= now)
  // and delivers them one after another. Returns how many were attempted.
  StatusOr<int> RunOnce();

  // Starts the background thread (a pass at once, then every poll interval or on Kick).
  void Start();
  // Asks for a pass now.
  void Kick();
  // Stops the thread after the send in progress (if any); idempotent.
  void Stop();

 private:
  struct Due {
    std::string id;
    std::string channel;
    std::vector<uint8_t> address_sealed;
    std::string template_code;
    std::string language;
    int attempts = 0;
  };
  Status Deliver(const Due& d);
  void Loop();

  storage::Store* store_;
  const crypto::Keyring* keyring_;
  const Clock* clock_;
  Channel* email_;
  Channel* sms_;
  const DeliveryOptions options_;
  std::function<double()> random_;

  std::mutex mu_;  // guards stop_, kicked_
  std::condition_variable cv_;
  bool stop_ = false;
  bool kicked_ = false;
  std::thread thread_;
};

}  // namespace tamkine::notify
