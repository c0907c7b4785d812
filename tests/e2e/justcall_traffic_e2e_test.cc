// JustCall's own traffic end to end: the real binary, real HTTP, real gRPC
// subscribers. Every official v2.1 sample arrives typed and whole; webhooks
// whose values do not fit the schema are stored, reported on the event and
// counted in /metrics, never refused.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "switchboard/v1/options.pb.h"
#include "switchboard_process.h"
#include "tests/gateway/schema_mismatch_cases.h"

#ifndef SWITCHBOARD_FIXTURES_DIR
#error "SWITCHBOARD_FIXTURES_DIR must be defined to tests/fixtures/justcall"
#endif

namespace switchboard::e2e {
namespace {

using ::switchboard::v1::Event;
using ::switchboard::v1::EventStream;
using ::switchboard::v1::SubscribeRequest;
using ::testing::HasSubstr;

constexpr char kWebhookPath[] = "/webhooks/justcall";
const std::string kOfficialDir = SWITCHBOARD_FIXTURES_DIR "/v2.1";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct out;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &out).ok()) << json;
  return out;
}

// The official samples, by type.
std::map<std::string, std::string> OfficialSamples() {
  std::map<std::string, std::string> samples;
  for (const auto& entry : std::filesystem::directory_iterator(kOfficialDir)) {
    if (entry.path().extension() != ".json") continue;
    samples[entry.path().stem().string()] = ReadFile(entry.path().string());
  }
  return samples;
}

// Subscribes from the oldest event and reads `count` events within `timeout`.
std::vector<Event> ReadEvents(const std::string& address, const std::vector<std::string>& types,
                              size_t count, absl::Duration timeout = absl::Seconds(10)) {
  auto stub = EventStream::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  SubscribeRequest request;
  for (const std::string& type : types) request.add_event_types(type);
  request.set_from_oldest(true);
  auto reader = stub->Subscribe(&context, request);
  std::vector<Event> events;
  Event event;
  while (events.size() < count && reader->Read(&event)) events.push_back(event);
  context.TryCancel();
  reader->Finish();
  return events;
}

// The value of the counter `name{labels}` in a Prometheus scrape, or 0.
uint64_t Counter(const std::string& scrape, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (!absl::StartsWith(line, series + " ")) continue;
    uint64_t value = 0;
    if (absl::SimpleAtoi(line.substr(series.size() + 1), &value)) return value;
  }
  return 0;
}

class JustCallTrafficE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start({"--store=memory"})); }

  HttpResponse Post(const std::string& body) {
    return HttpPost(server_.http_port(), kWebhookPath, body);
  }

  SwitchboardProcess server_;
};

TEST_F(JustCallTrafficE2eTest, EveryOfficialSampleArrivesTypedAndWhole) {
  const std::map<std::string, std::string> samples = OfficialSamples();
  ASSERT_GE(samples.size(), 23u);
  for (const auto& [type, body] : samples) {
    const HttpResponse answer = Post(body);
    ASSERT_EQ(answer.status, 200) << type << ": " << answer.body;
  }
  const std::vector<Event> events = ReadEvents(server_.grpc_address(), {"*"}, samples.size());
  ASSERT_EQ(events.size(), samples.size());
  for (const Event& event : events) {
    SCOPED_TRACE(event.type());
    ASSERT_TRUE(samples.count(event.type()));
    const google::protobuf::Struct sent = ParseJson(samples.at(event.type()));
    EXPECT_EQ(event.id(), sent.fields().at("request_id").string_value());
    EXPECT_EQ(event.webhook_url(), sent.fields().at("webhook_url").string_value());
    EXPECT_EQ(event.url_id(), sent.fields().at("url_id").string_value());
    EXPECT_TRUE(event.schema_mismatches().empty()) << event.ShortDebugString();
    EXPECT_TRUE(event.verified_by().empty()) << "no signature scheme is configured";
    // Every value of data, exactly as sent.
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        ParseJson(event.data_json()), sent.fields().at("data").struct_value()));
    EXPECT_TRUE(absl::StrContains(samples.at(event.type()), event.data_json()))
        << "data_json is not the text that was sent";
    // Typed: the payload of its type, not `other`.
    const auto* payload = event.GetReflection()->GetOneofFieldDescriptor(
        event, Event::descriptor()->FindOneofByName("payload"));
    ASSERT_NE(payload, nullptr);
    EXPECT_EQ(payload->options().GetExtension(v1::event_type), event.type());
  }
  // A subscriber to one family gets exactly its types.
  const std::vector<Event> whatsapp = ReadEvents(server_.grpc_address(), {"whatsapp.*"}, 3);
  ASSERT_EQ(whatsapp.size(), 3u);
  for (const Event& event : whatsapp) {
    EXPECT_TRUE(absl::StartsWith(event.type(), "whatsapp.message_"));
    EXPECT_FALSE(event.GetReflection()->GetOneofFieldDescriptor(
                     event, Event::descriptor()->FindOneofByName("payload")) == nullptr);
  }
  // Spot check through the wire: nested fields of an official call.completed.
  const auto completed = std::find_if(events.begin(), events.end(),
                                      [](const Event& e) { return e.type() == "call.completed"; });
  ASSERT_NE(completed, events.end());
  EXPECT_EQ(completed->call_completed().call().call_info().direction(), "Incoming");
  EXPECT_EQ(completed->call_completed().call().call_duration().total_duration(), 185);
  const std::string metrics = HttpGet(server_.http_port(), "/metrics").body;
  EXPECT_EQ(Counter(metrics, R"(switchboard_webhooks_total{type="whatsapp.message_received",status="200"})"), 1u)
      << "official types are counted under their own label";
}

