// ConsumerGroup: what operators see and do (the admin service's side).

#include "server/consumer_group.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/time_util.h"

namespace switchboard::server {

v1::GroupInfo ConsumerGroup::Info(absl::Time now) const {
  v1::GroupInfo info = Config();
  const uint64_t last = log_->LastSequence();
  MutexLock lock(&mu_);
  for (const auto& [id, member] : members_) {
    v1::GroupMember* m = info.add_members();
    m->set_name(member.name);
    m->set_peer(member.peer);
    m->set_max_unacked(member.max_unacked);
    m->set_unacked(member.held);
    ToTimestamp(member.joined_at, m->mutable_joined_at());
  }
  info.set_acked_through(floor_);
  info.set_pending(unacked_.size());
  info.set_lag(unacked_.size() + fresh_.size() + (last > cursor_ ? last - cursor_ : 0));
  absl::Time oldest = absl::InfiniteFuture();
  for (const auto& [sequence, entry] : unacked_) {
    if (entry.event != nullptr) oldest = std::min(oldest, FromTimestamp(entry.event->event().received_at()));
  }
  if (oldest < now) ToDuration(now - oldest, info.mutable_oldest_unacked_age());
  info.set_dead_letters(dead_.size());
  info.set_redeliveries(redeliveries_);
  return info;
}

absl::Status ConsumerGroup::Seek(uint64_t after) {
  std::optional<GroupWrite> write;
  {
    MutexLock lock(&mu_);
    // Re-queued dead letters go back to being dead letters.
    for (uint64_t sequence : requeued_) {
      const auto it = unacked_.find(sequence);
      const uint32_t attempts = it == unacked_.end() ? 0 : it->second.attempts;
      const std::string type = it != unacked_.end() && it->second.event ? it->second.event->type() : "";
      v1::DeadLetter& record = dead_puts_.emplace_back();
      record.set_sequence(sequence);
      record.set_type(type);
      record.set_delivery_attempts(attempts);
      ToTimestamp(absl::Now(), record.mutable_parked_at());
      dead_[sequence] = {type, attempts, absl::Now()};
    }
    requeued_.clear();
    unacked_.clear();
    redeliver_.clear();
    deadlines_.clear();
    fresh_.clear();
    done_.Clear();
    for (auto& [id, member] : members_) member.held = 0;
    cursor_ = floor_ = delivered_through_ = after;
    dirty_ = true;
    write = NextWriteLocked();
  }
  Issue(std::move(write));
  Pump();
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::vector<v1::DeadLetter>, uint64_t>> ConsumerGroup::DeadLetters(
    uint64_t after, size_t limit) const {
  MutexLock lock(&mu_);
  std::vector<v1::DeadLetter> page;
  for (auto it = dead_.upper_bound(after); it != dead_.end() && page.size() < limit; ++it) {
    v1::DeadLetter& dead = page.emplace_back();
    dead.set_sequence(it->first);
    dead.set_type(it->second.type);
    dead.set_delivery_attempts(it->second.attempts);
    ToTimestamp(it->second.parked_at, dead.mutable_parked_at());
  }
  return std::make_pair(std::move(page), static_cast<uint64_t>(dead_.size()));
}

absl::StatusOr<uint64_t> ConsumerGroup::RequeueDeadLetters(absl::Span<const uint64_t> sequences,
                                                           bool all) {
  return ResolveDeadLetters(sequences, all, /*requeue=*/true);
}

absl::StatusOr<uint64_t> ConsumerGroup::DropDeadLetters(absl::Span<const uint64_t> sequences,
                                                        bool all) {
  return ResolveDeadLetters(sequences, all, /*requeue=*/false);
}

uint64_t ConsumerGroup::ResolveDeadLetters(absl::Span<const uint64_t> sequences, bool all,
                                           bool requeue) {
  std::optional<GroupWrite> write;
  uint64_t count = 0;
  {
    MutexLock lock(&mu_);
    std::vector<uint64_t> chosen;
    if (all) {
      for (const auto& [sequence, info] : dead_) chosen.push_back(sequence);
    } else {
      for (uint64_t sequence : sequences) {
        if (dead_.contains(sequence)) chosen.push_back(sequence);
      }
    }
    for (uint64_t sequence : chosen) {
      dead_.erase(sequence);
      dead_deletes_.push_back(sequence);
      if (requeue) {
        requeued_.insert(sequence);
        unacked_[sequence] = Unacked{};  // fresh attempts; read back from the log
        redeliver_.push_front(sequence);
      }
      ++count;
    }
    if (count > 0) dirty_ = true;
    write = NextWriteLocked();
  }
  Issue(std::move(write));
  if (requeue) Pump();
  return count;
}

uint64_t ConsumerGroup::Lag() const {
  const uint64_t last = log_->LastSequence();
  MutexLock lock(&mu_);
  return unacked_.size() + fresh_.size() + (last > cursor_ ? last - cursor_ : 0);
}

size_t ConsumerGroup::MemberCount() const {
  MutexLock lock(&mu_);
  return members_.size();
}

uint64_t ConsumerGroup::PendingCount() const {
  MutexLock lock(&mu_);
  return unacked_.size();
}

uint64_t ConsumerGroup::DeadLetterCount() const {
  MutexLock lock(&mu_);
  return dead_.size();
}

uint64_t ConsumerGroup::Redeliveries() const {
  MutexLock lock(&mu_);
  return redeliveries_;
}

}  // namespace switchboard::server
