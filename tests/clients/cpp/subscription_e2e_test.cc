// End-to-end tests of the C++ client (clients/cpp): switchboard::client::
// Subscription against the real switchboard binary on loopback. Webhooks are
// POSTed over real HTTP; servers are restarted with real signals.

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "switchboard/client/subscription.h"
#include "switchboard/v1/event.pb.h"
#include "tests/e2e/switchboard_process.h"

namespace switchboard::client {
namespace {

using ::switchboard::e2e::HttpPost;
using ::switchboard::e2e::HttpResponse;
using ::switchboard::e2e::SwitchboardProcess;
using ::switchboard::v1::Event;
using ::testing::HasSubstr;

constexpr absl::string_view kWebhookPath = "/webhooks/justcall";

std::string ReadFixture(absl::string_view name) {
  std::ifstream file(absl::StrCat(SWITCHBOARD_FIXTURES_DIR, "/", name));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A distinct sms.received webhook whose id (request_id) is `id`.
std::string Sms(absl::string_view id) {
  return absl::StrCat(R"({"request_id":")", id,
                      R"(","event":"sms.received","timestamp":"2026-03-12T14:35:00Z",)",
                      R"("data":{"message_id":"m-)", id,
                      R"(","direction":"inbound","from":"+14155559876","to":"+14155551234",)",
                      R"("body":"hello )", id, R"("}})");
}

// POSTs `body`; the test fails unless it is answered 200.
void PostOk(const SwitchboardProcess& server, const std::string& body) {
  HttpResponse response = HttpPost(server.http_port(), kWebhookPath, body);
  ASSERT_EQ(response.status, 200) << response.error << response.body;
}

// A port nothing listens on (bound, then closed, so the kernel picked a free one).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

// Fast reconnects, so that restarts cost the tests little time.
SubscriptionOptions FastOptions(const std::string& address) {
  SubscriptionOptions options;
  options.address = address;
  options.backoff.initial = absl::Milliseconds(50);
  options.backoff.max = absl::Milliseconds(400);
  return options;
}

// Runs a Subscription on a thread of its own and records what it delivers
// and reports. Cancels and joins it when destroyed.
class Subscriber {
 public:
  explicit Subscriber(SubscriptionOptions options) {
    options.on_retry = [this](const RetryInfo& retry) {
      absl::MutexLock lock(&mu_);
      retries_.push_back(retry);
    };
    options.on_subscribe = [this](const v1::SubscribeRequest& request) {
      absl::MutexLock lock(&mu_);
      requests_.push_back(request);
    };
    subscription_ = std::make_unique<Subscription>(std::move(options));
  }
  ~Subscriber() { Stop(); }

  // Cancels the subscription and waits for Run() to return.
  void Stop() {
    subscription_->Cancel();
    if (thread_.joinable()) thread_.join();
  }

  void Start() {
    thread_ = std::thread([this] {
      absl::Status status = subscription_->Run([this](const Event& event) {
        absl::MutexLock lock(&mu_);
        events_.push_back(event);
        return absl::OkStatus();
      });
      absl::MutexLock lock(&mu_);
      result_ = status;
    });
  }

  // Waits at most `timeout` until `count` events arrived; returns them all.
  std::vector<Event> WaitForEvents(size_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return events_.size() >= count || result_.has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
    return events_;
  }

  // Waits at most `timeout` until Run() returned; nullopt if it has not.
  std::optional<absl::Status> WaitForResult(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    const auto done = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return result_.has_value(); };
    mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
    return result_;
  }

  // Waits at most `timeout` until `count` Subscribe calls started.
  bool WaitForSubscribes(size_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return requests_.size() >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  std::vector<RetryInfo> retries() {
    absl::MutexLock lock(&mu_);
    return retries_;
  }
  std::vector<v1::SubscribeRequest> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  Subscription& subscription() { return *subscription_; }

 private:
  std::unique_ptr<Subscription> subscription_;
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<RetryInfo> retries_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::SubscribeRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Status> result_ ABSL_GUARDED_BY(mu_);
};

