// End-to-end tests: the real `switchboard` binary on loopback, driven by a
// real HTTP/1.1 client (webhooks in) and real gRPC clients (events out).
//
// Every test starts its own process on free ports, so tests are independent.
// Every wait is bounded; gRPC calls carry deadlines.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "switchboard/v1/event_stream.pb.h"
#include "stalled_http2_subscriber.h"
#include "switchboard_process.h"
#include "webhook_answers.h"

#ifndef SWITCHBOARD_FIXTURES_DIR
#error "SWITCHBOARD_FIXTURES_DIR must be defined to tests/fixtures/justcall"
#endif

namespace switchboard::e2e {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::util::MessageDifferencer;
using ::switchboard::v1::Event;
using ::switchboard::v1::EventStream;
using ::switchboard::v1::SubscribeRequest;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::string_view kWebhookPath = "/webhooks/justcall";

// Every fixture, in the order they are posted.
const std::vector<std::string>& FixtureTypes() {
  static const auto* const types = new std::vector<std::string>{
      "call.answered", "call.completed", "call.missed", "contact.created",   "contact.updated",
      "sms.delivered", "sms.received",   "sms.sent",    "voicemail.received"};
  return *types;
}

std::string ReadFixture(absl::string_view type) {
  const std::string path = absl::StrCat(SWITCHBOARD_FIXTURES_DIR, "/", type, ".json");
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_TRUE(in.good() || in.eof()) << "cannot read " << path;
  EXPECT_FALSE(content.str().empty()) << path << " is empty";
  return content.str();
}

absl::Time Utc(int year, int month, int day, int hour, int minute, int second) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone());
}

int64_t UnixSeconds(absl::Time time) { return absl::ToUnixSeconds(time); }

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// A call.completed webhook whose `notes` make it about `notes_bytes` larger.
std::string CallCompletedBody(int64_t duration, size_t notes_bytes = 0) {
  return absl::StrCat(R"({"event":"call.completed","timestamp":"2026-03-12T14:30:00Z",)",
                      R"("data":{"call_id":"call_e2e","direction":"inbound","duration":)", duration,
                      R"(,"notes":")", std::string(notes_bytes, 'n'), R"("}})");
}

std::optional<Struct> ParseJsonObject(absl::string_view text) {
  Struct out;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(text.data(), text.size()), &out)
           .ok()) {
    return std::nullopt;
  }
  return out;
}

std::string Describe(const HttpResponse& response) {
  if (response.status == 0) return absl::StrCat("no HTTP response (", response.error, ")");
  return absl::StrCat("HTTP ", response.status, " ", response.body);
}

// What POST /webhooks/justcall answers on success.
using Accepted = AcceptedWebhook;

// ParseAcceptedWebhook, stricter (a non-empty id, a positive sequence) and
// saying what was wrong.
::testing::AssertionResult ParseAccepted(const HttpResponse& response, Accepted* accepted) {
  if (response.status != 200) {
    return ::testing::AssertionFailure() << "expected HTTP 200, got " << Describe(response);
  }
  std::optional<Accepted> parsed = ParseAcceptedWebhook(response);
  if (!parsed || parsed->id.empty() || parsed->sequence < 1) {
    return ::testing::AssertionFailure()
           << "200 body lacks a non-empty \"id\" or a positive \"sequence\": " << response.body;
  }
  *accepted = *std::move(parsed);
  return ::testing::AssertionSuccess();
}

// Gives a webhook body without a request_id a unique one. Tests post the
// same fixtures many times, which the server would otherwise de-duplicate
// as retries of one webhook.
std::string Unique(absl::string_view body) {
  static std::atomic<int> posts{0};
  if (absl::StrContains(body, "\"request_id\"") || !absl::StartsWith(body, "{")) {
    return std::string(body);
  }
  return absl::StrCat("{\"request_id\":\"e2e-", ++posts, "\",", body.substr(1));
}

// Posts a webhook, made unique (see Unique()).
::testing::AssertionResult PostWebhook(HttpConnection* http, absl::string_view body,
                                       Accepted* accepted) {
  return ParseAccepted(http->Post(kWebhookPath, Unique(body)), accepted);
}

// The parts of an error response: {"error":{"status":N,"message":"...","field":"..."}}.
struct ErrorBody {
  int status = 0;
  std::string message;
  std::string field;
};

::testing::AssertionResult ParseError(const HttpResponse& response, int expected_status,
                                      ErrorBody* error) {
  if (response.status != expected_status) {
    return ::testing::AssertionFailure()
           << "expected HTTP " << expected_status << ", got " << Describe(response);
  }
  if (!absl::StartsWith(absl::AsciiStrToLower(response.content_type), "application/json")) {
    return ::testing::AssertionFailure()
           << "error Content-Type is \"" << response.content_type << "\", not application/json";
  }
  std::optional<Struct> json = ParseJsonObject(response.body);
  if (!json) return ::testing::AssertionFailure() << "error body is not JSON: " << response.body;
  auto it = json->fields().find("error");
  if (it == json->fields().end() || !it->second.has_struct_value()) {
    return ::testing::AssertionFailure() << "error body has no \"error\" object: " << response.body;
  }
  const auto& fields = it->second.struct_value().fields();
  auto get = [&fields](const std::string& key) -> const google::protobuf::Value* {
    auto found = fields.find(key);
    return found == fields.end() ? nullptr : &found->second;
  };
  if (const auto* status = get("status")) error->status = static_cast<int>(status->number_value());
  if (const auto* message = get("message")) error->message = message->string_value();
  if (const auto* field = get("field")) error->field = field->string_value();
  if (error->status != expected_status) {
    return ::testing::AssertionFailure() << "error.status is " << error->status << ", not "
                                         << expected_status << ": " << response.body;
  }
  if (error->message.empty()) {
    return ::testing::AssertionFailure() << "error.message is empty: " << response.body;
  }
  return ::testing::AssertionSuccess();
}

