#include "store/memory_event_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace switchboard {

MemoryEventLog::MemoryEventLog(Options options)
    : options_{std::max<size_t>(options.max_events, 1), options.max_bytes, options.dedup_window} {}

void MemoryEventLog::Append(v1::Event event, AppendCallback done) {
  AppendResult result;
  {
    MutexLock lock(&mu_);
    if (auto it = ids_.find(event.id()); it != ids_.end()) {
      const v1::Event& original = events_[it->second - first_].event->event();
      if (FromTimestamp(event.received_at()) - FromTimestamp(original.received_at()) <=
          options_.dedup_window) {
        result = {it->second, /*duplicate=*/true};
      }
    }
    if (!result.duplicate) {
      result.sequence = ++last_;
      event.set_sequence(result.sequence);
      if (!events_.empty()) {
        ClampReceivedAt(events_.back().event->event().received_at(), event.mutable_received_at());
      }
      ids_[event.id()] = result.sequence;
      const size_t bytes = event.ByteSizeLong();
      events_.push_back({MakeStoredEvent(std::move(event)), bytes});
      bytes_ += bytes;
      // Drop the oldest, but always keep the newest event.
      while (events_.size() > 1 &&
             (events_.size() > options_.max_events || bytes_ > options_.max_bytes)) {
        const Entry& oldest = events_.front();
        if (auto it = ids_.find(oldest.event->event().id()); it != ids_.end() && it->second == first_) {
          ids_.erase(it);
        }
        bytes_ -= oldest.bytes;
        events_.pop_front();
        ++first_;
      }
    }
  }
  std::move(done)(result);
}

absl::Status MemoryEventLog::Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) {
  MutexLock lock(&mu_);
  if (after >= last_) return absl::OkStatus();
  if (after + 1 < first_) {
    return absl::OutOfRangeError(absl::StrFormat(
        "events after sequence %d are no longer retained; the oldest retained sequence is %d",
        after, first_));
  }
  const size_t begin = after + 1 - first_;
  const size_t end = begin + std::min(max_events, events_.size() - begin);
  for (size_t i = begin; i < end; ++i) out->push_back(events_[i].event);
  return absl::OkStatus();
}

uint64_t MemoryEventLog::FirstSequence() const {
  MutexLock lock(&mu_);
  return first_;
}

uint64_t MemoryEventLog::LastSequence() const {
  MutexLock lock(&mu_);
  return last_;
}

absl::StatusOr<uint64_t> MemoryEventLog::FirstSequenceReceivedSince(absl::Time time) {
  MutexLock lock(&mu_);
  auto it = std::partition_point(events_.begin(), events_.end(), [time](const Entry& entry) {
    return FromTimestamp(entry.event->event().received_at()) < time;
  });
  return first_ + static_cast<uint64_t>(it - events_.begin());
}

uint64_t MemoryEventLog::WaitForNewer(uint64_t after, absl::Duration timeout) {
  MutexLock lock(&mu_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_ > after; };
  mu_.AwaitWithTimeout(Condition(&newer), timeout);
  return last_;
}

}  // namespace switchboard
