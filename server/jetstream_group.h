#ifndef SWITCHBOARD_SERVER_JETSTREAM_GROUP_H_
#define SWITCHBOARD_SERVER_JETSTREAM_GROUP_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/mutex.h"
#include "grpcpp/grpcpp.h"
#include "nats/nats.h"
#include "server/event_filter.h"
#include "server/group_backend.h"
#include "store/event_log.h"
#include "store/jetstream_group_store.h"

namespace switchboard::server {

// A consumer group on the JetStream store, as seen by one Switchboard
// instance: its members connected here, fed from the group's durable
// JetStream consumer, which every instance's members share
// (JetStreamGroupStore says what lives where). Semantics:
// consumer_group.proto; how each one maps onto JetStream:
//
// - one member at a time: the consumer hands a message to one fetch (of any
//   instance) and redelivers it only after AckWait (= ack_deadline) or a Nak;
// - flow control: an instance fetches at most what its members have room
//   for (max_unacked each) and hands each event to a member with room; an
//   ack frees the room at once, before JetStream confirms it (up to 10,000
//   acks on their way);
// - ack: a confirmed ack (JetStream answers once it applied it), then
//   AckResult.acked; nack: Nak (redelivered at once, to any instance);
//   extend: InProgress, which restarts JetStream's timer at the full
//   ack_deadline; an extension beyond it is kept up by repeating InProgress;
// - attempts: JetStream's delivery count; an event fetched with more than
//   max_delivery_attempts deliveries (or nacked / given back at the last one)
//   is parked: its dead letter is stored in the KV bucket, then the message
//   is terminated. A re-queued dead letter comes back through the group's
//   requeue consumer, read by sequence from the log, and is acked, parked or
//   redelivered like any other;
// - a member that leaves: what it held is nacked (or parked);
// - type filters: events are checked here (and acked when they do not
//   match), whatever the consumer's subject filter (docs/PERFORMANCE.md).
//
// Three threads once a member joined here (named for `top -H`):
// sb-group-fetch fetches; sb-group-take decodes and hands out; sb-group-ops
// applies acks, nacks and extensions in call order (so each member gets its
// AckResults in order), expires holds whose deadline passed and, once a
// second, reads the consumer: it notices a consumer re-created by a seek
// elsewhere, and a group deleted elsewhere (a fetch waiting at the consumer
// learns of a deletion too, but one sent after it only times out).
// Thread-safe. Owned through shared_ptr; Shutdown() before the last
// reference goes.
class JetStreamGroup : public GroupHandle {
 public:
  // `log` and `store` must outlive the group. `filter_subject`: the
  // consumer's subject filter ("" for none).
  JetStreamGroup(GroupSettings settings, EventFilter filter, std::string filter_subject,
                 EventLog* log, JetStreamGroupStore* store);
  ~JetStreamGroup() override;

  // Ends every member's stream with `status` and stops the threads. Events
  // still held are redelivered by JetStream after their deadline. Idempotent.
  void Shutdown(const grpc::Status& status);
  // True once this instance learnt the group was deleted (by any instance).
  bool deleted() const;

  // GroupHandle
  const GroupSettings& settings() const override { return settings_; }
  v1::GroupInfo Config() const override;
  std::string MemberName(uint64_t member) const override;
  size_t MemberCount() const override;
  uint64_t Join(GroupMemberSink* sink, uint32_t max_unacked, std::string peer) override;
  void Leave(uint64_t member) override;
  void Ack(uint64_t member, absl::Span<const uint64_t> sequences) override;
  void Nack(uint64_t member, absl::Span<const uint64_t> sequences) override;
  void Extend(uint64_t member, absl::Span<const uint64_t> sequences,
              absl::Duration extension) override;
  // Blocks on JetStream requests (consumer state, dead letters).
  v1::GroupInfo Info(absl::Time now) const override;
  absl::Status Seek(uint64_t after) override;
  absl::StatusOr<std::pair<std::vector<v1::DeadLetter>, uint64_t>> DeadLetters(
      uint64_t after, size_t limit) const override;
  absl::StatusOr<uint64_t> RequeueDeadLetters(absl::Span<const uint64_t> sequences,
                                              bool all) override;
  absl::StatusOr<uint64_t> DropDeadLetters(absl::Span<const uint64_t> sequences,
                                           bool all) override;