// A temporary data directory for --store=rocksdb, removed afterwards.
class DataDir {
 public:
  DataDir() {
    char pattern[] = "/tmp/switchboard_cpp_client.XXXXXX";
    if (mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~DataDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  std::vector<std::string> Flags() const {
    return {"--store=rocksdb", absl::StrCat("--data_dir=", path_, "/data")};
  }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

TEST(SubscriptionE2eTest, DeliversAPostedWebhookTypedWithItsFields) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  SubscriptionOptions options = FastOptions(server.grpc_address());
  options.event_types = {"call.*"};
  options.start = Start::Oldest();
  Subscriber subscriber(options);
  subscriber.Start();

  PostOk(server, ReadFixture("sms.received.json"));  // sequence 1, filtered out
  PostOk(server, ReadFixture("call.completed.json"));  // sequence 2
  std::vector<Event> events = subscriber.WaitForEvents(1, absl::Seconds(10));
  ASSERT_EQ(events.size(), 1u);
  const Event& event = events[0];
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.type(), "call.completed");
  EXPECT_EQ(event.id().size(), 36u) << event.id();  // a content-derived UUID
  EXPECT_EQ(event.occurred_at().seconds(), 1773325800) << "2026-03-12T14:30:00Z";
  EXPECT_GT(event.received_at().seconds(), 0);
  ASSERT_EQ(event.payload_case(), Event::kCallCompleted);
  const v1::CallCompleted& call = event.call_completed();
  EXPECT_EQ(call.call_id(), "call_8f3a2b1c");
  EXPECT_EQ(call.direction(), "inbound");
  EXPECT_EQ(call.from(), "+14155559876");
  EXPECT_EQ(call.to(), "+14155551234");
  ASSERT_TRUE(call.has_agent_id());
  EXPECT_EQ(call.agent_id(), 42);
  EXPECT_EQ(call.agent_name(), "Jordan Lee");
  EXPECT_EQ(call.duration(), 185);
  EXPECT_EQ(call.status(), "completed");
  EXPECT_EQ(call.recording_url(), "https://recordings.justcall.io/rec_abc123.mp3");
  EXPECT_EQ(call.notes(), "Customer confirmed renewal.");
  EXPECT_EQ(call.disposition(), "Closed Won");

  // A null agent_id stays absent, not 0.
  PostOk(server, ReadFixture("call.missed.json"));
  events = subscriber.WaitForEvents(2, absl::Seconds(10));
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(events[1].payload_case(), Event::kCallMissed);
  EXPECT_FALSE(events[1].call_missed().has_agent_id());
  EXPECT_EQ(events[1].call_missed().ring_duration(), 30);
  EXPECT_TRUE(subscriber.retries().empty());
  subscriber.Stop();
  EXPECT_EQ(subscriber.subscription().last_sequence(), std::optional<uint64_t>(3));
}

// JustCall's own shape: an official call.completed (v2.1 envelope, nested
// objects) read through the client with its nested typed fields.
TEST(SubscriptionE2eTest, DeliversAnOfficialCallCompletedWithItsNestedFields) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  SubscriptionOptions options = FastOptions(server.grpc_address());
  options.event_types = {"call.completed"};
  options.start = Start::Oldest();
  Subscriber subscriber(options);
  subscriber.Start();

  const std::string sent = ReadFixture("v2.1/call.completed.json");
  PostOk(server, sent);
  std::vector<Event> events = subscriber.WaitForEvents(1, absl::Seconds(10));
  ASSERT_EQ(events.size(), 1u);
  const Event& event = events[0];
  EXPECT_EQ(event.id(), "01JXD2HT5FFZ5Z9QYHPK8VRKCM") << "the request_id";
  EXPECT_EQ(event.url_id(), "6847f1c2a9e3b05d7c41e8a2");
  EXPECT_TRUE(event.schema_mismatches().empty());
  EXPECT_THAT(sent, HasSubstr(event.data_json())) << "data, byte for byte";
  ASSERT_EQ(event.payload_case(), Event::kCallCompleted);
  const v1::Call& call = event.call_completed().call();
  EXPECT_EQ(call.id(), 1048576123);
  EXPECT_EQ(call.call_sid(), "CAd3fe0784bd6801797ca6fc9f9b5a4d45");
  EXPECT_EQ(call.contact_number(), "14155550142");
  EXPECT_EQ(call.agent_id(), 271553);
  EXPECT_EQ(call.cost_incurred(), 0.0285);
  EXPECT_EQ(call.call_info().direction(), "Incoming");
  EXPECT_EQ(call.call_info().type(), "Answered");
  EXPECT_EQ(call.call_duration().total_duration(), 185);
  EXPECT_EQ(call.call_duration().friendly_duration(), "00:03:05");
  EXPECT_EQ(call.called_at().seconds(), 1749564312) << "2025-06-10T14:05:12Z";
  subscriber.Stop();
}

