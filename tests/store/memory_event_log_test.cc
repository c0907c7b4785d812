#include "store/memory_event_log.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "common/time_util.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

v1::Event MakeEvent(absl::string_view id, size_t notes_bytes = 0) {
  v1::Event event;
  event.set_id(std::string(id));
  event.set_type("call.completed");
  if (notes_bytes > 0) event.mutable_call_completed()->set_notes(std::string(notes_bytes, 'n'));
  return event;
}

// Appends and returns the sequence handed to the callback (0 on failure).
uint64_t Append(EventLog& log, v1::Event event) {
  int calls = 0;
  absl::StatusOr<AppendResult> result = absl::UnknownError("callback not run");
  log.Append(std::move(event), [&](absl::StatusOr<AppendResult> appended) {
    ++calls;
    result = std::move(appended);
  });
  EXPECT_EQ(calls, 1) << "MemoryEventLog completes appends inline, exactly once";
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result.ok() && result->duplicate) << "unexpected duplicate";
  return result.ok() ? result->sequence : 0;
}

// Appends events "e1", "e2", ... "e<n>".
void AppendN(EventLog& log, int n) {
  for (int i = 1; i <= n; ++i) Append(log, MakeEvent(absl::StrCat("e", i)));
}

std::vector<uint64_t> Sequences(const std::vector<EventPtr>& events) {
  std::vector<uint64_t> out;
  for (const EventPtr& event : events) out.push_back(event->sequence());
  return out;
}

std::vector<std::string> Ids(const std::vector<EventPtr>& events) {
  std::vector<std::string> out;
  for (const EventPtr& event : events) out.push_back(event->event().id());
  return out;
}

// Matches text naming `number` as a whole number ("7" but not "17" or "70").
::testing::Matcher<std::string> NamesNumber(uint64_t number) {
  return ContainsRegex(absl::StrCat("(^|[^0-9])", number, "([^0-9]|$)"));
}

MemoryEventLog::Options Defaults() { return MemoryEventLog::Options{}; }

TEST(MemoryEventLogTest, EmptyLogHasNothingToRead) {
  MemoryEventLog log(Defaults());
  EXPECT_EQ(log.FirstSequence(), 1u);
  EXPECT_EQ(log.LastSequence(), 0u);
  std::vector<EventPtr> out;
  EXPECT_TRUE(log.Read(0, 100, &out).ok());
  EXPECT_THAT(out, IsEmpty());
}

TEST(MemoryEventLogTest, SequencesStartAtOneAndIncreaseWithoutGaps) {
  MemoryEventLog log(Defaults());
  for (uint64_t want = 1; want <= 5; ++want) {
    EXPECT_EQ(Append(log, MakeEvent(absl::StrCat("e", want))), want);
    EXPECT_EQ(log.LastSequence(), want);
    EXPECT_EQ(log.FirstSequence(), 1u);
  }
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, 100, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(Ids(out), ElementsAre("e1", "e2", "e3", "e4", "e5"));
}

TEST(MemoryEventLogTest, AppendAssignsItsOwnSequence) {
  MemoryEventLog log(Defaults());
  v1::Event event = MakeEvent("e1");
  event.set_sequence(42);
  EXPECT_EQ(Append(log, std::move(event)), 1u);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, 10, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(1));
}

TEST(MemoryEventLogTest, StoredEventKeepsItsContent) {
  MemoryEventLog log(Defaults());
  v1::Event event = MakeEvent("e1");
  event.mutable_call_completed()->set_agent_id(42);
  event.mutable_received_at()->set_seconds(1773327600);
  v1::Event want = event;
  want.set_sequence(1);
  Append(log, std::move(event));
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, 10, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->event().SerializeAsString(), want.SerializeAsString()) << out[0]->event().ShortDebugString();
}

TEST(MemoryEventLogTest, ReadReturnsTheEventsAfterTheGivenSequence) {
  MemoryEventLog log(Defaults());
  AppendN(log, 10);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(3, 100, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(4, 5, 6, 7, 8, 9, 10));
  EXPECT_THAT(Ids(out), ElementsAre("e4", "e5", "e6", "e7", "e8", "e9", "e10"));
}