std::vector<uint64_t> Sequences(const std::vector<Event>& events) {
  std::vector<uint64_t> out;
  out.reserve(events.size());
  for (const Event& event : events) out.push_back(event.sequence());
  return out;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

SubscribeRequest MakeRequest(const std::vector<std::string>& types,
                             std::optional<uint64_t> after_sequence) {
  SubscribeRequest request;
  for (const std::string& type : types) request.add_event_types(type);
  if (after_sequence.has_value()) request.set_after_sequence(*after_sequence);
  return request;
}

std::chrono::system_clock::time_point DeadlineIn(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
}

// One Subscribe stream. In kRead mode a thread reads every event into a
// queue that the test waits on with timeouts; in kNeverRead mode nothing
// ever calls Read() (a stalled subscriber). The destructor cancels the call.
class Subscriber {
 public:
  enum class Mode { kRead, kNeverRead };

  Subscriber(EventStream::Stub* stub, const SubscribeRequest& request, Mode mode = Mode::kRead) {
    context_.set_deadline(DeadlineIn(absl::Seconds(45)));
    reader_ = stub->Subscribe(&context_, request);
    if (mode == Mode::kRead) thread_ = std::thread([this] { Run(); });
  }

  ~Subscriber() {
    context_.TryCancel();
    if (thread_.joinable()) {
      thread_.join();
    } else {
      Event ignored;
      while (reader_->Read(&ignored)) {
      }
      reader_->Finish();
    }
  }

  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Waits until an event with sequence >= `sequence` arrived, the stream
  // ended, or `timeout` passed; returns every event received so far.
  std::vector<Event> WaitForSequence(uint64_t sequence, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
      return status_.has_value() || (!events_.empty() && events_.back().sequence() >= sequence);
    });
    return events_;
  }

  // Waits until at least `count` events arrived, the stream ended, or
  // `timeout` passed; returns every event received so far.
  std::vector<Event> WaitForCount(size_t count, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return status_.has_value() || events_.size() >= count; });
    return events_;
  }

  // The status the stream ended with, or nullopt if it is still open after
  // `timeout`.
  std::optional<grpc::Status> WaitForEnd(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return status_.has_value(); });
    return status_;
  }

  std::vector<Event> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

  // A description of the stream's end, for failure messages.
  std::string EndDescription() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status_.has_value()) return "stream still open";
    return absl::StrCat("stream ended with code ", status_->error_code(), ": ",
                        status_->error_message());
  }

 private:
  void Run() {
    Event event;
    while (reader_->Read(&event)) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(event);
      changed_.notify_all();
    }
    grpc::Status status = reader_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    status_ = std::move(status);
    changed_.notify_all();
  }

  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<Event>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Event> events_;           // guarded by mu_
  std::optional<grpc::Status> status_;  // guarded by mu_
};

// Checks the typed payload of each fixture event against the fixture file.
void ExpectFixturePayload(const Event& event) {
  SCOPED_TRACE(absl::StrCat("event ", event.sequence(), " of type ", event.type()));
  const std::string& type = event.type();
  if (type == "call.completed") {
    ASSERT_EQ(event.payload_case(), Event::kCallCompleted);
    const auto& p = event.call_completed();
    EXPECT_EQ(p.call_id(), "call_8f3a2b1c");
    EXPECT_EQ(p.direction(), "inbound");
    EXPECT_EQ(p.from(), "+14155559876");
    EXPECT_EQ(p.to(), "+14155551234");
    EXPECT_EQ(p.agent_id(), 42);
    EXPECT_EQ(p.agent_name(), "Jordan Lee");
    EXPECT_EQ(p.duration(), 185);
    EXPECT_EQ(p.status(), "completed");
    EXPECT_EQ(p.recording_url(), "https://recordings.justcall.io/rec_abc123.mp3");
    EXPECT_EQ(p.notes(), "Customer confirmed renewal.");
    EXPECT_EQ(p.disposition(), "Closed Won");
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 30, 0)));
  } else if (type == "call.missed") {
    ASSERT_EQ(event.payload_case(), Event::kCallMissed);
    const auto& p = event.call_missed();
    EXPECT_EQ(p.call_id(), "call_1d4e5f6a");
    EXPECT_FALSE(p.has_agent_id()) << "agent_id was JSON null";
    EXPECT_FALSE(p.has_agent_name()) << "agent_name was not sent";
    EXPECT_EQ(p.ring_duration(), 30);
    EXPECT_EQ(p.status(), "missed");
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 32, 0)));
  } else if (type == "call.answered") {
    ASSERT_EQ(event.payload_case(), Event::kCallAnswered);
    const auto& p = event.call_answered();
    EXPECT_EQ(p.call_id(), "call_7b8c9d0e");
    EXPECT_EQ(p.from(), "+14155553456");
    EXPECT_EQ(p.agent_id(), 15);
    EXPECT_EQ(p.agent_name(), "Sam Chen");
    EXPECT_EQ(p.status(), "in-progress");
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 33, 10)));
  } else if (type == "sms.received") {
    ASSERT_EQ(event.payload_case(), Event::kSmsReceived);
    const auto& p = event.sms_received();
    EXPECT_EQ(p.message_id(), "msg_a1b2c3d4");
    EXPECT_EQ(p.direction(), "inbound");
    EXPECT_EQ(p.body(), "Can I reschedule my appointment to Friday?");
    EXPECT_FALSE(p.has_media_url()) << "media_url was JSON null";
    EXPECT_FALSE(p.has_agent_id()) << "agent_id was not sent";
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 35, 0)));
  } else if (type == "sms.sent") {
    ASSERT_EQ(event.payload_case(), Event::kSmsSent);
    const auto& p = event.sms_sent();
    EXPECT_EQ(p.message_id(), "msg_e5f6g7h8");
    EXPECT_EQ(p.direction(), "outbound");
    EXPECT_EQ(p.to(), "+14155559876");
    EXPECT_EQ(p.body(), "Sure! You are confirmed for Friday at 10 AM.");
    EXPECT_FALSE(p.has_media_url()) << "media_url was JSON null";
    EXPECT_EQ(p.agent_id(), 42);
  } else if (type == "sms.delivered") {
    ASSERT_EQ(event.payload_case(), Event::kSmsDelivered);
    const auto& p = event.sms_delivered();
    EXPECT_EQ(p.message_id(), "msg_e5f6g7h8");
    EXPECT_EQ(p.status(), "delivered");
    ASSERT_TRUE(p.has_delivered_at());
    EXPECT_EQ(p.delivered_at().seconds(), UnixSeconds(Utc(2026, 3, 12, 14, 36, 4)));
    EXPECT_EQ(p.delivered_at().nanos(), 0);
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 36, 5)));
  } else if (type == "voicemail.received") {
    ASSERT_EQ(event.payload_case(), Event::kVoicemailReceived);
    const auto& p = event.voicemail_received();
    EXPECT_EQ(p.call_id(), "call_1d4e5f6a");
    EXPECT_EQ(p.agent_id(), 42);
    EXPECT_EQ(p.duration(), 22);
    EXPECT_EQ(p.recording_url(), "https://recordings.justcall.io/vm_xyz789.mp3");
    EXPECT_THAT(p.transcription(), HasSubstr("Pat from Globex"));
  } else if (type == "contact.created") {
    ASSERT_EQ(event.payload_case(), Event::kContactCreated);
    const auto& p = event.contact_created();
    EXPECT_EQ(p.contact_id(), 98765);
    EXPECT_EQ(p.first_name(), "Jordan");
    EXPECT_EQ(p.email(), "jordan@example.com");
    EXPECT_EQ(p.company(), "Acme Corp");
    EXPECT_EQ(p.source(), "api");
  } else if (type == "contact.updated") {
    ASSERT_EQ(event.payload_case(), Event::kContactUpdated);
    const auto& p = event.contact_updated();
    EXPECT_EQ(p.contact_id(), 98765);
    EXPECT_THAT(p.changed_fields(), ElementsAre("company", "email"));
    EXPECT_EQ(p.email(), "jordan@acmecorp.com");
    EXPECT_EQ(p.company(), "Acme Corp International");
    EXPECT_EQ(p.source(), "ui");
    EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())),
              UnixSeconds(Utc(2026, 3, 12, 14, 50, 0)));
  } else {
    ADD_FAILURE() << "unexpected event type " << type;
  }
}

