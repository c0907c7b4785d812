// JetStreamGroup: what operators see and do (the admin service's side).

#include "server/jetstream_group.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/time_util.h"

namespace switchboard::server {

// ---------------------------------------------------------------------------
// Operator views and actions
// ---------------------------------------------------------------------------

v1::GroupInfo JetStreamGroup::Info(absl::Time now) const {
  v1::GroupInfo info = Config();
  {
    MutexLock lock(&mu_);
    for (const auto& [id, member] : members_) {
      v1::GroupMember* m = info.add_members();
      m->set_name(MemberName(id));
      m->set_peer(member.peer);
      m->set_max_unacked(member.max_unacked);
      m->set_unacked(member.held);
      ToTimestamp(member.joined_at, m->mutable_joined_at());
    }
    info.set_redeliveries(redeliveries_);
  }
  absl::StatusOr<JetStreamGroupStore::ConsumerState> state = store_->State(settings_.name);
  if (!state.ok()) {
    LogWarning("consumer group %s: %s", settings_.name, state.status().message());
  } else {
    // A (re)created consumer reports no floor until its first ack; the
    // position it starts after counts as done (SeekGroup's contract).
    info.set_acked_through(std::max(state->ack_floor, state->position));
    info.set_pending(state->ack_pending);
    info.set_lag(state->ack_pending + state->pending);
    if (state->ack_pending > 0) {
      // The oldest unacked event is the first after the ack floor.
      std::vector<EventPtr> oldest;
      if (log_->Read(state->ack_floor, 1, &oldest).ok() && !oldest.empty()) {
        const absl::Time received = FromTimestamp(oldest[0]->event().received_at());
        if (received < now) {
          ToDuration(now - received, info.mutable_oldest_unacked_age());
        }
      }
    }
  }
  absl::StatusOr<std::vector<v1::DeadLetter>> dead = store_->DeadLetters(settings_.name);
  if (dead.ok()) info.set_dead_letters(dead->size());
  return info;
}

absl::Status JetStreamGroup::Seek(uint64_t after) {
  absl::Status reset =
      store_->ResetConsumer(settings_.name, settings_.ack_deadline, filter_subject_, after);
  if (!reset.ok()) return reset;
  MutexLock lock(&mu_);
  ForgetHeldLocked();
  rebind_ = true;
  consumer_created_ns_ = 0;  // the next check learns the new consumer
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::vector<v1::DeadLetter>, uint64_t>> JetStreamGroup::DeadLetters(
    uint64_t after, size_t limit) const {
  absl::StatusOr<std::vector<v1::DeadLetter>> dead = store_->DeadLetters(settings_.name);
  if (!dead.ok()) return dead.status();
  std::vector<v1::DeadLetter> page;
  for (v1::DeadLetter& letter : *dead) {
    if (letter.sequence() > after && page.size() < limit) page.push_back(std::move(letter));
  }
  return std::make_pair(std::move(page), static_cast<uint64_t>(dead->size()));
}

absl::StatusOr<uint64_t> JetStreamGroup::RequeueDeadLetters(absl::Span<const uint64_t> sequences,
                                                            bool all) {
  return ResolveDeadLetters(sequences, all, /*requeue=*/true);
}

absl::StatusOr<uint64_t> JetStreamGroup::DropDeadLetters(absl::Span<const uint64_t> sequences,
                                                         bool all) {
  return ResolveDeadLetters(sequences, all, /*requeue=*/false);
}

absl::StatusOr<uint64_t> JetStreamGroup::ResolveDeadLetters(absl::Span<const uint64_t> sequences,
                                                            bool all, bool requeue) {
  absl::StatusOr<std::vector<v1::DeadLetter>> dead = store_->DeadLetters(settings_.name);
  if (!dead.ok()) return dead.status();
  uint64_t count = 0;
  for (const v1::DeadLetter& letter : *dead) {
    if (!all && std::find(sequences.begin(), sequences.end(), letter.sequence()) == sequences.end()) {
      continue;
    }
    // Queued first: a failure in between leaves it both queued and parked,
    // never lost.
    if (requeue) {
      if (absl::Status queued = store_->Requeue(settings_.name, letter.sequence()); !queued.ok()) {
        return queued;
      }
    }
    if (absl::Status removed = store_->DeleteDeadLetter(settings_.name, letter.sequence());
        !removed.ok()) {
      return removed;
    }
    ++count;
  }
  return count;
}

}  // namespace switchboard::server
