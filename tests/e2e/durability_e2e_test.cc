// Durability end-to-end tests: the real binary on its default store (RocksDB
// files in a temporary directory), real HTTP and gRPC clients, real signals.
// An acknowledged webhook is never lost: across kill -9, restarts, retries
// and a full disk.

#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "switchboard_process.h"
#include "webhook_answers.h"

namespace switchboard::e2e {
namespace {

using ::switchboard::v1::Event;
using ::switchboard::v1::EventStream;
using ::switchboard::v1::SubscribeRequest;
using ::testing::HasSubstr;

constexpr absl::string_view kWebhookPath = "/webhooks/justcall";

using Accepted = AcceptedWebhook;

std::string CallCompleted(absl::string_view request_id, int duration) {
  return CallCompletedWebhook(request_id, duration);
}
std::optional<Accepted> ParseAccepted(const HttpResponse& response) {
  return ParseAcceptedWebhook(response);
}
std::string Describe(const HttpResponse& response) { return DescribeAnswer(response); }

// Reads `count` events of a Subscribe stream for every type, starting after
// `after` (nullopt: live tail); stops early when the stream ends or `timeout`
// passes.
std::vector<Event> ReadEvents(const std::string& address, std::optional<uint64_t> after,
                              size_t count, absl::Duration timeout,
                              grpc::Status* end_status = nullptr) {
  auto stub = EventStream::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  SubscribeRequest request;
  if (after.has_value()) request.set_after_sequence(*after);
  std::unique_ptr<grpc::ClientReader<Event>> reader = stub->Subscribe(&context, request);
  std::vector<Event> events;
  Event event;
  while (events.size() < count && reader->Read(&event)) events.push_back(event);
  if (events.size() >= count) context.TryCancel();
  grpc::Status status = reader->Finish();
  if (end_status != nullptr) *end_status = status;
  return events;
}

class DurabilityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/switchboard_durability.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    data_dir_ = root_ + "/data";
  }
  void TearDown() override {
    server_.reset();
    if (mounted_) umount2(root_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(root_);
  }

  // (Re)starts the binary on data_dir_ with the default store.
  void StartServer(std::vector<std::string> flags = {}) {
    server_.reset();  // a previous instance is killed and reaped first
    server_ = std::make_unique<SwitchboardProcess>();
    flags.push_back("--store=rocksdb");
    flags.push_back("--data_dir=" + data_dir_);
    ASSERT_TRUE(server_->Start(flags));
  }

  HttpResponse Post(const std::string& body) {
    return HttpPost(server_->http_port(), kWebhookPath, body);
  }

  Accepted PostOk(const std::string& body) {
    HttpResponse response = Post(body);
    std::optional<Accepted> accepted = ParseAccepted(response);
    EXPECT_TRUE(accepted.has_value()) << Describe(response);
    return accepted.value_or(Accepted{});
  }

  std::string root_;
  std::string data_dir_;
  bool mounted_ = false;
  std::unique_ptr<SwitchboardProcess> server_;
};

TEST_F(DurabilityE2eTest, KillDashNineMidLoadLosesNoAcknowledgedWebhook) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string grpc_address = server_->grpc_address();

  // A live subscriber, reading until the server dies under it.
  std::vector<Event> live;
  std::thread subscriber([&] {
    live = ReadEvents(grpc_address, std::nullopt, SIZE_MAX, absl::Seconds(60));
  });
  absl::SleepFor(absl::Milliseconds(200));  // let it subscribe; the verdict does not depend on it