class SwitchboardE2eTest : public ::testing::Test {
 protected:
  // Starts the binary with `flags` and connects the HTTP and gRPC clients.
  void StartServer(const std::vector<std::string>& flags = {}) {
    ASSERT_TRUE(server_.Start(flags));
    channel_ = NewChannel();
    stub_ = EventStream::NewStub(channel_);
    const std::string error = http_.Connect(server_.http_port());
    ASSERT_EQ(error, "");
  }

  // A channel with its own connection (no subchannel sharing between
  // channels), so one stalled stream cannot share flow control with another.
  std::shared_ptr<grpc::Channel> NewChannel(grpc::ChannelArguments args = {}) {
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(server_.grpc_address(), grpc::InsecureChannelCredentials(),
                                     args);
  }

  std::unique_ptr<Subscriber> Subscribe(const std::vector<std::string>& types,
                                        std::optional<uint64_t> after_sequence) {
    return std::make_unique<Subscriber>(stub_.get(), MakeRequest(types, after_sequence));
  }

  // Posts `body` on the shared keep-alive connection.
  ::testing::AssertionResult Post(absl::string_view body, Accepted* accepted) {
    return PostWebhook(&http_, body, accepted);
  }

  // Posts `count` fixture webhooks, cycling through the fixture types;
  // appends what was accepted. Stops at the first failure.
  ::testing::AssertionResult PostFixtures(int count, std::vector<Accepted>* accepted) {
    std::vector<std::string> bodies;
    for (const std::string& type : FixtureTypes()) bodies.push_back(ReadFixture(type));
    for (int i = 0; i < count; ++i) {
      Accepted one;
      ::testing::AssertionResult result = Post(bodies[i % bodies.size()], &one);
      if (!result) return result << " (webhook " << i << ")";
      accepted->push_back(one);
    }
    return ::testing::AssertionSuccess();
  }

  SwitchboardProcess server_;  // declared first: outlives the clients below
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<EventStream::Stub> stub_;
  HttpConnection http_;
};

// ---------------------------------------------------------------------------
// Delivery and filters
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, EachFilterReceivesExactlyItsEventsInOrderWithTypedPayloads) {
  ASSERT_NO_FATAL_FAILURE(StartServer());

  struct Case {
    std::string name;
    std::vector<std::string> patterns;
    bool (*matches)(const std::string& type);
  };
  // "star" first: the others are compared against what it received.
  const std::vector<Case> cases = {
      {"star", {"*"}, [](const std::string&) { return true; }},
      {"exact", {"call.completed"}, [](const std::string& t) { return t == "call.completed"; }},
      {"prefix", {"call.*"}, [](const std::string& t) { return absl::StartsWith(t, "call."); }},
      {"empty", {}, [](const std::string&) { return true; }},
      {"union",
       {"sms.*", "call.completed"},
       [](const std::string& t) { return absl::StartsWith(t, "sms.") || t == "call.completed"; }},
  };
  // after_sequence = 0 on an empty log: every event, with no race against
  // the subscription being set up.
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (const Case& c : cases) subscribers.push_back(Subscribe(c.patterns, 0));

  const absl::Time before = absl::Now();
  std::map<uint64_t, std::pair<std::string, Accepted>> posted;  // by sequence
  for (const std::string& type : FixtureTypes()) {
    Accepted accepted;
    ASSERT_TRUE(Post(ReadFixture(type), &accepted)) << type;
    posted[accepted.sequence] = {type, accepted};
  }
  // A last call.completed, which every filter above matches: once a
  // subscriber has it, in-order delivery means it has had everything it will
  // ever get.
  Accepted last;
  ASSERT_TRUE(Post(ReadFixture("call.completed"), &last));
  posted[last.sequence] = {"call.completed", last};
  const absl::Time after = absl::Now();

  std::vector<uint64_t> all_sequences;
  std::set<std::string> ids;
  for (const auto& [sequence, entry] : posted) {
    all_sequences.push_back(sequence);
    ids.insert(entry.second.id);
  }
  EXPECT_THAT(all_sequences, ElementsAreArray(Range(1, FixtureTypes().size() + 1)))
      << "the first webhooks on a fresh server are numbered 1, 2, 3, ...";
  EXPECT_EQ(ids.size(), posted.size()) << "event ids are unique";

  std::map<uint64_t, Event> star_events;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("subscriber \"", cases[i].name, "\" {",
                              absl::StrJoin(cases[i].patterns, ", "), "}"));
    std::vector<uint64_t> expected;
    for (const auto& [sequence, entry] : posted) {
      if (cases[i].matches(entry.first)) expected.push_back(sequence);
    }
    ASSERT_FALSE(expected.empty());
    std::vector<Event> events = subscribers[i]->WaitForSequence(expected.back(), absl::Seconds(10));
    EXPECT_THAT(Sequences(events), ElementsAreArray(expected)) << subscribers[i]->EndDescription();
    for (const Event& event : events) {
      auto it = posted.find(event.sequence());
      if (it == posted.end()) continue;  // reported above
      EXPECT_EQ(event.type(), it->second.first) << "sequence " << event.sequence();
      EXPECT_EQ(event.id(), it->second.second.id)
          << "event id differs from the id the POST returned, sequence " << event.sequence();
      EXPECT_GE(FromProto(event.received_at()), before - absl::Seconds(1));
      EXPECT_LE(FromProto(event.received_at()), after + absl::Seconds(1));
      ExpectFixturePayload(event);
      if (cases[i].name == "star") {
        star_events[event.sequence()] = event;
      } else if (auto star = star_events.find(event.sequence()); star != star_events.end()) {
        EXPECT_TRUE(MessageDifferencer::Equals(event, star->second))
            << "filtered subscribers get the same event as \"*\":\n"
            << event.DebugString() << "vs\n"
            << star->second.DebugString();
      }
    }
  }
}

