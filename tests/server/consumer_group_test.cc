// The consumer group state machine on a real in-memory log and dispatcher,
// with members that record what they are sent: delivery to one member at a
// time, acks, flow control, deadlines, nacks, dead letters, seek, leaving,
// and a restart from stored state.

#include "server/consumer_group.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/event_filter.h"
#include "server/fanout_dispatcher.h"
#include "server/sequence_set.h"
#include "store/group_store.h"
#include "store/memory_event_log.h"

namespace switchboard::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::Duration kWait = absl::Seconds(10);

// A member that records deliveries and results.
class Member : public GroupMemberSink {
 public:
  void Deliver(std::vector<GroupDeliveryItem> items) override {
    absl::MutexLock lock(&mu_);
    for (const GroupDeliveryItem& item : items) {
      delivered_.push_back(item.event->sequence());
      attempts_[item.event->sequence()] = item.attempt;
    }
  }
  void OnResult(v1::AckResult result) override {
    absl::MutexLock lock(&mu_);
    results_.push_back(std::move(result));
  }
  void End(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    ended_ = status.error_code();
  }

  // Waits until `n` deliveries arrived (or kWait); returns them all.
  std::vector<uint64_t> WaitDelivered(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&] { return delivered_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), kWait);
    return delivered_;
  }
  std::vector<uint64_t> delivered() {
    absl::MutexLock lock(&mu_);
    return delivered_;
  }
  uint32_t attempt(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    return attempts_[sequence];
  }
  std::vector<v1::AckResult> WaitResults(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&] { return results_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), kWait);
    return results_;
  }
  std::optional<grpc::StatusCode> ended() {
    absl::MutexLock lock(&mu_);
    return ended_;
  }

 private:
  absl::Mutex mu_;
  std::vector<uint64_t> delivered_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, uint32_t> attempts_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::AckResult> results_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::StatusCode> ended_ ABSL_GUARDED_BY(mu_);
};

// Records the writes and can be told to fail them.
class RecordingStore : public GroupStore {
 public:
  absl::StatusOr<std::vector<StoredGroup>> LoadAll() override { return std::vector<StoredGroup>(); }
  void Write(GroupWrite write, WriteCallback done) override {
    absl::Status status;
    {
      absl::MutexLock lock(&mu_);
      status = fail_ ? absl::UnavailableError("disk full") : absl::OkStatus();
      if (status.ok()) {
        if (write.config) stored_.config = *write.config;
        if (write.position) stored_.position = *write.position;
        for (auto& dead : write.put_dead_letters) dead_[dead.sequence()] = dead;
        for (uint64_t sequence : write.delete_dead_letters) dead_.erase(sequence);
        ++writes_;
      }
    }
    std::move(done)(status);
  }
  bool durable() const override { return true; }

  void set_fail(bool fail) {
    absl::MutexLock lock(&mu_);
    fail_ = fail;
  }
  StoredGroup stored() {
    absl::MutexLock lock(&mu_);
    StoredGroup copy = stored_;
    for (const auto& [sequence, dead] : dead_) copy.dead_letters.push_back(dead);
    return copy;
  }
  int writes() {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  absl::Mutex mu_;
  bool fail_ ABSL_GUARDED_BY(mu_) = false;
  StoredGroup stored_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, v1::DeadLetter> dead_ ABSL_GUARDED_BY(mu_);
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
};

class ConsumerGroupTest : public ::testing::Test {
 protected:
  ConsumerGroupTest() : log_(MemoryEventLog::Options{}), dispatcher_(&log_) { dispatcher_.Start(); }
  ~ConsumerGroupTest() override {
    for (auto& group : groups_) group->Shutdown(grpc::Status::CANCELLED);
    dispatcher_.Stop();
  }

  // Appends events of `type`; returns the last sequence.
  uint64_t Append(int n, const std::string& type = "call.completed") {
    uint64_t last = 0;
    for (int i = 0; i < n; ++i) {
      v1::Event event;
      event.set_id(absl::StrCat("e", ++next_id_));
      event.set_type(type);
      log_.Append(std::move(event), [&last](absl::StatusOr<AppendResult> result) {
        ASSERT_TRUE(result.ok());
        last = result->sequence;
      });
    }
    return last;
  }