  constexpr int kSenders = 8;
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;  // id -> sequence
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      HttpConnection http(absl::Seconds(5));
      if (!http.Connect(server_->http_port()).empty()) return;
      for (int i = 0; !stop; ++i) {
        const std::string id = absl::StrCat("s", s, "-", i);
        HttpResponse response = http.Post(kWebhookPath, CallCompleted(id, i));
        if (response.status == 0) return;  // the server is gone
        std::optional<Accepted> accepted = ParseAccepted(response);
        if (!accepted) continue;
        std::lock_guard<std::mutex> lock(mu);
        acknowledged[accepted->id] = accepted->sequence;
      }
    });
  }
  // Kill mid-load, once a good number of webhooks were acknowledged.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acknowledged.size() >= 1500 || absl::Now() > deadline) break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_TRUE(server_->Signal(SIGKILL));
  stop = true;
  for (std::thread& sender : senders) sender.join();
  subscriber.join();
  ASSERT_GE(acknowledged.size(), 100u) << "the load never got going";
  ASSERT_TRUE(server_->WaitForExit(absl::Seconds(10)).has_value());

  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Accepted marker = PostOk(CallCompleted("after-restart", 1));
  ASSERT_GT(marker.sequence, acknowledged.size()) << "sequences restarted or events were lost";

  std::vector<Event> stored =
      ReadEvents(server_->grpc_address(), 0, marker.sequence, absl::Seconds(30));
  ASSERT_EQ(stored.size(), marker.sequence);
  std::set<std::string> ids;
  std::map<std::string, uint64_t> sequence_of;
  for (size_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(stored[i].sequence(), i + 1) << "sequences are not contiguous";
    EXPECT_TRUE(ids.insert(stored[i].id()).second) << "stored twice: " << stored[i].id();
    sequence_of[stored[i].id()] = stored[i].sequence();
  }
  for (const auto& [id, sequence] : acknowledged) {
    auto it = sequence_of.find(id);
    ASSERT_NE(it, sequence_of.end()) << "acknowledged webhook " << id << " was lost";
    EXPECT_EQ(it->second, sequence) << id;
  }
  EXPECT_EQ(stored.back().id(), "after-restart");
  EXPECT_EQ(stored[0].call_completed().call_id(), absl::StrCat("c-", stored[0].id()));

  // The live subscriber resumes from the last sequence it saw: everything
  // after it, exactly once.
  const uint64_t last_seen = live.empty() ? 0 : live.back().sequence();
  for (size_t i = 1; i < live.size(); ++i) {
    ASSERT_EQ(live[i].sequence(), live[i - 1].sequence() + 1) << "gap in the live stream";
  }
  std::vector<Event> resumed = ReadEvents(server_->grpc_address(), last_seen,
                                          marker.sequence - last_seen, absl::Seconds(30));
  ASSERT_EQ(resumed.size(), marker.sequence - last_seen);
  for (size_t i = 0; i < resumed.size(); ++i) EXPECT_EQ(resumed[i].sequence(), last_seen + 1 + i);
}

TEST_F(DurabilityE2eTest, CleanRestartKeepsEventsIdsAndTheSequenceCounter) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(PostOk(CallCompleted(absl::StrCat("r", i), i)).sequence, uint64_t(i));
  ASSERT_TRUE(server_->Signal(SIGTERM));
  std::optional<int> status = server_->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(status.has_value() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);

  ASSERT_NO_FATAL_FAILURE(StartServer());
  const Accepted retried = PostOk(CallCompleted("r3", 3));
  EXPECT_TRUE(retried.duplicate) << "the de-duplication window did not survive the restart";
  EXPECT_EQ(retried.sequence, 3u);
  EXPECT_EQ(retried.id, "r3");
  EXPECT_EQ(PostOk(CallCompleted("r6", 6)).sequence, 6u);
  std::vector<Event> stored = ReadEvents(server_->grpc_address(), 0, 6, absl::Seconds(15));
  ASSERT_EQ(stored.size(), 6u);
  EXPECT_EQ(stored[2].id(), "r3");
  EXPECT_EQ(stored[2].call_completed().duration(), 3);
}

TEST_F(DurabilityE2eTest, TheSamePayloadPostedConcurrentlyAndSequentiallyIsStoredOnce) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // No request_id: the id is derived from the content.
  const std::string body =
      R"({"event":"sms.received","timestamp":"2026-03-12T14:30:00Z",)"
      R"("data":{"message_id":"m-1","body":"hello"}})";
  std::vector<std::optional<Accepted>> answers(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { answers[i] = ParseAccepted(Post(body)); });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 3; i < 6; ++i) answers[i] = ParseAccepted(Post(body));

  int originals = 0;
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->sequence, 1u);
    EXPECT_EQ(answer->id, answers[0]->id);
    originals += answer->duplicate ? 0 : 1;
  }
  EXPECT_EQ(originals, 1) << "exactly one answer is the original";
  EXPECT_EQ(PostOk(CallCompleted("next", 1)).sequence, 2u) << "a duplicate took a sequence";
  std::vector<Event> stored = ReadEvents(server_->grpc_address(), 0, 2, absl::Seconds(15));
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].sms_received().body(), "hello");
}

