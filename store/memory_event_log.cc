#include "store/memory_event_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace switchboard {

MemoryEventLog::MemoryEventLog(Options options)
    : options_{std::max<size_t>(options.max_events, 1), options.max_bytes} {}

void MemoryEventLog::Append(v1::Event event, AppendCallback done) {
  uint64_t sequence;
  {
    absl::MutexLock lock(&mu_);
    sequence = ++last_;
    event.set_sequence(sequence);
    const size_t bytes = event.ByteSizeLong();
    events_.push_back({std::make_shared<const v1::Event>(std::move(event)), bytes});
    bytes_ += bytes;
    // Drop the oldest, but always keep the newest event.
    while (events_.size() > 1 &&
           (events_.size() > options_.max_events || bytes_ > options_.max_bytes)) {
      bytes_ -= events_.front().bytes;
      events_.pop_front();
      ++first_;
    }
  }
  std::move(done)(sequence);
}

absl::Status MemoryEventLog::Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) {
  absl::MutexLock lock(&mu_);
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
  absl::MutexLock lock(&mu_);
  return first_;
}

uint64_t MemoryEventLog::LastSequence() const {
  absl::MutexLock lock(&mu_);
  return last_;
}

uint64_t MemoryEventLog::WaitForNewer(uint64_t after, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_ > after; };
  mu_.AwaitWithTimeout(absl::Condition(&newer), timeout);
  return last_;
}

}  // namespace switchboard
