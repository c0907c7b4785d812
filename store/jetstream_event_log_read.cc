#include "store/jetstream_event_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging.h"
#include "store/nats_util.h"
#include "store/received_since.h"

namespace switchboard {
namespace {

// Events read from the stream per Read() older than the cache.
constexpr uint64_t kStreamReadBatch = 128;
// Ranges at most this long are read message by message (no consumer).
constexpr uint64_t kDirectReadMax = 2;
// Heartbeats of the tail consumer: a tail that misses two is re-created by
// the client library (e.g. after the server holding it died).
constexpr absl::Duration kTailHeartbeat = absl::Seconds(1);

}  // namespace

// ---------------------------------------------------------------------------
// The tail: one ordered consumer from the newest sequence on.
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::StartTail(uint64_t from) {
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options_.stream.c_str();
  sub_options.Ordered = true;
  sub_options.Config.DeliverPolicy = js_DeliverByStartSequence;
  sub_options.Config.OptStartSeq = std::max<uint64_t>(from, 1);
  sub_options.Config.Heartbeat = NatsNanos(kTailHeartbeat);
  natsSubscription* sub = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_Subscribe(&sub, js_, subject_filter_.c_str(), &JetStreamEventLog::OnTailMessage,
                              this, nullptr, &sub_options, &code);
  if (s != NATS_OK) {
    absl::Status error = JetStreamApiError(
        s, code, absl::StrCat("tailing stream ", options_.stream), servers_, options_.api_timeout);
    return absl::FailedPreconditionError(error.message());
  }
  auto closed = std::make_unique<Notification>();
  if (natsSubscription_SetOnCompleteCB(sub, &JetStreamEventLog::OnTailClosed, closed.get()) !=
      NATS_OK) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    return absl::UnavailableError("the tail subscription closed as it was created; retrying");
  }
  // Generous local limits: the consumer's flow control bounds what is in flight.
  natsSubscription_SetPendingLimits(sub, 1 << 20, 256 << 20);
  tail_ = sub;
  tail_closed_ = closed.release();
  return absl::OkStatus();
}

void JetStreamEventLog::OnTailClosed(void* closure) {
  static_cast<Notification*>(closure)->Notify();
}

void JetStreamEventLog::StopTail() {
  if (tail_ == nullptr) return;
  natsSubscription_Unsubscribe(tail_);  // also deletes its consumer
  // The message handler uses `this`: wait until it has returned for good.
  if (tail_closed_->WaitForNotificationWithTimeout(kCloseTimeout)) {
    delete tail_closed_;
  } else {
    LogWarning("the tail subscription of stream %s did not close within %s", options_.stream,
               absl::FormatDuration(kCloseTimeout));  // the notification is leaked on purpose
  }
  natsSubscription_Destroy(tail_);
  tail_ = nullptr;
  tail_closed_ = nullptr;
}

void JetStreamEventLog::OnTailMessage(natsConnection* /*nc*/, natsSubscription* /*sub*/,
                                      natsMsg* msg, void* closure) {
  static_cast<JetStreamEventLog*>(closure)->HandleTailMessage(msg);
}

void JetStreamEventLog::HandleTailMessage(natsMsg* raw) {
  std::unique_ptr<natsMsg, NatsDeleter> msg(raw);
  uint64_t sequence = 0, delivered = 0;
  if (!ParseJetStreamReply(natsMsg_GetReply(msg.get()), &sequence, &delivered)) return;
  Stored(DecodeStreamEvent(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()), sequence,
                           options_.stream),
         /*from_tail=*/true);
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::OutOfRange(uint64_t after) const {
  return absl::OutOfRangeError(absl::StrFormat(
      "events after sequence %d are no longer retained; the oldest retained sequence is %d", after,
      FirstSequence()));
}

