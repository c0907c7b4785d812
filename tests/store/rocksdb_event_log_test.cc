#include "store/rocksdb_event_log.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/store/event_log_test_util.h"

namespace switchboard {
namespace {

using ::switchboard::event_log_test::AppendAndWait;
using ::switchboard::event_log_test::AppendNew;
using ::switchboard::event_log_test::ReadAll;
using ::testing::HasSubstr;

v1::Event MakeEvent(const std::string& id, absl::Time received_at = absl::Now(),
                    size_t notes_bytes = 0) {
  v1::Event event;
  event.set_id(id);
  event.set_type("call.completed");
  event.mutable_call_completed()->set_call_id(absl::StrCat("call-", id));
  if (notes_bytes > 0) event.mutable_call_completed()->set_notes(std::string(notes_bytes, 'n'));
  ToTimestamp(received_at, event.mutable_received_at());
  return event;
}

class RocksDbEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/rocksdb_event_log_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RocksDbEventLog::Options Defaults() const {
    RocksDbEventLog::Options options;
    options.dir = dir_;
    options.maintenance_interval = absl::Hours(1);  // tests call EnforceRetention()
    return options;
  }

  std::unique_ptr<RocksDbEventLog> Open(RocksDbEventLog::Options options) {
    absl::StatusOr<std::unique_ptr<RocksDbEventLog>> log = RocksDbEventLog::Open(options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  std::string dir_;
};

TEST_F(RocksDbEventLogTest, EmptyStoreStartsAtSequenceOne) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  EXPECT_EQ(log->LastSequence(), 0u);
  EXPECT_TRUE(ReadAll(*log).empty());
  EXPECT_TRUE(log->Writable().ok());
  EXPECT_EQ(AppendNew(*log, MakeEvent("a")), 1u);
}

TEST_F(RocksDbEventLogTest, ConcurrentAppendsAreContiguousAndReadBackInOrder) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  Mutex mu;
  absl::flat_hash_map<std::string, uint64_t> sequence_of;
  int failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = absl::StrCat("t", t, "-", i);
        absl::StatusOr<AppendResult> result = AppendAndWait(*log, MakeEvent(id));
        MutexLock lock(&mu);
        if (!result.ok() || result->duplicate || !sequence_of.emplace(id, result->sequence).second) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(log->LastSequence(), uint64_t{kThreads * kPerThread});

  std::vector<EventPtr> events = ReadAll(*log);
  ASSERT_EQ(events.size(), size_t{kThreads * kPerThread});
  google::protobuf::Timestamp previous;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]->sequence(), i + 1);
    EXPECT_EQ(sequence_of[events[i]->event().id()], i + 1) << "the callback named another sequence";
    EXPECT_GE(FromTimestamp(events[i]->event().received_at()), FromTimestamp(previous))
        << "received_at decreases at sequence " << i + 1;
    previous = events[i]->event().received_at();
  }
}

TEST_F(RocksDbEventLogTest, EventsIdsAndSequenceSurviveReopen) {
  {
    auto log = Open(Defaults());
    ASSERT_NE(log, nullptr);
    for (int i = 1; i <= 50; ++i) AppendNew(*log, MakeEvent(absl::StrCat("e", i)));
  }
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  EXPECT_EQ(log->LastSequence(), 50u);
  std::vector<EventPtr> events = ReadAll(*log);
  ASSERT_EQ(events.size(), 50u);
  EXPECT_EQ(events[41]->event().id(), "e42");
  EXPECT_EQ(events[41]->event().call_completed().call_id(), "call-e42");

  absl::StatusOr<AppendResult> again = AppendAndWait(*log, MakeEvent("e7"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate) << "the id index did not survive the restart";
  EXPECT_EQ(again->sequence, 7u);
  EXPECT_EQ(AppendNew(*log, MakeEvent("e51")), 51u) << "the sequence did not continue";
}

TEST_F(RocksDbEventLogTest, DuplicatesInOneBatchAndAcrossBatchesAreStoredOnce) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  // Concurrent: likely in the same group commit.
  std::vector<absl::StatusOr<AppendResult>> results(6, absl::UnknownError("not run"));
  Mutex mu;
  int pending = 6;
  for (int i = 0; i < 6; ++i) {
    log->Append(MakeEvent("same"), [&, i](absl::StatusOr<AppendResult> result) {
      MutexLock lock(&mu);
      results[i] = std::move(result);
      --pending;
    });
  }
  {
    MutexLock lock(&mu);
    auto done = [&pending]() { return pending == 0; };
    ASSERT_TRUE(mu.AwaitWithTimeout(Condition(&done), absl::Seconds(30)));
  }
  int originals = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->sequence, 1u);
    originals += result->duplicate ? 0 : 1;
  }
  EXPECT_EQ(originals, 1);
  // Sequential, later.
  absl::StatusOr<AppendResult> later = AppendAndWait(*log, MakeEvent("same"));
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->duplicate);
  EXPECT_EQ(log->LastSequence(), 1u);
  EXPECT_EQ(ReadAll(*log).size(), 1u);
}

TEST_F(RocksDbEventLogTest, DuplicateOutsideTheWindowIsStoredAgain) {
  RocksDbEventLog::Options options = Defaults();
  options.dedup_window = absl::Minutes(10);
  auto log = Open(options);
  ASSERT_NE(log, nullptr);
  const absl::Time t0 = absl::Now() - absl::Hours(1);
  EXPECT_EQ(AppendNew(*log, MakeEvent("x", t0)), 1u);
  absl::StatusOr<AppendResult> inside = AppendAndWait(*log, MakeEvent("x", t0 + absl::Minutes(9)));
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->duplicate);
  EXPECT_EQ(AppendNew(*log, MakeEvent("x", t0 + absl::Minutes(11))), 2u);
}

