#include "server/fanout_dispatcher.h"

#include "absl/time/clock.h"
#include "common/logging.h"

namespace switchboard::server {
namespace {
constexpr size_t kMaxBatch = 256;
// Bounds how long Stop() waits for the thread to notice.
constexpr absl::Duration kPollInterval = absl::Milliseconds(100);
// After a partial batch the thread pauses this long before it waits for the
// log again, so events arriving meanwhile go out together. Without the pause
// a dispatcher faster than the gateway goes to sleep after every event and
// every append pays a futex wake-up: 15% of the HTTP thread's time at 50k
// webhooks/s (perf, docs/PERFORMANCE.md). Adds at most this (plus timer slack)
// to an event's latency, and only under a steady stream of events.
constexpr absl::Duration kCoalesce = absl::Microseconds(100);
}  // namespace

FanoutDispatcher::FanoutDispatcher(EventLog* log) : log_(log) {}

FanoutDispatcher::~FanoutDispatcher() { Stop(); }

void FanoutDispatcher::Start() {
  // Only events stored from now on are news; listeners read older ones from
  // the log themselves. Taken here, not on the thread: an event stored
  // between Start() and the thread's first step must still be dispatched.
  const uint64_t dispatched = log_->LastSequence();
  thread_ = std::thread([this, dispatched] { Run(dispatched); });
}

void FanoutDispatcher::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void FanoutDispatcher::Register(FanoutListener* listener) {
  absl::MutexLock lock(&mu_);
  listeners_.insert(listener);
}

void FanoutDispatcher::Unregister(FanoutListener* listener) {
  absl::MutexLock lock(&mu_);
  listeners_.erase(listener);
}

size_t FanoutDispatcher::listener_count() const {
  absl::MutexLock lock(&mu_);
  return listeners_.size();
}

void FanoutDispatcher::Run(uint64_t dispatched) {
  std::vector<EventPtr> batch;
  while (!stopping_) {
    {
      absl::MutexLock lock(&mu_);
      if (listeners_.empty()) {
        // Nobody to tell: skip what is stored meanwhile. A listener reads
        // what was stored before it registered from the log itself, so
        // starting from here (read under mu_, before any Register() that
        // ends the wait) leaves it no gap.
        dispatched = log_->LastSequence();
        auto has_listeners = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !listeners_.empty();
        };
        mu_.AwaitWithTimeout(absl::Condition(&has_listeners), kPollInterval);
        continue;
      }
    }
    if (log_->WaitForNewer(dispatched, kPollInterval) <= dispatched) continue;
    batch.clear();
    absl::Status status = log_->Read(dispatched, kMaxBatch, &batch);
    if (!status.ok()) {
      // Retention overtook us (a burst larger than retention between two
      // wake-ups). Skip ahead; listeners find the gap when they read.
      LogWarning("fan-out fell behind retention: %s", status.ToString());
      dispatched = log_->FirstSequence() - 1;
      continue;
    }
    if (batch.empty()) continue;
    dispatched = batch.back()->sequence();
    {
      absl::MutexLock lock(&mu_);
      for (FanoutListener* listener : listeners_) listener->OnAppended(batch);
    }
    if (batch.size() < kMaxBatch) absl::SleepFor(kCoalesce);
  }
}

}  // namespace switchboard::server