TEST_F(DurabilityE2eTest, FullDiskAnswers503AndRecoversWithoutLosingAnything) {
  // A small tmpfs as the disk: needs root (CI runs as root).
  if (mount("tmpfs", root_.c_str(), "tmpfs", 0, "size=48m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?): " << std::strerror(errno);
  }
  mounted_ = true;
  ASSERT_NO_FATAL_FAILURE(StartServer({"--min_free_disk_bytes=16777216"}));
  std::vector<Accepted> acknowledged;
  for (int i = 0; i < 5; ++i) acknowledged.push_back(PostOk(CallCompleted(absl::StrCat("a", i), i)));

  // Leave less than --min_free_disk_bytes free.
  const std::string filler = root_ + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 20, 'x');
    for (int i = 0; i < 40 && out; ++i) out.write(block.data(), block.size());
  }
  const HttpResponse refused = Post(CallCompleted("refused", 1));
  EXPECT_EQ(refused.status, 503) << Describe(refused);
  EXPECT_THAT(refused.body, HasSubstr("disk almost full"));
  const HttpResponse not_ready = HttpGet(server_->http_port(), "/readyz");
  EXPECT_EQ(not_ready.status, 503) << Describe(not_ready);

  std::filesystem::remove(filler);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (HttpGet(server_->http_port(), "/readyz").status != 200 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(HttpGet(server_->http_port(), "/readyz").status, 200) << "did not recover by itself";
  const Accepted retried = PostOk(CallCompleted("refused", 1));
  EXPECT_FALSE(retried.duplicate) << "the refused webhook was half-stored";
  EXPECT_EQ(retried.sequence, 6u) << "the refused webhook took a sequence";

  std::vector<Event> stored = ReadEvents(server_->grpc_address(), 0, 6, absl::Seconds(15));
  ASSERT_EQ(stored.size(), 6u);
  for (size_t i = 0; i < acknowledged.size(); ++i) EXPECT_EQ(stored[i].id(), acknowledged[i].id);
}

TEST_F(DurabilityE2eTest, RetentionDeletesOldEventsAndOutOfRangeNamesTheOldest) {
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--retention_max_age=1s", "--retention_interval=100ms"}));
  for (int i = 1; i <= 5; ++i) PostOk(CallCompleted(absl::StrCat("old", i), i));
  absl::SleepFor(absl::Milliseconds(1200));
  const Accepted fresh = PostOk(CallCompleted("fresh", 6));
  ASSERT_EQ(fresh.sequence, 6u);

  // Wait for retention to delete 1..5 (it keeps 6, which is younger; an
  // earlier pass may have kept 5 while it was the newest).
  grpc::Status status;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    ReadEvents(server_->grpc_address(), 2, 1, absl::Seconds(2), &status);
    if (absl::StrContains(status.error_message(), "sequence is 6")) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("oldest retained sequence is 6"));
  EXPECT_THAT(status.error_message(), HasSubstr("after_sequence 5 or later"));

  std::vector<Event> rest = ReadEvents(server_->grpc_address(), 0, 1, absl::Seconds(10));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id(), "fresh");
}

// Reads events with an explicit start option.
std::vector<Event> ReadFrom(const std::string& address, const SubscribeRequest& request,
                            size_t count, grpc::Status* status) {
  auto stub = EventStream::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto reader = stub->Subscribe(&context, request);
  std::vector<Event> events;
  Event event;
  while (events.size() < count && reader->Read(&event)) events.push_back(event);
  if (events.size() >= count) context.TryCancel();
  *status = reader->Finish();
  return events;
}