TEST_F(RocksDbEventLogTest, ReadsOlderThanTheMemoryCacheComeFromDisk) {
  RocksDbEventLog::Options options = Defaults();
  options.cache_events = 10;
  auto log = Open(options);
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 300; ++i) AppendNew(*log, MakeEvent(absl::StrCat("e", i)));
  std::vector<EventPtr> out;
  ASSERT_TRUE(log->Read(5, 1000, &out).ok());
  ASSERT_EQ(out.size(), 295u);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i]->sequence(), i + 6);
  out.clear();
  ASSERT_TRUE(log->Read(100, 7, &out).ok());
  ASSERT_EQ(out.size(), 7u) << "max_events is a limit";
  EXPECT_EQ(out.front()->sequence(), 101u);
}

TEST_F(RocksDbEventLogTest, AgeRetentionDeletesOldEventsAndReadsSayOutOfRange) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  const absl::Time now = absl::Now();
  for (int i = 1; i <= 40; ++i) AppendNew(*log, MakeEvent(absl::StrCat("old", i), now - absl::Hours(24 * 8)));
  for (int i = 1; i <= 10; ++i) AppendNew(*log, MakeEvent(absl::StrCat("new", i), now));
  absl::StatusOr<uint64_t> deleted = log->EnforceRetention();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 40u);
  EXPECT_EQ(log->FirstSequence(), 41u);
  std::vector<EventPtr> out;
  absl::Status status = log->Read(0, 10, &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(status.message(), HasSubstr("oldest retained sequence is 41"));
  EXPECT_EQ(ReadAll(*log, 40).size(), 10u);
  // And after a restart.
  log.reset();
  log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 41u);
  EXPECT_EQ(log->LastSequence(), 50u);
}

TEST_F(RocksDbEventLogTest, RetentionKeepsTheNewestEventSoSequencesContinue) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  const absl::Time old = absl::Now() - absl::Hours(24 * 30);
  for (int i = 1; i <= 5; ++i) AppendNew(*log, MakeEvent(absl::StrCat("e", i), old));
  ASSERT_TRUE(log->EnforceRetention().ok());
  EXPECT_EQ(log->FirstSequence(), 5u);
  log.reset();
  log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(AppendNew(*log, MakeEvent("e6")), 6u);
}

TEST_F(RocksDbEventLogTest, SizeRetentionBringsTheStoreUnderTheLimit) {
  RocksDbEventLog::Options options = Defaults();
  options.max_bytes = 256 << 10;
  auto log = Open(options);
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 2000; ++i) AppendNew(*log, MakeEvent(absl::StrCat("e", i), absl::Now(), 1024));
  absl::StatusOr<uint64_t> deleted = log->EnforceRetention();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  const uint64_t retained = log->LastSequence() - log->FirstSequence() + 1;
  EXPECT_GT(*deleted, 0u);
  EXPECT_EQ(*deleted + retained, 2000u);
  // Each record is a little over 1 KiB: the retained ones fit the limit, and
  // no more were deleted than needed.
  uint64_t retained_bytes = 0;
  std::vector<EventPtr> events = ReadAll(*log, log->FirstSequence() - 1);
  for (const EventPtr& event : events) retained_bytes += 8 + event->event().ByteSizeLong();
  EXPECT_LE(retained_bytes, 256u << 10);
  EXPECT_GT(retained_bytes + 1100, 256u << 10);
  EXPECT_EQ(events.size(), retained);
  // The accounting survives a restart: nothing more to delete.
  log.reset();
  log = Open(options);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log->EnforceRetention(), 0u);
}

TEST_F(RocksDbEventLogTest, FirstSequenceReceivedSinceFindsTheBoundary) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  const absl::Time base = absl::Now() - absl::Hours(1);
  for (int i = 0; i < 100; ++i) {
    AppendNew(*log, MakeEvent(absl::StrCat("e", i), base + absl::Seconds(i)));
  }
  EXPECT_EQ(*log->FirstSequenceReceivedSince(base - absl::Hours(1)), 1u);
  EXPECT_EQ(*log->FirstSequenceReceivedSince(base + absl::Seconds(37)), 38u);
  EXPECT_EQ(*log->FirstSequenceReceivedSince(base + absl::Seconds(37) + absl::Milliseconds(1)), 39u);
  EXPECT_EQ(*log->FirstSequenceReceivedSince(absl::Now() + absl::Hours(1)), 101u);
}

TEST_F(RocksDbEventLogTest, SecondOpenOfTheSameDirectoryIsRefusedClearly) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  absl::StatusOr<std::unique_ptr<RocksDbEventLog>> second = RocksDbEventLog::Open(Defaults());
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another process"));
  EXPECT_THAT(second.status().message(), HasSubstr("--data_dir"));
}

TEST_F(RocksDbEventLogTest, WaitForNewerWakesOnAppend) {
  auto log = Open(Defaults());
  ASSERT_NE(log, nullptr);
  std::thread appender([&] {
    absl::SleepFor(absl::Milliseconds(50));
    AppendNew(*log, MakeEvent("a"));
  });
  EXPECT_EQ(log->WaitForNewer(0, absl::Seconds(30)), 1u);
  appender.join();
}

}  // namespace
}  // namespace switchboard
