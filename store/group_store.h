#ifndef SWITCHBOARD_STORE_GROUP_STORE_H_
#define SWITCHBOARD_STORE_GROUP_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "switchboard/v1/consumer_group_service.pb.h"

namespace switchboard {

// Where a consumer group stands, as much as a restart needs to resume it
// without redelivering what was acked.
struct GroupPosition {
  // Every event up to this sequence is done: acked, parked, or not matching.
  uint64_t floor = 0;
  // The highest sequence handed out for the first time. Events in
  // (floor, delivered_through] that are not in `done` were delivered and not
  // acked: after a restart they are delivered again.
  uint64_t delivered_through = 0;
  // Done sequences above the floor, as disjoint ranges [first, last] in order.
  std::vector<std::pair<uint64_t, uint64_t>> done;
  // Deliveries so far of events delivered more than once and not yet done.
  std::vector<std::pair<uint64_t, uint32_t>> attempts;
  // Dead letters re-queued and not yet acked (delivered again after a restart).
  std::vector<uint64_t> requeued;
};

bool operator==(const GroupPosition& a, const GroupPosition& b);

// The compact binary form of a position (varints, ranges delta-encoded), and
// back; INVALID_ARGUMENT (DATA_LOSS would be wrong: the bytes are ours) when
// `bytes` is not one.
std::string EncodeGroupPosition(const GroupPosition& position);
absl::StatusOr<GroupPosition> DecodeGroupPosition(absl::string_view bytes);

// Everything stored for one group.
struct StoredGroup {
  // The settings: name, event_types, ack_deadline, max_delivery_attempts, created_at.
  v1::GroupInfo config;
  GroupPosition position;
  std::vector<v1::DeadLetter> dead_letters;  // in sequence order
};

// One atomic change to one group's records.
struct GroupWrite {
  std::string group;
  std::optional<v1::GroupInfo> config;      // written when a group is created
  std::optional<GroupPosition> position;    // replaces the stored one
  std::vector<v1::DeadLetter> put_dead_letters;
  std::vector<uint64_t> delete_dead_letters;
  bool delete_group = false;                // removes every record of the group first
};

// Durable state of the consumer groups of a local event log (the RocksDB
// store; or nothing, for the memory store). All methods are thread-safe.
class GroupStore {
 public:
  // Called once with the outcome; may run on a store thread; must not block.
  using WriteCallback = absl::AnyInvocable<void(absl::Status) &&>;

  virtual ~GroupStore() = default;

  // Every stored group, by name. May block on I/O.
  virtual absl::StatusOr<std::vector<StoredGroup>> LoadAll() = 0;

  // Applies `write` atomically; `done` runs once it is as durable as the
  // store promises (UNAVAILABLE: it was not applied). Writes of one group
  // are applied in call order. Does not block on I/O.
  virtual void Write(GroupWrite write, WriteCallback done) = 0;

  // False when groups do not survive a restart (the memory store).
  virtual bool durable() const = 0;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_GROUP_STORE_H_