TEST_F(DurabilityE2eTest, StartFromOldestOrFromAReceiptTimeAfterARestart) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (int i = 1; i <= 3; ++i) PostOk(CallCompleted(absl::StrCat("early", i), i));
  absl::SleepFor(absl::Milliseconds(50));
  const absl::Time boundary = absl::Now();
  absl::SleepFor(absl::Milliseconds(50));
  for (int i = 1; i <= 2; ++i) PostOk(CallCompleted(absl::StrCat("late", i), i));
  ASSERT_TRUE(server_->Signal(SIGTERM));
  ASSERT_TRUE(server_->WaitForExit(absl::Seconds(15)).has_value());
  ASSERT_NO_FATAL_FAILURE(StartServer());

  grpc::Status status;
  SubscribeRequest since;
  since.mutable_received_since()->set_seconds(absl::ToUnixSeconds(boundary));
  since.mutable_received_since()->set_nanos(static_cast<int32_t>(
      (boundary - absl::FromUnixSeconds(absl::ToUnixSeconds(boundary))) / absl::Nanoseconds(1)));
  std::vector<Event> late = ReadFrom(server_->grpc_address(), since, 2, &status);
  ASSERT_EQ(late.size(), 2u) << status.error_message();
  EXPECT_EQ(late[0].id(), "late1");
  EXPECT_EQ(late[0].sequence(), 4u);

  SubscribeRequest oldest;
  oldest.set_from_oldest(true);
  std::vector<Event> all = ReadFrom(server_->grpc_address(), oldest, 5, &status);
  ASSERT_EQ(all.size(), 5u) << status.error_message();
  EXPECT_EQ(all[0].id(), "early1");

  SubscribeRequest bad;
  bad.set_from_oldest(false);
  ReadFrom(server_->grpc_address(), bad, 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  SubscribeRequest bad_time;
  bad_time.mutable_received_since()->set_nanos(-1);
  ReadFrom(server_->grpc_address(), bad_time, 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("received_since"));
}

TEST_F(DurabilityE2eTest, MetricsCountWebhooksDuplicatesSubscribersAndTheStore) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  PostOk(CallCompleted("m1", 1));
  PostOk(CallCompleted("m2", 2));
  EXPECT_TRUE(PostOk(CallCompleted("m1", 1)).duplicate);
  EXPECT_EQ(Post(R"({"event":"call.completed","data":["x"]})").status, 400);

  // One subscriber, open while we scrape.
  std::thread subscriber([&] {
    ReadEvents(server_->grpc_address(), 0, 3, absl::Seconds(10));
  });
  HttpResponse scrape;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    scrape = HttpGet(server_->http_port(), "/metrics");
    if (absl::StrContains(scrape.body, "\nswitchboard_subscribers 1\n")) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  PostOk(CallCompleted("m3", 3));  // lets the subscriber finish
  subscriber.join();

  ASSERT_EQ(scrape.status, 200) << Describe(scrape);
  EXPECT_THAT(scrape.content_type, HasSubstr("text/plain; version=0.0.4"));
  const std::string& text = scrape.body;
  EXPECT_THAT(text, HasSubstr("\nswitchboard_webhooks_total{type=\"call.completed\",status=\"200\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_webhooks_total{type=\"invalid\",status=\"400\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_webhook_duplicates_total 1\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_subscribers 1\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_subscriber_lag_events{stream=\""));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_store_newest_sequence 2\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_store_events 2\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_store_writable 1\n"));
  EXPECT_THAT(text, HasSubstr("\nswitchboard_store_append_duration_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("switchboard_webhook_duration_seconds_bucket{le=\"+Inf\"} 4\n"));

  // The subscriber cancelled after its 3 events; the server notices shortly.
  const std::string ended = "\nswitchboard_streams_ended_total{reason=\"cancelled\"} 1\n";
  std::string after;
  const absl::Time end_deadline = absl::Now() + absl::Seconds(10);
  do {
    after = HttpGet(server_->http_port(), "/metrics").body;
  } while (!absl::StrContains(after, ended) && absl::Now() < end_deadline &&
           (absl::SleepFor(absl::Milliseconds(20)), true));
  EXPECT_THAT(after, HasSubstr("\nswitchboard_streams_ended_total{reason=\"cancelled\"} 1\n"));
}

}  // namespace
}  // namespace switchboard::e2e
