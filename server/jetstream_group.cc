#include "server/jetstream_group.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/named_thread.h"
#include "common/time_util.h"
#include "store/jetstream_replay_reader.h"

namespace switchboard::server {
namespace {

// Messages per fetch at most (the members' room permitting; 1024 drained a
// backlog a fifth faster than 256), and how long a fetch waits for the first.
constexpr int kFetchBatch = 1024;
constexpr absl::Duration kFetchWait = absl::Milliseconds(500);
// Events handed to one member per turn of the round robin.
constexpr size_t kTurn = 64;
// Pause after a failed fetch or bind.
constexpr absl::Duration kRetryPause = absl::Milliseconds(200);
// Acks on their way to JetStream, at most, before fetching waits for them:
// an acked event frees its member's room at once, so that the next fetch
// does not wait for JetStream's confirmation of the last batch.
constexpr uint32_t kMaxAcking = 10000;

}  // namespace

JetStreamGroup::JetStreamGroup(GroupSettings settings, EventFilter filter,
                               std::string filter_subject, EventLog* log,
                               JetStreamGroupStore* store)
    : settings_(std::move(settings)),
      filter_(std::move(filter)),
      filter_subject_(std::move(filter_subject)),
      log_(log),
      store_(store) {}

JetStreamGroup::~JetStreamGroup() {
  Shutdown(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
  if (fetcher_.joinable()) fetcher_.join();
  if (taker_.joinable()) taker_.join();
  if (operator_.joinable()) operator_.join();
  MutexLock lock(&mu_);
  ForgetHeldLocked();
  DropFetchedLocked(/*nak=*/false);  // a deletion stopped the group without Shutdown()'s drop
  UnbindLocked();
  for (Parking& p : parking_) natsMsg_Destroy(p.msg);  // redelivered, then parked by another fetch
}

void JetStreamGroup::Shutdown(const grpc::Status& status) {
  MutexLock lock(&mu_);
  if (stopping_) return;
  stopping_ = true;
  for (auto& [id, member] : members_) member.sink->End(status);
  members_.clear();
  // Back to the group at once (other instances' members take them).
  for (auto& [sequence, held] : held_) natsMsg_Nak(held.msg, nullptr);
  ForgetHeldLocked();
  DropFetchedLocked(/*nak=*/true);
}

bool JetStreamGroup::deleted() const {
  MutexLock lock(&mu_);
  return deleted_;
}

v1::GroupInfo JetStreamGroup::Config() const { return ConfigFromSettings(settings_); }

std::string JetStreamGroup::MemberName(uint64_t member) const {
  return absl::StrCat(settings_.name, "/", member);
}

size_t JetStreamGroup::MemberCount() const {
  MutexLock lock(&mu_);
  return members_.size();
}

uint64_t JetStreamGroup::Join(GroupMemberSink* sink, uint32_t max_unacked, std::string peer) {
  MutexLock lock(&mu_);
  const uint64_t id = next_member_id_++;
  if (stopping_) {
    sink->End(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                           deleted_ ? "the consumer group was deleted" : "server shutting down"));
    return id;
  }
  members_[id] = Member{sink, std::move(peer), max_unacked, 0, absl::Now()};
  StartThreadsLocked();
  return id;
}

void JetStreamGroup::StartThreadsLocked() {
  if (threads_started_) return;
  threads_started_ = true;
  fetcher_ = NamedThread("sb-group-fetch", [this] { FetchLoop(); });
  taker_ = NamedThread("sb-group-take", [this] { TakeLoop(); });
  operator_ = NamedThread("sb-group-ops", [this] { OpsLoop(); });
}

void JetStreamGroup::Leave(uint64_t member) {
  MutexLock lock(&mu_);
  if (members_.erase(member) == 0) return;
  // Its events go back to the group now rather than at their deadline.
  std::vector<uint64_t> sequences;
  for (const auto& [sequence, held] : held_) {
    if (held.member == member) sequences.push_back(sequence);
  }
  for (uint64_t sequence : sequences) {
    Held held;
    ReleaseLocked(sequence, 0, &held);
    GiveBackLocked(std::move(held), &parking_);
  }
  for (Op& op : ops_) {
    if (op.member == member) op.sequences.clear();  // nobody to answer
  }
}

uint32_t JetStreamGroup::RoomLocked() const {
  uint32_t room = 0;
  for (const auto& [id, member] : members_) {
    if (member.held < member.max_unacked) room += member.max_unacked - member.held;
  }
  return room;
}

// ---------------------------------------------------------------------------
// Fetching and handing out
// ---------------------------------------------------------------------------

bool JetStreamGroup::BindLocked() {
  if (rebind_) {
    UnbindLocked();
    rebind_ = false;
  }
  if (events_ != nullptr && requeued_ != nullptr) return true;
  UnbindLocked();
  absl::StatusOr<natsSubscription*> events = store_->Bind(settings_.name, /*requeue=*/false);
  absl::StatusOr<natsSubscription*> requeued =
      events.ok() ? store_->Bind(settings_.name, /*requeue=*/true) : events.status();
  if (events.ok() && requeued.ok()) {
    events_ = *events;
    requeued_ = *requeued;
    return true;
  }
  if (events.ok()) {
    natsSubscription_Unsubscribe(*events);
    natsSubscription_Destroy(*events);
  }
  absl::Status status = requeued.status();
  absl::StatusOr<std::optional<v1::GroupInfo>> config = store_->Config(settings_.name);
  if (config.ok() && !config->has_value()) {
    MarkDeletedLocked();
  } else {
    LogWarning("consumer group %s: %s; retrying", settings_.name, status.message());
  }
  return false;
}

void JetStreamGroup::UnbindLocked() {
  // Bound to a durable consumer the library did not create: unsubscribing
  // leaves the consumer in place.
  for (natsSubscription** sub : {&events_, &requeued_}) {
    if (*sub == nullptr) continue;
    natsSubscription_Unsubscribe(*sub);
    natsSubscription_Destroy(*sub);
    *sub = nullptr;
  }
}

void JetStreamGroup::MarkDeletedLocked() {
  if (deleted_) return;
  deleted_ = true;
  LogInfo("consumer group %s was deleted (on another instance); ending its members here",
          settings_.name);
  stopping_ = true;
  for (auto& [id, member] : members_) {
    member.sink->End(grpc::Status(grpc::StatusCode::ABORTED,
                                  absl::StrCat("consumer group \"", settings_.name, "\" was deleted")));
  }
  members_.clear();
}

void JetStreamGroup::FetchLoop() {
  for (;;) {
    natsSubscription* events;
    natsSubscription* requeued;
    int batch;
    {
      MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || (RoomLocked() > fetched_count_ && acking_ < kMaxAcking);
      };
      mu_.Await(Condition(&ready));
      if (stopping_) return;
      auto stopped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (!BindLocked()) {
        mu_.AwaitWithTimeout(Condition(&stopped), kRetryPause);
        continue;
      }
      events = events_;
      requeued = requeued_;
      batch = static_cast<int>(std::min<uint32_t>(RoomLocked() - fetched_count_, kFetchBatch));
    }
    // Re-queued dead letters first, without waiting; then events, waiting
    // a little for the first one.
    jsFetchRequest request;
    jsFetchRequest_Init(&request);
    request.Batch = batch;
    request.NoWait = true;
    natsMsgList list{};
    if (natsSubscription_FetchRequest(&list, requeued, &request) == NATS_OK && list.Count > 0) {
      std::vector<natsMsg*> messages(list.Msgs, list.Msgs + list.Count);
      for (int i = 0; i < list.Count; ++i) list.Msgs[i] = nullptr;  // ours now
      natsMsgList_Destroy(&list);
      batch -= static_cast<int>(messages.size());
      Queue(std::move(messages), /*requeued=*/true);
      if (batch <= 0) continue;
    }
    natsMsgList fetched{};
    natsStatus s =
        natsSubscription_Fetch(&fetched, events, batch, absl::ToInt64Milliseconds(kFetchWait), nullptr);
    if (s == NATS_OK) {
      std::vector<natsMsg*> messages(fetched.Msgs, fetched.Msgs + fetched.Count);
      for (int i = 0; i < fetched.Count; ++i) fetched.Msgs[i] = nullptr;
      natsMsgList_Destroy(&fetched);
      Queue(std::move(messages), /*requeued=*/false);
    } else if (s != NATS_TIMEOUT) {
      // The consumer went away (deleted, re-created by a seek, a node lost):
      // bind again, or learn the group is gone.
      MutexLock lock(&mu_);
      rebind_ = true;
      auto stopped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(Condition(&stopped), kRetryPause);
    }
  }
}

