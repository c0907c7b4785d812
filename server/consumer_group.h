#ifndef SWITCHBOARD_SERVER_CONSUMER_GROUP_H_
#define SWITCHBOARD_SERVER_CONSUMER_GROUP_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "grpcpp/grpcpp.h"
#include "server/event_filter.h"
#include "server/group_backend.h"
#include "server/fanout_dispatcher.h"
#include "server/sequence_set.h"
#include "store/event_log.h"
#include "store/group_store.h"
#include "switchboard/v1/consumer_group.pb.h"
#include "switchboard/v1/consumer_group_service.pb.h"

namespace switchboard::server {

// A consumer group of a local event log (memory or RocksDB store): the state
// machine that hands each matching event to one member at a time, takes acks,
// redelivers what is not acked within the deadline (or nacked, or held by a
// member that left) and parks events as dead letters after
// max_delivery_attempts. Semantics: consumer_group.proto.
//
// State: a read position (events examined), fresh events waiting for a
// member, unacked events (held by a member, or waiting to be delivered
// again), the done set (acked, parked, or not matching) above a floor below
// which everything is done, and the dead letters. The floor, the done set,
// the redelivery counts and the dead letters are written to the GroupStore
// after every change that a restart must not undo; an ack is reported to its
// member (AckResult.acked) only once that write is stored.
//
// Events come from the fan-out dispatcher's live batches while the group is
// caught up, and from the log otherwise (read off the lock). Each member
// holds at most its max_unacked events, so a slow member holds up no one.
//
// Thread-safe. Owned through shared_ptr (members and the registry share it);
// Shutdown() must run before the last reference goes.
class ConsumerGroup : public GroupHandle,
                      public FanoutListener,
                      public std::enable_shared_from_this<ConsumerGroup> {
 public:
  // `log`, `dispatcher` and `store` must outlive the group.
  ConsumerGroup(GroupSettings settings, EventFilter filter, EventLog* log,
                FanoutDispatcher* dispatcher, GroupStore* store);
  ~ConsumerGroup() override;

  // A new group: consumes events after `after`; its settings and position
  // go to the store with its first write (queued now). Call once, before
  // Start(), on a group owned by a shared_ptr.
  void Create(uint64_t after);
  // A group loaded from the store. Call once, before Start().
  void Restore(const StoredGroup& stored);
  // Registers with the dispatcher. Call once.
  void Start();
  // Unregisters, ends every member's stream with `status`. Idempotent.
  void Shutdown(const grpc::Status& status);

  const EventFilter& filter() const { return filter_; }

  // GroupHandle
  const GroupSettings& settings() const override { return settings_; }
  v1::GroupInfo Config() const override;
  std::string MemberName(uint64_t member) const override {
    return absl::StrCat(settings_.name, "/", member);
  }
  size_t MemberCount() const override;
  uint64_t Join(GroupMemberSink* sink, uint32_t max_unacked, std::string peer) override;
  void Leave(uint64_t member) override;
  void Ack(uint64_t member, absl::Span<const uint64_t> sequences) override;
  void Nack(uint64_t member, absl::Span<const uint64_t> sequences) override;
  void Extend(uint64_t member, absl::Span<const uint64_t> sequences,
              absl::Duration extension) override;
  v1::GroupInfo Info(absl::Time now) const override;
  absl::Status Seek(uint64_t after) override;
  absl::StatusOr<std::pair<std::vector<v1::DeadLetter>, uint64_t>> DeadLetters(
      uint64_t after, size_t limit) const override;
  absl::StatusOr<uint64_t> RequeueDeadLetters(absl::Span<const uint64_t> sequences,
                                              bool all) override;
  absl::StatusOr<uint64_t> DropDeadLetters(absl::Span<const uint64_t> sequences,
                                           bool all) override;

  // Takes back events whose ack deadline is before `now`, retries a failed
  // state write. Called by the registry's timer.
  void Expire(absl::Time now);

  // For metrics.
  uint64_t Lag() const;
  uint64_t PendingCount() const;
  uint64_t DeadLetterCount() const;
  uint64_t Redeliveries() const;

  // FanoutListener
  void OnAppended(const std::vector<EventPtr>& batch) override;

 private:
  struct Unacked {
    EventPtr event;            // null until read back (after a restart, a requeue)
    uint32_t attempts = 0;     // deliveries so far
    uint64_t holder = 0;       // the member holding it; 0: waiting for redelivery
    uint64_t last_holder = 0;  // who held it last (a late ack from it still counts)
    absl::Time deadline;       // while held
  };
  struct Member {
    GroupMemberSink* sink;
    std::string name;
    std::string peer;
    uint32_t max_unacked;
    uint32_t held = 0;
    absl::Time joined_at;
  };
  struct DeadInfo {
    std::string type;
    uint32_t attempts;
    absl::Time parked_at;
  };
  // A result waiting for the state write of `generation` to be stored.
  struct WaitingResult {
    uint64_t member;
    uint64_t generation;
    v1::AckResult result;
  };

  // Re-queues (fresh attempts) or drops the chosen dead letters; how many.
  uint64_t ResolveDeadLetters(absl::Span<const uint64_t> sequences, bool all, bool requeue);
  // Hands waiting events to members with room. Calls sinks.
  void DispatchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads the log when the group needs events, then dispatches; loops until
  // nothing more can be done. Takes the lock.
  void Pump();
  // Takes new events after the read position: matching ones wait for a
  // member, others are done.
  void MergeLocked(const std::vector<EventPtr>& events) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Releases an event from its holder (if any).
  void ReleaseLocked(uint64_t sequence, Unacked& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends a released event back for redelivery, or parks it when it has
  // had its attempts.
  void ReturnLocked(uint64_t sequence, Unacked& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Acked, parked, not matching, or gone: advances the floor over it. Does
  // not ask for a state write (a restart would only examine it again).
  void MarkDoneLocked(uint64_t first, uint64_t last) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MarkDoneLocked(uint64_t sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    MarkDoneLocked(sequence, sequence);
  }
  void ParkLocked(uint64_t sequence, uint32_t attempts, std::string type)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why `member` cannot ack/nack/extend `sequence` ("" when it can).
  std::string RefusalLocked(uint64_t member, uint64_t sequence) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues `result` for `member`: sent once the writes it depends on are
  // stored (`needs_write`: this call changed state), in call order.
  void AnswerLocked(uint64_t member, v1::AckResult result, bool needs_write)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SendStoredResultsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  GroupPosition PositionLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The state write to issue now, if one is due and none is in flight.
  std::optional<GroupWrite> NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Issues `write` (outside the lock: a store may call back at once).
  void Issue(std::optional<GroupWrite> write);
  void OnWriteDone(uint64_t generation, GroupWrite write, absl::Status status);

  const GroupSettings settings_;
  const EventFilter filter_;
  EventLog* const log_;
  FanoutDispatcher* const dispatcher_;
  GroupStore* const store_;

  mutable Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;  // a thread reads the log off the lock
  uint64_t next_member_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::btree_map<uint64_t, Member> members_ ABSL_GUARDED_BY(mu_);
  uint64_t round_robin_ ABSL_GUARDED_BY(mu_) = 0;  // the member served last

  uint64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;  // events examined through here
  uint64_t floor_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t delivered_through_ ABSL_GUARDED_BY(mu_) = 0;
  SequenceSet done_ ABSL_GUARDED_BY(mu_);                  // above floor_
  std::deque<EventPtr> fresh_ ABSL_GUARDED_BY(mu_);        // examined, never delivered
  absl::btree_map<uint64_t, Unacked> unacked_ ABSL_GUARDED_BY(mu_);
  std::deque<uint64_t> redeliver_ ABSL_GUARDED_BY(mu_);    // unacked, holder 0 (may be stale)
  absl::btree_set<std::pair<absl::Time, uint64_t>> deadlines_ ABSL_GUARDED_BY(mu_);
  absl::btree_map<uint64_t, DeadInfo> dead_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<uint64_t> requeued_ ABSL_GUARDED_BY(mu_);  // dead letters back in unacked_
  uint64_t redeliveries_ ABSL_GUARDED_BY(mu_) = 0;

  // State writes: at most one in flight; changes made meanwhile go in the next.
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool config_stored_ ABSL_GUARDED_BY(mu_) = false;  // writes carry the settings until then
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // writes issued
  uint64_t stored_ ABSL_GUARDED_BY(mu_) = 0;      // writes stored
  std::vector<v1::DeadLetter> dead_puts_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> dead_deletes_ ABSL_GUARDED_BY(mu_);
  std::deque<WaitingResult> waiting_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_CONSUMER_GROUP_H_