TEST_F(SwitchboardE2eTest, UnknownTypeIsAcceptedAndReachesPrefixSubscriberAsOther) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto prefix = Subscribe({"call.*"}, 0);
  auto exact = Subscribe({"call.completed"}, 0);

  Accepted unknown;
  ASSERT_TRUE(Post(R"({"event":"call.recording_ready","timestamp":"2026-03-12T14:31:00Z",)"
                   R"("data":{"call_id":"call_8f3a2b1c","duration":185,"tags":["vip","renewal"],)"
                   R"("recording":{"url":"https://recordings.justcall.io/rec_abc123.mp3",)"
                   R"("format":"mp3"},"agent_id":null}})",
                   &unknown));
  Accepted completed;
  ASSERT_TRUE(Post(ReadFixture("call.completed"), &completed));

  std::vector<Event> events = prefix->WaitForSequence(completed.sequence, absl::Seconds(10));
  ASSERT_THAT(Sequences(events), ElementsAre(unknown.sequence, completed.sequence))
      << prefix->EndDescription();
  const Event& event = events[0];
  EXPECT_EQ(event.id(), unknown.id);
  EXPECT_EQ(event.type(), "call.recording_ready");
  ASSERT_EQ(event.payload_case(), Event::kOther);
  EXPECT_EQ(UnixSeconds(FromProto(event.occurred_at())), UnixSeconds(Utc(2026, 3, 12, 14, 31, 0)));
  const auto& fields = event.other().fields();
  ASSERT_EQ(fields.count("call_id"), 1u);
  EXPECT_EQ(fields.at("call_id").string_value(), "call_8f3a2b1c");
  ASSERT_EQ(fields.count("duration"), 1u);
  EXPECT_EQ(fields.at("duration").number_value(), 185.0);
  ASSERT_EQ(fields.count("tags"), 1u);
  ASSERT_EQ(fields.at("tags").list_value().values_size(), 2);
  EXPECT_EQ(fields.at("tags").list_value().values(1).string_value(), "renewal");
  ASSERT_EQ(fields.count("recording"), 1u);
  EXPECT_EQ(fields.at("recording").struct_value().fields().at("format").string_value(), "mp3");
  ASSERT_EQ(fields.count("agent_id"), 1u) << "nothing in `data` is dropped";
  EXPECT_EQ(fields.at("agent_id").kind_case(), google::protobuf::Value::kNullValue);
  EXPECT_EQ(events[1].payload_case(), Event::kCallCompleted);

  // An exact subscription to a known type does not get the unknown one.
  EXPECT_THAT(Sequences(exact->WaitForSequence(completed.sequence, absl::Seconds(10))),
              ElementsAre(completed.sequence))
      << exact->EndDescription();
}

TEST_F(SwitchboardE2eTest, V21EnvelopeUsesRequestIdAsEventId) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto subscriber = Subscribe({"sms.received"}, 0);
  Accepted accepted;
  ASSERT_TRUE(Post(R"({"request_id":"req-2f6c1a9e","webhook_url":"https://example.com/hook",)"
                   R"("url_id":7,"type":"sms.received","data":{"message_id":"msg_v21",)"
                   R"("from":"+14155559876","to":"+14155551234","body":"hi","media_url":null}})",
                   &accepted));
  EXPECT_EQ(accepted.id, "req-2f6c1a9e");
  std::vector<Event> events = subscriber->WaitForSequence(accepted.sequence, absl::Seconds(10));
  ASSERT_EQ(events.size(), 1u) << subscriber->EndDescription();
  EXPECT_EQ(events[0].id(), "req-2f6c1a9e");
  EXPECT_FALSE(events[0].has_occurred_at()) << "the v2.1 envelope carries no timestamp";
  EXPECT_TRUE(events[0].has_received_at());
  EXPECT_EQ(events[0].sms_received().message_id(), "msg_v21");
  EXPECT_FALSE(events[0].sms_received().has_media_url());
}