  std::shared_ptr<ConsumerGroup> NewGroup(std::vector<std::string> types = {}, uint32_t attempts = 3,
                                          absl::Duration deadline = absl::Seconds(30),
                                          uint64_t after = 0) {
    GroupSettings settings;
    settings.name = "g";
    settings.event_types = types;
    settings.ack_deadline = deadline;
    settings.max_delivery_attempts = attempts;
    settings.created_at = absl::Now();
    google::protobuf::RepeatedPtrField<std::string> patterns(types.begin(), types.end());
    auto group = std::make_shared<ConsumerGroup>(settings, *EventFilter::Parse(patterns), &log_,
                                                 &dispatcher_, &store_);
    group->Create(after);
    group->Start();
    groups_.push_back(group);
    return group;
  }

  // Members live until every group is shut down (a group calls them until then).
  Member& NewMember() { return members_.emplace_back(); }

  std::deque<Member> members_;
  MemoryEventLog log_;
  FanoutDispatcher dispatcher_;
  RecordingStore store_;
  std::vector<std::shared_ptr<ConsumerGroup>> groups_;
  int next_id_ = 0;
};

TEST_F(ConsumerGroupTest, EachEventGoesToOneMemberAndAckedOnesNeverComeBack) {
  Append(30);
  auto group = NewGroup();
  Member& a = NewMember();
  Member& b = NewMember();
  Member& c = NewMember();
  const uint64_t ia = group->Join(&a, 1000, "a");
  const uint64_t ib = group->Join(&b, 1000, "b");
  const uint64_t ic = group->Join(&c, 1000, "c");
  Append(30);
  std::set<uint64_t> all;
  auto wait_all = [&] {
    const absl::Time deadline = absl::Now() + kWait;
    while (a.delivered().size() + b.delivered().size() + c.delivered().size() < 60 &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
  };
  wait_all();
  for (auto* m : {&a, &b, &c}) {
    for (uint64_t s : m->delivered()) EXPECT_TRUE(all.insert(s).second) << "delivered twice: " << s;
  }
  EXPECT_EQ(all.size(), 60u);
  group->Ack(ia, a.delivered());
  group->Ack(ib, b.delivered());
  group->Ack(ic, c.delivered());
  group->Expire(absl::Now() + absl::Hours(2));  // every deadline long past
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(a.delivered().size() + b.delivered().size() + c.delivered().size(), 60u)
      << "an acked event was delivered again";
  EXPECT_EQ(group->Info(absl::Now()).acked_through(), 60u);
  EXPECT_EQ(store_.stored().position.floor, 60u) << "the acks are stored";
}

TEST_F(ConsumerGroupTest, WithinOneMemberEventsArriveInSequenceOrder) {
  Append(500);
  auto group = NewGroup();
  Member& a = NewMember();
  Member& b = NewMember();
  group->Join(&a, 50, "a");
  const uint64_t ib = group->Join(&b, 500, "b");
  std::vector<uint64_t> got = b.WaitDelivered(100);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  group->Ack(ib, got);
  got = b.WaitDelivered(200);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

TEST_F(ConsumerGroupTest, AMemberHoldsAtMostMaxUnackedAndASlowOneHoldsUpNoOne) {
  Append(100);
  auto group = NewGroup();
  Member& slow = NewMember();
  Member& fast = NewMember();
  group->Join(&slow, 3, "slow");  // never acks
  const uint64_t ifast = group->Join(&fast, 10, "fast");
  size_t acked = 0;
  const absl::Time deadline = absl::Now() + kWait;
  while (acked < 97 && absl::Now() < deadline) {
    std::vector<uint64_t> got = fast.delivered();
    if (got.size() > acked) {
      group->Ack(ifast, std::vector<uint64_t>(got.begin() + acked, got.end()));
      acked = got.size();
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  EXPECT_EQ(slow.delivered().size(), 3u);
  EXPECT_EQ(acked, 97u) << "the fast member got everything the slow one does not hold";
  const v1::GroupInfo info = group->Info(absl::Now());
  EXPECT_EQ(info.pending(), 3u);
}

TEST_F(ConsumerGroupTest, AnEventNotAckedInTimeGoesToAnotherMemberWithItsAttempt) {
  Append(1);
  auto group = NewGroup({}, 5, absl::Seconds(30));
  Member& a = NewMember();
  group->Join(&a, 1, "a");
  ASSERT_THAT(a.WaitDelivered(1), ElementsAre(1u));
  Member& b = NewMember();
  group->Join(&b, 1, "b");
  group->Expire(absl::Now() + absl::Seconds(10));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_THAT(b.delivered(), IsEmpty()) << "redelivered before its deadline";
  group->Expire(absl::Now() + absl::Seconds(31));
  // a has room again; either member may get it, with attempt 2.
  const absl::Time deadline = absl::Now() + kWait;
  while (a.delivered().size() + b.delivered().size() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  Member& second = b.delivered().empty() ? a : b;
  EXPECT_EQ(second.attempt(1), 2u);
  EXPECT_EQ(group->Info(absl::Now()).redeliveries(), 1u);
}

TEST_F(ConsumerGroupTest, ExtendPushesTheDeadline) {
  Append(1);
  auto group = NewGroup({}, 5, absl::Seconds(5));
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 1, "a");
  ASSERT_THAT(a.WaitDelivered(1), ElementsAre(1u));
  group->Extend(ia, {1}, absl::Minutes(10));
  ASSERT_EQ(a.WaitResults(1).back().extended_size(), 1);
  group->Expire(absl::Now() + absl::Minutes(5));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(a.delivered().size(), 1u) << "redelivered although extended";
  EXPECT_EQ(group->Info(absl::Now()).redeliveries(), 0u);
}

TEST_F(ConsumerGroupTest, AMemberThatLeavesGivesItsEventsBackAtOnce) {
  Append(5);
  auto group = NewGroup();
  Member& a = NewMember();
  Member& b = NewMember();
  const uint64_t ia = group->Join(&a, 5, "a");
  ASSERT_EQ(a.WaitDelivered(5).size(), 5u);
  group->Join(&b, 5, "b");
  group->Leave(ia);
  EXPECT_THAT(b.WaitDelivered(5), ElementsAre(1u, 2u, 3u, 4u, 5u));
  EXPECT_EQ(b.attempt(3), 2u);
}

TEST_F(ConsumerGroupTest, NackedEventsComeBackAndAreParkedAfterMaxAttempts) {
  Append(2);
  auto group = NewGroup({}, /*attempts=*/3);
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 10, "a");
  ASSERT_EQ(a.WaitDelivered(2).size(), 2u);
  group->Ack(ia, {2});
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(a.WaitDelivered(2 + attempt - 1).size(), static_cast<size_t>(2 + attempt - 1));
    EXPECT_EQ(a.attempt(1), static_cast<uint32_t>(attempt));
    group->Nack(ia, {1});
  }
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(a.delivered().size(), 4u) << "delivered after its last attempt";
  auto dead = group->DeadLetters(0, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->first.size(), 1u);
  EXPECT_EQ(dead->first[0].sequence(), 1u);
  EXPECT_EQ(dead->first[0].delivery_attempts(), 3u);
  EXPECT_EQ(dead->first[0].type(), "call.completed");
  EXPECT_EQ(group->Info(absl::Now()).acked_through(), 2u) << "a parked event does not block the floor";
  ASSERT_EQ(store_.stored().dead_letters.size(), 1u) << "the dead letter is stored";

  // Re-queued: delivered again with fresh attempts; acked: gone for good.
  EXPECT_EQ(*group->RequeueDeadLetters({}, /*all=*/true), 1u);
  ASSERT_EQ(a.WaitDelivered(5).size(), 5u);
  EXPECT_EQ(a.attempt(1), 1u);
  EXPECT_EQ(group->DeadLetters(0, 10)->second, 0u);
  EXPECT_THAT(store_.stored().position.requeued, ElementsAre(1u));
  group->Ack(ia, {1});
  a.WaitResults(5);
  EXPECT_THAT(store_.stored().position.requeued, IsEmpty());
  EXPECT_TRUE(store_.stored().dead_letters.empty());
}

TEST_F(ConsumerGroupTest, DroppedDeadLettersAreForgotten) {
  Append(1);
  auto group = NewGroup({}, 1);
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 10, "a");
  a.WaitDelivered(1);
  group->Nack(ia, {1});
  a.WaitResults(1);
  EXPECT_EQ(group->DeadLetters(0, 10)->second, 1u);
  EXPECT_EQ(*group->DropDeadLetters({1}, false), 1u);
  EXPECT_EQ(group->DeadLetters(0, 10)->second, 0u);
  EXPECT_EQ(*group->DropDeadLetters({1}, false), 0u);
}

TEST_F(ConsumerGroupTest, AcksOfEventsNotHeldAreRejectedSayingWhy) {
  Append(3);
  auto group = NewGroup();
  Member& a = NewMember();
  Member& b = NewMember();
  const uint64_t ia = group->Join(&a, 1, "a");
  const uint64_t ib = group->Join(&b, 1, "b");
  a.WaitDelivered(1);
  b.WaitDelivered(1);
  const uint64_t held_by_b = b.delivered()[0];
  group->Ack(ia, {a.delivered()[0], held_by_b, 999});
  const v1::AckResult result = a.WaitResults(1).back();
  ASSERT_EQ(result.acked_size(), 1);
  ASSERT_EQ(result.rejected_size(), 2);
  EXPECT_EQ(result.rejected(0).sequence(), held_by_b);
  EXPECT_EQ(result.rejected(0).reason(), "not delivered to this member");
  EXPECT_EQ(result.rejected(1).reason(), "no such event");
  group->Ack(ia, {a.delivered()[0]});  // twice
  EXPECT_THAT(a.WaitResults(2).back().rejected(0).reason(), ::testing::HasSubstr("already acked"));
  group->Ack(ib, {held_by_b});
  EXPECT_EQ(b.WaitResults(1).back().acked_size(), 1);
}

TEST_F(ConsumerGroupTest, OnlyMatchingEventsAreDeliveredAndTheFloorPassesTheOthers) {
  Append(3, "sms.received");
  Append(2, "call.missed");
  Append(3, "sms.received");
  auto group = NewGroup({"call.*"});
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 10, "a");
  EXPECT_THAT(a.WaitDelivered(2), ElementsAre(4u, 5u));
  group->Ack(ia, {4, 5});
  a.WaitResults(1);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(group->Info(absl::Now()).acked_through(), 8u);
}

TEST_F(ConsumerGroupTest, AnAckIsReportedOnlyOnceStored) {
  Append(2);
  auto group = NewGroup();
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 10, "a");
  a.WaitDelivered(2);
  store_.set_fail(true);
  group->Ack(ia, {1});
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_TRUE(a.WaitResults(0).empty()) << "reported an ack the store did not take";
  store_.set_fail(false);
  group->Expire(absl::Now());  // the timer retries the write
  const std::vector<v1::AckResult> results = a.WaitResults(1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_THAT(results[0].acked(), ElementsAre(1u));
  EXPECT_EQ(store_.stored().position.floor, 1u);
}

TEST_F(ConsumerGroupTest, SeekDeliversFromTheNewPosition) {
  Append(10);
  auto group = NewGroup();
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 100, "a");
  a.WaitDelivered(10);
  group->Ack(ia, a.delivered());
  a.WaitResults(1);
  ASSERT_TRUE(group->Seek(4).ok());
  std::vector<uint64_t> got = a.WaitDelivered(16);
  EXPECT_EQ(std::vector<uint64_t>(got.begin() + 10, got.end()),
            (std::vector<uint64_t>{5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(group->Info(absl::Now()).acked_through(), 4u);
}

TEST_F(ConsumerGroupTest, ARestartRedeliversWhatWasNotAckedAndNothingElse) {
  Append(20);
  auto group = NewGroup({}, 5);
  Member& a = NewMember();
  const uint64_t ia = group->Join(&a, 20, "a");
  a.WaitDelivered(20);
  // Acked out of order: 1-5, 8, 10-20; 6, 7 and 9 are unacked; 7 was nacked once.
  std::vector<uint64_t> acked = {1, 2, 3, 4, 5, 8};
  for (uint64_t s = 10; s <= 20; ++s) acked.push_back(s);
  group->Nack(ia, {7});
  group->Ack(ia, acked);
  a.WaitResults(2);
  const StoredGroup stored = store_.stored();
  EXPECT_EQ(stored.position.floor, 5u);
  group->Shutdown(grpc::Status::CANCELLED);

  GroupSettings settings = group->settings();
  auto restored = std::make_shared<ConsumerGroup>(settings, EventFilter(), &log_, &dispatcher_, &store_);
  restored->Restore(stored);
  restored->Start();
  groups_.push_back(restored);
  Member& b = NewMember();
  restored->Join(&b, 20, "b");
  std::vector<uint64_t> again = b.WaitDelivered(3);
  std::sort(again.begin(), again.end());
  EXPECT_THAT(again, ElementsAre(6u, 7u, 9u));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(b.delivered().size(), 3u) << "an acked event came back after the restart";
  EXPECT_EQ(b.attempt(6), 2u);
  EXPECT_GE(b.attempt(7), 3u) << "the nack's attempt survives the restart";
}

TEST_F(ConsumerGroupTest, ShutdownEndsEveryMember) {
  auto group = NewGroup();
  Member& a = NewMember();
  group->Join(&a, 1, "a");
  group->Shutdown(grpc::Status(grpc::StatusCode::ABORTED, "deleted"));
  EXPECT_EQ(a.ended(), grpc::StatusCode::ABORTED);
}

TEST(SequenceSetTest, MergesRunsAndErasesBelowAFloor) {
  SequenceSet set;
  set.Insert(5);
  set.Insert(7);
  set.Insert(6);
  EXPECT_EQ(set.range_count(), 1u);
  set.InsertRange(1, 3);
  set.InsertRange(10, 20);
  set.Insert(4);
  EXPECT_THAT(set.Ranges(), ElementsAre(std::make_pair(1u, 7u), std::make_pair(10u, 20u)));
  EXPECT_TRUE(set.Contains(15));
  EXPECT_FALSE(set.Contains(8));
  EXPECT_EQ(set.RunFrom(1), std::optional<uint64_t>(7));
  EXPECT_EQ(set.RunFrom(2), std::nullopt);
  set.InsertRange(6, 12);
  EXPECT_THAT(set.Ranges(), ElementsAre(std::make_pair(1u, 20u)));
  set.EraseThrough(15);
  EXPECT_THAT(set.Ranges(), ElementsAre(std::make_pair(16u, 20u)));
  set.EraseThrough(30);
  EXPECT_TRUE(set.empty());
}

TEST(GroupPositionTest, EncodesAndDecodesExactly) {
  GroupPosition position;
  position.floor = 1000;
  position.delivered_through = 1u << 40;
  position.done = {{1002, 1002}, {1005, 2000000}, {(1ull << 40) - 5, (1ull << 40) - 1}};
  position.attempts = {{1001, 7}, {1003, 2}};
  position.requeued = {3, 999};
  absl::StatusOr<GroupPosition> decoded = DecodeGroupPosition(EncodeGroupPosition(position));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(*decoded == position);
  EXPECT_LT(EncodeGroupPosition(position).size(), 64u) << "ranges are cheap to store";
  for (const std::string& bad : {std::string(""), std::string("\x02"), std::string("\x01\x05"),
                                 EncodeGroupPosition(position) + "x",
                                 std::string("\x01\x00\x00\xff\xff\xff\xff\x0f", 8)}) {
    EXPECT_FALSE(DecodeGroupPosition(bad).ok()) << absl::CHexEscape(bad);
  }
}

}  // namespace
}  // namespace switchboard::server