TEST(MemoryEventLogTest, ReadHonoursMaxEvents) {
  MemoryEventLog log(Defaults());
  AppendN(log, 10);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(3, 4, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(4, 5, 6, 7));
  out.clear();
  ASSERT_TRUE(log.Read(0, 1, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(1));
  out.clear();
  ASSERT_TRUE(log.Read(8, 5, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(9, 10));
  out.clear();
  ASSERT_TRUE(log.Read(3, 0, &out).ok());
  EXPECT_THAT(out, IsEmpty());
}

TEST(MemoryEventLogTest, ReadAppendsToWhatTheCallerHas) {
  MemoryEventLog log(Defaults());
  AppendN(log, 3);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, 1, &out).ok());
  ASSERT_TRUE(log.Read(1, 10, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(1, 2, 3));
}

TEST(MemoryEventLogTest, ReadAtOrAfterLastSequenceReturnsNothing) {
  MemoryEventLog log(Defaults());
  AppendN(log, 10);
  for (uint64_t after : {10u, 11u, 1000u}) {
    std::vector<EventPtr> out;
    EXPECT_TRUE(log.Read(after, 100, &out).ok()) << after;
    EXPECT_THAT(out, IsEmpty()) << after;
  }
}

TEST(MemoryEventLogTest, RetentionByCountDropsTheOldest) {
  MemoryEventLog::Options options;
  options.max_events = 3;
  MemoryEventLog log(options);
  AppendN(log, 9);
  EXPECT_EQ(log.FirstSequence(), 7u);
  EXPECT_EQ(log.LastSequence(), 9u);

  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(6, 100, &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(7, 8, 9));
  EXPECT_THAT(Ids(out), ElementsAre("e7", "e8", "e9"));

  for (uint64_t after : {0u, 1u, 5u}) {
    std::vector<EventPtr> dropped;
    const absl::Status status = log.Read(after, 100, &dropped);
    EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << after << ": " << status;
    EXPECT_THAT(std::string(status.message()), NamesNumber(7)) << "names the oldest retained";
    EXPECT_THAT(dropped, IsEmpty());
  }

  // Sequences carry on after dropping.
  EXPECT_EQ(Append(log, MakeEvent("e10")), 10u);
  EXPECT_EQ(log.FirstSequence(), 8u);
}

TEST(MemoryEventLogTest, RetentionByBytesDropsTheOldest) {
  // Events of equal serialized size (one-byte sequences, equal-length ids).
  v1::Event probe = MakeEvent("e1", 100);
  probe.set_sequence(1);
  const size_t event_bytes = probe.ByteSizeLong();
  MemoryEventLog::Options options;
  options.max_bytes = 3 * event_bytes + event_bytes / 2;  // room for three
  MemoryEventLog log(options);
  for (int i = 1; i <= 8; ++i) Append(log, MakeEvent(absl::StrCat("e", i), 100));

  EXPECT_EQ(log.FirstSequence(), 6u);
  EXPECT_EQ(log.LastSequence(), 8u);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(5, 100, &out).ok());
  EXPECT_THAT(Ids(out), ElementsAre("e6", "e7", "e8"));
  size_t retained_bytes = 0;
  for (const EventPtr& event : out) retained_bytes += event->event().ByteSizeLong();
  EXPECT_LE(retained_bytes, options.max_bytes);

  std::vector<EventPtr> dropped;
  const absl::Status status = log.Read(4, 100, &dropped);
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
  EXPECT_THAT(std::string(status.message()), NamesNumber(6));
}

TEST(MemoryEventLogTest, NewestEventIsKeptEvenWhenLargerThanTheByteLimit) {
  MemoryEventLog::Options options;
  options.max_bytes = 64;
  MemoryEventLog log(options);
  Append(log, MakeEvent("small"));
  EXPECT_EQ(Append(log, MakeEvent("big", 1000)), 2u);
  EXPECT_EQ(log.FirstSequence(), 2u);
  EXPECT_EQ(log.LastSequence(), 2u);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(1, 10, &out).ok());
  ASSERT_THAT(Ids(out), ElementsAre("big"));
  EXPECT_EQ(out[0]->event().call_completed().notes().size(), 1000u);

  // The next event replaces it.
  Append(log, MakeEvent("next", 1000));
  EXPECT_EQ(log.FirstSequence(), 3u);
  out.clear();
  ASSERT_TRUE(log.Read(2, 10, &out).ok());
  EXPECT_THAT(Ids(out), ElementsAre("next"));
}

