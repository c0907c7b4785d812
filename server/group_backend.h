#ifndef SWITCHBOARD_SERVER_GROUP_BACKEND_H_
#define SWITCHBOARD_SERVER_GROUP_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "grpcpp/grpcpp.h"
#include "store/event_log.h"
#include "switchboard/v1/consumer_group.pb.h"
#include "switchboard/v1/consumer_group_service.pb.h"

namespace switchboard::server {

// What consumer groups are made of, whatever keeps their state: the Consume
// streams (ConsumeReactor) and ConsumerGroupService talk to these
// interfaces; ConsumerGroup/ConsumerGroupRegistry implement them for local
// logs (memory, RocksDB). Semantics: proto/switchboard/v1/consumer_group.proto.

// A consumer group's settings, fixed when it is created.
struct GroupSettings {
  std::string name;
  std::vector<std::string> event_types;  // sorted, without duplicates; empty: every type
  absl::Duration ack_deadline = absl::Seconds(30);
  uint32_t max_delivery_attempts = 5;
  absl::Time created_at;
};

// One event handed to one member.
struct GroupDeliveryItem {
  EventPtr event;
  uint32_t attempt = 0;  // 1 for the first delivery
  absl::Time deadline;
};

// A member's end of the group (a Consume stream). The group calls it with its
// own lock held: it must not block and must not call back into the group.
class GroupMemberSink {
 public:
  virtual ~GroupMemberSink() = default;
  // Events for the member, in the order to handle them.
  virtual void Deliver(std::vector<GroupDeliveryItem> items) = 0;
  // The outcome of one Ack/Nack/Extend call, in call order.
  virtual void OnResult(v1::AckResult result) = 0;
  // The group is gone (deleted, shutting down): end the stream with `status`.
  virtual void End(const grpc::Status& status) = 0;
};

// One consumer group. Thread-safe.
class GroupHandle {
 public:
  virtual ~GroupHandle() = default;

  virtual const GroupSettings& settings() const = 0;
  // The settings as ConsumerGroupService shows them.
  virtual v1::GroupInfo Config() const = 0;
  // A member's name in GroupJoined and GroupInfo.
  virtual std::string MemberName(uint64_t member) const = 0;
  virtual size_t MemberCount() const = 0;

  // Adds a member; events start flowing to `sink`, which must stay valid
  // until Leave(). Returns the member's id.
  virtual uint64_t Join(GroupMemberSink* sink, uint32_t max_unacked, std::string peer) = 0;
  // Removes a member; the events it held go back to the group. Idempotent.
  // After it returns the group never calls the member's sink again.
  virtual void Leave(uint64_t member) = 0;
  // Acks/nacks/extends events `member` holds; the outcome goes to its
  // sink's OnResult (acks once stored), in call order.
  virtual void Ack(uint64_t member, absl::Span<const uint64_t> sequences) = 0;
  virtual void Nack(uint64_t member, absl::Span<const uint64_t> sequences) = 0;
  virtual void Extend(uint64_t member, absl::Span<const uint64_t> sequences,
                      absl::Duration extension) = 0;

  // Operator views and actions (ConsumerGroupService).
  virtual v1::GroupInfo Info(absl::Time now) const = 0;
  // Delivers events after `after` next; everything up to it counts as done.
  virtual absl::Status Seek(uint64_t after) = 0;
  // Dead letters after `after`, at most `limit`, and how many there are.
  virtual absl::StatusOr<std::pair<std::vector<v1::DeadLetter>, uint64_t>> DeadLetters(
      uint64_t after, size_t limit) const = 0;
  // Re-queues (delivers again, with fresh attempts) or drops dead letters:
  // `sequences`, or every one when `all`. Returns how many.
  virtual absl::StatusOr<uint64_t> RequeueDeadLetters(absl::Span<const uint64_t> sequences,
                                                      bool all) = 0;
  virtual absl::StatusOr<uint64_t> DropDeadLetters(absl::Span<const uint64_t> sequences,
                                                   bool all) = 0;
};

// The consumer groups of a server. Thread-safe.
class GroupBackend {
 public:
  // What a member asks for when it joins (validated by the caller, except
  // against the existing group).
  struct JoinSpec {
    std::string group;
    std::vector<std::string> event_types;  // sorted, unique; the caller checked the grant
    bool event_types_given = false;        // false: take the group's
    uint64_t start_after = 0;              // where a new group starts
    absl::Duration ack_deadline;           // zero: the group's, or the default
    uint32_t max_delivery_attempts = 0;    // zero: the group's, or the default
  };

  virtual ~GroupBackend() = default;

  // Restores the groups and starts background work. Call once.
  virtual absl::Status Start() = 0;
  // Ends every member's stream with `status`. Idempotent.
  virtual void Shutdown(const grpc::Status& status) = 0;

  // The group `spec` names (and true when this call created it).
  // FAILED_PRECONDITION when it exists with another filter or setting,
  // RESOURCE_EXHAUSTED at the group limit, UNAVAILABLE when shutting down.
  // May wait on the store (JetStream: round trips, each up to its API
  // timeout), so it is not called on gRPC's callback threads.
  virtual absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> JoinOrCreate(
      const JoinSpec& spec) = 0;
  // The group named `name`, or nullptr.
  virtual std::shared_ptr<GroupHandle> Find(absl::string_view name) const = 0;
  // Every group, by name.
  virtual std::vector<std::shared_ptr<GroupHandle>> List() const = 0;
  // Every group's GroupInfo as of a moment ago, by name. Never waits on I/O:
  // /metrics and the console call it on threads that answer health probes
  // (and, for /metrics on the webhook port, webhooks) too.
  virtual std::vector<v1::GroupInfo> Snapshot() const = 0;
  // Removes a group and its state; its members' streams end with ABORTED.
  // NOT_FOUND when there is no such group.
  virtual absl::Status Delete(absl::string_view name) = 0;

  virtual size_t max_members_per_group() const = 0;
};

// Checks a group name: 1 to 128 characters of letters, digits, '.', '_', '-'.
absl::Status ValidateGroupName(absl::string_view name);

// The settings a group created by `spec` gets (the defaults where it leaves
// them out), created at `now`.
GroupSettings NewGroupSettings(const GroupBackend::JoinSpec& spec, absl::Time now);
// FAILED_PRECONDITION, naming the group's, when `spec` asks for another
// filter or setting than the existing group's `have`.
absl::Status CheckJoin(const GroupBackend::JoinSpec& spec, const GroupSettings& have);
// A group's settings as stored (GroupInfo's settings fields) and back.
GroupSettings SettingsFromConfig(const v1::GroupInfo& config);
v1::GroupInfo ConfigFromSettings(const GroupSettings& settings);
// Adds `sequence` to `result`'s refused sequences, saying why.
void AddRejected(v1::AckResult* result, uint64_t sequence, std::string reason);

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_GROUP_BACKEND_H_
