#include "server/consumer_group.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/time_util.h"

namespace switchboard::server {
namespace {

// Events read from the log at a time, and how many examined-but-undelivered
// events the group keeps ahead of its members.
constexpr size_t kReadBatch = 256;
constexpr size_t kFreshTarget = 1024;
// Events handed to one member per turn of the round robin.
constexpr uint32_t kTurn = 64;

}  // namespace

ConsumerGroup::ConsumerGroup(GroupSettings settings, EventFilter filter, EventLog* log,
                             FanoutDispatcher* dispatcher, GroupStore* store)
    : settings_(std::move(settings)),
      filter_(std::move(filter)),
      log_(log),
      dispatcher_(dispatcher),
      store_(store) {}

ConsumerGroup::~ConsumerGroup() = default;

void ConsumerGroup::Create(uint64_t after) {
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    cursor_ = floor_ = delivered_through_ = after;
    dirty_ = true;  // the first write carries the settings too
    write = NextWriteLocked();
  }
  Issue(std::move(write));
}

v1::GroupInfo ConsumerGroup::Config() const { return ConfigFromSettings(settings_); }

void ConsumerGroup::Restore(const StoredGroup& stored) {
  MutexLock lock(&mu_);
  config_stored_ = true;
  const GroupPosition& position = stored.position;
  floor_ = position.floor;
  delivered_through_ = std::max(position.delivered_through, position.floor);
  cursor_ = delivered_through_;
  for (const auto& [first, last] : position.done) done_.InsertRange(first, last);
  absl::btree_map<uint64_t, uint32_t> attempts(position.attempts.begin(), position.attempts.end());
  for (const v1::DeadLetter& dead : stored.dead_letters) {
    dead_[dead.sequence()] = {dead.type(), dead.delivery_attempts(), FromTimestamp(dead.parked_at())};
  }
  // Re-queued dead letters first, then every event delivered and not done.
  for (uint64_t sequence : position.requeued) {
    Unacked& entry = unacked_[sequence];
    const auto it = attempts.find(sequence);
    entry.attempts = it == attempts.end() ? 0 : it->second;
    requeued_.insert(sequence);
    redeliver_.push_back(sequence);
  }
  uint64_t next = floor_ + 1;
  auto add_gap = [&](uint64_t first, uint64_t last) {
    for (uint64_t sequence = first; sequence <= last; ++sequence) {
      if (dead_.contains(sequence) || unacked_.contains(sequence)) continue;
      Unacked& entry = unacked_[sequence];
      const auto it = attempts.find(sequence);
      entry.attempts = it == attempts.end() ? 1 : it->second;
      redeliver_.push_back(sequence);
    }
  };
  for (const auto& [first, last] : done_.Ranges()) {
    if (first > delivered_through_) break;
    if (first > next) add_gap(next, first - 1);
    next = last + 1;
  }
  if (next <= delivered_through_) add_gap(next, delivered_through_);
}

void ConsumerGroup::Start() {
  {
    MutexLock lock(&mu_);
    started_ = true;
  }
  dispatcher_->Register(this);
}

void ConsumerGroup::Shutdown(const grpc::Status& status) {
  bool registered;
  {
    MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    registered = started_;
    for (auto& [id, member] : members_) member.sink->End(status);
  }
  // Outside the lock: Unregister waits for a running OnAppended, which locks.
  if (registered) dispatcher_->Unregister(this);
}

uint64_t ConsumerGroup::Join(GroupMemberSink* sink, uint32_t max_unacked, std::string peer) {
  uint64_t id;
  {
    MutexLock lock(&mu_);
    id = next_member_id_++;
    members_[id] = Member{sink, MemberName(id), std::move(peer), max_unacked, 0, absl::Now()};
  }
  Pump();
  return id;
}