void JetStreamGroup::Queue(std::vector<natsMsg*> messages, bool requeued) {
  MutexLock lock(&mu_);
  fetched_count_ += static_cast<uint32_t>(messages.size());
  fetched_.push_back({std::move(messages), requeued});
  if (stopping_) DropFetchedLocked(/*nak=*/true);  // nobody takes them now
}

void JetStreamGroup::TakeLoop() {
  for (;;) {
    Fetched batch;
    {
      MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !fetched_.empty();
      };
      mu_.Await(Condition(&ready));
      if (stopping_) return;
      batch = std::move(fetched_.front());
      fetched_.pop_front();
    }
    Take(std::move(batch.messages), batch.requeued);
  }
}

void JetStreamGroup::Take(std::vector<natsMsg*> messages, bool requeued) {
  const uint32_t count = static_cast<uint32_t>(messages.size());
  std::vector<Held> ready;
  std::vector<Parking> parking;
  const absl::Time now = absl::Now();
  for (natsMsg* msg : messages) {
    uint64_t sequence = 0, delivered = 0;
    if (!ParseJetStreamReply(natsMsg_GetReply(msg), &sequence, &delivered)) {
      natsMsg_Destroy(msg);  // a status message, not an event
      continue;
    }
    const uint32_t attempts = static_cast<uint32_t>(delivered);
    EventPtr event;
    if (requeued) {
      // A re-queued dead letter names its event, read back from the log.
      std::vector<EventPtr> read;
      if (!absl::SimpleAtoi(absl::string_view(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)),
                            &sequence) ||
          !log_->Read(sequence - 1, 1, &read).ok() || read.empty() ||
          read[0]->sequence() != sequence) {
        LogWarning("consumer group %s: re-queued event %d is no longer in the log; dropped",
                   settings_.name, sequence);
        natsMsg_Term(msg, nullptr);
        natsMsg_Destroy(msg);
        continue;
      }
      event = std::move(read[0]);
    } else {
      event = DecodeStreamEvent(natsMsg_GetData(msg), natsMsg_GetDataLength(msg), sequence,
                                "group " + settings_.name);
      if (!filter_.Matches(event->type())) {
        natsMsg_Ack(msg, nullptr);  // not the group's: done
        natsMsg_Destroy(msg);
        continue;
      }
    }
    if (attempts > settings_.max_delivery_attempts) {
      // Delivered max_delivery_attempts times and never acked.
      parking.push_back({msg, sequence, event->type(), attempts - 1});
      continue;
    }
    Held held;
    held.msg = msg;
    held.event = std::move(event);
    held.attempts = attempts;
    held.requeued = requeued;
    held.deadline = now + settings_.ack_deadline;
    held.progressed = now;
    ready.push_back(std::move(held));
  }
  Park(std::move(parking));
  MutexLock lock(&mu_);
  fetched_count_ -= count;
  HandOutLocked(std::move(ready));
}

