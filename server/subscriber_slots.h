#ifndef SWITCHBOARD_SERVER_SUBSCRIBER_SLOTS_H_
#define SWITCHBOARD_SERVER_SUBSCRIBER_SLOTS_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace switchboard::server {

// Caps open Subscribe streams in total and per token holder. Thread-safe.
class SubscriberSlots {
 public:
  // Held by a stream; frees its slot when destroyed.
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class SubscriberSlots;
    Slot(SubscriberSlots* slots, std::string holder) : slots_(slots), holder_(std::move(holder)) {}
    SubscriberSlots* const slots_;
    const std::string holder_;
  };

  SubscriberSlots(size_t max_total, size_t max_per_holder)
      : max_total_(max_total), max_per_holder_(max_per_holder) {}

  // A slot for `holder` (a token's name; "" without authentication), or
  // RESOURCE_EXHAUSTED saying which limit was hit.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(const std::string& holder);

 private:
  void Release(const std::string& holder);

  const size_t max_total_;
  const size_t max_per_holder_;
  absl::Mutex mu_;
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, size_t> per_holder_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_SUBSCRIBER_SLOTS_H_