TEST_F(SwitchboardE2eTest, SubscribeWithoutAfterSequenceStreamsOnlyNewEvents) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  Accepted old_event;
  ASSERT_TRUE(Post(ReadFixture("call.completed"), &old_event));

  auto subscriber = Subscribe({"*"}, std::nullopt);
  // When the server starts tailing for this subscriber is not observable,
  // so post until the first event arrives; it must be a new one.
  std::vector<Accepted> posted;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (subscriber->events().empty() && absl::Now() < deadline) {
    Accepted accepted;
    ASSERT_TRUE(Post(ReadFixture("sms.received"), &accepted));
    posted.push_back(accepted);
    subscriber->WaitForCount(1, absl::Milliseconds(100));
  }
  ASSERT_FALSE(subscriber->events().empty())
      << "a live subscriber got nothing within 10 s; " << subscriber->EndDescription();
  for (int i = 0; i < 5; ++i) {
    Accepted accepted;
    ASSERT_TRUE(Post(ReadFixture("call.missed"), &accepted));
    posted.push_back(accepted);
  }
  std::vector<Event> events =
      subscriber->WaitForSequence(posted.back().sequence, absl::Seconds(10));
  ASSERT_FALSE(events.empty());
  const uint64_t first = events.front().sequence();
  EXPECT_GT(first, old_event.sequence) << "an event stored before the subscription was streamed";
  EXPECT_THAT(Sequences(events), ElementsAreArray(Range(first, posted.back().sequence)))
      << "a live subscriber gets every event from its first one on, without gaps";
}

// ---------------------------------------------------------------------------
// Resume
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, ResumeReplaysRetainedEventsThenContinuesLive) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<Accepted> posted;
  ASSERT_TRUE(PostFixtures(40, &posted));
  ASSERT_EQ(posted.back().sequence, 40u);

  auto from_25 = Subscribe({"*"}, 25);
  auto from_0 = Subscribe({}, 0);
  auto from_40 = Subscribe({"*"}, 40);  // the newest: nothing to replay
  EXPECT_THAT(Sequences(from_25->WaitForSequence(40, absl::Seconds(10))),
              ElementsAreArray(Range(26, 40)))
      << from_25->EndDescription();

  ASSERT_TRUE(PostFixtures(10, &posted));
  ASSERT_EQ(posted.back().sequence, 50u);

  std::vector<Event> events = from_25->WaitForSequence(50, absl::Seconds(10));
  EXPECT_THAT(Sequences(events), ElementsAreArray(Range(26, 50))) << from_25->EndDescription();
  for (const Event& event : events) {
    EXPECT_EQ(event.id(), posted[event.sequence() - 1].id) << "sequence " << event.sequence();
  }
  EXPECT_THAT(Sequences(from_0->WaitForSequence(50, absl::Seconds(10))),
              ElementsAreArray(Range(1, 50)))
      << from_0->EndDescription();
  EXPECT_THAT(Sequences(from_40->WaitForSequence(50, absl::Seconds(10))),
              ElementsAreArray(Range(41, 50)))
      << from_40->EndDescription();
}

