#ifndef SWITCHBOARD_CLI_SIGNAL_WATCHER_H_
#define SWITCHBOARD_CLI_SIGNAL_WATCHER_H_

#include <pthread.h>

#include <atomic>
#include <functional>
#include <thread>

namespace switchboard::cli {

// Turns SIGINT and SIGTERM into a call on a thread of its own, where it is
// safe to take locks (a signal handler may not): e.g. to cancel a
// subscription so that the main thread returns normally.
//
// Construct it before any other thread starts: it blocks both signals in the
// calling thread, and threads started later inherit that mask, so only its
// thread receives them. It also resets them to their default action, as a
// background job started by a shell has SIGINT ignored. They stay blocked
// after destruction (the process is about to exit; a late Ctrl-C must not
// kill it with a non-zero status).
class SignalWatcher {
 public:
  // `on_signal` is called on the watcher's thread, at most once, with the
  // signal number.
  explicit SignalWatcher(std::function<void(int)> on_signal);
  // Stops the thread (without calling `on_signal`) if no signal came.
  ~SignalWatcher();

  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void Watch();

  const std::function<void(int)> on_signal_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_SIGNAL_WATCHER_H_
