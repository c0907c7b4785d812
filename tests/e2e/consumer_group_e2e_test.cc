// Consumer groups end to end: the real binary, real gRPC members (the C++
// client's Consumer, switchboard-cli consume as a separate process, raw
// streams for hostile input), real RocksDB files.

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "switchboard/client/consumer.h"
#include "switchboard/v1/consumer_group_service.grpc.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/switchboard_process.h"
#include "tests/e2e/webhook_answers.h"

namespace switchboard::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kWebhookPath[] = "/webhooks/justcall";

// Posts `count` distinct call.completed webhooks (ids PREFIX-1, ...) on one
// keep-alive connection; returns the sequences stored.
std::vector<uint64_t> PostMany(const SwitchboardProcess& server, const std::string& prefix,
                               int count) {
  std::vector<uint64_t> sequences;
  HttpConnection connection;
  EXPECT_EQ(connection.Connect(server.http_port()), "");
  for (int i = 1; i <= count; ++i) {
    const HttpResponse response =
        connection.Post(kWebhookPath, CallCompletedWebhook(absl::StrCat(prefix, "-", i)));
    std::optional<AcceptedWebhook> accepted = ParseAcceptedWebhook(response);
    EXPECT_TRUE(accepted.has_value()) << DescribeAnswer(response);
    if (!accepted.has_value()) break;
    sequences.push_back(accepted->sequence);
  }
  return sequences;
}

// A group member on its own thread (the C++ client's Consumer), recording
// what it handled and what the server confirmed as acked.
class Member {
 public:
  explicit Member(client::ConsumerOptions options,
                  absl::Duration handle_time = absl::ZeroDuration())
      : consumer_(WithRecorders(std::move(options))), handle_time_(handle_time) {
    thread_ = std::thread([this] {
      status_ = consumer_.Run([this](const v1::GroupDelivery& delivery) {
        if (handle_time_ > absl::ZeroDuration()) absl::SleepFor(handle_time_);
        absl::MutexLock lock(&mu_);
        handled_.push_back(delivery.event().sequence());
        attempts_[delivery.event().sequence()] = delivery.delivery_attempt();
        return absl::OkStatus();
      });
    });
  }
  ~Member() { Stop(); }

  void Stop() {
    consumer_.Cancel();
    if (thread_.joinable()) thread_.join();
  }
  std::vector<uint64_t> handled() {
    absl::MutexLock lock(&mu_);
    return handled_;
  }
  std::set<uint64_t> confirmed() {
    absl::MutexLock lock(&mu_);
    return confirmed_;
  }
  uint32_t attempt(uint64_t sequence) {
    absl::MutexLock lock(&mu_);
    return attempts_[sequence];
  }
  const absl::Status& status() const { return status_; }

 private:
  client::ConsumerOptions WithRecorders(client::ConsumerOptions options) {
    options.on_ack_result = [this](const v1::AckResult& result) {
      absl::MutexLock lock(&mu_);
      confirmed_.insert(result.acked().begin(), result.acked().end());
    };
    options.backoff.initial = absl::Milliseconds(50);
    options.backoff.max = absl::Milliseconds(500);
    options.wait_for_server = true;
    return options;
  }

