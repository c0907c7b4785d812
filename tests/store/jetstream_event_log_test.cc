// JetStreamEventLog against a real `nats-server -js` (started per test on a
// free loopback port, with its files in a temporary directory).

#include "store/jetstream_event_log.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "common/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/jetstream_replay_reader.h"
#include "tests/store/event_log_test_util.h"
#include "tests/nats/nats_server.h"

namespace switchboard {
namespace {

using ::switchboard::event_log_test::AppendAndWait;
using ::switchboard::event_log_test::AppendNew;
using ::switchboard::event_log_test::ReadAll;
using ::switchboard::nats_test::NatsServer;
using ::switchboard::nats_test::PickFreePort;
using ::switchboard::nats_test::WaitForJetStream;
using ::testing::HasSubstr;

v1::Event MakeEvent(const std::string& id, const std::string& type = "call.completed",
                    size_t notes_bytes = 0) {
  v1::Event event;
  event.set_id(id);
  event.set_type(type);
  event.mutable_call_completed()->set_call_id(absl::StrCat("call-", id));
  if (notes_bytes > 0) event.mutable_call_completed()->set_notes(std::string(notes_bytes, 'n'));
  ToTimestamp(absl::Now(), event.mutable_received_at());
  return event;
}

// Polls `condition` every 20 ms for at most `timeout`.
template <typename Condition>
bool Eventually(Condition condition, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

class JetStreamEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/jetstream_event_log_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    NatsServer::Options options;
    options.name = "nats";
    options.store_dir = root_ + "/nats";
    nats_ = std::make_unique<NatsServer>(options);
    ASSERT_TRUE(nats_->Start());
    ASSERT_TRUE(WaitForJetStream(nats_->url(), 1, absl::Seconds(10)));
  }
  void TearDown() override {
    nats_.reset();
    std::filesystem::remove_all(root_);
  }

  JetStreamEventLog::Options Options() const {
    JetStreamEventLog::Options options;
    options.servers = {nats_->url()};
    options.stream = "TEST";
    options.subject_prefix = "test.events";
    options.ack_timeout = absl::Seconds(2);
    options.api_timeout = absl::Seconds(2);
    options.connect_timeout = absl::Seconds(1);
    options.reconnect_wait = absl::Milliseconds(100);
    options.health_interval = absl::Milliseconds(100);
    return options;
  }

  std::unique_ptr<JetStreamEventLog> Open(JetStreamEventLog::Options options) {
    absl::StatusOr<std::unique_ptr<JetStreamEventLog>> log =
        JetStreamEventLog::Open(std::move(options));
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  std::string root_;
  std::unique_ptr<NatsServer> nats_;
};

// The reply subjects JetStream gives the messages a consumer delivers: what
// a message says of itself, and which consumer its ack goes to (AckAll asks
// one confirmation per consumer).
TEST(JetStreamReplyTest, GivesSequenceDeliveriesAndConsumerOfBothSubjectForms) {
  uint64_t sequence = 0, delivered = 0;
  absl::string_view consumer;
  ASSERT_TRUE(ParseJetStreamReply("$JS.ACK.EVENTS.group_billing.3.1042.998.1700000000000.17",
                                  &sequence, &delivered, &consumer));
  EXPECT_EQ(sequence, 1042u);
  EXPECT_EQ(delivered, 3u);
  EXPECT_EQ(consumer, "$JS.ACK.EVENTS.group_billing");
  ASSERT_TRUE(ParseJetStreamReply(
      "$JS.ACK.hub.ACCHASH.EVENTS.group_billing.1.7.7.1700000000000.0.token", &sequence,
      &delivered, &consumer));
  EXPECT_EQ(sequence, 7u);
  EXPECT_EQ(delivered, 1u);
  EXPECT_EQ(consumer, "$JS.ACK.hub.ACCHASH.EVENTS.group_billing");
  EXPECT_TRUE(ParseJetStreamReply("$JS.ACK.EVENTS.c.1.2.3.4.5", &sequence, &delivered));

  const std::vector<const char*> not_acks = {"_INBOX.abc.1", "$JS.ACK.EVENTS.c.1.2.3.4",
                                             "$JS.ACK.EVENTS.c.x.2.3.4.5", "", nullptr};
  for (const char* not_an_ack : not_acks) {
    EXPECT_FALSE(ParseJetStreamReply(not_an_ack, &sequence, &delivered, &consumer))
        << (not_an_ack != nullptr ? not_an_ack : "null");
  }
}

TEST_F(JetStreamEventLogTest, AppendAssignsStreamSequencesAndReadReturnsThem) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  EXPECT_EQ(log->LastSequence(), 0u);
  EXPECT_TRUE(log->Writable().ok());
  EXPECT_THAT(log->Describe(), HasSubstr("subjects test.events.>"));