void ConsumerGroup::Leave(uint64_t member) {
  {
    MutexLock lock(&mu_);
    if (members_.erase(member) == 0) return;
    for (auto& [sequence, entry] : unacked_) {
      if (entry.holder != member) continue;
      deadlines_.erase({entry.deadline, sequence});
      entry.holder = 0;
      ReturnLocked(sequence, entry);
    }
    waiting_.erase(std::remove_if(waiting_.begin(), waiting_.end(),
                                  [member](const WaitingResult& w) { return w.member == member; }),
                   waiting_.end());
  }
  Issue([&] {
    MutexLock lock(&mu_);
    return NextWriteLocked();
  }());
  Pump();
}

std::string ConsumerGroup::RefusalLocked(uint64_t member, uint64_t sequence) const {
  const auto it = unacked_.find(sequence);
  if (it != unacked_.end()) {
    const Unacked& entry = it->second;
    if (entry.holder == member || (entry.holder == 0 && entry.last_holder == member)) return "";
    if (entry.last_holder == member) {
      return "its ack deadline passed and it was delivered to another member";
    }
    return "not delivered to this member";
  }
  if (sequence <= floor_ || done_.Contains(sequence)) {
    return dead_.contains(sequence) ? "parked as a dead letter" : "already acked, or not in the group's filter";
  }
  if (sequence > log_->LastSequence()) return "no such event";
  return "not delivered to this member";
}

void ConsumerGroup::Ack(uint64_t member, absl::Span<const uint64_t> sequences) {
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    v1::AckResult result;
    bool changed = false;
    for (uint64_t sequence : sequences) {
      if (std::string why = RefusalLocked(member, sequence); !why.empty()) {
        AddRejected(&result, sequence, std::move(why));
        continue;
      }
      ReleaseLocked(sequence, unacked_[sequence]);
      unacked_.erase(sequence);  // a stale redeliver_ entry is skipped later
      MarkDoneLocked(sequence);
      result.add_acked(sequence);
      changed = true;
    }
    dirty_ |= changed;
    AnswerLocked(member, std::move(result), changed);
    write = NextWriteLocked();
  }
  Issue(std::move(write));
  Pump();  // the member has room again
}

void ConsumerGroup::Nack(uint64_t member, absl::Span<const uint64_t> sequences) {
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    v1::AckResult result;
    bool changed = false;
    for (uint64_t sequence : sequences) {
      std::string why = RefusalLocked(member, sequence);
      if (why.empty() && unacked_[sequence].holder != member) why = "not held by this member now";
      if (!why.empty()) {
        AddRejected(&result, sequence, std::move(why));
        continue;
      }
      Unacked& entry = unacked_[sequence];
      ReleaseLocked(sequence, entry);
      ReturnLocked(sequence, entry);
      result.add_nacked(sequence);
      changed = true;
    }
    AnswerLocked(member, std::move(result), changed && dirty_);
    write = NextWriteLocked();
  }
  Issue(std::move(write));
  Pump();
}

void ConsumerGroup::Extend(uint64_t member, absl::Span<const uint64_t> sequences,
                           absl::Duration extension) {
  MutexLock lock(&mu_);
  v1::AckResult result;
  const absl::Time deadline = absl::Now() + extension;
  for (uint64_t sequence : sequences) {
    std::string why = RefusalLocked(member, sequence);
    if (why.empty() && unacked_[sequence].holder != member) why = "not held by this member now";
    if (!why.empty()) {
      AddRejected(&result, sequence, std::move(why));
      continue;
    }
    Unacked& entry = unacked_[sequence];
    deadlines_.erase({entry.deadline, sequence});
    entry.deadline = deadline;
    deadlines_.insert({deadline, sequence});
    result.add_extended(sequence);
  }
  AnswerLocked(member, std::move(result), /*needs_write=*/false);
}

void ConsumerGroup::Expire(absl::Time now) {
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      const uint64_t sequence = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      Unacked& entry = unacked_[sequence];
      if (auto it = members_.find(entry.holder); it != members_.end()) --it->second.held;
      entry.holder = 0;
      ReturnLocked(sequence, entry);
    }
    write = NextWriteLocked();
  }
  Issue(std::move(write));
  Pump();
}

