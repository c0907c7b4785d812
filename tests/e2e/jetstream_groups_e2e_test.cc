// End-to-end tests of consumer groups on the JetStream store
// (server/jetstream_group_backend.h): real switchboard instances on real
// nats-server processes, members as real gRPC clients (EventStream.Consume),
// operators through ConsumerGroupService. Instances and NATS nodes are killed
// with SIGKILL. Every wait is bounded.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "switchboard/v1/consumer_group_service.grpc.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "grpc_health.h"
#include "switchboard_process.h"
#include "tests/nats/nats_server.h"
#include "webhook_answers.h"

namespace switchboard::e2e {
namespace {

using ::switchboard::nats_test::NatsCluster;
using ::switchboard::nats_test::NatsServer;
using ::switchboard::nats_test::StreamLeader;
using ::switchboard::nats_test::WaitForCurrentReplicas;
using ::switchboard::v1::ConsumeRequest;
using ::switchboard::v1::ConsumeResponse;
using ::switchboard::v1::ConsumerGroupService;
using ::switchboard::v1::EventStream;

constexpr absl::string_view kWebhookPath = "/webhooks/justcall";
constexpr char kStream[] = "GROUPS";

// One member of a group: a Consume stream on one instance. Its reader thread
// records every delivery and answers it as `decide` says (ack, nack, or
// nothing); acks are counted only once the server says they are stored
// (AckResult.acked).
class Member {
 public:
  enum class Answer { kAck, kNack, kNone };
  using Decide = std::function<Answer(const v1::GroupDelivery&)>;

  Member(const std::string& address, v1::JoinGroup join, Decide decide)
      : decide_(std::move(decide)) {
    stub_ = EventStream::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    stream_ = stub_->Consume(&context_);
    ConsumeRequest request;
    *request.mutable_join() = std::move(join);
    stream_->Write(request);
    reader_ = std::thread([this] { Read(); });
  }
  ~Member() { Stop(); }

  void Stop() {
    context_.TryCancel();
    if (reader_.joinable()) reader_.join();
  }

  // Waits for the GroupJoined answer (or the end of the stream).
  bool WaitJoined(absl::Duration timeout = absl::Seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return joined_ || ended_; });
    return joined_;
  }
  // Polls `done` (which may call this member's accessors) until it holds.
  static bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!done()) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return true;
  }

  // Sends `request` (an ack, nack or extend of the test's own).
  bool Send(const ConsumeRequest& request) {
    std::lock_guard<std::mutex> lock(write_mu_);
    return stream_->Write(request);
  }
  // AckResults received.
  int results() {
    std::lock_guard<std::mutex> lock(mu_);
    return results_;
  }
  std::vector<v1::GroupDelivery> deliveries() {
    std::lock_guard<std::mutex> lock(mu_);
    return deliveries_;
  }
  std::set<uint64_t> acked() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  // Delivered and not (yet) confirmed acked.
  std::set<uint64_t> unacked() {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<uint64_t> open;
    for (const v1::GroupDelivery& d : deliveries_) {
      if (!acked_.count(d.event().sequence())) open.insert(d.event().sequence());
    }
    return open;
  }
  std::string end() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_ ? absl::StrCat(status_.error_code(), " ", status_.error_message()) : "";
  }
  grpc::StatusCode end_code() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_.error_code();
  }
  bool ended() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }

 private:
  void Read() {
    ConsumeResponse response;
    while (stream_->Read(&response)) {
      ConsumeRequest acks, nacks;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (response.has_joined()) joined_ = true;
        if (response.has_result()) ++results_;
        for (uint64_t sequence : response.result().acked()) acked_.insert(sequence);
        for (const v1::GroupDelivery& delivery : response.deliveries().deliveries()) {
          deliveries_.push_back(delivery);
          switch (decide_(delivery)) {
            case Answer::kAck:
              acks.mutable_ack()->add_sequences(delivery.event().sequence());
              break;
            case Answer::kNack:
              nacks.mutable_nack()->add_sequences(delivery.event().sequence());
              break;
            case Answer::kNone:
              break;
          }
        }
        changed_.notify_all();
      }
      if (acks.has_ack()) Send(acks);
      if (nacks.has_nack()) Send(nacks);
    }
    grpc::Status status = stream_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
    status_ = status;
    changed_.notify_all();
  }

  const Decide decide_;
  std::unique_ptr<EventStream::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<ConsumeRequest, ConsumeResponse>> stream_;
  std::thread reader_;
  std::mutex write_mu_;  // one Write at a time
  std::mutex mu_;
  std::condition_variable changed_;
  int results_ = 0;
  bool joined_ = false;
  bool ended_ = false;
  grpc::Status status_;
  std::vector<v1::GroupDelivery> deliveries_;
  std::set<uint64_t> acked_;
};

