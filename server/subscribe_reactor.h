#ifndef SWITCHBOARD_SERVER_SUBSCRIBE_REACTOR_H_
#define SWITCHBOARD_SERVER_SUBSCRIBE_REACTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "common/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "server/event_filter.h"
#include "server/fanout_dispatcher.h"
#include "server/subscriber_slots.h"
#include "store/event_log.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::server {

// One Subscribe stream. Owns itself: deleted in OnDone().
//
// The subscriber keeps a cursor (the last sequence it has consumed, delivered
// or filtered out) and a small queue of matching events to write, with one
// write in flight. Events come from two sources, merged by sequence so there
// is never a gap or a duplicate:
//  - the fan-out dispatcher's live batches, taken only while the subscriber is
//    caught up (the batch continues its cursor) and its queue has room;
//  - the event log itself, read in batches whenever the queue is empty and the
//    log holds events past the cursor (replay, or catching up after a burst);
//    when a read may wait on the network (JetStream), on a pool of read
//    threads, as gRPC's threads and the dispatcher's must not wait with it.
// So memory per subscriber is bounded by the queue, whatever its lag; a
// subscriber whose unread events leave retention is ended with
// RESOURCE_EXHAUSTED saying how to resume.
//
// Events go out as their stored bytes (server/event_wire.h): an event read
// from disk is never parsed, and one sent to many subscribers is serialized
// once.
class SubscribeReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                         public FanoutListener {
 public:
  // Starts streaming after sequence `cursor`. `start_requested` tells whether
  // the client asked for that position (errors then say OUT_OF_RANGE).
  // `ended` (by reason) counts the stream's end; it and the others must
  // outlive the reactor. `peer` names the subscriber in metrics.
  // Reads that may wait on the network, and the received_since search, run
  // on `reads`.
  SubscribeReactor(EventLog* log, FanoutDispatcher* dispatcher, WorkerPool* reads,
                   EventFilter filter, uint64_t cursor, bool start_requested, std::string peer,
                   metrics::Family<metrics::Counter>* ended,
                   std::unique_ptr<SubscriberSlots::Slot> slot);

  // Begins delivery; call once, after construction (or StartReceivedSince).
  void Start();
  // Begins delivery with the first event received at or after `since`
  // (`cursor` is then ignored), found on the reads pool: the search may wait
  // on the network (JetStream). Ends the stream with UNAVAILABLE when the
  // log cannot be searched.
  void StartReceivedSince(absl::Time since);

  // Ends the stream with `status` (e.g. UNAVAILABLE at shutdown). Safe from
  // any thread, any number of times; the first status wins.
  void End(const grpc::Status& status);

  // How many events up to `last_sequence` this subscriber has not been sent
  // yet (queued, in flight, or not yet examined; filtered-out ones count
  // until examined).
  uint64_t Lag(uint64_t last_sequence) const;
  const std::string& peer() const { return peer_; }
  const EventFilter& filter() const { return filter_; }

  // FanoutListener
  void OnAppended(const std::vector<EventPtr>& batch) override;

  // grpc::ServerWriteReactor<grpc::ByteBuffer>
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Drives delivery: writes queued events, refills the queue from the log.
  void Pump();
  // Reads the log after `after` into the queue; false when caught up (the
  // dispatcher then brings what comes next), else pump on.
  bool ReadFrom(uint64_t after);
  // Appends events of `batch` past the cursor that match the filter, and
  // advances the cursor. `batch` must start at or before cursor_ + 1.
  void MergeLocked(const std::vector<EventPtr>& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes the next queued event as the write in flight, unless one is in
  // flight already; the caller calls StartWrite() on it outside the lock.
  const grpc::ByteBuffer* NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The status that ends the stream when the log cannot serve the cursor.
  grpc::Status StatusForReadError(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Marks the stream as ending with `status`; Pump() finishes it.
  void EndLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  EventLog* const log_;
  FanoutDispatcher* const dispatcher_;
  WorkerPool* const reads_;
  const EventFilter filter_;
  const bool start_requested_;
  const std::string peer_;
  metrics::Family<metrics::Counter>* const ended_;
  const std::unique_ptr<SubscriberSlots::Slot> slot_;  // freed with the reactor

  mutable absl::Mutex mu_;
  uint64_t cursor_ ABSL_GUARDED_BY(mu_);
  uint64_t start_cursor_ ABSL_GUARDED_BY(mu_);  // where it started
  uint64_t last_written_ ABSL_GUARDED_BY(mu_) = 0;  // last sequence the client got
  std::deque<EventPtr> queue_ ABSL_GUARDED_BY(mu_);
  EventPtr in_flight_ ABSL_GUARDED_BY(mu_);         // set while a write is in flight
  grpc::ByteBuffer in_flight_bytes_ ABSL_GUARDED_BY(mu_);  // its message
  bool reading_ ABSL_GUARDED_BY(mu_) = false;       // a thread is reading the log
  bool ending_ ABSL_GUARDED_BY(mu_) = false;        // End() called: write nothing more
  bool finished_ ABSL_GUARDED_BY(mu_) = false;      // Finish() called
  grpc::Status end_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_SUBSCRIBE_REACTOR_H_