  EXPECT_EQ(AppendNew(*log, MakeEvent("a")), 1u);
  EXPECT_EQ(AppendNew(*log, MakeEvent("b", "sms.received")), 2u);
  EXPECT_EQ(AppendNew(*log, MakeEvent("c id with spaces ünïcode %")), 3u);
  EXPECT_EQ(log->LastSequence(), 3u);
  EXPECT_EQ(log->WaitForNewer(2, absl::Seconds(1)), 3u);

  std::vector<EventPtr> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]->sequence(), i + 1);
  EXPECT_EQ(all[0]->event().id(), "a");
  EXPECT_EQ(all[0]->event().call_completed().call_id(), "call-a");
  EXPECT_EQ(all[1]->type(), "sms.received");
  EXPECT_EQ(all[2]->event().id(), "c id with spaces ünïcode %");

  std::vector<EventPtr> one;
  ASSERT_TRUE(log->Read(1, 1, &one).ok());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]->event().id(), "b");
  one.clear();
  ASSERT_TRUE(log->Read(3, 10, &one).ok());
  EXPECT_TRUE(one.empty());
}

TEST_F(JetStreamEventLogTest, ADuplicateIdAnswersTheOriginalSequence) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(AppendNew(*log, MakeEvent("x")), 1u);
  EXPECT_EQ(AppendNew(*log, MakeEvent("y")), 2u);
  absl::StatusOr<AppendResult> again = AppendAndWait(*log, MakeEvent("x", "sms.sent"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, 1u);

  // The same id appended concurrently: exactly one original.
  std::vector<absl::StatusOr<AppendResult>> results(4, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { results[i] = AppendAndWait(*log, MakeEvent("z")); });
  }
  for (std::thread& thread : threads) thread.join();
  int originals = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->sequence, 3u);
    originals += result->duplicate ? 0 : 1;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(AppendNew(*log, MakeEvent("w")), 4u) << "a duplicate took a sequence";
  EXPECT_EQ(ReadAll(*log).size(), 4u);
}

TEST_F(JetStreamEventLogTest, ReopeningResumesSequencesAndReadsOlderEventsFromTheStream) {
  {
    std::unique_ptr<JetStreamEventLog> log = Open(Options());
    ASSERT_NE(log, nullptr);
    for (int i = 1; i <= 5; ++i)
      EXPECT_EQ(AppendNew(*log, MakeEvent(absl::StrCat("e", i))), uint64_t(i));
  }
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->FirstSequence(), 1u);
  EXPECT_EQ(log->LastSequence(), 5u);
  // Nothing is cached yet: these come from the stream itself.
  std::vector<EventPtr> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2]->event().id(), "e3");
  EXPECT_EQ(all[2]->sequence(), 3u);

  absl::StatusOr<AppendResult> retried = AppendAndWait(*log, MakeEvent("e3"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate) << "the duplicate window is JetStream's: it survives restarts";
  EXPECT_EQ(retried->sequence, 3u);
  EXPECT_EQ(AppendNew(*log, MakeEvent("e6")), 6u);
  EXPECT_EQ(ReadAll(*log, 4).size(), 2u);
  // received_at continues from the newest stored event.
  EXPECT_GE(FromTimestamp(ReadAll(*log, 5)[0]->event().received_at()),
            FromTimestamp(all[4]->event().received_at()));
}

