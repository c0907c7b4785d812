#ifndef SWITCHBOARD_SERVER_CONSUME_REACTOR_H_
#define SWITCHBOARD_SERVER_CONSUME_REACTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"
#include "common/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "server/group_backend.h"
#include "server/subscriber_auth.h"
#include "server/subscriber_slots.h"
#include "switchboard/v1/consumer_group.pb.h"

namespace switchboard::server {

// One EventStream.Consume stream: a consumer group member. Owns itself:
// deleted in OnDone().
//
// Reads the JoinGroup, joins (or creates) the group on `options.joins` (a
// join may wait on the store: JetStream round trips, up to their timeout,
// which must not hold up gRPC's callback threads), answers GroupJoined;
// then reads acks, nacks and extensions and hands them to the group, and
// writes what the group sends it (deliveries, results), one write in flight.
// The group bounds the deliveries (the member's max_unacked); results are
// bounded by reading no further request while kMaxOutgoing responses wait, so
// a member that never reads holds at most that much memory (and its events
// go to the others when their deadline passes).
//
// Messages travel as byte buffers (the service's Consume is raw): requests are
// parsed here, and deliveries are written around the stored events' bytes
// (server/event_wire.h).
class ConsumeReactor : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                       public GroupMemberSink {
 public:
  struct Options {
    const SubscriberAuth* auth = nullptr;  // tokens, when configured
    WorkerPool* joins = nullptr;           // runs joins (required)
    size_t max_patterns = 64;
  };

  // `registry`, `log` and `options.auth` must outlive the reactor. `token`
  // is the stream's `authorization` metadata; `peer` names it; `slots`
  // caps streams (shared with Subscribe).
  ConsumeReactor(GroupBackend* registry, EventLog* log, SubscriberSlots* slots,
                 Options options, std::string authorization, std::string peer);

  // Starts reading the first request; call once, after construction.
  void Start();

  // grpc::ServerBidiReactor<ByteBuffer, ByteBuffer>
  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  // GroupMemberSink (called with the group's lock held)
  void Deliver(std::vector<GroupDeliveryItem> items) override;
  void OnResult(v1::AckResult result) override;
  void End(const grpc::Status& status) override;

 private:
  // Responses waiting beyond which no further request is read.
  static constexpr size_t kMaxOutgoing = 256;

  // Validates the join and joins; a status on failure.
  grpc::Status Join(const v1::JoinGroup& join);
  // Join() on a pool thread, then reads on (or ends the stream).
  void JoinAndReadOn();
  // Hands one ack/nack/extend to the group; a status when it is malformed.
  grpc::Status Apply(const v1::ConsumeRequest& request);
  // Queues `response` (a ConsumeResponse; if any) and starts the next write
  // when none is in flight and the join has been answered.
  void SendLocked(std::optional<grpc::ByteBuffer> response) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the stream with `status` once the write in flight is done.
  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Calls Finish() when ending and nothing is under way any more.
  void FinishIfDueLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads the next request unless responses pile up (then OnWriteDone does).
  void ReadNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  GroupBackend* const registry_;
  EventLog* const log_;
  SubscriberSlots* const slots_;
  const Options options_;
  const std::string authorization_;
  const std::string peer_;

  grpc::ByteBuffer read_;       // the read in flight fills it
  v1::ConsumeRequest request_;  // ... parsed
  std::shared_ptr<GroupHandle> group_;  // set once joined (only the reading thread writes it)
  uint64_t member_ = 0;
  std::unique_ptr<SubscriberSlots::Slot> slot_;

  Mutex mu_;
  std::deque<grpc::ByteBuffer> outgoing_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool joined_ ABSL_GUARDED_BY(mu_) = false;       // GroupJoined queued first
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;  // a read is due once responses drain
  bool reading_ ABSL_GUARDED_BY(mu_) = false;      // a read is in flight
  bool joining_ ABSL_GUARDED_BY(mu_) = false;      // Join() is under way on the pool
  bool ending_ ABSL_GUARDED_BY(mu_) = false;       // no more responses
  bool finished_ ABSL_GUARDED_BY(mu_) = false;     // Finish() called
  grpc::Status end_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_CONSUME_REACTOR_H_
