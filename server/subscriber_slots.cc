#include "server/subscriber_slots.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace switchboard::server {

SubscriberSlots::Slot::~Slot() { slots_->Release(holder_); }

absl::StatusOr<std::unique_ptr<SubscriberSlots::Slot>> SubscriberSlots::Acquire(
    const std::string& holder) {
  absl::MutexLock lock(&mu_);
  if (total_ >= max_total_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the server holds its maximum of %d subscribers (--max_subscribers); retry later or "
        "connect to another instance",
        max_total_));
  }
  size_t& mine = per_holder_[holder];
  if (!holder.empty() && mine >= max_per_holder_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "token \"%s\" already holds %d subscriptions (--max_subscribers_per_token); close one",
        holder, max_per_holder_));
  }
  ++mine;
  ++total_;
  return std::unique_ptr<Slot>(new Slot(this, holder));
}

void SubscriberSlots::Release(const std::string& holder) {
  absl::MutexLock lock(&mu_);
  --total_;
  if (auto it = per_holder_.find(holder); it != per_holder_.end() && --it->second == 0) {
    per_holder_.erase(it);
  }
}

}  // namespace switchboard::server