// Reads older than the cache go through bulk cursors (JetStreamReplayReader):
// whole ranges, in order, for readers at different positions at once.
TEST_F(JetStreamEventLogTest, OlderEventsAreReadInOrderByConcurrentReaders) {
  JetStreamEventLog::Options options = Options();
  options.cache_events = 16;
  constexpr int kEvents = 1500;
  {
    std::unique_ptr<JetStreamEventLog> log = Open(options);
    ASSERT_NE(log, nullptr);
    std::vector<std::thread> writers;
    for (int t = 0; t < 3; ++t) {
      writers.emplace_back([&, t] {
        for (int i = t; i < kEvents; i += 3) AppendNew(*log, MakeEvent(absl::StrCat("r", i)));
      });
    }
    for (std::thread& writer : writers) writer.join();
  }
  std::unique_ptr<JetStreamEventLog> log = Open(options);  // an empty cache
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(log->LastSequence(), static_cast<uint64_t>(kEvents));
  std::vector<std::vector<EventPtr>> read(3);
  const uint64_t starts[] = {0, 700, 1400};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] { read[r] = ReadAll(*log, starts[r]); });
  }
  for (std::thread& reader : readers) reader.join();
  std::set<std::string> ids;
  for (int r = 0; r < 3; ++r) {
    ASSERT_EQ(read[r].size(), kEvents - starts[r]) << "reader " << r;
    for (size_t i = 0; i < read[r].size(); ++i) {
      ASSERT_EQ(read[r][i]->sequence(), starts[r] + i + 1) << "reader " << r << ", index " << i;
      if (r == 0) ids.insert(read[r][i]->event().id());
    }
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents)) << "an event read twice, or one missing";
  // A reader going back re-reads the same events.
  std::vector<EventPtr> again;
  ASSERT_TRUE(log->Read(99, 5, &again).ok());
  ASSERT_EQ(again.size(), 5u);
  EXPECT_EQ(again[0]->event().id(), read[0][99]->event().id());
}

