#ifndef SWITCHBOARD_STORE_EVENT_LOG_H_
#define SWITCHBOARD_STORE_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/stored_event.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard {

class GroupStore;

// What Append() did with an event.
struct AppendResult {
  // The event's sequence; for a duplicate, the sequence of the stored original.
  uint64_t sequence = 0;
  // True when an event with the same id was stored within the de-duplication
  // window: nothing was appended, and `sequence` names the original.
  bool duplicate = false;
};

// The sequence-numbered event log between the gateway and the subscribers.
//
// Sequences start at 1, are assigned by the log in append order, and are
// strictly increasing with no gaps among retained events. `received_at` is
// non-decreasing in sequence order (the log raises it to its predecessor's
// when concurrent appends race), so a time maps to a position.
//
// Event ids de-duplicate: an event whose id was stored within the backend's
// de-duplication window is not appended again (the sender retried it). Backends: in memory
// (MemoryEventLog), and later a durable local store and NATS JetStream; the
// interface is shaped so a backend may complete appends asynchronously (group
// commit, publish acknowledgements).
//
// All methods are thread-safe.
class EventLog {
 public:
  // Called exactly once with the outcome, or with the reason the event was
  // not stored (UNAVAILABLE: the store cannot take it now, retry). May run on
  // the appending thread or on a backend thread; must not block.
  using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>) &&>;

  virtual ~EventLog() = default;

  // Stores `event`, ignoring its `sequence` field, which the log assigns,
  // unless its id is a duplicate. `done` runs once the event is stored as
  // durably as the backend promises and is visible to Read(). Does not block
  // on I/O.
  virtual void Append(v1::Event event, AppendCallback done) = 0;

  // Appends to `out` up to `max_events` events with sequence > `after`, in
  // sequence order (none when `after` >= LastSequence()). Returns OUT_OF_RANGE,
  // naming the oldest retained sequence, when events right after `after` are
  // no longer retained. May block on I/O in durable backends.
  virtual absl::Status Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) = 0;
  // True when Read() may wait on the network (a remote store: up to its
  // timeout while the store does not answer), so that callers on threads
  // that serve others read on a thread of their own instead. Local stores'
  // reads only wait on memory or the local disk.
  virtual bool ReadsWaitOnNetwork() const { return false; }

  // Sequence of the oldest retained event; LastSequence() + 1 when empty.
  virtual uint64_t FirstSequence() const = 0;

  // Sequence of the newest stored event; 0 when nothing was ever stored.
  virtual uint64_t LastSequence() const = 0;

  // Blocks until LastSequence() > `after` or `timeout` passes, and returns
  // LastSequence(). Used by the single fan-out thread to follow the tail.
  virtual uint64_t WaitForNewer(uint64_t after, absl::Duration timeout) = 0;

  // The sequence of the oldest retained event received at or after `time`;
  // LastSequence() + 1 when there is none. May block on I/O.
  virtual absl::StatusOr<uint64_t> FirstSequenceReceivedSince(absl::Time time) = 0;

  // OK while appends can succeed; otherwise UNAVAILABLE saying why (disk
  // full, broker down). Backends recover by themselves when they can.
  virtual absl::Status Writable() const { return absl::OkStatus(); }

  // Where consumer groups read from this log keep their state (in its
  // database, or in memory with the memory store); nullptr when the backend
  // runs consumer groups its own way. Owned by the log.
  virtual GroupStore* group_store() { return nullptr; }
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_EVENT_LOG_H_
