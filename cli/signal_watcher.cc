#include "cli/signal_watcher.h"

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace switchboard::cli {
namespace {

// SIGUSR1 wakes the watcher when it is destroyed.
sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)) {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = SIG_DFL;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  const sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { Watch(); });
}

SignalWatcher::~SignalWatcher() {
  stopping_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

void SignalWatcher::Watch() {
  const sigset_t set = WatchedSignals();
  while (true) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal == SIGUSR1) {
      if (stopping_) return;
      continue;  // someone else's SIGUSR1: not ours to act on
    }
    on_signal_(signal);
    // Later signals are absorbed until the destructor wakes us.
    while (sigwait(&set, &signal) != 0 || signal != SIGUSR1 || !stopping_) {
    }
    return;
  }
}

}  // namespace switchboard::cli