TEST_F(JetStreamEventLogTest, TwoLogsOnOneStreamShareSequencesAndDuplicates) {
  std::unique_ptr<JetStreamEventLog> a = Open(Options());
  std::unique_ptr<JetStreamEventLog> b = Open(Options());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(AppendNew(*a, MakeEvent("from-a")), 1u);
  EXPECT_EQ(b->WaitForNewer(0, absl::Seconds(5)), 1u) << "b's tail did not see a's event";
  EXPECT_EQ(AppendNew(*b, MakeEvent("from-b")), 2u);
  absl::StatusOr<AppendResult> dup = AppendAndWait(*b, MakeEvent("from-a"));
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->sequence, 1u);

  // Concurrent appends on both: distinct, contiguous, and both see all.
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) AppendNew(t == 0 ? *a : *b, MakeEvent(absl::StrCat(t, "-", i)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(Eventually([&] { return a->LastSequence() == 102 && b->LastSequence() == 102; }));
  std::vector<EventPtr> from_a = ReadAll(*a);
  std::vector<EventPtr> from_b = ReadAll(*b);
  ASSERT_EQ(from_a.size(), 102u);
  ASSERT_EQ(from_b.size(), 102u);
  std::set<std::string> ids;
  for (size_t i = 0; i < from_a.size(); ++i) {
    EXPECT_EQ(from_a[i]->sequence(), i + 1);
    EXPECT_EQ(from_a[i]->event().id(), from_b[i]->event().id()) << "sequence " << i + 1;
    ids.insert(from_a[i]->event().id());
  }
  EXPECT_EQ(ids.size(), 102u);
}

TEST_F(JetStreamEventLogTest, EventsRemovedByRetentionAreOutOfRange) {
  JetStreamEventLog::Options options = Options();
  options.max_bytes = 4096;  // a few events of ~1 KB
  std::unique_ptr<JetStreamEventLog> log = Open(options);
  ASSERT_NE(log, nullptr);
  for (int i = 1; i <= 20; ++i)
    AppendNew(*log, MakeEvent(absl::StrCat("big", i), "call.completed", 1000));
  ASSERT_TRUE(Eventually([&] { return log->FirstSequence() > 10; }))
      << "oldest is still " << log->FirstSequence();
  const uint64_t first = log->FirstSequence();
  EXPECT_EQ(log->LastSequence(), 20u);

  std::vector<EventPtr> out;
  absl::Status status = log->Read(0, 10, &out);
  EXPECT_TRUE(absl::IsOutOfRange(status)) << status;
  EXPECT_EQ(status.message(),
            absl::StrCat("events after sequence 0 are no longer retained; the oldest retained "
                         "sequence is ",
                         first));
  EXPECT_TRUE(out.empty());
  std::vector<EventPtr> rest = ReadAll(*log, first - 1);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front()->sequence(), first);
  EXPECT_EQ(rest.back()->sequence(), 20u);

  // A fresh log (empty cache) learns it from the stream.
  log.reset();
  log = Open(options);
  ASSERT_NE(log, nullptr);
  out.clear();
  status = log->Read(2, 10, &out);
  EXPECT_TRUE(absl::IsOutOfRange(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("events after sequence 2 are no longer retained"));
}

TEST_F(JetStreamEventLogTest, FirstSequenceReceivedSinceFindsTheFirstEventReceivedThen) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  const absl::Time start = absl::Now() - absl::Seconds(1);
  AppendNew(*log, MakeEvent("t1"));
  AppendNew(*log, MakeEvent("t2"));
  absl::SleepFor(absl::Milliseconds(50));
  const absl::Time boundary = absl::Now();
  absl::SleepFor(absl::Milliseconds(50));
  AppendNew(*log, MakeEvent("t3"));
  AppendNew(*log, MakeEvent("t4"));

  absl::StatusOr<uint64_t> since = log->FirstSequenceReceivedSince(boundary);
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_EQ(*since, 3u);
  since = log->FirstSequenceReceivedSince(start);
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_EQ(*since, 1u);
  since = log->FirstSequenceReceivedSince(absl::Now() + absl::Hours(1));
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_EQ(*since, 5u);

  // From the stream itself (nothing cached).
  log.reset();
  log = Open(Options());
  ASSERT_NE(log, nullptr);
  since = log->FirstSequenceReceivedSince(boundary);
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_EQ(*since, 3u);
}

// A publish no stream answers (no leader, here: the stream is gone) waits
// for a leader up to ack_timeout, then fails UNAVAILABLE, once; meanwhile
// further webhooks are refused at once.
TEST_F(JetStreamEventLogTest, AnAppendNoStreamAnswersWaitsForALeaderThenFailsOnce) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(AppendNew(*log, MakeEvent("before")), 1u);
  natsConnection* nc = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&nc, nats_->url().c_str()), NATS_OK);
  jsCtx* js = nullptr;
  ASSERT_EQ(natsConnection_JetStream(&js, nc, nullptr), NATS_OK);
  ASSERT_EQ(js_DeleteStream(js, "TEST", nullptr, nullptr), NATS_OK);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);

  Mutex mu;
  int calls = 0;
  absl::Status status;
  const absl::Time start = absl::Now();
  absl::Time answered;
  log->Append(MakeEvent("orphan"), [&](absl::StatusOr<AppendResult> result) {
    MutexLock lock(&mu);
    ++calls;
    status = result.status();
    answered = absl::Now();
  });
  ASSERT_TRUE(Eventually([&] { return !log->Writable().ok(); }, absl::Seconds(2)));
  absl::StatusOr<AppendResult> refused = AppendAndWait(*log, MakeEvent("refused"));
  EXPECT_TRUE(absl::IsUnavailable(refused.status())) << refused.status();
  ASSERT_TRUE(Eventually([&] {
    MutexLock lock(&mu);
    return calls > 0;
  }, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(300));  // the health thread's next turns
  MutexLock lock(&mu);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("had no leader"));
  EXPECT_GE(answered - start, absl::Seconds(2)) << "it did not wait for a leader";
}