TEST_F(SwitchboardE2eTest, ResumeWhileWebhooksKeepArrivingHasNoGapOrDuplicate) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<Accepted> initial;
  ASSERT_TRUE(PostFixtures(300, &initial));

  // A second client keeps posting while the subscribers replay.
  std::atomic<int> background_posted{0};
  std::atomic<bool> background_done{false};
  std::string background_error;  // written by the thread, read after join()
  std::thread background([&] {
    HttpConnection http;
    if (std::string error = http.Connect(server_.http_port()); !error.empty()) {
      background_error = error;
      background_done = true;
      return;
    }
    const std::string body = ReadFixture("call.answered");
    for (int i = 0; i < 700; ++i) {
      Accepted accepted;
      if (::testing::AssertionResult r = PostWebhook(&http, body, &accepted); !r) {
        background_error = r.message();
        break;
      }
      ++background_posted;
    }
    background_done = true;
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (background_posted < 50 && !background_done && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  auto from_0 = Subscribe({"*"}, 0);
  auto from_150 = Subscribe({"*"}, 150);
  auto from_299 = Subscribe({"*"}, 299);
  auto calls_from_100 = Subscribe({"call.*"}, 100);
  background.join();
  ASSERT_EQ(background_error, "");

  // Every webhook above is a call.* type or a fixture; a final call.completed
  // lets each subscriber know it has seen everything.
  Accepted last;
  ASSERT_TRUE(Post(ReadFixture("call.completed"), &last));
  ASSERT_EQ(last.sequence, 1001u);

  struct Check {
    Subscriber* subscriber;
    uint64_t after;
  };
  for (const Check& check :
       {Check{from_0.get(), 0}, Check{from_150.get(), 150}, Check{from_299.get(), 299}}) {
    SCOPED_TRACE(absl::StrCat("after_sequence = ", check.after));
    EXPECT_THAT(Sequences(check.subscriber->WaitForSequence(last.sequence, absl::Seconds(15))),
                ElementsAreArray(Range(check.after + 1, last.sequence)))
        << check.subscriber->EndDescription();
  }
  // call.* after 100: the fixture cycle's call types among 101..300, then
  // 301..1001 (all call.answered / call.completed).
  std::vector<uint64_t> expected;
  for (uint64_t s = 101; s <= 300; ++s) {
    if (absl::StartsWith(FixtureTypes()[(s - 1) % FixtureTypes().size()], "call.")) {
      expected.push_back(s);
    }
  }
  for (uint64_t s = 301; s <= last.sequence; ++s) expected.push_back(s);
  std::vector<Event> calls = calls_from_100->WaitForSequence(last.sequence, absl::Seconds(15));
  EXPECT_THAT(Sequences(calls), ElementsAreArray(expected)) << calls_from_100->EndDescription();
  for (const Event& event : calls) {
    EXPECT_TRUE(absl::StartsWith(event.type(), "call.")) << event.type();
  }
}

TEST_F(SwitchboardE2eTest, ResumeAfterNewestSequenceIsOutOfRange) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<Accepted> posted;
  ASSERT_TRUE(PostFixtures(3, &posted));
  auto subscriber = Subscribe({"*"}, 10);
  std::optional<grpc::Status> status = subscriber->WaitForEnd(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "after_sequence 10 > newest 3 must end the stream";
  EXPECT_EQ(status->error_code(), grpc::StatusCode::OUT_OF_RANGE) << status->error_message();
  EXPECT_THAT(subscriber->events(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Slow subscribers
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, StalledSubscribersDoNotDelayOthers) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  constexpr int kEvents = 2000;
  constexpr size_t kNotesBytes = 4000;  // ~8 MB in all: more than any socket buffers

  // Stalled subscriber 1: a raw HTTP/2 client that stops reading its socket.
  StalledHttp2Subscriber raw;
  ASSERT_TRUE(raw.Open(server_.grpc_port(), MakeRequest({"*"}, 0)));
  // Stalled subscriber 2: a gRPC client that never calls Read(), with small
  // flow-control windows so the stall reaches the server quickly.
  grpc::ChannelArguments small_window;
  small_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  small_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  auto stalled_channel = NewChannel(small_window);
  auto stalled_stub = EventStream::NewStub(stalled_channel);
  Subscriber never_reads(stalled_stub.get(), MakeRequest({"call.*"}, 0),
                         Subscriber::Mode::kNeverRead);

  auto reader = Subscribe({"*"}, 0);
  Accepted first;
  ASSERT_TRUE(Post(CallCompletedBody(0, kNotesBytes), &first));
  ASSERT_TRUE(raw.WaitForFirstEvent(absl::Seconds(10)));
  // From here on the raw client never reads again.

  const absl::Time start = absl::Now();
  uint64_t last_sequence = first.sequence;
  for (int i = 1; i <= kEvents; ++i) {
    Accepted accepted;
    ASSERT_TRUE(Post(CallCompletedBody(i, kNotesBytes), &accepted)) << "webhook " << i;
    last_sequence = accepted.sequence;
  }
  const absl::Duration post_time = absl::Now() - start;
  EXPECT_LT(post_time, absl::Seconds(20)) << "webhooks were slowed down by stalled subscribers";

  std::vector<Event> events = reader->WaitForSequence(last_sequence, absl::Seconds(20));
  const absl::Duration delivery_time = absl::Now() - start;
  ASSERT_EQ(events.size(), static_cast<size_t>(kEvents + 1))
      << "the reading subscriber got " << events.size() << " of " << kEvents + 1
      << " events within " << absl::FormatDuration(delivery_time) << "; "
      << reader->EndDescription();
  EXPECT_THAT(Sequences(events), ElementsAreArray(Range(first.sequence, last_sequence)));
  EXPECT_EQ(events.back().call_completed().duration(), kEvents);

  // The server is still healthy and serves new subscribers promptly.
  HttpResponse health = HttpGet(server_.http_port(), "/healthz");
  EXPECT_EQ(health.status, 200) << Describe(health);
  auto late = Subscribe({"call.completed"}, last_sequence - 5);
  EXPECT_THAT(Sequences(late->WaitForSequence(last_sequence, absl::Seconds(10))),
              ElementsAreArray(Range(last_sequence - 4, last_sequence)))
      << late->EndDescription();
}

// ---------------------------------------------------------------------------
// Subscription errors
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, BadPatternsAreInvalidArgumentNamingThePattern) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::vector<std::vector<std::string>> requests = {
      {"call.complete"},                // typo of a known type
      {"call*"},                        // '*' not a whole segment
      {"*.completed"},                  // '*' not last
      {"call.**"},                      // malformed prefix
      {"call..completed"},              // empty segment
      {"bogus.*"},                      // no known type has this prefix
      {"call.completed", "sms.sent!"},  // one bad among good ones
      {"call.*", " call.missed"},       // stray whitespace
  };
  for (const std::vector<std::string>& patterns : requests) {
    const std::string& bad = patterns.back();
    SCOPED_TRACE(absl::StrCat("patterns {", absl::StrJoin(patterns, ", "), "}"));
    Subscriber subscriber(stub_.get(), MakeRequest(patterns, 0));
    std::optional<grpc::Status> status = subscriber.WaitForEnd(absl::Seconds(10));
    ASSERT_TRUE(status.has_value()) << "the stream was not rejected";
    EXPECT_EQ(status->error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status->error_message(), HasSubstr(bad));
    EXPECT_THAT(subscriber.events(), IsEmpty());
  }
  // An empty pattern string is malformed too (the message cannot usefully
  // be checked for naming it).
  Subscriber empty(stub_.get(), MakeRequest({""}, 0));
  std::optional<grpc::Status> status = empty.WaitForEnd(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "the stream with pattern \"\" was not rejected";
  EXPECT_EQ(status->error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status->error_message();

  // The server is still fine for valid subscriptions.
  auto good = Subscribe({"call.*", "sms.delivered"}, 0);
  Accepted accepted;
  ASSERT_TRUE(Post(ReadFixture("sms.delivered"), &accepted));
  EXPECT_THAT(Sequences(good->WaitForSequence(accepted.sequence, absl::Seconds(10))),
              ElementsAre(accepted.sequence))
      << good->EndDescription();
}

// ---------------------------------------------------------------------------
// HTTP gateway
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, RejectedWebhooksGetJsonErrorsAndAreNeverStreamed) {
  constexpr size_t kLimit = 4096;
  ASSERT_NO_FATAL_FAILURE(StartServer({absl::StrCat("--max_body_bytes=", kLimit)}));
  auto everything = Subscribe({"*"}, 0);

  Accepted first;
  ASSERT_TRUE(Post(ReadFixture("call.completed"), &first));
  EXPECT_EQ(first.sequence, 1u);

  {
    SCOPED_TRACE("malformed JSON");
    ErrorBody error;
    EXPECT_TRUE(ParseError(
        HttpPost(server_.http_port(), kWebhookPath, R"({"event":"call.completed","data":{)"), 400,
        &error));
    EXPECT_THAT(absl::AsciiStrToLower(error.message), HasSubstr("json"));
  }
  struct BadField {
    std::string body;
    std::string field;
  };
  // Structural faults only: a value that merely does not fit the schema is
  // stored (justcall_traffic_e2e_test.cc).
  const std::vector<BadField> bad_fields = {
      {R"({"event":"call.completed","data":{"call_id":"c1","call_id":"c2"}})", "data.call_id"},
      {R"({"event":"call.completed","data":[{"call_id":"c1"}]})", "data"},
      {R"({"event":"call completed","data":{}})", "event"},
      {R"({"event":"call.completed","type":"call.missed","data":{}})", "type"},
      {R"({"event":"call.completed"})", "data"},
      {R"({"data":{"call_id":"c1"}})", "event"},
  };
  for (const BadField& bad : bad_fields) {
    SCOPED_TRACE(bad.body);
    ErrorBody error;
    EXPECT_TRUE(ParseError(HttpPost(server_.http_port(), kWebhookPath, bad.body), 400, &error));
    EXPECT_EQ(error.field, bad.field);
    EXPECT_THAT(error.message, HasSubstr(bad.field.substr(bad.field.rfind('.') + 1)));
  }
  {
    SCOPED_TRACE("JSON that is not an object");
    ErrorBody error;
    EXPECT_TRUE(ParseError(HttpPost(server_.http_port(), kWebhookPath, "[1,2]"), 400, &error));
  }
  {
    SCOPED_TRACE("body over --max_body_bytes");
    const std::string big = CallCompletedBody(1, kLimit);
    ASSERT_GT(big.size(), kLimit);
    ErrorBody error;
    EXPECT_TRUE(ParseError(HttpPost(server_.http_port(), kWebhookPath, big), 413, &error));
  }
  {
    SCOPED_TRACE("Content-Type text/plain");
    ErrorBody error;
    EXPECT_TRUE(ParseError(
        HttpPost(server_.http_port(), kWebhookPath, ReadFixture("call.missed"), "text/plain"), 415,
        &error));
  }
  {
    SCOPED_TRACE("GET on the webhook path");
    HttpResponse response = HttpGet(server_.http_port(), kWebhookPath);
    ErrorBody error;
    EXPECT_TRUE(ParseError(response, 405, &error));
    EXPECT_THAT(response.allow, HasSubstr("POST")) << "a 405 must list the allowed methods";
  }
  {
    SCOPED_TRACE("POST on /healthz");
    ErrorBody error;
    EXPECT_TRUE(ParseError(HttpPost(server_.http_port(), "/healthz", "{}"), 405, &error));
  }
  for (const char* path :
       {"/nope", "/webhooks/justcall/extra", "/webhooks/justcallx", "/webhooks"}) {
    SCOPED_TRACE(path);
    ErrorBody error;
    EXPECT_TRUE(ParseError(HttpGet(server_.http_port(), path), 404, &error));
    EXPECT_TRUE(
        ParseError(HttpPost(server_.http_port(), path, ReadFixture("call.missed")), 404, &error));
  }
  for (const char* path : {"/healthz", "/readyz"}) {
    HttpResponse response = HttpGet(server_.http_port(), path);
    EXPECT_EQ(response.status, 200) << path << ": " << Describe(response);
  }

  // Nothing rejected took a sequence or reached a subscriber.
  Accepted second;
  ASSERT_TRUE(Post(ReadFixture("sms.sent"), &second));
  EXPECT_EQ(second.sequence, 2u);
  std::vector<Event> events = everything->WaitForSequence(second.sequence, absl::Seconds(10));
  absl::SleepFor(absl::Milliseconds(300));  // room for anything unexpected to show up
  events = everything->events();
  EXPECT_THAT(Sequences(events), ElementsAre(first.sequence, second.sequence))
      << everything->EndDescription();
  std::vector<std::string> types;
  for (const Event& event : events) types.push_back(event.type());
  EXPECT_THAT(types, ElementsAre("call.completed", "sms.sent"));
}

TEST_F(SwitchboardE2eTest, BodyExactlyAtLimitIsAccepted) {
  constexpr size_t kLimit = 4096;
  ASSERT_NO_FATAL_FAILURE(StartServer({absl::StrCat("--max_body_bytes=", kLimit)}));
  const size_t overhead = CallCompletedBody(7).size();
  const std::string at_limit = CallCompletedBody(7, kLimit - overhead);
  ASSERT_EQ(at_limit.size(), kLimit);
  Accepted accepted;
  EXPECT_TRUE(ParseAccepted(http_.Post(kWebhookPath, at_limit), &accepted));
  const std::string one_over = CallCompletedBody(7, kLimit - overhead + 1);
  ErrorBody error;
  EXPECT_TRUE(ParseError(HttpPost(server_.http_port(), kWebhookPath, one_over), 413, &error));
}

TEST_F(SwitchboardE2eTest, JsonContentTypeWithParametersIsAccepted) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (const char* content_type : {"application/json; charset=utf-8", "Application/JSON"}) {
    HttpResponse response =
        HttpPost(server_.http_port(), kWebhookPath, ReadFixture("sms.received"), content_type);
    Accepted accepted;
    EXPECT_TRUE(ParseAccepted(response, &accepted)) << "Content-Type: " << content_type;
  }
}

TEST_F(SwitchboardE2eTest, OneKeepAliveConnectionServesManyRequests) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  HttpConnection http;
  ASSERT_EQ(http.Connect(server_.http_port()), "");
  const std::string body = ReadFixture("voicemail.received");
  uint64_t expected_sequence = 1;
  for (int i = 0; i < 300; ++i) {
    SCOPED_TRACE(absl::StrCat("request ", i, " on one connection"));
    HttpResponse response;
    if (i % 25 == 24) {
      response = http.Get(i % 50 == 49 ? "/readyz" : "/healthz");
      ASSERT_EQ(response.status, 200) << Describe(response);
    } else if (i == 150) {
      // A rejected webhook does not cost the sender its connection.
      response = http.Post(kWebhookPath, "{not json");
      ErrorBody error;
      ASSERT_TRUE(ParseError(response, 400, &error));
    } else {
      response = http.Post(kWebhookPath, Unique(body));
      Accepted accepted;
      ASSERT_TRUE(ParseAccepted(response, &accepted));
      EXPECT_EQ(accepted.sequence, expected_sequence++);
    }
    ASSERT_TRUE(response.keep_alive) << "the server closed the keep-alive connection";
  }
}

