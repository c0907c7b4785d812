#ifndef SWITCHBOARD_STORE_MEMORY_EVENT_LOG_H_
#define SWITCHBOARD_STORE_MEMORY_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "common/mutex.h"
#include "store/event_log.h"
#include "store/memory_group_store.h"

namespace switchboard {

// An EventLog held in memory: nothing survives a restart. Retention is
// bounded by event count and by total serialized size; the oldest events are
// dropped first. Ids are de-duplicated within `dedup_window` among retained
// events (an id is forgotten with its event, so memory stays bounded).
// Appends complete inline on the calling thread.
class MemoryEventLog : public EventLog {
 public:
  struct Options {
    size_t max_events = 100000;         // retained events at most (>= 1)
    size_t max_bytes = 256 << 20;       // retained serialized bytes at most
    absl::Duration dedup_window = absl::Hours(24);
  };

  explicit MemoryEventLog(Options options);

  // EventLog
  void Append(v1::Event event, AppendCallback done) override;
  absl::Status Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) override;
  uint64_t FirstSequence() const override;
  uint64_t LastSequence() const override;
  uint64_t WaitForNewer(uint64_t after, absl::Duration timeout) override;
  absl::StatusOr<uint64_t> FirstSequenceReceivedSince(absl::Time time) override;
  GroupStore* group_store() override { return &groups_; }

 private:
  MemoryGroupStore groups_;
  struct Entry {
    EventPtr event;
    size_t bytes;
  };

  const Options options_;
  mutable Mutex mu_;
  std::deque<Entry> events_ ABSL_GUARDED_BY(mu_);  // events_[i].sequence == first_ + i
  absl::flat_hash_map<std::string, uint64_t> ids_ ABSL_GUARDED_BY(mu_);  // id -> sequence
  uint64_t first_ ABSL_GUARDED_BY(mu_) = 1;         // sequence of events_.front()
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_MEMORY_EVENT_LOG_H_
