#ifndef SWITCHBOARD_GATEWAY_REFUSAL_RING_H_
#define SWITCHBOARD_GATEWAY_REFUSAL_RING_H_

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace switchboard::gateway {

// One webhook the gateway did not store, as the sender was told.
struct Refusal {
  absl::Time time;
  int status = 0;     // the HTTP status answered (4xx, 5xx)
  std::string type;   // the event type when it was read, "invalid" otherwise
  // The answer's JSON body, {"error":{"status","message","field"}}, or a
  // JSON string when the body was not JSON (or longer than kMaxErrorBytes).
  std::string error_json;
};

// The most recent refusals, newest last, for the operator console ("recent
// refused webhooks and why"). Bounded: the oldest entry is dropped when full.
// Thread-safe; Add() takes a mutex briefly and is called for refusals only,
// never for a stored webhook.
class RefusalRing {
 public:
  static constexpr size_t kMaxErrorBytes = 1024;

  explicit RefusalRing(size_t capacity) : capacity_(capacity) {}

  // Records an answer with `status` >= 400 and its `body`.
  void Add(absl::Time time, int status, absl::string_view type, absl::string_view body);

  // Every entry, oldest first.
  std::vector<Refusal> Snapshot() const;

  // Refusals recorded since start, including those the ring dropped.
  size_t total() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<Refusal> entries_ ABSL_GUARDED_BY(mu_);
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_REFUSAL_RING_H_