TEST_F(SwitchboardE2eTest, ConcurrentSendersGetDistinctContiguousSequences) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  constexpr int kSenders = 4;
  constexpr int kPerSender = 150;
  auto everything = Subscribe({"*"}, 0);
  std::mutex mu;
  std::map<uint64_t, std::string> ids;  // guarded by mu
  std::vector<std::string> errors(kSenders);
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      HttpConnection http;
      if (std::string error = http.Connect(server_.http_port()); !error.empty()) {
        errors[s] = error;
        return;
      }
      const std::string body = ReadFixture(FixtureTypes()[s]);
      for (int i = 0; i < kPerSender; ++i) {
        Accepted accepted;
        if (::testing::AssertionResult r = PostWebhook(&http, body, &accepted); !r) {
          errors[s] = r.message();
          return;
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!ids.emplace(accepted.sequence, accepted.id).second) {
          errors[s] = absl::StrCat("sequence ", accepted.sequence, " returned twice");
          return;
        }
      }
    });
  }
  for (std::thread& t : senders) t.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  constexpr uint64_t kTotal = kSenders * kPerSender;
  std::vector<uint64_t> sequences;
  for (const auto& [sequence, id] : ids) sequences.push_back(sequence);
  EXPECT_THAT(sequences, ElementsAreArray(Range(1, kTotal)));

  std::vector<Event> events = everything->WaitForSequence(kTotal, absl::Seconds(15));
  EXPECT_THAT(Sequences(events), ElementsAreArray(Range(1, kTotal)))
      << everything->EndDescription();
  for (const Event& event : events) {
    auto it = ids.find(event.sequence());
    if (it != ids.end()) {
      EXPECT_EQ(event.id(), it->second) << "sequence " << event.sequence();
    }
  }
}