  client::Consumer consumer_;
  const absl::Duration handle_time_;
  absl::Status status_;
  absl::Mutex mu_;
  std::vector<uint64_t> handled_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> confirmed_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, uint32_t> attempts_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

client::ConsumerOptions GroupOptions(const SwitchboardProcess& server, const std::string& group) {
  client::ConsumerOptions options;
  options.address = server.grpc_address();
  options.group = group;
  options.start = client::Start::Oldest();
  options.max_unacked = 50;
  return options;
}

// Waits until the members together handled `count` events (or `timeout`).
void WaitHandled(const std::vector<Member*>& members, size_t count, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    size_t total = 0;
    for (Member* m : members) total += m->handled().size();
    if (total >= count) return;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

std::unique_ptr<v1::ConsumerGroupService::Stub> Admin(const SwitchboardProcess& server) {
  return v1::ConsumerGroupService::NewStub(
      grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials()));
}

v1::GroupInfo GetGroup(const SwitchboardProcess& server, const std::string& group) {
  grpc::ClientContext context;
  v1::GetGroupRequest request;
  request.set_group(group);
  v1::GetGroupResponse response;
  const grpc::Status status = Admin(server)->GetGroup(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.group();
}

// A member's nack reaches the server after its handler returned, and parking
// the event may take a store round trip more: waits until the group counts
// `count` dead letters (or `timeout` passes) and returns what it counts.
uint64_t WaitForDeadLetters(const SwitchboardProcess& server, const std::string& group,
                            uint64_t count, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  uint64_t dead_letters = GetGroup(server, group).dead_letters();
  while (dead_letters != count && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    dead_letters = GetGroup(server, group).dead_letters();
  }
  return dead_letters;
}

TEST(ConsumerGroupE2eTest, ThreeMembersShareTenThousandEventsExactlyOnce) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--store=memory"}));
  Member a(GroupOptions(server, "share")), b(GroupOptions(server, "share")),
      c(GroupOptions(server, "share"));
  const std::vector<uint64_t> posted = PostMany(server, "share", 10000);
  ASSERT_EQ(posted.size(), 10000u);
  WaitHandled({&a, &b, &c}, 10000, absl::Seconds(60));
  absl::SleepFor(absl::Milliseconds(300));  // anything delivered twice would show by now
  std::map<uint64_t, int> times;
  for (Member* m : {&a, &b, &c}) {
    EXPECT_GT(m->handled().size(), 0u) << "a member got nothing: the work is not shared";
    for (uint64_t s : m->handled()) ++times[s];
  }
  ASSERT_EQ(times.size(), 10000u) << "not every event was handled";
  for (const auto& [sequence, n] : times) ASSERT_EQ(n, 1) << "event " << sequence << " handled " << n << " times";
  // A member records an event before its ack leaves: the group's figures
  // are final once the server confirmed every ack.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  size_t confirmed = 0;
  while (absl::Now() < deadline) {
    confirmed = a.confirmed().size() + b.confirmed().size() + c.confirmed().size();
    if (confirmed >= posted.size()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(confirmed, posted.size()) << "acks the server confirmed";
  const v1::GroupInfo info = GetGroup(server, "share");
  EXPECT_EQ(info.acked_through(), posted.back());
  EXPECT_EQ(info.pending(), 0u);
  EXPECT_EQ(info.members_size(), 3);
}

TEST(ConsumerGroupE2eTest, AKilledMembersUnackedEventsGoToAnotherMemberWithinTheDeadline) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--store=memory"}));
  const std::vector<uint64_t> posted = PostMany(server, "kill", 40);
  // A separate process that takes 40 events and never acks them.
  CliProcess holder(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(holder.Start({"consume", "--addr", server.grpc_address(), "--group", "kill",
                            "--from", "oldest", "--no-ack", "--ack_deadline", "20s"}));
  ASSERT_EQ(holder.WaitForLines(40, absl::Seconds(15)).size(), 40u) << holder.err();
  EXPECT_EQ(GetGroup(server, "kill").pending(), 40u);
  Member other(GroupOptions(server, "kill"));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(other.handled().empty()) << "the holder's events were handed out while it lived";

  const absl::Time killed = absl::Now();
  ASSERT_TRUE(holder.Signal(SIGKILL));
  WaitHandled({&other}, 40, absl::Seconds(20));
  std::vector<uint64_t> got = other.handled();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, posted) << "an event the killed member held was lost";
  EXPECT_LT(absl::Now() - killed, absl::Seconds(20)) << "not within the ack deadline";
  EXPECT_EQ(other.attempt(posted[0]), 2u) << "the delivery attempt counts the dead member's";
}

// `switchboard-cli consume --count N` run to its end: the sequences it printed.
std::vector<uint64_t> ConsumeCount(const SwitchboardProcess& server, const std::string& group,
                                   int count) {
  CliProcess cli(SWITCHBOARD_CLI_BINARY);
  EXPECT_TRUE(cli.Start({"consume", "--addr", server.grpc_address(), "--group", group, "--from",
                         "oldest", "--count", absl::StrCat(count)}));
  const std::optional<int> status = cli.WaitForExit(absl::Seconds(15));
  EXPECT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << (status.has_value() ? "exited" : "still running") << "; stderr:\n" << cli.err();
  std::vector<uint64_t> sequences;
  for (const std::string& line : cli.WaitForLines(count + 1, absl::ZeroDuration())) {
    uint64_t sequence = 0;
    EXPECT_TRUE(absl::SimpleAtoi(line.substr(1, line.find(' ') - 1), &sequence)) << line;  // #SEQ
    sequences.push_back(sequence);
  }
  return sequences;
}

TEST(ConsumerGroupE2eTest, ConsumeCountTakesThatManyAndLeavesTheRestToTheNextConsumer) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--store=memory"}));
  const std::vector<uint64_t> posted = PostMany(server, "count", 7);
  ASSERT_EQ(posted.size(), 7u);
  EXPECT_EQ(ConsumeCount(server, "count", 3),
            std::vector<uint64_t>(posted.begin(), posted.begin() + 3));
  // It exited only once its acks were stored: the group is past them.
  v1::GroupInfo info = GetGroup(server, "count");
  EXPECT_EQ(info.acked_through(), posted[2]);
  std::vector<uint64_t> rest = ConsumeCount(server, "count", 4);
  std::sort(rest.begin(), rest.end());  // any the first one was handed back come as redeliveries
  EXPECT_EQ(rest, std::vector<uint64_t>(posted.begin() + 3, posted.end()))
      << "the first consume's events came again, or the rest did not";
  info = GetGroup(server, "count");
  EXPECT_EQ(info.acked_through(), posted.back());
  EXPECT_EQ(info.lag(), 0u);
}

TEST(ConsumerGroupE2eTest, SwitchboardKilledDuringADrainLosesNothingAndRedeliversOnlyUnconfirmedAcks) {
  char pattern[] = "/tmp/consumer_group_e2e.XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string data = absl::StrCat(pattern, "/data");
  auto server = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(server->Start({"--store=rocksdb", "--data_dir=" + data}));
  const int grpc_port = server->grpc_port();
  const std::vector<uint64_t> posted = PostMany(*server, "drain", 3000);
  ASSERT_EQ(posted.size(), 3000u);
  client::ConsumerOptions options = GroupOptions(*server, "drain");
  options.max_unacked = 20;
  // Slow enough that the kill lands mid-drain.
  Member a(options, absl::Microseconds(500)), b(options, absl::Microseconds(500));
  WaitHandled({&a, &b}, 800, absl::Seconds(30));
  ASSERT_TRUE(server->Signal(SIGKILL));
  ASSERT_TRUE(server->WaitForExit(absl::Seconds(10)).has_value());
  // The members still handle what reached them before the kill (their acks
  // fail): counted once they have settled.
  size_t handled_settled = 0;
  for (const absl::Time settle_by = absl::Now() + absl::Seconds(5); absl::Now() < settle_by;) {
    const size_t handled = a.handled().size() + b.handled().size();
    if (handled == handled_settled) break;
    handled_settled = handled;
    absl::SleepFor(absl::Milliseconds(200));
  }
  // What the server had confirmed as stored before it died.
  std::set<uint64_t> confirmed = a.confirmed();
  for (uint64_t s : b.confirmed()) confirmed.insert(s);
  const size_t handled_before = a.handled().size() + b.handled().size();
  ASSERT_LT(confirmed.size(), 3000u) << "the drain finished before the kill";
  server = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(server->Start({"--store=rocksdb", "--data_dir=" + data,
                             absl::StrCat("--grpc_addr=127.0.0.1:", grpc_port)}));
  const std::vector<uint64_t> more = PostMany(*server, "after-restart", 100);
  ASSERT_EQ(more.size(), 100u);

  // Every event handled; the members rejoined by themselves.
  std::map<uint64_t, int> times;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    times.clear();
    for (Member* m : {&a, &b}) {
      for (uint64_t s : m->handled()) ++times[s];
    }
    if (times.size() >= 3100) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(times.size(), 3100u) << "events were lost across the kill";
  // Only events whose ack was not yet confirmed may come twice.
  size_t twice = 0;
  for (const auto& [sequence, n] : times) {
    if (n > 1) {
      ++twice;
      EXPECT_FALSE(confirmed.count(sequence)) << "event " << sequence
                                              << " came back although its ack was stored";
    }
  }
  EXPECT_LE(twice, handled_before - confirmed.size())
      << "more redeliveries than events handled without a stored ack";
  std::cerr << "killed mid-drain: " << confirmed.size() << " acks stored, " << handled_before
            << " handled; " << twice << " handled again after the restart\n";
  a.Stop();
  b.Stop();
  server.reset();
  std::filesystem::remove_all(pattern);
}

// Nacked until parked, then re-queued; seek by sequence and by time; drop.
TEST(ConsumerGroupE2eTest, DeadLettersRequeueDropAndSeek) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--store=memory"}));
  const std::vector<uint64_t> posted = PostMany(server, "dead", 3);
  // Fails on the second event, every time.
  client::ConsumerOptions options = GroupOptions(server, "dead");
  options.max_delivery_attempts = 3;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::vector<std::pair<uint64_t, uint32_t>> seen;
  client::Consumer consumer(options);
  absl::Status run_status;
  std::thread run([&] {
    run_status = consumer.Run([&](const v1::GroupDelivery& d) {
      std::lock_guard<std::mutex> lock(mu);
      seen.emplace_back(d.event().sequence(), d.delivery_attempt());
      if (d.event().sequence() == posted[1]) {
        ++failures;
        return absl::InternalError("cannot handle it");
      }
      return absl::OkStatus();
    });
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  while (failures < 3 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(WaitForDeadLetters(server, "dead", 1, absl::Seconds(5)), 1u);
  EXPECT_EQ(failures, 3) << "not delivered exactly max_delivery_attempts times";
  auto admin = Admin(server);
  {
    grpc::ClientContext context;
    v1::ListDeadLettersRequest request;
    request.set_group("dead");
    v1::ListDeadLettersResponse response;
    ASSERT_TRUE(admin->ListDeadLetters(&context, request, &response).ok());
    ASSERT_EQ(response.total(), 1u);
    EXPECT_EQ(response.dead_letters(0).sequence(), posted[1]);
    EXPECT_EQ(response.dead_letters(0).delivery_attempts(), 3u);
  }
  EXPECT_EQ(GetGroup(server, "dead").acked_through(), posted[2]) << "a dead letter blocks nothing";
  {
    grpc::ClientContext context;
    v1::RequeueDeadLettersRequest request;
    request.set_group("dead");
    request.add_sequences(posted[1]);
    v1::RequeueDeadLettersResponse response;
    ASSERT_TRUE(admin->RequeueDeadLetters(&context, request, &response).ok());
    EXPECT_EQ(response.requeued(), 1u);
  }
  while (failures < 6 && absl::Now() < deadline + absl::Seconds(10)) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(failures, 6) << "a re-queued dead letter gets fresh attempts";
  ASSERT_EQ(WaitForDeadLetters(server, "dead", 1, absl::Seconds(5)), 1u) << "parked again";
  {
    grpc::ClientContext context;
    v1::DropDeadLettersRequest request;
    request.set_group("dead");
    request.set_all(true);
    v1::DropDeadLettersResponse response;
    ASSERT_TRUE(admin->DropDeadLetters(&context, request, &response).ok());
    EXPECT_EQ(response.dropped(), 1u);
  }
  EXPECT_EQ(GetGroup(server, "dead").dead_letters(), 0u);
  // Seek back to the first event: everything after it comes again.
  {
    grpc::ClientContext context;
    v1::SeekGroupRequest request;
    request.set_group("dead");
    request.set_after_sequence(posted[0]);
    v1::SeekGroupResponse response;
    ASSERT_TRUE(admin->SeekGroup(&context, request, &response).ok());
    // The member may have handled the events after it already (one CI run
    // saw event 2 parked again and 3 acked before the answer was made).
    EXPECT_GE(response.group().acked_through(), posted[0]);
  }
  {
    auto times_seen = [&] {
      std::lock_guard<std::mutex> lock(mu);
      return std::count_if(seen.begin(), seen.end(), [&](auto& p) { return p.first == posted[2]; });
    };
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (times_seen() < 2 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    absl::SleepFor(absl::Milliseconds(200));  // a third delivery would show by now
    EXPECT_EQ(times_seen(), 2) << "seek by sequence did not deliver the later event again";
  }
  // Seek by time: to the future, nothing; the group is at the newest event.
  {
    grpc::ClientContext context;
    v1::SeekGroupRequest request;
    request.set_group("dead");
    request.mutable_received_since()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3600);
    v1::SeekGroupResponse response;
    ASSERT_TRUE(admin->SeekGroup(&context, request, &response).ok());
    EXPECT_EQ(response.group().acked_through(), posted[2]);
  }
  consumer.Cancel();
  run.join();
  EXPECT_TRUE(run_status.ok()) << "Cancel() ends Run() with OK: " << run_status;
}

// A raw Consume stream, for input no client would send.
class RawStream {
 public:
  explicit RawStream(const SwitchboardProcess& server)
      : stub_(v1::EventStream::NewStub(
            grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials()))) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    stream_ = stub_->Consume(&context_);
  }
  ~RawStream() {
    if (finished_) return;
    context_.TryCancel();
    Finish();
  }
  bool Write(const v1::ConsumeRequest& request) { return stream_->Write(request); }
  bool Read(v1::ConsumeResponse* response) { return stream_->Read(response); }
  grpc::Status Finish() {
    finished_ = true;
    stream_->WritesDone();
    v1::ConsumeResponse ignored;
    while (stream_->Read(&ignored)) {
    }
    return stream_->Finish();
  }

 private:
  std::unique_ptr<v1::EventStream::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::ConsumeRequest, v1::ConsumeResponse>> stream_;
  bool finished_ = false;
};

v1::ConsumeRequest Join(const std::string& group, uint32_t max_unacked = 10) {
  v1::ConsumeRequest request;
  request.mutable_join()->set_group(group);
  request.mutable_join()->set_from_oldest(true);
  request.mutable_join()->set_max_unacked(max_unacked);
  request.mutable_join()->mutable_ack_deadline()->set_seconds(2);
  return request;
}

TEST(ConsumerGroupE2eTest, HostileInputGetsPreciseStatusesAndLosesNothing) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--store=memory"}));
  const std::vector<uint64_t> posted = PostMany(server, "hostile", 20);
  struct Case {
    std::string name;
    std::vector<v1::ConsumeRequest> requests;
    grpc::StatusCode code;
    std::string message;
  };
  v1::ConsumeRequest ack;
  ack.mutable_ack()->add_sequences(1);
  v1::ConsumeRequest huge_ack;
  for (int i = 0; i < 100000; ++i) huge_ack.mutable_ack()->add_sequences(i + 1);
  const std::vector<Case> cases = {
      {"ack before join", {ack}, grpc::StatusCode::INVALID_ARGUMENT, "first message must be a join"},
      {"empty request", {v1::ConsumeRequest()}, grpc::StatusCode::INVALID_ARGUMENT, "first message"},
      {"second join", {Join("h1"), Join("h1")}, grpc::StatusCode::INVALID_ARGUMENT, "already joined"},
      {"empty group name", {Join("")}, grpc::StatusCode::INVALID_ARGUMENT, "invalid group name"},
      {"10 KiB group name", {Join(std::string(10240, 'g'))}, grpc::StatusCode::INVALID_ARGUMENT,
       "invalid group name"},
      {"group name with a slash", {Join("a/b")}, grpc::StatusCode::INVALID_ARGUMENT, "invalid group name"},
      {"100k acks in one message", {Join("h2"), huge_ack}, grpc::StatusCode::INVALID_ARGUMENT,
       "at most 10000"},
      {"max_unacked too large", {Join("h3", 1000000)}, grpc::StatusCode::INVALID_ARGUMENT, "max_unacked"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RawStream stream(server);
    for (const v1::ConsumeRequest& request : c.requests) stream.Write(request);
    const grpc::Status status = stream.Finish();
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }

  // Acks of unknown and foreign sequences: rejected one by one, the stream goes on.
  RawStream member(server);
  ASSERT_TRUE(member.Write(Join("h4", 5)));
  v1::ConsumeResponse response;
  ASSERT_TRUE(member.Read(&response));
  ASSERT_TRUE(response.has_joined());
  ASSERT_TRUE(member.Read(&response));
  ASSERT_TRUE(response.has_deliveries());
  std::vector<uint64_t> held;
  for (const auto& d : response.deliveries().deliveries()) held.push_back(d.event().sequence());
  ASSERT_FALSE(held.empty());
  v1::ConsumeRequest odd;
  odd.mutable_ack()->add_sequences(held[0]);
  odd.mutable_ack()->add_sequences(posted.back());  // not delivered to this member
  odd.mutable_ack()->add_sequences(999999);          // no such event
  ASSERT_TRUE(member.Write(odd));
  do {
    ASSERT_TRUE(member.Read(&response));
  } while (!response.has_result());
  EXPECT_EQ(response.result().acked_size(), 1);
  ASSERT_EQ(response.result().rejected_size(), 2);
  EXPECT_EQ(response.result().rejected(0).reason(), "not delivered to this member");
  EXPECT_EQ(response.result().rejected(1).reason(), "no such event");

  // A member that never reads again: its events go to another member after
  // their 2 s deadline; nothing is lost, the server stays healthy.
  Member other(GroupOptions(server, "h4"));
  WaitHandled({&other}, 19, absl::Seconds(15));
  std::set<uint64_t> got(held.begin(), held.begin() + 1);  // the one it acked
  for (uint64_t s : other.handled()) got.insert(s);
  EXPECT_EQ(got, std::set<uint64_t>(posted.begin(), posted.end()));
  EXPECT_EQ(HttpGet(server.http_port(), "/healthz").status, 200);
  EXPECT_EQ(PostMany(server, "hostile-after", 1).size(), 1u);
}

}  // namespace
}  // namespace switchboard::e2e