v1::JoinGroup Join(const std::string& group, uint32_t max_unacked = 100,
                   absl::Duration ack_deadline = absl::Seconds(2), uint32_t max_attempts = 0) {
  v1::JoinGroup join;
  join.set_group(group);
  join.set_from_oldest(true);
  join.set_max_unacked(max_unacked);
  join.mutable_ack_deadline()->set_seconds(absl::ToInt64Seconds(ack_deadline));
  join.set_max_delivery_attempts(max_attempts);
  return join;
}

Member::Decide AckAll() {
  return [](const v1::GroupDelivery&) { return Member::Answer::kAck; };
}

// ConsumerGroupService on `instance`.
std::unique_ptr<ConsumerGroupService::Stub> Admin(SwitchboardProcess& instance) {
  return ConsumerGroupService::NewStub(
      grpc::CreateChannel(instance.grpc_address(), grpc::InsecureChannelCredentials()));
}

class JetStreamGroupsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/switchboard_jetstream_groups.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    instances_.clear();
    nats_.reset();
    cluster_.reset();
    std::filesystem::remove_all(root_);
  }

  // One nats-server (the tests where NATS itself does not fail).
  void StartNats() {
    NatsServer::Options options;
    options.store_dir = root_ + "/nats";
    nats_ = std::make_unique<NatsServer>(options);
    ASSERT_TRUE(nats_->Start());
    ASSERT_TRUE(nats_test::WaitForJetStream(nats_->url(), 1, absl::Seconds(10)));
    urls_ = nats_->url();
    replicas_ = 1;
  }
  void StartCluster() {
    cluster_ = std::make_unique<NatsCluster>(root_);
    ASSERT_TRUE(cluster_->Start());
    urls_ = cluster_->urls();
    replicas_ = 3;
  }
  SwitchboardProcess& StartInstance() {
    auto instance = std::make_unique<SwitchboardProcess>();
    EXPECT_TRUE(instance->Start({"--store=jetstream", "--nats_url=" + urls_,
                                 absl::StrCat("--nats_stream=", kStream),
                                 "--nats_subject_prefix=groups.events",
                                 absl::StrCat("--nats_replicas=", replicas_),
                                 "--nats_ack_timeout=2s"}));
    instances_.push_back(std::move(instance));
    return *instances_.back();
  }

  // Posts webhooks id-0..id-(count-1) over 4 connections, retrying 503s.
  static void PostMany(SwitchboardProcess& instance, const std::string& id, int count) {
    std::atomic<int> next{0};
    std::vector<std::thread> senders;
    for (int s = 0; s < 4; ++s) {
      senders.emplace_back([&] {
        auto http = std::make_unique<HttpConnection>();
        bool open = http->Connect(instance.http_port()).empty();
        for (int i = next++; i < count; i = next++) {
          for (int attempt = 0; attempt < 300; ++attempt) {
            if (!open) {
              http = std::make_unique<HttpConnection>();
              open = http->Connect(instance.http_port()).empty();
            }
            HttpResponse response =
                http->Post(kWebhookPath, CallCompletedWebhook(absl::StrCat(id, "-", i)));
            if (!response.keep_alive || response.status == 0) open = false;
            if (response.status == 200) break;
            absl::SleepFor(absl::Milliseconds(100));
          }
        }
      });
    }
    for (std::thread& sender : senders) sender.join();
  }

  std::string root_;
  std::string urls_;
  int replicas_ = 1;
  std::unique_ptr<NatsServer> nats_;
  std::unique_ptr<NatsCluster> cluster_;
  std::vector<std::unique_ptr<SwitchboardProcess>> instances_;
};