void JetStreamGroup::HandOutLocked(std::vector<Held> ready) {
  size_t next = 0;
  while (next < ready.size()) {
    // One turn of the round robin, starting after the member served last.
    bool progress = false;
    auto it = members_.upper_bound(round_robin_);
    for (size_t visited = 0; visited < members_.size() && next < ready.size(); ++visited, ++it) {
      if (it == members_.end()) it = members_.begin();
      Member& member = it->second;
      std::vector<GroupDeliveryItem> items;
      while (next < ready.size() && member.held < member.max_unacked && items.size() < kTurn) {
        Held& held = ready[next++];
        const uint64_t sequence = held.event->sequence();
        if (auto old = held_.find(sequence); old != held_.end()) {
          // JetStream redelivered it before this instance saw its deadline pass.
          UnholdLocked(old->second);
          natsMsg_Destroy(old->second.msg);
          held_.erase(old);
        }
        if (held.attempts > 1) ++redeliveries_;
        expired_.erase(sequence);
        held.member = it->first;
        ++member.held;
        items.push_back({held.event, held.attempts, held.deadline});
        held_.emplace(sequence, std::move(held));
      }
      if (!items.empty()) {
        round_robin_ = it->first;
        member.sink->Deliver(std::move(items));
        progress = true;
      }
    }
    if (!progress) break;
  }
  // Fetched for members that left meanwhile: back to the group.
  for (; next < ready.size(); ++next) {
    natsMsg_Nak(ready[next].msg, nullptr);
    natsMsg_Destroy(ready[next].msg);
  }
}

void JetStreamGroup::Park(std::vector<Parking> parking) {
  for (Parking& p : parking) {
    v1::DeadLetter dead;
    dead.set_sequence(p.sequence);
    dead.set_type(p.type);
    dead.set_delivery_attempts(p.attempts);
    ToTimestamp(absl::Now(), dead.mutable_parked_at());
    absl::Status stored = store_->PutDeadLetter(settings_.name, dead);
    if (stored.ok()) {
      // Parked: JetStream never delivers it to the group again. Confirmed,
      // so the group's state shows it done once this returns.
      stored = store_->AckAll({p.msg}, "+TERM")[0];
    }
    if (stored.ok()) {
      LogWarning("consumer group %s: event %d parked as a dead letter after %d deliveries",
                 settings_.name, p.sequence, p.attempts);
    } else {
      // Left unacked: redelivered after the deadline, and parked then.
      LogWarning("consumer group %s: cannot park event %d (%s); parked at its next delivery",
                 settings_.name, p.sequence, stored.message());
    }
    natsMsg_Destroy(p.msg);
  }
}

}  // namespace switchboard::server