void ConsumerGroup::ReleaseLocked(uint64_t sequence, Unacked& entry) {
  if (entry.holder == 0) return;
  deadlines_.erase({entry.deadline, sequence});
  if (auto it = members_.find(entry.holder); it != members_.end()) --it->second.held;
  entry.holder = 0;
}

void ConsumerGroup::ReturnLocked(uint64_t sequence, Unacked& entry) {
  if (entry.attempts >= settings_.max_delivery_attempts && entry.event != nullptr) {
    ParkLocked(sequence, entry.attempts, entry.event->type());
    unacked_.erase(sequence);
    return;
  }
  redeliver_.push_back(sequence);
}

void ConsumerGroup::MarkDoneLocked(uint64_t first, uint64_t last) {
  requeued_.erase(requeued_.lower_bound(first), requeued_.upper_bound(last));
  if (last > floor_) {
    done_.InsertRange(std::max(first, floor_ + 1), last);
    if (std::optional<uint64_t> run = done_.RunFrom(floor_ + 1)) {
      floor_ = *run;
      done_.EraseThrough(floor_);
    }
  }
}

void ConsumerGroup::ParkLocked(uint64_t sequence, uint32_t attempts, std::string type) {
  const absl::Time now = absl::Now();
  v1::DeadLetter& record = dead_puts_.emplace_back();
  record.set_sequence(sequence);
  record.set_type(type);
  record.set_delivery_attempts(attempts);
  ToTimestamp(now, record.mutable_parked_at());
  dead_[sequence] = {std::move(type), attempts, now};
  MarkDoneLocked(sequence);
  dirty_ = true;
  LogWarning("consumer group %s: event %d parked as a dead letter after %d deliveries",
             settings_.name, sequence, attempts);
}

void ConsumerGroup::MergeLocked(const std::vector<EventPtr>& events) {
  for (const EventPtr& event : events) {
    const uint64_t sequence = event->sequence();
    if (sequence <= cursor_) continue;
    if (sequence > cursor_ + 1) {
      // Retention removed events the group had not read: they are gone.
      LogWarning("consumer group %s: events %d to %d left retention before the group read them",
                 settings_.name, cursor_ + 1, sequence - 1);
      MarkDoneLocked(cursor_ + 1, sequence - 1);
    }
    cursor_ = sequence;
    if (filter_.Matches(event->type())) {
      fresh_.push_back(event);
    } else {
      MarkDoneLocked(sequence);
    }
  }
}

void ConsumerGroup::DispatchLocked() {
  if (members_.empty()) return;
  const absl::Time now = absl::Now();
  const absl::Time deadline = now + settings_.ack_deadline;
  bool progress = true;
  while (progress) {
    progress = false;
    // One turn of the round robin, starting after the member served last.
    auto it = members_.upper_bound(round_robin_);
    for (size_t visited = 0; visited < members_.size(); ++visited, ++it) {
      if (it == members_.end()) it = members_.begin();
      Member& member = it->second;
      std::vector<GroupDeliveryItem> items;
      while (member.held < member.max_unacked && items.size() < kTurn) {
        uint64_t sequence = 0;
        Unacked* entry = nullptr;
        // Redeliveries first; skip entries acked since, and stop at one that
        // still has to be read back from the log.
        while (!redeliver_.empty()) {
          auto found = unacked_.find(redeliver_.front());
          if (found == unacked_.end() || found->second.holder != 0) {
            redeliver_.pop_front();
            continue;
          }
          if (found->second.event != nullptr) {
            sequence = found->first;
            entry = &found->second;
            redeliver_.pop_front();
          }
          break;
        }
        // Then fresh events, also while a redelivery waits to be read back.
        if (entry == nullptr && !fresh_.empty()) {
          EventPtr event = std::move(fresh_.front());
          fresh_.pop_front();
          sequence = event->sequence();
          delivered_through_ = std::max(delivered_through_, sequence);
          entry = &unacked_[sequence];
          entry->event = std::move(event);
        }
        if (entry == nullptr) break;
        if (++entry->attempts > 1) ++redeliveries_;
        // Stored with the next write (delivered_through_, attempts >= 2), so
        // a restart counts this delivery in the next one's attempt number.
        dirty_ = true;
        entry->holder = entry->last_holder = it->first;
        entry->deadline = deadline;
        deadlines_.insert({deadline, sequence});
        ++member.held;
        items.push_back({entry->event, entry->attempts, deadline});
      }
      if (!items.empty()) {
        round_robin_ = it->first;
        member.sink->Deliver(std::move(items));
        progress = true;
      }
    }
  }
}