// ---------------------------------------------------------------------------
// gRPC health
// ---------------------------------------------------------------------------

TEST_F(SwitchboardE2eTest, GrpcHealthCheckReportsServing) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // grpc.health.v1.HealthCheckRequest{service = ""} and HealthCheckResponse
  // {status = 1} have the wire format of StringValue{value = ""} and
  // Int32Value{value = 1}: field 1, string and varint.
  grpc::TemplatedGenericStub<google::protobuf::StringValue, google::protobuf::Int32Value> health(
      channel_);
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(absl::Seconds(5)));
  google::protobuf::StringValue request;
  google::protobuf::Int32Value response;
  std::promise<grpc::Status> done;
  health.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                   &response, [&done](grpc::Status status) { done.set_value(status); });
  std::future<grpc::Status> result = done.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  grpc::Status status = result.get();
  ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  EXPECT_EQ(response.value(), 1) << "HealthCheckResponse.status is not SERVING";
}

// ---------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------

// How long after SIGTERM the process may take to exit once nothing is in
// flight ("within a few seconds"). Streams are ended by the server itself,
// so they are not a reason to wait out the whole shutdown grace.
constexpr absl::Duration kShutdownBound = absl::Seconds(3);

TEST_F(SwitchboardE2eTest, SigtermEndsStreamsWithUnavailableAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto resumed = Subscribe({"*"}, 0);
  auto calls = Subscribe({"call.*"}, 0);
  std::vector<Accepted> posted;
  ASSERT_TRUE(PostFixtures(3, &posted));
  ASSERT_EQ(resumed->WaitForSequence(3, absl::Seconds(10)).size(), 3u) << resumed->EndDescription();

  const absl::Time start = absl::Now();
  ASSERT_TRUE(server_.Signal(SIGTERM));
  for (Subscriber* subscriber : {resumed.get(), calls.get()}) {
    std::optional<grpc::Status> status = subscriber->WaitForEnd(absl::Seconds(10));
    ASSERT_TRUE(status.has_value()) << "stream still open 10 s after SIGTERM";
    EXPECT_EQ(status->error_code(), grpc::StatusCode::UNAVAILABLE)
        << "message: " << status->error_message();
  }
  const absl::Duration streams_ended = absl::Now() - start;
  EXPECT_LT(streams_ended, kShutdownBound);
  EXPECT_THAT(resumed->events(), ::testing::SizeIs(3)) << "nothing more was streamed";

  std::optional<int> exit_status = server_.WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(exit_status.has_value()) << "still running 15 s after SIGTERM";
  const absl::Duration exited = absl::Now() - start;
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << DescribeWaitStatus(*exit_status);
  EXPECT_LT(exited, kShutdownBound)
      << "the process exited " << absl::FormatDuration(exited) << " after SIGTERM (streams had "
      << "ended after " << absl::FormatDuration(streams_ended) << ")";
  EXPECT_FALSE(CanConnect(server_.http_port())) << "the HTTP port still accepts connections";
}

// A subscriber that stopped reading leaves a write gRPC cannot complete; the
// process must still exit within --shutdown_grace (plus its one second of
// slack), and the streams of subscribers that do read end at once.
TEST_F(SwitchboardE2eTest, SigtermExitsWithinGraceDespiteStalledSubscriber) {
  const absl::Duration grace = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(StartServer({"--shutdown_grace=1s"}));
  StalledHttp2Subscriber raw;
  ASSERT_TRUE(raw.Open(server_.grpc_port(), MakeRequest({"*"}, 0)));
  auto reader = Subscribe({"*"}, 0);
  Accepted first;
  ASSERT_TRUE(Post(CallCompletedBody(0, 4000), &first));
  ASSERT_TRUE(raw.WaitForFirstEvent(absl::Seconds(10)));
  Accepted last;
  for (int i = 1; i <= 1500; ++i) {
    ASSERT_TRUE(Post(CallCompletedBody(i, 4000), &last)) << "webhook " << i;
  }
  ASSERT_EQ(reader->WaitForSequence(last.sequence, absl::Seconds(15)).size(), last.sequence)
      << reader->EndDescription();

  const absl::Time start = absl::Now();
  ASSERT_TRUE(server_.Signal(SIGTERM));
  std::optional<grpc::Status> status = reader->WaitForEnd(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "stream still open 10 s after SIGTERM";
  EXPECT_EQ(status->error_code(), grpc::StatusCode::UNAVAILABLE) << status->error_message();
  EXPECT_LT(absl::Now() - start, grace) << "the reading subscriber waited for the stalled one";
  std::optional<int> exit_status = server_.WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(exit_status.has_value())
      << "still running 15 s after SIGTERM: a subscriber that stopped reading holds up shutdown";
  const absl::Duration exited = absl::Now() - start;
  EXPECT_TRUE(WIFEXITED(*exit_status) && WEXITSTATUS(*exit_status) == 0)
      << DescribeWaitStatus(*exit_status);
  EXPECT_LT(exited, grace + absl::Seconds(2))
      << "the process exited " << absl::FormatDuration(exited)
      << " after SIGTERM: a subscriber that stopped reading holds up shutdown";
}

}  // namespace
}  // namespace switchboard::e2e
