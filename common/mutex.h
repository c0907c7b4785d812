#ifndef SWITCHBOARD_COMMON_MUTEX_H_
#define SWITCHBOARD_COMMON_MUTEX_H_

// Mutex, MutexLock, Condition and Notification for the event logs.
//
// Normally these are Abseil's. Under ThreadSanitizer they are a small
// std::mutex-based equivalent instead: Debian's Abseil is not built with
// TSan, so TSan cannot see absl::Mutex's happens-before edges and would report
// every access it guards as a race. Only the API subset the logs use exists.

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SWITCHBOARD_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define SWITCHBOARD_TSAN 1
#endif

#ifdef SWITCHBOARD_TSAN
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#endif

namespace switchboard {

#ifndef SWITCHBOARD_TSAN

using Mutex = absl::Mutex;
using MutexLock = absl::MutexLock;
using Condition = absl::Condition;
using Notification = absl::Notification;

#else

class Condition {
 public:
  template <typename Predicate>
  explicit Condition(const Predicate* predicate) : eval_([predicate] { return (*predicate)(); }) {}
  bool Eval() const { return eval_(); }

 private:
  std::function<bool()> eval_;
};

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    // Waiters re-evaluate their conditions, as with absl. Notified before the
    // unlock: once a thread has the mutex, the unlocking one touches nothing,
    // so the Mutex may be destroyed then.
    changed_.notify_all();
    mu_.unlock();
  }
  void Await(const Condition& condition) {
    while (!condition.Eval()) changed_.wait(mu_);
  }
  bool AwaitWithTimeout(const Condition& condition, absl::Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
    while (!condition.Eval()) {
      if (changed_.wait_until(mu_, deadline) == std::cv_status::timeout) return condition.Eval();
    }
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable_any changed_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class Notification {
 public:
  void Notify() {
    MutexLock lock(&mu_);
    notified_ = true;
  }
  bool HasBeenNotified() {
    MutexLock lock(&mu_);
    return notified_;
  }
  void WaitForNotification() {
    MutexLock lock(&mu_);
    auto notified = [this] { return notified_; };
    mu_.Await(Condition(&notified));
  }
  bool WaitForNotificationWithTimeout(absl::Duration timeout) {
    MutexLock lock(&mu_);
    auto notified = [this] { return notified_; };
    return mu_.AwaitWithTimeout(Condition(&notified), timeout);
  }

 private:
  Mutex mu_;
  bool notified_ = false;
};

#endif  // SWITCHBOARD_TSAN

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_MUTEX_H_