void ConsumerGroup::Pump() {
  for (;;) {
    std::vector<uint64_t> to_load;
    uint64_t read_after = 0;
    std::optional<GroupWrite> dispatched;
    bool read = false;
    {
      MutexLock lock(&mu_);
      if (shut_down_ || !started_) return;
      DispatchLocked();
      dispatched = NextWriteLocked();
      if (!reading_ && !members_.empty()) {
        // Entries waiting for redelivery whose event must be read back first.
        for (uint64_t sequence : redeliver_) {
          auto found = unacked_.find(sequence);
          if (found == unacked_.end() || found->second.holder != 0 ||
              found->second.event != nullptr) {
            continue;
          }
          to_load.push_back(sequence);
          if (to_load.size() >= kReadBatch) break;
        }
        bool room = false;
        for (const auto& [id, member] : members_) room |= member.held < member.max_unacked;
        read = !to_load.empty() ||
               (room && fresh_.size() < kFreshTarget && log_->LastSequence() > cursor_);
        read_after = cursor_;
        reading_ = read;
      }
    }
    Issue(std::move(dispatched));
    if (!read) return;

    // Off the lock: live batches, acks and other members are never blocked
    // by a (possibly slow) read.
    std::vector<EventPtr> loaded;
    absl::Status status;
    if (!to_load.empty()) {
      for (uint64_t sequence : to_load) {
        std::vector<EventPtr> one;
        absl::Status read = log_->Read(sequence - 1, 1, &one);
        if (read.ok() && !one.empty() && one[0]->sequence() == sequence) {
          loaded.push_back(std::move(one[0]));
        } else if (!read.ok() && !absl::IsOutOfRange(read)) {
          status = read;
          break;
        }
      }
    } else {
      status = log_->Read(read_after, kReadBatch, &loaded);
      if (absl::IsOutOfRange(status)) {
        // The group fell behind retention: go on from the oldest event.
        status = log_->Read(log_->FirstSequence() - 1, kReadBatch, &loaded);
      }
    }

    std::optional<GroupWrite> write;
    {
      MutexLock lock(&mu_);
      reading_ = false;
      if (!status.ok()) {
        LogWarning("consumer group %s: cannot read the event log (%s); retrying",
                   settings_.name, status.message());
        return;  // the timer's Expire() pumps again
      }
      if (!to_load.empty()) {
        size_t next = 0;
        for (uint64_t sequence : to_load) {
          auto found = unacked_.find(sequence);
          if (next < loaded.size() && loaded[next]->sequence() == sequence) {
            if (found != unacked_.end()) found->second.event = std::move(loaded[next]);
            ++next;
          } else if (found != unacked_.end() && found->second.event == nullptr) {
            LogWarning("consumer group %s: event %d left retention before it was acked",
                       settings_.name, sequence);
            unacked_.erase(found);
            MarkDoneLocked(sequence);
          }
        }
      } else {
        MergeLocked(loaded);
      }
      write = NextWriteLocked();
    }
    Issue(std::move(write));
  }
}

