#include "server/fanout_dispatcher.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/memory_event_log.h"

namespace switchboard::server {
namespace {

// Records the sequences it is offered.
class Recorder : public FanoutListener {
 public:
  void OnAppended(const std::vector<EventPtr>& batch) override {
    absl::MutexLock lock(&mu_);
    for (const EventPtr& event : batch) sequences_.push_back(event->sequence());
  }
  // Waits until `sequence` was offered; returns everything offered so far.
  std::vector<uint64_t> WaitFor(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    auto seen = [&] { return !sequences_.empty() && sequences_.back() >= sequence; };
    mu_.AwaitWithTimeout(absl::Condition(&seen), absl::Seconds(10));
    return sequences_;
  }

 private:
  absl::Mutex mu_;
  std::vector<uint64_t> sequences_ ABSL_GUARDED_BY(mu_);
};

void Append(EventLog& log, int n) {
  for (int i = 0; i < n; ++i) {
    v1::Event event;
    static int next_id = 0;
    event.set_id(absl::StrCat("e", ++next_id));
    event.set_type("call.completed");
    log.Append(std::move(event), [](absl::StatusOr<AppendResult> result) {
      ASSERT_TRUE(result.ok()) << result.status();
    });
  }
}

TEST(FanoutDispatcherTest, AnEventStoredRightAfterStartIsDispatched) {
  // Regression: the starting point used to be read on the dispatcher's own
  // thread, so an event stored before that thread ran was never offered.
  for (int round = 0; round < 20; ++round) {
    MemoryEventLog log({});
    FanoutDispatcher dispatcher(&log);
    Recorder recorder;
    dispatcher.Register(&recorder);
    dispatcher.Start();
    Append(log, 1);
    ASSERT_THAT(recorder.WaitFor(1), ::testing::ElementsAre(1u)) << "round " << round;
    dispatcher.Unregister(&recorder);
  }
}

TEST(FanoutDispatcherTest, EveryListenerGetsEveryLaterEventInOrder) {
  MemoryEventLog log({});
  Append(log, 2);  // before Start: listeners read these from the log themselves
  FanoutDispatcher dispatcher(&log);
  Recorder first, second;
  dispatcher.Register(&first);
  dispatcher.Register(&second);
  dispatcher.Start();
  Append(log, 500);
  std::vector<uint64_t> expected;
  for (uint64_t s = 3; s <= 502; ++s) expected.push_back(s);
  EXPECT_EQ(first.WaitFor(502), expected);
  EXPECT_EQ(second.WaitFor(502), expected);
  dispatcher.Unregister(&first);
  dispatcher.Unregister(&second);
  EXPECT_EQ(dispatcher.listener_count(), 0u);
}

}  // namespace
}  // namespace switchboard::server
