#ifndef SWITCHBOARD_COMMON_WORKER_POOL_H_
#define SWITCHBOARD_COMMON_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"

namespace switchboard {

// A few threads that run queued tasks, oldest first: for work that may wait
// on the network (a JetStream round trip, up to its timeout) and so must not
// run on gRPC's callback threads, which every stream and the health service
// share. Thread-safe. The destructor runs the tasks still queued, then joins
// the threads.
class WorkerPool {
 public:
  // `name` (at most 15 characters) names the threads for `top -H`.
  WorkerPool(const std::string& name, int threads);
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; one of the threads runs it.
  void Run(std::function<void()> task);

 private:
  void Work();

  Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_WORKER_POOL_H_