TEST_F(JustCallTrafficE2eTest, ValuesThatDoNotFitAreStoredReportedAndCounted) {
  const std::vector<testing::MismatchCase> cases = testing::MismatchCases();
  std::map<std::string, uint64_t> want_counts;  // series -> count
  for (const testing::MismatchCase& c : cases) {
    const HttpResponse answer = Post(c.body);
    EXPECT_EQ(answer.status, 200) << c.name << ": an authentic webhook was refused: " << answer.body;
    ++want_counts[absl::StrCat(R"(switchboard_schema_mismatches_total{type=")", c.type, R"(",field=")",
                               c.field_label, R"("})")];
  }
  const std::vector<Event> events = ReadEvents(server_.grpc_address(), {"*"}, cases.size());
  ASSERT_EQ(events.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const testing::MismatchCase& c = cases[i];
    const Event& event = events[i];
    SCOPED_TRACE(c.name);
    EXPECT_EQ(event.type(), c.type);
    ASSERT_EQ(event.schema_mismatches_size(), 1) << event.ShortDebugString();
    EXPECT_EQ(event.schema_mismatches(0).path(), c.path);
    EXPECT_THAT(event.schema_mismatches(0).reason(), HasSubstr(c.reason));
    EXPECT_TRUE(c.typed_absent(event)) << event.ShortDebugString();
    if (c.envelope_key.empty()) {
      EXPECT_THAT(event.data_json(), HasSubstr(c.kept));
    } else {
      EXPECT_EQ(event.envelope_extras().at(c.envelope_key), c.kept);
    }
  }
  const std::string metrics = HttpGet(server_.http_port(), "/metrics").body;
  for (const auto& [series, count] : want_counts) {
    EXPECT_EQ(Counter(metrics, series), count) << series << "\n" << metrics;
  }
}

TEST_F(JustCallTrafficE2eTest, StructuralFaultsAreStillRefusedWithTheirField) {
  struct Bad {
    std::string body;
    std::string field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {R"({"request_id": "r1", "type": "call.completed", "data": {"id": 1, "id": 2}})", "data.id"},
           {R"({"request_id": "r2", "type": "call.completed", "data": "call"})", "data"},
           {R"({"request_id": "r3", "data": {}})", "event"},
           {"{\"request_id\": \"r4\", \"type\": \"call.completed\", \"data\": {\"x\": \"\xff\"}}", "body"}}) {
    SCOPED_TRACE(bad.body);
    const HttpResponse answer = Post(bad.body);
    EXPECT_EQ(answer.status, 400);
    EXPECT_THAT(answer.body, HasSubstr(absl::StrCat(R"("field":")", bad.field, "\"")));
  }
  const std::string metrics = HttpGet(server_.http_port(), "/metrics").body;
  EXPECT_FALSE(absl::StrContains(metrics, "switchboard_schema_mismatches_total{"));
}

}  // namespace
}  // namespace switchboard::e2e
