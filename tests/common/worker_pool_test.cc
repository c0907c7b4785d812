#include "common/worker_pool.h"

#include <pthread.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace switchboard {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskQueuedBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  absl::Notification release;
  {
    WorkerPool pool("test-pool", 1);
    pool.Run([&] {
      release.WaitForNotification();
      ++ran;
    });
    for (int i = 0; i < 99; ++i) pool.Run([&] { ++ran; });
    EXPECT_EQ(ran.load(), 0);  // all wait behind the first
    release.Notify();
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, ATaskThatWaitsDoesNotHoldUpTheOthers) {
  WorkerPool pool("test-pool", 2);
  absl::Notification release, second_ran;
  pool.Run([&] { release.WaitForNotification(); });
  pool.Run([&] { second_ran.Notify(); });
  EXPECT_TRUE(second_ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  release.Notify();
}

TEST(WorkerPoolTest, TasksRunOnThreadsNamedForThePool) {
  std::string name;
  {
    WorkerPool pool("sb-test-pool", 1);
    pool.Run([&] {
      char buffer[16] = {};
      pthread_getname_np(pthread_self(), buffer, sizeof(buffer));
      name = buffer;
    });
  }
  EXPECT_EQ(name, "sb-test-pool");
}

}  // namespace
}  // namespace switchboard