void ConsumerGroup::OnAppended(const std::vector<EventPtr>& batch) {
  bool pump = false;
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    if (shut_down_ || members_.empty()) return;
    // Take live events only when they continue the read position and the
    // group is not far ahead of its members; otherwise read them later.
    if (reading_ || batch.front()->sequence() > cursor_ + 1 || fresh_.size() >= kFreshTarget) {
      pump = !reading_;
    } else {
      MergeLocked(batch);
      DispatchLocked();
      write = NextWriteLocked();
    }
  }
  Issue(std::move(write));
  if (pump) Pump();
}

void ConsumerGroup::AnswerLocked(uint64_t member, v1::AckResult result, bool needs_write) {
  // A result that depends on this call's changes waits for the next write;
  // any other waits only behind results queued before it (call order).
  const uint64_t generation = needs_write ? generation_ + 1 : generation_;
  if (waiting_.empty() && generation <= stored_) {
    if (auto it = members_.find(member); it != members_.end()) it->second.sink->OnResult(std::move(result));
    return;
  }
  waiting_.push_back({member, generation, std::move(result)});
}

void ConsumerGroup::SendStoredResultsLocked() {
  while (!waiting_.empty() && waiting_.front().generation <= stored_) {
    WaitingResult& w = waiting_.front();
    if (auto it = members_.find(w.member); it != members_.end()) {
      it->second.sink->OnResult(std::move(w.result));
    }
    waiting_.pop_front();
  }
}

GroupPosition ConsumerGroup::PositionLocked() const {
  GroupPosition position;
  position.floor = floor_;
  position.delivered_through = delivered_through_;
  position.done = done_.Ranges();
  for (const auto& [sequence, entry] : unacked_) {
    const bool requeued = requeued_.contains(sequence);
    if (entry.attempts >= 2 || (requeued && entry.attempts >= 1)) {
      position.attempts.emplace_back(sequence, entry.attempts);
    }
  }
  position.requeued.assign(requeued_.begin(), requeued_.end());
  return position;
}

std::optional<GroupWrite> ConsumerGroup::NextWriteLocked() {
  if (!dirty_ || write_in_flight_ || shut_down_) return std::nullopt;
  GroupWrite write;
  write.group = settings_.name;
  if (!config_stored_) write.config = Config();
  write.position = PositionLocked();
  write.put_dead_letters.swap(dead_puts_);
  write.delete_dead_letters.swap(dead_deletes_);
  dirty_ = false;
  write_in_flight_ = true;
  ++generation_;
  return write;
}

void ConsumerGroup::Issue(std::optional<GroupWrite> write) {
  if (!write.has_value()) return;
  uint64_t generation;
  {
    MutexLock lock(&mu_);
    generation = generation_;
  }
  GroupWrite copy = *write;  // kept to retry the dead-letter changes if the write fails
  store_->Write(std::move(*write), [self = shared_from_this(), generation,
                                    copy = std::move(copy)](absl::Status status) mutable {
    self->OnWriteDone(generation, std::move(copy), std::move(status));
  });
}

void ConsumerGroup::OnWriteDone(uint64_t generation, GroupWrite write, absl::Status status) {
  std::optional<GroupWrite> next;
  {
    MutexLock lock(&mu_);
    write_in_flight_ = false;
    if (status.ok()) {
      stored_ = generation;
      if (write.config.has_value()) config_stored_ = true;
      SendStoredResultsLocked();
    } else {
      // Retried by the next change or the timer; nothing is lost meanwhile
      // except the acks' confirmation, which waits.
      LogWarning("consumer group %s: state not stored (%s); retrying", settings_.name,
                 status.message());
      dead_puts_.insert(dead_puts_.begin(), write.put_dead_letters.begin(),
                        write.put_dead_letters.end());
      dead_deletes_.insert(dead_deletes_.begin(), write.delete_dead_letters.begin(),
                           write.delete_dead_letters.end());
      // Results of the failed write wait for the next one.
      for (WaitingResult& w : waiting_) w.generation = std::max(w.generation, generation + 1);
      dirty_ = true;
      return;  // Expire() retries
    }
    next = NextWriteLocked();
  }
  Issue(std::move(next));
}

}  // namespace switchboard::server