// The server goes away (SIGTERM: it ends streams with UNAVAILABLE; SIGKILL: the
// connection just breaks) with events posted just before that the subscriber
// may not have received yet; a new process on the same data directory and
// gRPC port takes more. The subscription resumes by itself: every event
// exactly once, in order.
class SubscriptionRestartE2eTest : public ::testing::TestWithParam<int> {};

TEST_P(SubscriptionRestartE2eTest, ResumesAfterAServerRestartWithNoGapAndNoDuplicate) {
  const int signal = GetParam();
  DataDir dir;
  ASSERT_TRUE(dir.ok());
  auto first = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(first->Start(dir.Flags()));
  const int grpc_port = first->grpc_port();

  SubscriptionOptions options = FastOptions(first->grpc_address());
  options.start = Start::AfterSequence(0);
  Subscriber subscriber(options);
  subscriber.Start();

  int posted = 0;
  for (; posted < 5; ++posted) PostOk(*first, Sms(absl::StrCat("restart-", posted + 1)));
  ASSERT_EQ(subscriber.WaitForEvents(5, absl::Seconds(10)).size(), 5u);
  // Stored (200: on disk) but perhaps not streamed yet when the server goes.
  for (; posted < 10; ++posted) PostOk(*first, Sms(absl::StrCat("restart-", posted + 1)));
  ASSERT_TRUE(first->Signal(signal));
  std::optional<int> exit_status = first->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit_status.has_value()) << "the server did not exit after signal " << signal;
  if (signal == SIGTERM) {
    EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
        << e2e::DescribeWaitStatus(*exit_status);
  }
  first.reset();

  std::vector<std::string> flags = dir.Flags();
  flags.push_back(absl::StrCat("--grpc_addr=127.0.0.1:", grpc_port));
  SwitchboardProcess second;
  ASSERT_TRUE(second.Start(flags));
  ASSERT_EQ(second.grpc_port(), grpc_port);
  for (; posted < 15; ++posted) PostOk(second, Sms(absl::StrCat("restart-", posted + 1)));

  std::vector<Event> events = subscriber.WaitForEvents(15, absl::Seconds(15));
  absl::SleepFor(absl::Milliseconds(200));  // a duplicate would arrive now
  events = subscriber.WaitForEvents(16, absl::ZeroDuration());
  ASSERT_EQ(events.size(), 15u) << "retries: " << subscriber.retries().size();
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(events[i].sequence(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(events[i].id(), absl::StrCat("restart-", i + 1));
    EXPECT_EQ(events[i].sms_received().body(), absl::StrCat("hello restart-", i + 1));
  }
  EXPECT_GE(subscriber.subscription().reconnects(), 1);
  const std::vector<RetryInfo> retries = subscriber.retries();
  ASSERT_FALSE(retries.empty());
  EXPECT_EQ(retries[0].cause.code(), absl::StatusCode::kUnavailable) << retries[0].cause;
  EXPECT_EQ(retries[0].attempt, 1);
  // Every resubscribe asked to resume after what it had delivered by then.
  const std::vector<v1::SubscribeRequest> requests = subscriber.requests();
  ASSERT_GE(requests.size(), 2u);
  for (const v1::SubscribeRequest& request : requests) {
    EXPECT_TRUE(request.has_after_sequence()) << request.ShortDebugString();
  }
  EXPECT_GE(requests.back().after_sequence(), 5u);
  subscriber.Stop();
  EXPECT_EQ(subscriber.subscription().last_sequence(), std::optional<uint64_t>(15));
}