TEST(MemoryEventLogTest, SingleEventRetentionKeepsTheNewest) {
  MemoryEventLog::Options options;
  options.max_events = 1;
  MemoryEventLog log(options);
  AppendN(log, 4);
  EXPECT_EQ(log.FirstSequence(), 4u);
  EXPECT_EQ(log.LastSequence(), 4u);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(3, 10, &out).ok());
  EXPECT_THAT(Ids(out), ElementsAre("e4"));
}

TEST(MemoryEventLogTest, EventsReadBeforeTheyAreDroppedStayValid) {
  MemoryEventLog::Options options;
  options.max_events = 2;
  MemoryEventLog log(options);
  AppendN(log, 2);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, 10, &out).ok());
  for (int i = 3; i <= 7; ++i) Append(log, MakeEvent(absl::StrCat("e", i)));  // drops e1, e2
  EXPECT_EQ(log.FirstSequence(), 6u);
  EXPECT_THAT(Ids(out), ElementsAre("e1", "e2"));
}

absl::StatusOr<AppendResult> AppendResultOf(EventLog& log, v1::Event event) {
  absl::StatusOr<AppendResult> result = absl::UnknownError("callback not run");
  log.Append(std::move(event), [&](absl::StatusOr<AppendResult> r) { result = std::move(r); });
  return result;
}

v1::Event EventReceivedAt(absl::string_view id, absl::Time received_at) {
  v1::Event event = MakeEvent(id);
  ToTimestamp(received_at, event.mutable_received_at());
  return event;
}

TEST(MemoryEventLogTest, DuplicateIdIsNotStoredAgainAndNamesTheOriginal) {
  MemoryEventLog log(Defaults());
  AppendN(log, 3);
  absl::StatusOr<AppendResult> again = AppendResultOf(log, MakeEvent("e2"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 2u);
  EXPECT_EQ(log.LastSequence(), 3u);
}

TEST(MemoryEventLogTest, DuplicateOutsideTheWindowIsStoredAgain) {
  MemoryEventLog::Options options = Defaults();
  options.dedup_window = absl::Minutes(10);
  MemoryEventLog log(options);
  const absl::Time t0 = absl::Now() - absl::Hours(1);
  EXPECT_EQ(Append(log, EventReceivedAt("x", t0)), 1u);
  absl::StatusOr<AppendResult> inside = AppendResultOf(log, EventReceivedAt("x", t0 + absl::Minutes(9)));
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->duplicate);
  EXPECT_EQ(Append(log, EventReceivedAt("x", t0 + absl::Minutes(11))), 2u);
}