TEST_F(JetStreamEventLogTest, NatsDownFailsAppendsUnavailableAndTheLogRecovers) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(AppendNew(*log, MakeEvent("before")), 1u);

  nats_->Kill();
  ASSERT_TRUE(Eventually([&] { return !log->Writable().ok(); }, absl::Seconds(5)))
      << "Writable() still OK with NATS down";
  EXPECT_TRUE(absl::IsUnavailable(log->Writable())) << log->Writable();
  const absl::Time start = absl::Now();
  absl::StatusOr<AppendResult> refused = AppendAndWait(*log, MakeEvent("during"));
  EXPECT_TRUE(absl::IsUnavailable(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("NATS"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "an append waited for the network";

  ASSERT_TRUE(nats_->Start());
  ASSERT_TRUE(Eventually([&] { return log->Writable().ok(); }, absl::Seconds(15)))
      << log->Writable();
  absl::StatusOr<AppendResult> after = AppendAndWait(*log, MakeEvent("during"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_FALSE(after->duplicate) << "the refused event was stored after all";
  EXPECT_EQ(after->sequence, 2u);
  // The tail came back too: another writer's event reaches this log.
  std::unique_ptr<JetStreamEventLog> other = Open(Options());
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(AppendNew(*other, MakeEvent("other")), 3u);
  ASSERT_TRUE(Eventually([&] { return log->LastSequence() == 3; }));
  std::vector<EventPtr> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]->event().id(), "other");
}

TEST_F(JetStreamEventLogTest, OpenFailsFastWhenNatsIsUnreachable) {
  JetStreamEventLog::Options options = Options();
  const int closed_port = PickFreePort();
  options.servers = {absl::StrCat("nats://127.0.0.1:", closed_port)};
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<JetStreamEventLog>> log = JetStreamEventLog::Open(options);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(log.status())) << log.status();
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr(absl::StrCat("cannot connect to NATS at nats://127.0.0.1:", closed_port)));
}

TEST_F(JetStreamEventLogTest, OpenRefusesAStreamWithOtherSubjects) {
  ASSERT_NE(Open(Options()), nullptr);  // creates TEST with subjects test.events.>
  JetStreamEventLog::Options options = Options();
  options.subject_prefix = "other.events";
  absl::StatusOr<std::unique_ptr<JetStreamEventLog>> log = JetStreamEventLog::Open(options);
  ASSERT_FALSE(log.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(log.status())) << log.status();
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("stream TEST has subjects [test.events.>] but Switchboard needs exactly "
                        "[other.events.>]"));

  options = Options();
  options.stream = "SECOND";  // same subjects as TEST
  log = JetStreamEventLog::Open(options);
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(std::string(log.status().message()), HasSubstr("overlap"));

  options = Options();
  options.replicas = 3;  // a standalone server
  options.stream = "THIRD";
  options.subject_prefix = "third";
  log = JetStreamEventLog::Open(options);
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(std::string(log.status().message()), HasSubstr("not part of a JetStream cluster"));
}

TEST_F(JetStreamEventLogTest, ConcurrentAppendsFromManyThreadsAreContiguous) {
  std::unique_ptr<JetStreamEventLog> log = Open(Options());
  ASSERT_NE(log, nullptr);
  constexpr int kThreads = 4;
  constexpr int kEach = 250;
  std::atomic<int> in_flight{1};  // 1: the appending threads themselves
  std::atomic<int> ok{0};
  Notification all_done;
  auto finished_one = [&] {
    if (--in_flight == 0) all_done.Notify();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ++in_flight;
        log->Append(MakeEvent(absl::StrCat(t, ":", i)), [&](absl::StatusOr<AppendResult> result) {
          if (result.ok() && !result->duplicate) ++ok;
          finished_one();
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  finished_one();
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_EQ(ok.load(), kThreads * kEach);
  std::vector<EventPtr> all = ReadAll(*log);
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i]->sequence(), all[i - 1]->sequence() + 1);
    EXPECT_GE(FromTimestamp(all[i]->event().received_at()), FromTimestamp(all[i - 1]->event().received_at()))
        << "received_at went back at sequence " << all[i]->sequence();
  }
}

}  // namespace
}  // namespace switchboard
