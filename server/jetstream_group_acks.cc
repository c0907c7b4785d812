// JetStreamGroup's acks, nacks and extensions (the operations thread), and
// the expiry of holds whose deadline passed. Fetching and handing out:
// jetstream_group.cc.

#include "server/jetstream_group.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"

namespace switchboard::server {
namespace {

// How often the operations thread expires holds and checks the consumer.
constexpr absl::Duration kTick = absl::Milliseconds(100);
constexpr absl::Duration kConsumerCheck = absl::Seconds(1);
// Expired holds remembered (to say why a late ack is refused), at most.
constexpr size_t kExpiredKept = 10000;

}  // namespace

void JetStreamGroup::Ack(uint64_t member, absl::Span<const uint64_t> sequences) {
  MutexLock lock(&mu_);
  // The member's room is free now; the ack is answered once confirmed.
  for (uint64_t sequence : sequences) {
    auto it = held_.find(sequence);
    if (it == held_.end() || it->second.member != member || it->second.acking) continue;
    UnholdLocked(it->second);
    it->second.acking = true;
    ++acking_;
  }
  ops_.push_back({Op::kAck, member, {sequences.begin(), sequences.end()}, absl::ZeroDuration()});
}

void JetStreamGroup::Nack(uint64_t member, absl::Span<const uint64_t> sequences) {
  MutexLock lock(&mu_);
  ops_.push_back({Op::kNack, member, {sequences.begin(), sequences.end()}, absl::ZeroDuration()});
}

void JetStreamGroup::Extend(uint64_t member, absl::Span<const uint64_t> sequences,
                            absl::Duration extension) {
  MutexLock lock(&mu_);
  ops_.push_back({Op::kExtend, member, {sequences.begin(), sequences.end()}, extension});
}

bool JetStreamGroup::ReleaseLocked(uint64_t sequence, uint64_t member, Held* out) {
  auto it = held_.find(sequence);
  if (it == held_.end() || (member != 0 && it->second.member != member)) return false;
  UnholdLocked(it->second);
  *out = std::move(it->second);
  held_.erase(it);
  return true;
}

void JetStreamGroup::UnholdLocked(const Held& held) {
  if (held.acking) {
    --acking_;
  } else if (auto holder = members_.find(held.member); holder != members_.end()) {
    --holder->second.held;
  }
}

void JetStreamGroup::GiveBackLocked(Held held, std::vector<Parking>* parking) {
  if (held.msg == nullptr) return;  // its ack is on its way: that stands
  if (held.attempts >= settings_.max_delivery_attempts) {
    parking->push_back({held.msg, held.event->sequence(), held.event->type(), held.attempts});
    return;
  }
  natsMsg_Nak(held.msg, nullptr);  // redelivered at once, to any instance
  natsMsg_Destroy(held.msg);
}

void JetStreamGroup::OpsLoop() {
  absl::Time checked = absl::InfinitePast();
  for (;;) {
    std::vector<Op> ops;
    std::vector<Parking> parking;
    {
      MutexLock lock(&mu_);
      auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !ops_.empty() || !parking_.empty();
      };
      mu_.AwaitWithTimeout(Condition(&work), kTick);
      if (stopping_) return;
      ops.swap(ops_);
      parking.swap(parking_);
    }
    Park(std::move(parking));
    for (size_t i = 0; i < ops.size();) {
      size_t end = i;
      while (end < ops.size() && ops[end].kind == Op::kAck) ++end;
      if (end > i) {
        ApplyAcks(absl::MakeSpan(ops).subspan(i, end - i));
        i = end;
      } else {
        Apply(std::move(ops[i++]));
      }
    }
    const absl::Time now = absl::Now();
    Tick(now);
    if (now - checked >= kConsumerCheck) {
      checked = now;
      // A seek on any instance re-creates the consumer: holds of the old
      // one are forgotten (their acks would go nowhere).
      absl::StatusOr<JetStreamGroupStore::ConsumerState> state = store_->State(settings_.name);
      if (state.ok()) {
        MutexLock lock(&mu_);
        if (consumer_created_ns_ != 0 && state->created_ns != consumer_created_ns_) {
          LogInfo("consumer group %s was sought; events held here are forgotten", settings_.name);
          ForgetHeldLocked();
          DropFetchedLocked(/*nak=*/false);
          rebind_ = true;
        }
        consumer_created_ns_ = state->created_ns;
      } else if (absl::StatusOr<std::optional<v1::GroupInfo>> config =
                     store_->Config(settings_.name);
                 config.ok() && !config->has_value()) {
        // Deleted on another instance. A fetch waiting at the consumer
        // learns it, but one sent after the deletion only times out.
        MutexLock lock(&mu_);
        MarkDeletedLocked();
      }
    }
  }
}