TEST(MemoryEventLogTest, ReceivedAtNeverDecreasesAndLocatesAPosition) {
  MemoryEventLog log(Defaults());
  const absl::Time base = absl::Now() - absl::Hours(1);
  for (int i = 0; i < 10; ++i) Append(log, EventReceivedAt(absl::StrCat("e", i), base + absl::Seconds(i)));
  // A racing append that carries an earlier receipt time is raised to its predecessor's.
  Append(log, EventReceivedAt("late", base));
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(10, 1, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(FromTimestamp(out[0]->event().received_at()), base + absl::Seconds(9));
  EXPECT_EQ(*log.FirstSequenceReceivedSince(base - absl::Hours(1)), 1u);
  EXPECT_EQ(*log.FirstSequenceReceivedSince(base + absl::Seconds(4)), 5u);
  EXPECT_EQ(*log.FirstSequenceReceivedSince(absl::Now()), 12u);
}

TEST(MemoryEventLogTest, WaitForNewerReturnsAtOnceWhenNewerExists) {
  MemoryEventLog log(Defaults());
  AppendN(log, 3);
  const absl::Time start = absl::Now();
  EXPECT_EQ(log.WaitForNewer(1, absl::Seconds(60)), 3u);
  EXPECT_EQ(log.WaitForNewer(0, absl::Seconds(60)), 3u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST(MemoryEventLogTest, WaitForNewerTimesOutReturningTheLastSequence) {
  MemoryEventLog log(Defaults());
  absl::Time start = absl::Now();
  EXPECT_EQ(log.WaitForNewer(0, absl::Milliseconds(100)), 0u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));

  AppendN(log, 2);
  start = absl::Now();
  EXPECT_EQ(log.WaitForNewer(2, absl::Milliseconds(100)), 2u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));
}

TEST(MemoryEventLogTest, WaitForNewerWakesWhenAnotherThreadAppends) {
  MemoryEventLog log(Defaults());
  AppendN(log, 3);
  std::thread appender([&log] {
    // Gives the waiter time to block first; the verdict does not depend on it.
    absl::SleepFor(absl::Milliseconds(100));
    Append(log, MakeEvent("e4"));
  });
  const absl::Time start = absl::Now();
  const uint64_t last = log.WaitForNewer(3, absl::Seconds(60));
  const absl::Duration waited = absl::Now() - start;
  appender.join();
  EXPECT_EQ(last, 4u);
  EXPECT_LT(waited, absl::Seconds(30)) << "woke by the timeout, not by the append";
}

TEST(MemoryEventLogTest, ConcurrentAppendsGetDistinctContiguousSequences) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;
  constexpr uint64_t kTotal = kThreads * kPerThread;
  MemoryEventLog log(Defaults());

  Mutex mu;
  absl::flat_hash_map<std::string, uint64_t> sequence_of;  // by event id
  std::vector<std::vector<uint64_t>> per_thread(kThreads);
  int failures = 0;
  Notification go;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      go.WaitForNotification();
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = absl::StrCat("t", t, "-", i);
        log.Append(MakeEvent(id), [&, t, id](absl::StatusOr<AppendResult> result) {
          MutexLock lock(&mu);
          if (!result.ok() || result->duplicate) {
            ++failures;
            return;
          }
          if (!sequence_of.emplace(id, result->sequence).second) ++failures;  // called twice
          per_thread[t].push_back(result->sequence);
        });
      }
    });
  }
  go.Notify();
  for (std::thread& thread : threads) thread.join();

  MutexLock lock(&mu);
  EXPECT_EQ(failures, 0);
  ASSERT_EQ(sequence_of.size(), kTotal);
  EXPECT_EQ(log.FirstSequence(), 1u);
  EXPECT_EQ(log.LastSequence(), kTotal);

  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(0, kTotal + 10, &out).ok());
  ASSERT_EQ(out.size(), kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) {
    ASSERT_EQ(out[i]->sequence(), i + 1) << "not contiguous at index " << i;
    const auto it = sequence_of.find(out[i]->event().id());
    ASSERT_NE(it, sequence_of.end()) << out[i]->event().id();
    ASSERT_EQ(it->second, i + 1) << "callback and Read disagree for " << out[i]->event().id();
  }
  // One thread's appends are stored in the order it made them.
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(per_thread[t].size(), static_cast<size_t>(kPerThread));
    for (int i = 1; i < kPerThread; ++i) {
      ASSERT_LT(per_thread[t][i - 1], per_thread[t][i]) << "thread " << t << " append " << i;
    }
  }
}

// ---------------------------------------------------------------------------
// Regression tests for overflow at the edges of the EventLog contract.
// ---------------------------------------------------------------------------

// Regression: Read computes `begin + max_events`, which wraps around for a caller
// asking for "everything" with SIZE_MAX, and then returns nothing at all.
TEST(MemoryEventLogTest, ReadWithUnlimitedMaxEventsReturnsEverythingAfter) {
  MemoryEventLog log(Defaults());
  AppendN(log, 10);
  std::vector<EventPtr> out;
  ASSERT_TRUE(log.Read(3, std::numeric_limits<size_t>::max(), &out).ok());
  EXPECT_THAT(Sequences(out), ElementsAre(4, 5, 6, 7, 8, 9, 10));
}

// Regression: "none when `after` >= LastSequence()" (event_log.h), but `after + 1`
// wraps to 0 for the largest sequence and Read reports OUT_OF_RANGE, telling
// the caller that events it never missed were dropped.
TEST(MemoryEventLogTest, ReadAfterTheLargestPossibleSequenceReturnsNothing) {
  MemoryEventLog log(Defaults());
  AppendN(log, 3);
  std::vector<EventPtr> out;
  const absl::Status status = log.Read(std::numeric_limits<uint64_t>::max(), 10, &out);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(out, IsEmpty());
}

}  // namespace
}  // namespace switchboard