absl::Status JetStreamEventLog::Read(uint64_t after, size_t max_events,
                                     std::vector<EventPtr>* out) {
  const uint64_t want = after + 1;
  uint64_t from, to;
  {
    MutexLock lock(&mu_);
    if (after >= stream_last_ || max_events == 0) return absl::OkStatus();
    if (want < first_) {
      return absl::OutOfRangeError(absl::StrFormat(
          "events after sequence %d are no longer retained; the oldest retained sequence is %d",
          after, first_));
    }
    if (want > last_) {
      // Stored (acknowledged, or seen in the stream state) but not tailed
      // yet: the tail normally brings it within milliseconds.
      auto tailed = [this, want]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return last_ >= want || stop_health_;
      };
      mu_.AwaitWithTimeout(Condition(&tailed), options_.tail_grace);
    }
    if (want >= cache_first_ && want <= last_) {
      const size_t begin = want - cache_first_;
      const size_t end = begin + std::min<uint64_t>(max_events, last_ - after);
      for (size_t i = begin; i < end; ++i) out->push_back(cache_[i]);
      return absl::OkStatus();
    }
    from = want;
    to = after + std::min<uint64_t>(
                     {static_cast<uint64_t>(max_events), stream_last_ - after, kStreamReadBatch});
    if (want < cache_first_) to = std::min(to, cache_first_ - 1);
  }
  return ReadFromStream(from, to, out);
}

absl::StatusOr<EventPtr> JetStreamEventLog::ReadOne(uint64_t sequence) {
  {
    MutexLock lock(&mu_);
    if (sequence >= cache_first_ && sequence <= last_) return cache_[sequence - cache_first_];
  }
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetMsg(&raw, js_, options_.stream.c_str(), sequence, nullptr, &code);
  std::unique_ptr<natsMsg, NatsDeleter> msg(raw);
  if (s == NATS_OK) {
    return DecodeStreamEvent(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()), sequence,
                       options_.stream);
  }
  if (code == JSNoMessageFoundErr) {
    return absl::NotFoundError(
        absl::StrCat("stream ", options_.stream, " has no message ", sequence));
  }
  return JetStreamApiError(
      s, code, absl::StrCat("reading event ", sequence, " from stream ", options_.stream), servers_,
      options_.api_timeout);
}

absl::Status JetStreamEventLog::ReadFromStream(uint64_t from, uint64_t to,
                                               std::vector<EventPtr>* out) {
  const size_t had = out->size();
  absl::Status status;
  if (to - from < kDirectReadMax) {
    for (uint64_t sequence = from; sequence <= to; ++sequence) {
      absl::StatusOr<EventPtr> event = ReadOne(sequence);
      if (event.ok()) {
        out->push_back(*std::move(event));
      } else if (!absl::IsNotFound(event.status())) {
        status = event.status();
        break;
      }
    }
  } else {
    status = replay_->Read(from, to, out);
  }
  if (out->size() > had && out->at(had)->sequence() == from) return absl::OkStatus();
  if (!status.ok()) return status;
  // `from` is missing: retention removed it (the stream denies deleting
  // single messages). What follows it is returned only once the caller has
  // heard OUT_OF_RANGE, as with the other stores.
  PollStream(options_.api_timeout).IgnoreError();  // learn the oldest retained sequence
  if (from < FirstSequence()) {
    out->resize(had);
    return OutOfRange(from - 1);
  }
  if (out->size() > had) {
    LogWarning("stream %s has no message %d although it retains older ones; skipping it",
               options_.stream, from);
  }
  return absl::OkStatus();
}

uint64_t JetStreamEventLog::FirstSequence() const {
  MutexLock lock(&mu_);
  return first_;
}

uint64_t JetStreamEventLog::LastSequence() const {
  MutexLock lock(&mu_);
  return stream_last_;
}

uint64_t JetStreamEventLog::WaitForNewer(uint64_t after, absl::Duration timeout) {
  MutexLock lock(&mu_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stream_last_ > after; };
  mu_.AwaitWithTimeout(Condition(&newer), timeout);
  return stream_last_;
}

absl::StatusOr<uint64_t> JetStreamEventLog::FirstSequenceReceivedSince(absl::Time time) {
  uint64_t first, end;
  {
    MutexLock lock(&mu_);
    first = first_;
    end = stream_last_ + 1;
  }
  // Exact for one instance, approximate across instances (class comment).
  return switchboard::FirstSequenceReceivedSince(
      first, end, time, [this](uint64_t sequence) { return ReadOne(sequence); });
}

}  // namespace switchboard
