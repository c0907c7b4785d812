#include "store/jetstream_event_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "store/nats_util.h"

namespace switchboard {

// ---------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::Writable() const {
  const natsConnStatus status = natsConnection_Status(nc_);
  if (status != NATS_CONN_STATUS_CONNECTED) {
    return absl::UnavailableError(absl::StrCat("not connected to NATS (",
                                               ConnectionStatusName(status), "; servers ", servers_,
                                               "); retry"));
  }
  MutexLock lock(&mu_);
  return health_;
}

void JetStreamEventLog::MarkUnhealthy(absl::Status status) {
  MutexLock lock(&mu_);
  if (!health_.ok()) return;
  LogError("%s; answering 503 until the stream answers again", status.message());
  health_ = std::move(status);
  poll_now_ = true;  // probe at once, then every 100 ms
}

void JetStreamEventLog::OnDisconnected(natsConnection* /*nc*/, void* closure) {
  auto* self = static_cast<JetStreamEventLog*>(closure);
  {
    MutexLock lock(&self->mu_);
    if (self->stop_health_) return;  // closing it ourselves
  }
  LogWarning("lost the connection to NATS (servers %s); webhooks get 503 until it is back; "
             "reconnecting",
             self->servers_);
}

void JetStreamEventLog::OnClosed(natsConnection* /*nc*/, void* closure) {
  static_cast<JetStreamEventLog*>(closure)->connection_closed_.Notify();
}

void JetStreamEventLog::OnReconnected(natsConnection* nc, void* closure) {
  auto* self = static_cast<JetStreamEventLog*>(closure);
  char url[256] = {0};
  natsConnection_GetConnectedUrl(nc, url, sizeof(url));
  LogInfo("reconnected to NATS at %s", url);
  MutexLock lock(&self->mu_);
  self->poll_now_ = true;
}

void JetStreamEventLog::OnLeaderElected(natsConnection* /*nc*/, natsSubscription* /*sub*/,
                                        natsMsg* msg, void* closure) {
  // {"type":"io.nats.jetstream.advisory.v1.stream_leader_elected",...,"leader":"n1",...}
  const absl::string_view body(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  std::string leader = "?";
  if (size_t at = body.find("\"leader\":\""); at != absl::string_view::npos) {
    at += 10;
    leader = std::string(body.substr(at, body.find('"', at) - at));
  }
  natsMsg_Destroy(msg);
  static_cast<JetStreamEventLog*>(closure)->LeaderElected(
      absl::StrCat("JetStream elected ", leader, " to lead it"));
}

void JetStreamEventLog::LeaderElected(absl::string_view how) {
  {
    MutexLock lock(&mu_);
    leader_elected_at_ = absl::Now();
    if (!health_.ok()) {
      LogInfo("stream %s has a leader again (%s); taking webhooks", options_.stream, how);
      health_ = absl::OkStatus();
    }
  }
  std::vector<Pending> waiting;
  {
    MutexLock pending_lock(&pending_mu_);
    waiting.swap(waiting_for_leader_);
  }
  for (Pending& pending : waiting) Republish(std::move(pending));
}

std::vector<EventLog::AppendCallback> JetStreamEventLog::ExpiredWaitingLocked(absl::Time now) {
  std::vector<AppendCallback> expired;
  std::vector<Pending> waiting;
  for (Pending& pending : waiting_for_leader_) {
    if (pending.published_at + options_.ack_timeout <= now) {
      expired.push_back(std::move(pending.done));
    } else {
      waiting.push_back(std::move(pending));
    }
  }
  waiting_for_leader_.swap(waiting);
  return expired;
}

void JetStreamEventLog::HealthLoop() {
  // While unhealthy the stream is probed often, each probe waiting briefly:
  // the first answer after an election ends the 503s.
  constexpr absl::Duration kProbeInterval = absl::Milliseconds(100);
  const absl::Duration probe_timeout = std::min(options_.api_timeout, absl::Milliseconds(500));
  for (;;) {
    bool healthy;
    {
      MutexLock lock(&mu_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_health_ || poll_now_; };
      mu_.AwaitWithTimeout(Condition(&wake),
                           health_.ok() ? options_.health_interval : kProbeInterval);
      if (stop_health_) return;
      poll_now_ = false;
      healthy = health_.ok();
    }
    std::vector<AppendCallback> expired;
    {
      MutexLock pending_lock(&pending_mu_);
      expired = ExpiredWaitingLocked(absl::Now());
    }
    for (AppendCallback& done : expired) {
      std::move(done)(absl::UnavailableError(absl::StrCat(
          "event not stored: stream ", options_.stream, " had no leader for ",
          absl::FormatDuration(options_.ack_timeout), " (is a majority of the NATS cluster up?); retry")));
    }
    replay_->CloseIdle(absl::Now());
    if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) continue;  // the callbacks log it
    const absl::Time asked = absl::Now();
    absl::Status polled = PollStream(healthy ? options_.api_timeout : probe_timeout);
    if (polled.ok() && !healthy) {
      LeaderElected("its state answers");
    } else if (!polled.ok()) {
      MutexLock lock(&mu_);
      // A request lost in an election that is over since says nothing now.
      if (health_.ok() && leader_elected_at_ < asked) {
        LogError("%s; answering 503 until it answers again", polled.message());
        health_ = polled;
      }
    }
    if (tail_ == nullptr || !natsSubscription_IsValid(tail_)) {
      StopTail();
      uint64_t from;
      {
        MutexLock lock(&mu_);
        from = last_ + 1;
      }
      if (absl::Status started = StartTail(from); started.ok()) {
        LogInfo("tailing stream %s again from sequence %d", options_.stream, from);
      } else {
        LogWarning("%s", started.message());
      }
    }
  }
}

}  // namespace switchboard