INSTANTIATE_TEST_SUITE_P(Signals, SubscriptionRestartE2eTest, ::testing::Values(SIGTERM, SIGKILL),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == SIGTERM ? std::string("Sigterm")
                                                        : std::string("Sigkill");
                         });

// A live tail that has not received anything yet still loses nothing stored
// while it was disconnected: it resubscribes from the time it started.
TEST(SubscriptionE2eTest, LiveTailGetsEventsStoredWhileItWasDisconnected) {
  DataDir dir;
  ASSERT_TRUE(dir.ok());
  auto first = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(first->Start(dir.Flags()));
  const int grpc_port = first->grpc_port();

  SubscriptionOptions options = FastOptions(first->grpc_address());
  // Long enough for the new server to start and take a webhook before the
  // subscription comes back.
  options.backoff.initial = options.backoff.max = absl::Seconds(4);
  options.backoff.jitter = 0;
  options.event_types = {"sms.*"};
  Subscriber subscriber(options);  // Start::Live()
  subscriber.Start();
  ASSERT_TRUE(subscriber.WaitForSubscribes(1, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(100));  // the server registers the stream
  ASSERT_TRUE(first->Signal(SIGTERM));
  ASSERT_TRUE(first->WaitForExit(absl::Seconds(10)).has_value());
  first.reset();

  std::vector<std::string> flags = dir.Flags();
  flags.push_back(absl::StrCat("--grpc_addr=127.0.0.1:", grpc_port));
  SwitchboardProcess second;
  ASSERT_TRUE(second.Start(flags));
  PostOk(second, Sms("while-away"));
  const bool posted_before_resubscribe = subscriber.requests().size() == 1;

  std::vector<Event> events = subscriber.WaitForEvents(1, absl::Seconds(10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id(), "while-away");
  const std::vector<v1::SubscribeRequest> requests = subscriber.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0].start_case(), v1::SubscribeRequest::START_NOT_SET);
  EXPECT_TRUE(requests[1].has_received_since()) << requests[1].ShortDebugString();
  EXPECT_TRUE(posted_before_resubscribe) << "timing: the test did not exercise the outage";
}

TEST(SubscriptionE2eTest, BadPatternReturnsInvalidArgumentWithoutRetrying) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  SubscriptionOptions options = FastOptions(server.grpc_address());
  options.event_types = {"call.*", "Bad Pattern!"};
  Subscriber subscriber(options);
  subscriber.Start();
  std::optional<absl::Status> result = subscriber.WaitForResult(absl::Seconds(5));
  ASSERT_TRUE(result.has_value()) << "Run() is still retrying";
  EXPECT_EQ(result->code(), absl::StatusCode::kInvalidArgument) << *result;
  EXPECT_THAT(std::string(result->message()), HasSubstr("bad event type pattern"));
  EXPECT_THAT(std::string(result->message()), HasSubstr("Bad Pattern!"));
  EXPECT_TRUE(subscriber.retries().empty());
  EXPECT_EQ(subscriber.requests().size(), 1u);
  EXPECT_EQ(subscriber.subscription().reconnects(), 0);
}

TEST(SubscriptionE2eTest, ResumePointAheadOfTheLogReturnsOutOfRange) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  SubscriptionOptions options = FastOptions(server.grpc_address());
  options.start = Start::AfterSequence(100);  // the log is empty
  Subscriber subscriber(options);
  subscriber.Start();
  std::optional<absl::Status> result = subscriber.WaitForResult(absl::Seconds(5));
  ASSERT_TRUE(result.has_value()) << "Run() is still retrying";
  EXPECT_EQ(result->code(), absl::StatusCode::kOutOfRange) << *result;
  EXPECT_THAT(std::string(result->message()), HasSubstr("after_sequence 100"));
  EXPECT_TRUE(subscriber.retries().empty());
}

TEST(SubscriptionE2eTest, ServerDownAtStartFailsFastWithUnavailable) {
  const int port = ClosedPort();
  ASSERT_NE(port, 0);
  SubscriptionOptions options = FastOptions(absl::StrCat("127.0.0.1:", port));
  Subscription subscription(options);
  const absl::Time start = absl::Now();
  absl::Status status = subscription.Run([](const Event&) { return absl::OkStatus(); });
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("cannot connect to 127.0.0.1:", port)));
}