void JetStreamGroup::ApplyAcks(absl::Span<Op> acks) {
  std::vector<v1::AckResult> results(acks.size());
  std::vector<std::pair<size_t, uint64_t>> confirming;  // (op, sequence)
  // Taken from their holds while JetStream confirms them, so that nothing
  // else naks or frees them meanwhile.
  std::vector<natsMsg*> messages;
  {
    MutexLock lock(&mu_);
    for (size_t op = 0; op < acks.size(); ++op) {
      for (uint64_t sequence : acks[op].sequences) {
        auto it = held_.find(sequence);
        if (it == held_.end() || it->second.member != acks[op].member) {
          AddRejected(&results[op], sequence, RefusalLocked(acks[op].member, sequence));
          continue;
        }
        if (it->second.msg == nullptr) {
          AddRejected(&results[op], sequence, "acked twice; the first ack counts");
          continue;
        }
        confirming.emplace_back(op, sequence);
        messages.push_back(std::exchange(it->second.msg, nullptr));
      }
    }
  }
  // Off the lock: JetStream confirms each ack (one round trip for all).
  std::vector<absl::Status> acked = store_->AckAll(messages);
  MutexLock lock(&mu_);
  for (size_t i = 0; i < confirming.size(); ++i) {
    const auto [op, sequence] = confirming[i];
    // The hold, unless it went meanwhile (expired, sought, given up) or
    // was replaced by a redelivery (which has a message of its own).
    auto it = held_.find(sequence);
    const bool still_held = it != held_.end() && it->second.msg == nullptr;
    if (acked[i].ok()) {
      results[op].add_acked(sequence);
      if (still_held) {
        UnholdLocked(it->second);
        held_.erase(it);
      }
      natsMsg_Destroy(messages[i]);
      continue;
    }
    AddRejected(&results[op], sequence,
                absl::StrCat("JetStream did not confirm the ack (", acked[i].message(),
                             "); it may be delivered again"));
    if (still_held) {
      it->second.msg = messages[i];  // acked again, or redelivered after its deadline
    } else {
      natsMsg_Destroy(messages[i]);
    }
  }
  for (size_t op = 0; op < acks.size(); ++op) {
    if (acks[op].sequences.empty()) continue;  // its member left
    if (auto it = members_.find(acks[op].member); it != members_.end()) {
      it->second.sink->OnResult(std::move(results[op]));
    }
  }
}

void JetStreamGroup::Apply(Op op) {
  if (op.sequences.empty()) return;  // its member left
  v1::AckResult result;
  std::vector<Parking> parking;
  {
    MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    for (uint64_t sequence : op.sequences) {
      auto it = held_.find(sequence);
      if (it == held_.end() || it->second.member != op.member) {
        AddRejected(&result, sequence, RefusalLocked(op.member, sequence));
        continue;
      }
      if (op.kind == Op::kNack) {
        Held held;
        ReleaseLocked(sequence, op.member, &held);
        GiveBackLocked(std::move(held), &parking);
        result.add_nacked(sequence);
      } else {
        // JetStream restarts its timer at the full ack_deadline; a longer
        // extension is kept up by Tick().
        Held& held = it->second;
        natsMsg_InProgress(held.msg, nullptr);
        held.progressed = now;
        held.keep_until = now + op.extension;
        held.deadline = std::max(now + settings_.ack_deadline, held.keep_until);
        result.add_extended(sequence);
      }
    }
    if (auto it = members_.find(op.member); it != members_.end()) {
      it->second.sink->OnResult(std::move(result));
    }
  }
  Park(std::move(parking));
}

std::string JetStreamGroup::RefusalLocked(uint64_t member, uint64_t sequence) const {
  if (sequence > log_->LastSequence()) return "no such event";
  if (auto it = expired_.find(sequence); it != expired_.end() && it->second == member) {
    return "its ack deadline passed; it is delivered again";
  }
  return "not delivered to this member";
}

void JetStreamGroup::Tick(absl::Time now) {
  MutexLock lock(&mu_);
  std::vector<uint64_t> expired;
  for (auto& [sequence, held] : held_) {
    if (held.deadline <= now) {
      expired.push_back(sequence);
    } else if (held.keep_until > now &&
               now - held.progressed >= settings_.ack_deadline / 2) {
      natsMsg_InProgress(held.msg, nullptr);
      held.progressed = now;
    }
  }
  // JetStream redelivers these (to any instance): the member's room is free.
  if (expired_.size() > kExpiredKept) expired_.clear();
  for (uint64_t sequence : expired) {
    Held held;
    ReleaseLocked(sequence, 0, &held);
    expired_[sequence] = held.member;
    natsMsg_Destroy(held.msg);
  }
}

void JetStreamGroup::DropFetchedLocked(bool nak) {
  for (Fetched& batch : fetched_) {
    fetched_count_ -= static_cast<uint32_t>(batch.messages.size());
    for (natsMsg* msg : batch.messages) {
      if (nak) natsMsg_Nak(msg, nullptr);
      natsMsg_Destroy(msg);
    }
  }
  fetched_.clear();
}

void JetStreamGroup::ForgetHeldLocked() {
  for (auto& [sequence, held] : held_) natsMsg_Destroy(held.msg);
  held_.clear();
  acking_ = 0;
  for (auto& [id, member] : members_) member.held = 0;
}

}  // namespace switchboard::server
