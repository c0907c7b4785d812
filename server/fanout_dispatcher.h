#ifndef SWITCHBOARD_SERVER_FANOUT_DISPATCHER_H_
#define SWITCHBOARD_SERVER_FANOUT_DISPATCHER_H_

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "store/event_log.h"

namespace switchboard::server {

// Receives each batch of newly stored events, once, on the dispatcher thread.
class FanoutListener {
 public:
  virtual ~FanoutListener() = default;
  // `batch` is non-empty and contiguous in sequence. Must not block.
  virtual void OnAppended(const std::vector<EventPtr>& batch) = 0;
};

// Follows the tail of the event log on one thread and hands every new batch
// of events to every registered listener (while there is none, it only waits
// for one). Listeners that cannot keep up ignore batches and read the log
// themselves, so one slow listener never delays the others or the gateway
// (which only appends to the log).
//
// Thread-safe. Register/Unregister may be called from any thread;
// Unregister() returns only once no OnAppended() call on that listener is
// running or will start.
class FanoutDispatcher {
 public:
  explicit FanoutDispatcher(EventLog* log);
  ~FanoutDispatcher();  // stops the thread

  FanoutDispatcher(const FanoutDispatcher&) = delete;
  FanoutDispatcher& operator=(const FanoutDispatcher&) = delete;

  void Start();
  void Stop();

  void Register(FanoutListener* listener);
  void Unregister(FanoutListener* listener);

  // Every registered listener, for shutdown. Calls `fn` under the registry
  // lock; `fn` must not call Register/Unregister.
  template <typename Fn>
  void ForEach(Fn fn) {
    absl::MutexLock lock(&mu_);
    for (FanoutListener* listener : listeners_) fn(listener);
  }

  size_t listener_count() const;

 private:
  // Dispatches every event stored after sequence `dispatched`.
  void Run(uint64_t dispatched);

  EventLog* const log_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<FanoutListener*> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_FANOUT_DISPATCHER_H_