 private:
  struct Member {
    GroupMemberSink* sink;
    std::string peer;
    uint32_t max_unacked;
    uint32_t held = 0;
    absl::Time joined_at;
  };
  // An event a member of this instance holds.
  struct Held {
    // Owned; acks go to its reply subject. nullptr while the operations
    // thread has it, waiting for JetStream to confirm its ack.
    natsMsg* msg = nullptr;
    EventPtr event;
    uint64_t member = 0;
    uint32_t attempts = 0;
    bool requeued = false;   // came through the requeue consumer
    // Acked by its member, not yet confirmed by JetStream: no longer
    // counted against the member's room (counted in acking_ instead).
    bool acking = false;
    absl::Time deadline;     // JetStream redelivers it after this
    absl::Time keep_until;   // an extension beyond ack_deadline lasts until then
    absl::Time progressed;   // last InProgress
  };
  // An ack, nack or extend, applied by the operations thread in call order.
  struct Op {
    enum Kind { kAck, kNack, kExtend } kind;
    uint64_t member;
    std::vector<uint64_t> sequences;
    absl::Duration extension;
  };
  // A message to park as a dead letter (off the lock: a KV write).
  struct Parking {
    natsMsg* msg;
    uint64_t sequence;
    std::string type;
    uint32_t attempts;
  };

  // Fetched messages on their way from the fetch thread to the take thread.
  struct Fetched {
    std::vector<natsMsg*> messages;  // owned
    bool requeued;
  };

  void StartThreadsLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The fetch thread asks for the next batch while the take thread decodes
  // and hands out the last one: JetStream never waits for us in between.
  void FetchLoop();
  void TakeLoop();
  void OpsLoop();
  // Binds the pull subscriptions (after a failure, a seek, at first).
  bool BindLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UnbindLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // From the fetch thread to the take thread (naked when stopping).
  void Queue(std::vector<natsMsg*> messages, bool requeued);
  // Fetched messages: parks, skips what does not match, hands the rest out.
  void Take(std::vector<natsMsg*> messages, bool requeued);
  // Hands `held` to a member with room (or naks it when none has).
  void HandOutLocked(std::vector<Held> held) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Park(std::vector<Parking> parking);
  // Takes `sequence` from its holder (which must be `member`, when not 0).
  bool ReleaseLocked(uint64_t sequence, uint64_t member, Held* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes `held` off its member's count (or off acking_).
  void UnholdLocked(const Held& held) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Nak, or park when it had its attempts.
  void GiveBackLocked(Held held, std::vector<Parking>* parking) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Re-queues or drops the chosen dead letters; how many.
  absl::StatusOr<uint64_t> ResolveDeadLetters(absl::Span<const uint64_t> sequences, bool all,
                                              bool requeue);
  // Acks, nacks or extensions of one op, answered to its member. A run of
  // acks (several members' batches) is confirmed by JetStream in one round
  // trip.
  void ApplyAcks(absl::Span<Op> acks);
  void Apply(Op op);
  // Expires holds, keeps extensions alive, notices a re-created consumer.
  void Tick(absl::Time now);
  void ForgetHeldLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Fetched, not yet taken: back to the group (`nak`), or forgotten.
  void DropFetchedLocked(bool nak) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why `member` cannot ack, nack or extend `sequence`.
  std::string RefusalLocked(uint64_t member, uint64_t sequence) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t RoomLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MarkDeletedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const GroupSettings settings_;
  const EventFilter filter_;
  const std::string filter_subject_;
  EventLog* const log_;
  JetStreamGroupStore* const store_;

  mutable Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool deleted_ ABSL_GUARDED_BY(mu_) = false;
  bool threads_started_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_member_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::btree_map<uint64_t, Member> members_ ABSL_GUARDED_BY(mu_);
  uint64_t round_robin_ ABSL_GUARDED_BY(mu_) = 0;
  absl::btree_map<uint64_t, Held> held_ ABSL_GUARDED_BY(mu_);
  uint32_t acking_ ABSL_GUARDED_BY(mu_) = 0;  // held_ entries with `acking`
  // Holds whose deadline passed here, by sequence: their member.
  absl::flat_hash_map<uint64_t, uint64_t> expired_ ABSL_GUARDED_BY(mu_);
  std::vector<Op> ops_ ABSL_GUARDED_BY(mu_);
  std::vector<Parking> parking_ ABSL_GUARDED_BY(mu_);  // from Leave()
  uint64_t redeliveries_ ABSL_GUARDED_BY(mu_) = 0;
  // The fetch thread's subscriptions (touched by it, and under mu_).
  natsSubscription* events_ ABSL_GUARDED_BY(mu_) = nullptr;
  natsSubscription* requeued_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool rebind_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Fetched> fetched_ ABSL_GUARDED_BY(mu_);
  uint32_t fetched_count_ ABSL_GUARDED_BY(mu_) = 0;  // messages in fetched_ or being taken
  int64_t consumer_created_ns_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread fetcher_;
  std::thread taker_;
  std::thread operator_;
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_JETSTREAM_GROUP_H_
