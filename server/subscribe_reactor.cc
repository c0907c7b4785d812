#include "server/subscribe_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/event_wire.h"

namespace switchboard::server {
namespace {
// Matching events queued per subscriber before it stops taking live batches
// and catches up from the log instead. Memory per subscriber is bounded by
// this plus one dispatcher batch, whatever its lag.
constexpr size_t kQueueLimit = 64;
// Events read from the log at a time when catching up.
constexpr size_t kReadBatch = 128;

// The `reason` label of switchboard_streams_ended_total.
absl::string_view EndReason(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "fell_behind";
    case grpc::StatusCode::CANCELLED: return "cancelled";
    case grpc::StatusCode::UNAVAILABLE: return "shutdown";
    case grpc::StatusCode::OUT_OF_RANGE: return "out_of_range";
    default: return "error";
  }
}

}  // namespace

SubscribeReactor::SubscribeReactor(EventLog* log, FanoutDispatcher* dispatcher, WorkerPool* reads,
                                   EventFilter filter, uint64_t cursor, bool start_requested,
                                   std::string peer, metrics::Family<metrics::Counter>* ended,
                                   std::unique_ptr<SubscriberSlots::Slot> slot)
    : log_(log),
      dispatcher_(dispatcher),
      reads_(reads),
      filter_(std::move(filter)),
      start_requested_(start_requested),
      peer_(std::move(peer)),
      ended_(ended),
      slot_(std::move(slot)),
      cursor_(cursor),
      start_cursor_(cursor) {}

uint64_t SubscribeReactor::Lag(uint64_t last_sequence) const {
  absl::MutexLock lock(&mu_);
  const uint64_t unexamined = last_sequence > cursor_ ? last_sequence - cursor_ : 0;
  return unexamined + queue_.size() + (in_flight_ != nullptr ? 1 : 0);
}

void SubscribeReactor::Start() {
  dispatcher_->Register(this);
  Pump();
}

void SubscribeReactor::StartReceivedSince(absl::Time since) {
  {
    absl::MutexLock lock(&mu_);
    reading_ = true;  // holds Pump() off until the start is known
  }
  reads_->Run([this, since] {
    absl::StatusOr<uint64_t> first = log_->FirstSequenceReceivedSince(since);
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (first.ok()) {
        cursor_ = start_cursor_ = *first - 1;
      } else {
        EndLocked(
            grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(first.status().message())));
      }
    }
    if (first.ok()) dispatcher_->Register(this);
    Pump();
  });
}

void SubscribeReactor::End(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    EndLocked(status);
  }
  Pump();
}

void SubscribeReactor::EndLocked(const grpc::Status& status) {
  if (ending_) return;
  ending_ = true;
  end_status_ = status;
  queue_.clear();
}

void SubscribeReactor::OnAppended(const std::vector<EventPtr>& batch) {
  const grpc::ByteBuffer* write = nullptr;
  bool catch_up = false;
  {
    absl::MutexLock lock(&mu_);
    if (ending_) return;
    // Take live events only when they continue our cursor and we have room;
    // otherwise catch up from the log: a write or read in progress does it
    // when it completes, and an idle subscriber does it now (the events are
    // recent, so the log serves them from memory).
    if (queue_.size() >= kQueueLimit || batch.front()->sequence() > cursor_ + 1) {
      catch_up = in_flight_ == nullptr && !reading_;
    } else {
      MergeLocked(batch);
      write = NextWriteLocked();
    }
  }
  if (write != nullptr) StartWrite(write);
  if (catch_up) Pump();
}

void SubscribeReactor::MergeLocked(const std::vector<EventPtr>& batch) {
  for (const EventPtr& event : batch) {
    if (event->sequence() <= cursor_) continue;  // already consumed from the other source
    if (filter_.Matches(event->type())) queue_.push_back(event);
    cursor_ = event->sequence();
  }
}

const grpc::ByteBuffer* SubscribeReactor::NextWriteLocked() {
  if (in_flight_ != nullptr || queue_.empty()) return nullptr;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  in_flight_bytes_ = EventMessage(in_flight_);
  return &in_flight_bytes_;
}

grpc::Status SubscribeReactor::StatusForReadError(const absl::Status& status) {
  if (!absl::IsOutOfRange(status)) {
    // The store failed (e.g. a broker briefly unreachable): the subscriber
    // should come back, from where it is.
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("the event store could not be read (", status.message(),
                                     "); resubscribe with after_sequence set to the last "
                                     "sequence you processed"));
  }
  const uint64_t oldest = log_->FirstSequence();
  if (start_requested_ && last_written_ == 0 && cursor_ == start_cursor_) {
    return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                        absl::StrFormat("after_sequence %d is older than retention: the oldest "
                                        "retained sequence is %d; resubscribe with after_sequence "
                                        "%d or later",
                                        start_cursor_, oldest, oldest - 1));
  }
  return grpc::Status(
      grpc::StatusCode::RESOURCE_EXHAUSTED,
      absl::StrFormat("subscriber fell behind: events after sequence %d left retention before it "
                      "read them (oldest retained: %d). Read faster or filter more narrowly; "
                      "resubscribe with after_sequence %d to continue from the oldest retained "
                      "event",
                      cursor_, oldest, oldest - 1));
}

void SubscribeReactor::Pump() {
  for (;;) {
    const grpc::ByteBuffer* write = nullptr;
    bool finish = false;
    grpc::Status finish_status;
    uint64_t after = 0;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || in_flight_ != nullptr || reading_) return;  // someone else drives
      if (ending_) {
        finished_ = true;
        finish = true;
        finish_status = end_status_;
      } else if (!queue_.empty()) {
        write = NextWriteLocked();
      } else {
        after = cursor_;
        reading_ = true;
      }
    }
    if (finish) {
      ended_->WithLabels({EndReason(finish_status.error_code())}).Increment();
      Finish(finish_status);
      return;
    }
    if (write != nullptr) {
      StartWrite(write);
      return;
    }

    // The queue is empty: catch up from the log, outside the lock so live
    // batches and the writer are never blocked by a (possibly slow) read; and
    // on the reads pool when it may wait on the network, so that neither
    // gRPC's threads nor the dispatcher's wait with it.
    if (log_->ReadsWaitOnNetwork()) {
      reads_->Run([this, after] {
        if (ReadFrom(after)) Pump();
      });
      return;
    }
    if (!ReadFrom(after)) return;
  }
}

bool SubscribeReactor::ReadFrom(uint64_t after) {
  std::vector<EventPtr> batch;
  absl::Status status;
  if (log_->LastSequence() > after) status = log_->Read(after, kReadBatch, &batch);
  {
    absl::MutexLock lock(&mu_);
    reading_ = false;
    if (!status.ok()) {
      EndLocked(StatusForReadError(status));
    } else if (!batch.empty()) {
      MergeLocked(batch);
    } else if (queue_.empty() && !ending_) {
      return false;  // caught up: the dispatcher brings what comes next
    }
  }
  return true;
}

void SubscribeReactor::OnWriteDone(bool ok) {
  {
    absl::MutexLock lock(&mu_);
    if (ok) last_written_ = in_flight_->sequence();
    in_flight_.reset();
    in_flight_bytes_.Clear();
    if (!ok) EndLocked(grpc::Status(grpc::StatusCode::CANCELLED, "subscriber went away"));
  }
  Pump();
}

void SubscribeReactor::OnCancel() {
  End(grpc::Status(grpc::StatusCode::CANCELLED, "subscriber cancelled"));
}

void SubscribeReactor::OnDone() {
  dispatcher_->Unregister(this);
  delete this;
}

}  // namespace switchboard::server
