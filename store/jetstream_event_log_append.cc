#include "store/jetstream_event_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"
#include "store/nats_util.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace switchboard {
namespace {

// After a leader election, how long a publish that gets no answer still
// counts as lost in it (and is published again, once).
constexpr absl::Duration kLeaderSettling = absl::Seconds(1);

// A token of a NATS subject: letters, digits, '-' and '_' (the event type
// grammar allows exactly these between dots); anything else becomes '_'.
std::string SubjectFor(const std::string& prefix, const std::string& type) {
  std::string subject = prefix;
  for (absl::string_view token : absl::StrSplit(type, '.')) {
    subject.push_back('.');
    if (token.empty()) subject.push_back('_');
    for (char c : token) {
      subject.push_back(absl::ascii_isalnum(c) || c == '-' || c == '_' ? c : '_');
    }
  }
  return subject;
}

// Event ids are at most 256 bytes without control characters, but may hold
// spaces or UTF-8, which a NATS header value must not start or end with.
// Percent-encodes every byte outside '!'..'~' and '%' itself: injective, so
// distinct ids stay distinct, and the same on every instance.
std::string HeaderSafeId(const std::string& id) {
  std::string out;
  out.reserve(id.size());
  for (unsigned char c : id) {
    if (c > ' ' && c < 0x7f && c != '%') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Appends
// ---------------------------------------------------------------------------

void JetStreamEventLog::Append(v1::Event event, AppendCallback done) {
  if (absl::Status writable = Writable(); !writable.ok()) return std::move(done)(writable);
  absl::Status failed;
  {
    MutexLock publish_lock(&publish_mu_);
    if (stopping_) {
      failed = absl::UnavailableError("the event store is shutting down; retry");
    } else {
      MutexLock pending_lock(&pending_mu_);
      if (pending_.size() + waiting_for_leader_.size() >= options_.max_pending) {
        failed = absl::UnavailableError(
            "the event store is saturated (too many webhooks waiting for JetStream); retry");
      }
    }
    if (failed.ok()) {
      // received_at: never before an event this instance published or saw.
      google::protobuf::Timestamp floor = published_floor_;
      {
        MutexLock lock(&mu_);
        ClampReceivedAt(seen_floor_, &floor);
      }
      ClampReceivedAt(floor, event.mutable_received_at());
      published_floor_ = event.received_at();
      event.clear_sequence();  // the stream sequence is the sequence
      Pending pending{std::make_unique<v1::Event>(std::move(event)), std::move(done), absl::Now()};
      failed = PublishLocked(pending);
      if (!failed.ok()) done = std::move(pending.done);
    }
  }
  if (!failed.ok()) std::move(done)(failed);
}

absl::Status JetStreamEventLog::PublishLocked(Pending& pending) {
  const v1::Event& event = *pending.event;
  const std::string subject = SubjectFor(options_.subject_prefix, event.type());
  const std::string msg_id = HeaderSafeId(event.id());
  const std::string data = event.SerializeAsString();
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  if (s != NATS_OK) return absl::UnavailableError(absl::StrCat("event not stored: ", NatsErrorText(s)));
  jsPubOptions publish;
  jsPubOptions_Init(&publish);
  if (!msg_id.empty()) publish.MsgId = msg_id.c_str();
  publish.ExpectStream = options_.stream.c_str();
  publish.MaxWait = NatsMillis(options_.ack_timeout);
  {
    MutexLock pending_lock(&pending_mu_);
    pending_.emplace(msg, std::move(pending));
  }
  // The acknowledgement may arrive (on a library thread) before this
  // returns: the pending entry is in place first.
  natsMsg* publishing = msg;
  s = js_PublishMsgAsync(js_, &publishing, &publish);
  if (s == NATS_OK) return absl::OkStatus();
  // Not taken by the library: no acknowledgement will come.
  {
    MutexLock pending_lock(&pending_mu_);
    pending = std::move(pending_.extract(msg).mapped());
  }
  natsMsg_Destroy(msg);
  return absl::UnavailableError(
      absl::StrCat("event not stored: publishing to NATS failed: ", NatsErrorText(s), "; retry"));
}

void JetStreamEventLog::Republish(Pending pending) {
  pending.retried = true;
  absl::Status failed;
  {
    MutexLock publish_lock(&publish_mu_);
    failed = stopping_ ? absl::UnavailableError("the event store is shutting down; retry")
                       : PublishLocked(pending);
  }
  if (!failed.ok()) std::move(pending.done)(failed);
}

void JetStreamEventLog::OnPublishAck(jsCtx* /*js*/, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error,
                                     void* closure) {
  static_cast<JetStreamEventLog*>(closure)->HandleAck(msg, ack, error);
}

void JetStreamEventLog::HandleAck(natsMsg* msg, const jsPubAck* ack, const jsPubAckErr* error) {
  Pending pending;
  {
    MutexLock lock(&pending_mu_);
    auto it = pending_.find(msg);
    if (it == pending_.end()) {  // already failed (shutting down)
      natsMsg_Destroy(msg);
      return;
    }
    pending = std::move(it->second);
    pending_.erase(it);
  }
  natsMsg_Destroy(msg);
  if (ack != nullptr) {
    if (ack->Duplicate) {
      MutexLock lock(&mu_);
      stream_last_ = std::max(stream_last_, ack->Sequence);
    } else {
      pending.event->set_sequence(ack->Sequence);
      Stored(MakeStoredEvent(std::move(*pending.event)), /*from_tail=*/false);
    }
    return std::move(pending.done)(AppendResult{ack->Sequence, ack->Duplicate});
  }
  absl::Status status;
  const natsStatus err = error != nullptr ? error->Err : NATS_ERR;
  if ((err == NATS_TIMEOUT || err == NATS_NO_RESPONDERS) && !pending.retried) {
    absl::Time elected;
    {
      MutexLock lock(&mu_);
      elected = leader_elected_at_;
    }
    // Lost in a leader election that is over by now, or sent just as it
    // ended, while the new leader settled (seen under load: the first
    // publish after the advisory unanswered): publish it again rather than
    // answer 503 (a duplicate of a stored one is recognised).
    if (elected + kLeaderSettling > pending.published_at) return Republish(std::move(pending));
    if (err == NATS_NO_RESPONDERS) {
      // No leader yet: wait for one (LeaderElected publishes it again).
      {
        MutexLock pending_lock(&pending_mu_);
        waiting_for_leader_.push_back(std::move(pending));
      }
      MarkUnhealthy(absl::UnavailableError(absl::StrCat(
          "no JetStream stream answered on its subject (stream ", options_.stream,
          " has no leader: an election is under way, or the stream was deleted)")));
      return;
    }
  }
  if (err == NATS_TIMEOUT) {
    status = absl::UnavailableError(
        absl::StrCat("event not stored: JetStream did not acknowledge it within ",
                     absl::FormatDuration(options_.ack_timeout),
                     " (is a majority of the NATS cluster up?); "
                     "retry"));
    MarkUnhealthy(status);
  } else if (err == NATS_NO_RESPONDERS) {
    status = absl::UnavailableError(
        absl::StrCat("event not stored: no JetStream stream answered on its subject (stream ",
                     options_.stream, " deleted, or no leader); retry"));
    MarkUnhealthy(status);
  } else {
    status = absl::UnavailableError(absl::StrCat(
        "event not stored: JetStream refused it: ",
        error != nullptr && error->ErrText != nullptr ? error->ErrText : natsStatus_GetText(err),
        error != nullptr && error->ErrCode != 0
            ? absl::StrCat(" (JetStream error ", error->ErrCode, ")")
            : std::string(),
        "; retry"));
  }
  std::move(pending.done)(status);
}

void JetStreamEventLog::Stored(EventPtr event, bool from_tail) {
  MutexLock lock(&mu_);
  const uint64_t sequence = event->sequence();
  stream_last_ = std::max(stream_last_, sequence);
  if (sequence <= last_) return;  // already here (the tail, or our own acknowledgement)
  if (sequence != last_ + 1) {
    // Our own append ahead of the tail: the tail brings it, in order.
    if (!from_tail) return;
    // The tail skipped events (retention removed them before it read them):
    // the cache restarts here; older reads go to the stream.
    cache_.clear();
    cache_first_ = sequence;
  }
  ClampReceivedAt(event->event().received_at(), &seen_floor_);  // seen_floor_ = max(both)
  cache_.push_back(std::move(event));
  last_ = sequence;
  while (cache_.size() > options_.cache_events) {
    cache_.pop_front();
    ++cache_first_;
  }
}

}  // namespace switchboard