TEST(SubscriptionE2eTest, WaitForServerConnectsOnceTheServerStarts) {
  const int port = ClosedPort();
  ASSERT_NE(port, 0);
  SubscriptionOptions options = FastOptions(absl::StrCat("127.0.0.1:", port));
  options.wait_for_server = true;
  options.start = Start::Oldest();
  Subscriber subscriber(options);
  subscriber.Start();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_FALSE(subscriber.WaitForResult(absl::ZeroDuration()).has_value())
      << "Run() gave up instead of waiting for the server";

  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({absl::StrCat("--grpc_addr=127.0.0.1:", port)}));
  PostOk(server, Sms("late-server"));
  std::vector<Event> events = subscriber.WaitForEvents(1, absl::Seconds(10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id(), "late-server");
  ASSERT_FALSE(subscriber.retries().empty());
  EXPECT_THAT(std::string(subscriber.retries()[0].cause.message()), HasSubstr("cannot connect"));
}

TEST(SubscriptionE2eTest, CancelEndsAnIdleStreamPromptly) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  Subscriber subscriber(FastOptions(server.grpc_address()));
  subscriber.Start();
  ASSERT_TRUE(subscriber.WaitForSubscribes(1, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(100));  // blocked reading a quiet stream

  const absl::Time start = absl::Now();
  subscriber.subscription().Cancel();
  std::optional<absl::Status> result = subscriber.WaitForResult(absl::Seconds(2));
  ASSERT_TRUE(result.has_value()) << "Run() did not return after Cancel()";
  EXPECT_TRUE(result->ok()) << *result;
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

TEST(SubscriptionE2eTest, CancelEndsTheWaitBeforeAReconnectPromptly) {
  auto server = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(server->Start());
  SubscriptionOptions options = FastOptions(server->grpc_address());
  options.backoff.initial = options.backoff.max = absl::Seconds(30);
  Subscriber subscriber(options);
  subscriber.Start();
  ASSERT_TRUE(subscriber.WaitForSubscribes(1, absl::Seconds(5)));
  server.reset();  // SIGKILL: the stream breaks, a 30 s backoff begins
  for (int i = 0; i < 100 && subscriber.retries().empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(subscriber.retries().size(), 1u);

  const absl::Time start = absl::Now();
  subscriber.subscription().Cancel();
  std::optional<absl::Status> result = subscriber.WaitForResult(absl::Seconds(2));
  ASSERT_TRUE(result.has_value()) << "Run() did not return after Cancel()";
  EXPECT_TRUE(result->ok()) << *result;
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

TEST(SubscriptionE2eTest, CancelBeforeRunReturnsAtOnce) {
  SubscriptionOptions options = FastOptions("127.0.0.1:1");
  options.wait_for_server = true;  // would otherwise retry forever
  Subscription subscription(options);
  subscription.Cancel();
  const absl::Time start = absl::Now();
  EXPECT_TRUE(subscription.Run([](const Event&) { return absl::OkStatus(); }).ok());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(200));
}

TEST(SubscriptionE2eTest, HandlerErrorStopsRunAndTheEventIsNotCountedAsDelivered) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  PostOk(server, Sms("one"));
  PostOk(server, Sms("two"));
  SubscriptionOptions options = FastOptions(server.grpc_address());
  options.start = Start::Oldest();
  Subscription subscription(options);
  absl::Status status = subscription.Run([](const Event& event) {
    return event.id() == "two" ? absl::DataLossError("cannot store it") : absl::OkStatus();
  });
  EXPECT_EQ(status, absl::DataLossError("cannot store it"));
  EXPECT_EQ(subscription.last_sequence(), std::optional<uint64_t>(1));

  // Run() again resumes after the last accepted event: "two" comes again.
  std::vector<std::string> ids;
  status = subscription.Run([&](const Event& event) {
    ids.push_back(event.id());
    subscription.Cancel();
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(ids, ::testing::ElementsAre("two"));
}

}  // namespace
}  // namespace switchboard::client
