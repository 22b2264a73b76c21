#include "notify/delivery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <utility>

#include "crypto/keyring.h"

namespace tamkine::notify {

Micros RetryDelay(const DeliveryOptions& o, int attempts, double random) {
  Micros d = o.base_delay;
  for (int i = 1; i < attempts && d < o.max_delay; ++i) d *= 2;
  d = std::min(d, o.max_delay);
  random = std::clamp(random, 0.0, 1.0);
  return static_cast<Micros>(static_cast<double>(d) * (0.5 + random / 2));
}

DeliveryWorker::DeliveryWorker(storage::Store* store, const crypto::Keyring* keyring,
                               const Clock* clock, Channel* email, Channel* sms,
                               DeliveryOptions options, std::function<double()> random)
    : store_(store),
      keyring_(keyring),
      clock_(clock),
      email_(email),
      sms_(sms),
      options_(options),
      random_(std::move(random)) {
  if (!random_) {
    random_ = [rng = std::make_shared<std::mt19937_64>(std::random_device{}())]() {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
    };
  }
}

DeliveryWorker::~DeliveryWorker() { Stop(); }

StatusOr<int> DeliveryWorker::RunOnce() {
  const Micros now = clock_->Now();
  std::vector<Due> claimed;
  RETURN_IF_ERROR(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
    claimed.clear();
    ASSIGN_OR_RETURN(auto rows,
                     tx.Query("SELECT id, channel, address_sealed, template, language, attempts, "
                              "next_attempt_at FROM notifications WHERE state IN ('pending', "
                              "'failed') AND next_attempt_at <= ? "
                              "ORDER BY next_attempt_at, id LIMIT ?",
                              {now, static_cast<int64_t>(options_.batch)}));
    for (const auto& r : rows) {
      // The lease: only the process whose update matched the old time owns the row.
      ASSIGN_OR_RETURN(auto changed,
                       tx.Exec("UPDATE notifications SET next_attempt_at = ? WHERE id = ? AND "
                               "next_attempt_at = ?",
                               {now + options_.lease, r.Text(0), r.Int(6)}));
      if (changed != 1) continue;
      Due d;
      d.id = r.Text(0);
      d.channel = r.Text(1);
      if (!r.IsNull(2)) d.address_sealed = r.Bytes(2);
      d.template_code = r.Text(3);
      d.language = r.Text(4);
      d.attempts = static_cast<int>(r.Int(5));
      claimed.push_back(std::move(d));
    }
    return Status::Ok();
  }));

  for (const Due& d : claimed) {
    // Sending happens outside any transaction: a slow channel holds no database lock.
    Status sent = Deliver(d);
    const int attempts = d.attempts + 1;
    const Micros at = clock_->Now();
    Status recorded = storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
      if (sent.ok()) {
        return tx
            .Exec(
                "UPDATE notifications SET state = 'sent', attempts = ?, sent_at = ?, "
                "next_attempt_at = NULL, last_error = NULL, updated_at = ? WHERE id = ?",
                {static_cast<int64_t>(attempts), at, at, d.id})
            .status();
      }
      std::string error = std::string(StatusCodeName(sent.code())) + ": " + sent.message();
      if (error.size() > 300) error.resize(300);
      const bool permanent = sent.code() == StatusCode::kInvalidArgument;
      if (permanent || attempts >= options_.max_attempts) {
        return tx
            .Exec(
                "UPDATE notifications SET state = 'given_up', attempts = ?, "
                "next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?",
                {static_cast<int64_t>(attempts), error, at, d.id})
            .status();
      }
      const Micros next = at + RetryDelay(options_, attempts, random_());
      return tx
          .Exec(
              "UPDATE notifications SET state = 'failed', attempts = ?, next_attempt_at = ?, "
              "last_error = ?, updated_at = ? WHERE id = ?",
              {static_cast<int64_t>(attempts), next, error, at, d.id})
          .status();
    });
    if (!recorded.ok()) {
      // The lease runs out and the row is tried again: at least once, never lost.
      spdlog::warn("notifications: recording delivery {} failed: {}", d.id, recorded.ToString());
    } else if (!sent.ok()) {
      spdlog::info("notifications: delivery {} via {} failed (attempt {}): {}", d.id, d.channel,
                   attempts, sent.ToString());
    }
  }
  return static_cast<int>(claimed.size());
}

Status DeliveryWorker::Deliver(const Due& d) {
  auto kind = ParseChannel(d.channel);
  Channel* channel = !kind ? nullptr : (*kind == ChannelKind::kEmail ? email_ : sms_);
  if (channel == nullptr) return Unavailable("the " + d.channel + " channel is not configured");
  if (d.address_sealed.empty()) return InvalidArgument("no address");
  ASSIGN_OR_RETURN(std::string to,
                   keyring_->Open("notifications", "address_sealed", d.id, d.address_sealed));
  ASSIGN_OR_RETURN(std::string text, RenderText(d.template_code, d.language));
  Message m;
  m.id = d.id;
  m.channel = *kind;
  m.to = std::move(to);
  m.subject = RenderSubject(d.template_code, d.language);
  m.text = std::move(text);
  try {
    return channel->Send(m);
  } catch (const std::exception& e) {
    return Internal(std::string("channel threw: ") + e.what());
  }
}

void DeliveryWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
}

void DeliveryWorker::Kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    kicked_ = false;
    lock.unlock();
    auto n = RunOnce();
    if (!n.ok()) spdlog::warn("notifications: delivery pass failed: {}", n.status().ToString());
    lock.lock();
    // A full batch means more may be due: go again at once.
    if (n.ok() && *n >= options_.batch) continue;
    cv_.wait_for(lock, options_.poll, [this] { return stop_ || kicked_; });
  }
}

}  // namespace tamkine::notify