// Every sequence 1..n acked (confirmed by the server) by one of `members`.
::testing::AssertionResult AllAcked(const std::vector<Member*>& members, uint64_t n) {
  std::set<uint64_t> acked;
  for (Member* member : members) {
    for (uint64_t sequence : member->acked()) acked.insert(sequence);
  }
  for (uint64_t sequence = 1; sequence <= n; ++sequence) {
    if (!acked.count(sequence)) {
      return ::testing::AssertionFailure() << "event " << sequence << " was never acked ("
                                           << acked.size() << " of " << n << " were)";
    }
  }
  return ::testing::AssertionSuccess();
}

// After failures: every sequence 1..n reached a member (each acks all it
// gets; an ack whose confirmation died with an instance still counts, as it
// did in JetStream), and the group, as `instance` tells it, has every event
// up to n acked and none pending.
::testing::AssertionResult Drained(SwitchboardProcess& instance, const std::string& group,
                                   const std::vector<Member*>& members, uint64_t n) {
  std::set<uint64_t> handled;
  for (Member* member : members) {
    for (const v1::GroupDelivery& d : member->deliveries()) handled.insert(d.event().sequence());
  }
  for (uint64_t sequence = 1; sequence <= n; ++sequence) {
    if (!handled.count(sequence)) {
      return ::testing::AssertionFailure() << "event " << sequence << " never reached a member ("
                                           << handled.size() << " of " << n << " did)";
    }
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::GetGroupRequest request;
  request.set_group(group);
  v1::GetGroupResponse response;
  grpc::Status status = Admin(instance)->GetGroup(&context, request, &response);
  if (!status.ok()) return ::testing::AssertionFailure() << status.error_message();
  if (response.group().acked_through() != n || response.group().pending() != 0) {
    return ::testing::AssertionFailure() << "the group is not drained: "
                                         << response.group().ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult WaitDrained(SwitchboardProcess& instance, const std::string& group,
                                       const std::vector<Member*>& members, uint64_t n,
                                       absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    ::testing::AssertionResult drained = Drained(instance, group, members, n);
    if (drained || absl::Now() > deadline) return drained;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// The names of `pid`'s threads (what `top -H` shows).
std::multiset<std::string> ThreadNames(pid_t pid) {
  std::multiset<std::string> names;
  const std::filesystem::path tasks = absl::StrCat("/proc/", pid, "/task");
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  return names;
}

bool WaitAllAcked(const std::vector<Member*>& members, uint64_t n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (AllAcked(members, n)) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

TEST_F(JetStreamGroupsE2eTest, ThreeMembersOnTwoInstancesHandleEachEventOnceByOneMember) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  constexpr int kEvents = 10000;
  PostMany(a, "e", kEvents);

  Member m1(a.grpc_address(), Join("billing", 100, absl::Seconds(30)), AckAll());
  ASSERT_TRUE(m1.WaitJoined()) << m1.end();
  Member m2(b.grpc_address(), Join("billing", 100, absl::Seconds(30)), AckAll());
  Member m3(b.grpc_address(), Join("billing", 100, absl::Seconds(30)), AckAll());
  ASSERT_TRUE(m2.WaitJoined()) << m2.end();
  ASSERT_TRUE(m3.WaitJoined()) << m3.end();
  std::vector<Member*> members = {&m1, &m2, &m3};
  ASSERT_TRUE(WaitAllAcked(members, kEvents, absl::Seconds(40)))
      << AllAcked(members, kEvents).message();

  std::map<uint64_t, int> deliveries;
  size_t on_a = 0, on_b = 0;
  for (Member* member : members) {
    for (const v1::GroupDelivery& d : member->deliveries()) {
      ++deliveries[d.event().sequence()];
      EXPECT_EQ(d.delivery_attempt(), 1u) << "event " << d.event().sequence() << " redelivered";
      EXPECT_EQ(d.event().id().substr(0, 2), "e-");
    }
    (member == &m1 ? on_a : on_b) += member->deliveries().size();
  }
  EXPECT_EQ(deliveries.size(), static_cast<size_t>(kEvents));
  for (const auto& [sequence, count] : deliveries) {
    ASSERT_EQ(count, 1) << "event " << sequence << " delivered " << count << " times";
  }
  EXPECT_GT(on_a, 0u) << "instance A's member got nothing";
  EXPECT_GT(on_b, 0u) << "instance B's members got nothing";
  EXPECT_GT(m2.deliveries().size(), 0u);
  EXPECT_GT(m3.deliveries().size(), 0u);
  // An operator running `top -H` sees the group's threads by name, once per
  // group on each instance, whatever gRPC thread its first member joined on.
  for (SwitchboardProcess* instance : {&a, &b}) {
    const std::multiset<std::string> names = ThreadNames(instance->pid());
    for (const char* name : {"sb-group-fetch", "sb-group-take", "sb-group-ops"}) {
      EXPECT_EQ(names.count(name), 1u) << name;
    }
  }

  // Both instances tell the same state: everything acked.
  for (SwitchboardProcess* instance : {&a, &b}) {
    grpc::ClientContext context;
    v1::GetGroupRequest request;
    request.set_group("billing");
    v1::GetGroupResponse response;
    ASSERT_TRUE(Admin(*instance)->GetGroup(&context, request, &response).ok());
    EXPECT_EQ(response.group().acked_through(), static_cast<uint64_t>(kEvents));
    EXPECT_EQ(response.group().pending(), 0u);
    EXPECT_EQ(response.group().lag(), 0u);
  }
  // A member joining with another filter, on either instance: refused.
  v1::JoinGroup other = Join("billing");
  other.add_event_types("sms.*");
  Member refused(b.grpc_address(), other, AckAll());
  ASSERT_FALSE(refused.WaitJoined());
  EXPECT_EQ(refused.end_code(), grpc::StatusCode::FAILED_PRECONDITION) << refused.end();
}

TEST_F(JetStreamGroupsE2eTest, AnInstanceKilledDuringADrainLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  constexpr int kEvents = 3000;
  constexpr uint32_t kMaxUnacked = 50;
  PostMany(a, "k", kEvents);

  // Slow members, so the drain is under way when B dies.
  auto slow = [](const v1::GroupDelivery&) {
    absl::SleepFor(absl::Microseconds(500));
    return Member::Answer::kAck;
  };
  Member on_a1(a.grpc_address(), Join("drain", kMaxUnacked), slow);
  ASSERT_TRUE(on_a1.WaitJoined()) << on_a1.end();
  Member on_a2(a.grpc_address(), Join("drain", kMaxUnacked), slow);
  Member on_b(b.grpc_address(), Join("drain", kMaxUnacked), slow);
  ASSERT_TRUE(on_a2.WaitJoined()) << on_a2.end();
  ASSERT_TRUE(on_b.WaitJoined()) << on_b.end();
  ASSERT_TRUE(on_b.WaitFor([&] { return on_b.deliveries().size() >= 200; }, absl::Seconds(30)));
  ASSERT_TRUE(b.Signal(SIGKILL));
  ASSERT_TRUE(b.WaitForExit(absl::Seconds(10)).has_value());
  ASSERT_TRUE(on_b.WaitFor([&] { return on_b.ended(); }, absl::Seconds(10)));
  const std::set<uint64_t> lost_with_b = on_b.unacked();

  std::vector<Member*> members = {&on_a1, &on_a2, &on_b};
  ASSERT_TRUE(WaitDrained(a, "drain", members, kEvents, absl::Seconds(40)));
  // Redeliveries: only what B held unacked (plus what it had fetched and
  // not yet sent to its member, at most its room).
  size_t redelivered = 0;
  for (Member* survivor : {&on_a1, &on_a2}) {
    for (const v1::GroupDelivery& d : survivor->deliveries()) {
      if (d.delivery_attempt() > 1) ++redelivered;
    }
  }
  EXPECT_LE(redelivered, lost_with_b.size() + kMaxUnacked);
  RecordProperty("unacked_on_killed_instance", static_cast<int>(lost_with_b.size()));
  RecordProperty("redelivered", static_cast<int>(redelivered));
}

TEST_F(JetStreamGroupsE2eTest, TheStreamLeadersNodeKilledDuringADrainLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  constexpr int kEvents = 2000;
  PostMany(a, "n", kEvents);
  auto slow = [](const v1::GroupDelivery&) {
    absl::SleepFor(absl::Microseconds(500));
    return Member::Answer::kAck;
  };
  Member m1(a.grpc_address(), Join("failover", 50), slow);
  ASSERT_TRUE(m1.WaitJoined()) << m1.end();
  Member m2(b.grpc_address(), Join("failover", 50), slow);
  ASSERT_TRUE(m2.WaitJoined()) << m2.end();
  ASSERT_TRUE(m1.WaitFor([&] { return m1.acked().size() >= 200; }, absl::Seconds(30)));
  // The group's consumer on every node first: a node lost within a second of
  // its creation can leave JetStream itself without a quorum for it (seen
  // once in CI: "consumer has NO quorum, stalled" for the rest of the test).
  ASSERT_TRUE(WaitForCurrentReplicas(cluster_->urls(), kStream, "group_failover",
                                     absl::Seconds(20)));

  const std::string leader = StreamLeader(cluster_->urls(), kStream);
  ASSERT_FALSE(leader.empty());
  for (int i = 0; i < cluster_->size(); ++i) {
    if (leader == absl::StrCat("n", i)) cluster_->node(i).Kill();
  }
  std::vector<Member*> members = {&m1, &m2};
  ASSERT_TRUE(WaitDrained(a, "failover", members, kEvents, absl::Seconds(45)))
      << "m1: " << m1.end() << "; m2: " << m2.end();
}

// Flow control, deadlines and extensions: a member gets at most max_unacked
// events; one it neither acks nor extends goes to another member after the
// ack deadline with attempt 2; one it extends stays with it.
TEST_F(JetStreamGroupsE2eTest, FlowControlDeadlinesAndExtensions) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  PostMany(a, "f", 20);
  auto none = [](const v1::GroupDelivery&) { return Member::Answer::kNone; };
  Member holder(a.grpc_address(), Join("flow", 4, absl::Seconds(2)), none);
  ASSERT_TRUE(holder.WaitJoined()) << holder.end();
  ASSERT_TRUE(Member::WaitFor([&] { return holder.deliveries().size() >= 4; }, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_EQ(holder.deliveries().size(), 4u) << "delivered beyond max_unacked";
  const uint64_t kept = holder.deliveries()[0].event().sequence();
  EXPECT_EQ(kept, 1u);
  // Extend the first for 6 s; leave the other three to expire.
  ASSERT_TRUE(holder.Send([&] {
    ConsumeRequest request;
    request.mutable_extend()->add_sequences(kept);
    request.mutable_extend()->mutable_extension()->set_seconds(6);
    return request;
  }()));
  const absl::Time extended_at = absl::Now();
  ASSERT_TRUE(Member::WaitFor([&] { return holder.results() >= 1; }, absl::Seconds(5)));

  Member other(b.grpc_address(), Join("flow", 100), AckAll());
  ASSERT_TRUE(other.WaitJoined()) << other.end();
  std::vector<Member*> both = {&holder, &other};
  // Everything but the extended event reaches `other` (the three expired
  // ones after the 2 s deadline, with attempt 2), well before the extension
  // ends.
  ASSERT_TRUE(Member::WaitFor([&] { return other.acked().size() >= 19; }, absl::Seconds(5)))
      << other.acked().size() << " acked";
  // Past twice the ack deadline (JetStream's timer restarted once by the
  // extension): still with its holder.
  absl::SleepFor(extended_at + absl::Seconds(4.5) - absl::Now());
  EXPECT_EQ(other.acked().count(kept), 0u) << "an extended event went to another member";
  int second_attempts = 0;
  for (const v1::GroupDelivery& d : other.deliveries()) {
    if (d.event().sequence() <= 4) {
      EXPECT_EQ(d.delivery_attempt(), 2u) << "event " << d.event().sequence();
      ++second_attempts;
    }
  }
  EXPECT_EQ(second_attempts, 3);
  ASSERT_TRUE(holder.Send([&] {
    ConsumeRequest request;
    request.mutable_ack()->add_sequences(kept);
    return request;
  }()));
  ASSERT_TRUE(Member::WaitFor([&] { return holder.acked().count(kept) == 1; }, absl::Seconds(5)))
      << "the extended event's ack was not stored";
  EXPECT_TRUE(AllAcked(both, 20));
}

TEST_F(JetStreamGroupsE2eTest, DeadLettersAfterNNacksAreListedRequeuedDroppedAndSeekReplays) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  PostMany(a, "d", 10);  // sequences 1..10; d-3 and d-7 are poison at first

  std::atomic<bool> cured{false};
  auto decide = [&](const v1::GroupDelivery& d) {
    const std::string& id = d.event().id();
    if (!cured && (id == "d-3" || id == "d-7")) return Member::Answer::kNack;
    return Member::Answer::kAck;
  };
  Member member(a.grpc_address(), Join("dl", 100, absl::Seconds(30), /*max_attempts=*/3), decide);
  ASSERT_TRUE(member.WaitJoined()) << member.end();
  auto admin = Admin(b);  // the operator talks to the other instance

  auto dead_letters = [&] {
    grpc::ClientContext context;
    v1::ListDeadLettersRequest request;
    request.set_group("dl");
    v1::ListDeadLettersResponse response;
    EXPECT_TRUE(admin->ListDeadLetters(&context, request, &response).ok());
    return response;
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (dead_letters().total() < 2 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(100));
  v1::ListDeadLettersResponse parked = dead_letters();
  ASSERT_EQ(parked.total(), 2u);
  std::map<std::string, uint64_t> sequence_of;
  for (const v1::GroupDelivery& d : member.deliveries()) sequence_of[d.event().id()] = d.event().sequence();
  const uint64_t poison3 = sequence_of["d-3"], poison7 = sequence_of["d-7"];
  EXPECT_EQ(parked.dead_letters(0).sequence(), std::min(poison3, poison7));
  EXPECT_EQ(parked.dead_letters(1).sequence(), std::max(poison3, poison7));
  for (const v1::DeadLetter& dead : parked.dead_letters()) {
    EXPECT_EQ(dead.delivery_attempts(), 3u);
    EXPECT_EQ(dead.type(), "call.completed");
  }
  int poison_deliveries = 0;
  for (const v1::GroupDelivery& d : member.deliveries()) {
    if (d.event().sequence() == poison3) {
      ++poison_deliveries;
      EXPECT_EQ(d.delivery_attempt(), static_cast<uint32_t>(poison_deliveries));
    }
  }
  EXPECT_EQ(poison_deliveries, 3) << "a dead letter is delivered max_delivery_attempts times";
  {
    // A dead letter is listed before JetStream is told to stop delivering
    // it (+TERM): the ack floor passes it a moment later.
    v1::GetGroupResponse response;
    const absl::Time until = absl::Now() + absl::Seconds(10);
    do {
      grpc::ClientContext context;
      v1::GetGroupRequest request;
      request.set_group("dl");
      ASSERT_TRUE(admin->GetGroup(&context, request, &response).ok());
      if (response.group().acked_through() >= 10u) break;
      absl::SleepFor(absl::Milliseconds(50));
    } while (absl::Now() < until);
    EXPECT_EQ(response.group().dead_letters(), 2u);
    EXPECT_EQ(response.group().acked_through(), 10u) << "a parked event counts as done";
  }

  // Drop one: gone, never delivered again. Requeue the other: delivered
  // again with fresh attempts, and acked now.
  {
    grpc::ClientContext context;
    v1::DropDeadLettersRequest request;
    request.set_group("dl");
    request.add_sequences(poison7);
    v1::DropDeadLettersResponse response;
    ASSERT_TRUE(admin->DropDeadLetters(&context, request, &response).ok());
    EXPECT_EQ(response.dropped(), 1u);
  }
  cured = true;
  {
    grpc::ClientContext context;
    v1::RequeueDeadLettersRequest request;
    request.set_group("dl");
    request.set_all(true);
    v1::RequeueDeadLettersResponse response;
    ASSERT_TRUE(admin->RequeueDeadLetters(&context, request, &response).ok());
    EXPECT_EQ(response.requeued(), 1u);
  }
  ASSERT_TRUE(member.WaitFor([&] { return member.acked().count(poison3); }, absl::Seconds(10)))
      << "the re-queued dead letter was not delivered and acked";
  EXPECT_EQ(dead_letters().total(), 0u);
  EXPECT_FALSE(member.acked().count(poison7)) << "a dropped dead letter came back";
  {
    const std::vector<v1::GroupDelivery> all = member.deliveries();
    EXPECT_EQ(all.back().event().sequence(), poison3);
    EXPECT_EQ(all.back().delivery_attempt(), 1u) << "a re-queued dead letter starts over";
  }

  // Seek back: events after 5 are delivered again.
  const size_t before = member.deliveries().size();
  {
    grpc::ClientContext context;
    v1::SeekGroupRequest request;
    request.set_group("dl");
    request.set_after_sequence(5);
    v1::SeekGroupResponse response;
    ASSERT_TRUE(admin->SeekGroup(&context, request, &response).ok());
  }
  ASSERT_TRUE(member.WaitFor([&] { return member.deliveries().size() >= before + 5; },
                             absl::Seconds(15)))
      << "after the seek: " << member.deliveries().size() - before << " deliveries";
  std::set<uint64_t> replayed;
  const std::vector<v1::GroupDelivery> all = member.deliveries();
  for (size_t i = before; i < all.size(); ++i) replayed.insert(all[i].event().sequence());
  EXPECT_EQ(replayed, (std::set<uint64_t>{6, 7, 8, 9, 10}));

  // Deleting the group ends its member's stream.
  {
    grpc::ClientContext context;
    v1::DeleteGroupRequest request;
    request.set_group("dl");
    v1::DeleteGroupResponse response;
    ASSERT_TRUE(admin->DeleteGroup(&context, request, &response).ok());
  }
  ASSERT_TRUE(member.WaitFor([&] { return member.ended(); }, absl::Seconds(10)));
  EXPECT_EQ(member.end_code(), grpc::StatusCode::ABORTED) << member.end();
}

// A member whose room is full is not fetching for: its instance learns of
// a deletion elsewhere from its check of the consumer, not from a fetch.
TEST_F(JetStreamGroupsE2eTest, AGroupDeletedOnAnotherInstanceEndsAFullMemberThere) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& a = StartInstance();
  SwitchboardProcess& b = StartInstance();
  PostMany(a, "full", 5);
  auto none = [](const v1::GroupDelivery&) { return Member::Answer::kNone; };
  Member member(a.grpc_address(), Join("full", 2, absl::Seconds(60)), none);
  ASSERT_TRUE(member.WaitJoined()) << member.end();
  ASSERT_TRUE(Member::WaitFor([&] { return member.deliveries().size() >= 2; }, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(700));  // the fetch waiting at the consumer expires
  {
    grpc::ClientContext context;
    v1::DeleteGroupRequest request;
    request.set_group("full");
    v1::DeleteGroupResponse response;
    ASSERT_TRUE(Admin(b)->DeleteGroup(&context, request, &response).ok());
  }
  ASSERT_TRUE(member.WaitFor([&] { return member.ended(); }, absl::Seconds(5)))
      << "a member holding a deleted group's events still open long after the deletion";
  EXPECT_EQ(member.end_code(), grpc::StatusCode::ABORTED) << member.end();
  EXPECT_EQ(member.deliveries().size(), 2u) << "delivered beyond max_unacked";
}

// A join reads and writes the group in JetStream, and each request may wait
// for its timeout when NATS hangs. Those waits must not take gRPC's callback
// threads, which every stream and the health service share: before joins
// ran on a pool of their own, eight joins on a hung NATS server held up
// health checks for 5 to 7 s.
TEST_F(JetStreamGroupsE2eTest, JoinsWaitingOnAHungNatsServerHoldUpNoOtherCall) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& instance = StartInstance();
  ASSERT_TRUE(HealthCheck(instance.grpc_address(), absl::Seconds(5)).ok());

  nats_->Pause();
  std::vector<std::unique_ptr<Member>> members;
  for (int i = 0; i < 8; ++i) {
    members.push_back(std::make_unique<Member>(instance.grpc_address(),
                                               Join(absl::StrCat("hung-", i)), AckAll()));
  }
  absl::SleepFor(absl::Milliseconds(300));  // the joins wait on NATS
  for (int i = 0; i < 5; ++i) {
    grpc::Status health = HealthCheck(instance.grpc_address(), absl::Seconds(1));
    EXPECT_TRUE(health.ok()) << "health check " << i << " while joins wait on NATS: "
                             << health.error_code() << " " << health.error_message();
    absl::SleepFor(absl::Milliseconds(200));
  }
  // A stream that gets nothing from NATS is still answered at once.
  {
    auto stub = EventStream::NewStub(
        grpc::CreateChannel(instance.grpc_address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    auto stream = stub->Consume(&context);
    ConsumeRequest ack;
    ack.mutable_ack()->add_sequences(1);
    stream->Write(ack);
    ConsumeResponse response;
    while (stream->Read(&response)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  for (auto& member : members) EXPECT_FALSE(member->ended()) << member->end();

  // Once NATS answers again, each join completes: joined, or told to retry.
  nats_->Resume();
  for (auto& member : members) {
    ASSERT_TRUE(Member::WaitFor([&] { return member->WaitJoined(absl::Milliseconds(1)) ||
                                             member->ended(); },
                                absl::Seconds(30)));
    if (member->ended()) {
      EXPECT_EQ(member->end_code(), grpc::StatusCode::UNAVAILABLE) << member->end();
    }
  }
  Member late(instance.grpc_address(), Join("hung-0"), AckAll());
  EXPECT_TRUE(late.WaitJoined()) << late.end();
}

// /metrics (on the webhook port and the console's) and the console's
// overview show every group's lag and pending events, which on JetStream take
// requests to NATS. They come from a snapshot refreshed on a thread of its
// own: before, a scrape made those requests on the thread that serves
// webhooks and /healthz, and with NATS hung each waited for its 5 s timeout.
TEST_F(JetStreamGroupsE2eTest, MetricsAndProbesAnswerAtOnceWhileNatsHangs) {
  ASSERT_NO_FATAL_FAILURE(StartNats());
  SwitchboardProcess& instance = StartInstance();
  std::vector<std::unique_ptr<Member>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(std::make_unique<Member>(instance.grpc_address(),
                                               Join(absl::StrCat("scraped-", i)), AckAll()));
    ASSERT_TRUE(members.back()->WaitJoined()) << members.back()->end();
  }
  const std::string last_group = "switchboard_group_pending{group=\"scraped-2\"}";
  ASSERT_TRUE(Member::WaitFor(
      [&] { return absl::StrContains(HttpGet(instance.http_port(), "/metrics").body, last_group); },
      absl::Seconds(10)))
      << "the groups never showed up in /metrics";

  nats_->Pause();
  for (int i = 0; i < 4; ++i) {
    for (auto [port, path] : {std::make_pair(instance.http_port(), "/metrics"),
                              std::make_pair(instance.http_port(), "/healthz"),
                              std::make_pair(instance.admin_port(), "/metrics"),
                              std::make_pair(instance.admin_port(), "/api/overview")}) {
      HttpConnection http(absl::Seconds(1));
      ASSERT_EQ(http.Connect(port), "");
      HttpResponse response = http.Get(path);
      EXPECT_EQ(response.status, 200) << path << " on port " << port << " while NATS hangs: "
                                      << response.error;
      if (absl::string_view(path) == "/metrics") {
        EXPECT_TRUE(absl::StrContains(response.body, last_group)) << response.body;
      }
    }
    absl::SleepFor(absl::Milliseconds(500));  // past the refresh period
  }
  nats_->Resume();
}

}  // namespace
}  // namespace switchboard::e2e
