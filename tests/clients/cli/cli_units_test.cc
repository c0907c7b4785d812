// Unit tests of switchboard-cli's pieces that need no server: the event
// printer, the command-line parser, URL and address checks, the built-in samples.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/command_line.h"
#include "cli/event_printer.h"
#include "cli/http_client.h"
#include "cli/grpc_flags.h"
#include "cli/tail_command.h"
#include "cli/webhook_samples.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Event CallCompleted() {
  v1::Event event;
  event.set_sequence(7);
  event.set_id("1e5d190e-d591-8836-b7c6-2bb980022d98");
  event.set_type("call.completed");
  event.mutable_received_at()->set_seconds(1795550228);  // 2026-11-24T19:57:08Z
  event.mutable_received_at()->set_nanos(712912900);
  v1::CallCompleted* call = event.mutable_call_completed();
  call->set_call_id("call_8f3a2b1c");
  call->set_direction("inbound");
  call->set_from("+14155559876");
  call->set_to("+14155551234");
  call->set_agent_id(42);
  call->set_agent_name("Jordan Lee");
  call->set_duration(185);
  call->set_status("completed");
  call->set_recording_url("https://recordings.justcall.io/rec_abc123.mp3");
  return event;
}

google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  return parsed;
}

TEST(CliEventPrinterTest, SummaryShowsSequenceTimeTypeIdAndKeyFields) {
  EXPECT_EQ(FormatEventSummary(CallCompleted()),
            "#7 2026-11-24T19:57:08.712Z call.completed     1e5d190e-d591-8836-b7c6-2bb980022d98 "
            "call_id=call_8f3a2b1c direction=inbound from=+14155559876 to=+14155551234 "
            "duration=185s agent_name=\"Jordan Lee\" status=completed");
}

TEST(CliEventPrinterTest, SummaryStaysOneLineAndShortensLongTexts) {
  v1::Event event;
  event.set_sequence(3);
  event.set_type("sms.received");
  v1::SmsReceived* sms = event.mutable_sms_received();
  sms->set_from("+1");
  sms->set_body(absl::StrCat("line one\nline \"two\"", std::string(100, 'x')));
  const std::string line = FormatEventSummary(event);
  EXPECT_THAT(line, Not(HasSubstr("\n")));
  EXPECT_THAT(line, HasSubstr(R"(body="line one\nline \"two\"xxx)"));
  EXPECT_THAT(line, HasSubstr("…\""));
  EXPECT_LT(line.size(), 150u);
  EXPECT_THAT(line, Not(HasSubstr("media_url")));  // absent: not shown
}

TEST(CliEventPrinterTest, ShortensWithoutSplittingUtf8) {
  v1::Event event;
  event.set_type("voicemail.received");
  // 59 ASCII bytes, then "é" (2 bytes) straddles the 60-byte cut.
  event.mutable_voicemail_received()->set_transcription(std::string(59, 'a') + "é and more");
  const std::string line = FormatEventSummary(event);
  EXPECT_THAT(line, HasSubstr(std::string(59, 'a') + "…"));
}

TEST(CliEventPrinterTest, UnknownTypesShowTheirDataAsJson) {
  v1::Event event;
  event.set_sequence(9);
  event.set_type("call.transferred");
  (*event.mutable_other()->mutable_fields())["to_agent"].set_number_value(17);
  EXPECT_THAT(FormatEventSummary(event), HasSubstr(R"(call.transferred)"));
  EXPECT_THAT(FormatEventSummary(event), HasSubstr(R"(data={"to_agent":17})"));
}

TEST(CliEventPrinterTest, JsonIsOneLineOfProtobufJson) {
  absl::StatusOr<std::string> json = FormatEventJson(CallCompleted());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, Not(HasSubstr("\n")));
  EXPECT_THAT(*json, HasSubstr(R"("sequence":"7")"));
  EXPECT_THAT(*json, HasSubstr(R"("callCompleted":{"callId":"call_8f3a2b1c")"));
  v1::Event back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &back).ok());
  EXPECT_EQ(back.SerializeAsString(), CallCompleted().SerializeAsString());
}

TEST(CliCommandLineTest, ParsesFlagFormsPositionalsAndHelp) {
  absl::StatusOr<CommandLine> line = CommandLine::Parse(
      {"--addr=h:1", "--types", "call.*", "file", "--json", "-", "--", "--not-a-flag"},
      {{"addr"}, {"types"}, {"json", true}});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->Get("addr"), "h:1");
  EXPECT_EQ(line->Get("types"), "call.*");
  EXPECT_EQ(line->Get("after", "none"), "none");
  EXPECT_TRUE(line->GetBool("json"));
  EXPECT_FALSE(line->help());
  EXPECT_THAT(line->positional(), ::testing::ElementsAre("file", "-", "--not-a-flag"));

  line = CommandLine::Parse({"--nojson", "-h"}, {{"json", true}});
  ASSERT_TRUE(line.ok());
  EXPECT_FALSE(line->GetBool("json"));
  EXPECT_TRUE(line->Has("json"));
  EXPECT_TRUE(line->help());
}

TEST(CliCommandLineTest, RejectsUnknownFlagsMissingValuesAndValuedBooleans) {
  EXPECT_THAT(std::string(CommandLine::Parse({"--bogus"}, {}).status().message()),
              HasSubstr("unknown flag --bogus"));
  EXPECT_THAT(std::string(CommandLine::Parse({"--addr"}, {{"addr"}}).status().message()),
              HasSubstr("--addr needs a value"));
  EXPECT_FALSE(CommandLine::Parse({"--json=yes"}, {{"json", true}}).ok());
  EXPECT_FALSE(CommandLine::Parse({"--noaddr"}, {{"addr"}}).ok());
}

TEST(CliHttpUrlTest, ParsesHostPortAndPath) {
  absl::StatusOr<HttpUrl> url = ParseHttpUrl("http://127.0.0.1:8080/webhooks/justcall?x=1", "/d");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->target, "/webhooks/justcall?x=1");
  EXPECT_EQ(url->authority, "127.0.0.1:8080");

  url = ParseHttpUrl("http://example.com", "/webhooks/justcall");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->target, "/webhooks/justcall");

  url = ParseHttpUrl("http://[::1]:9/", "/d");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "9");
  EXPECT_EQ(url->authority, "[::1]:9");
}

TEST(CliHttpUrlTest, RejectsWhatItCannotPost) {
  for (const char* bad : {"127.0.0.1:8080", "ftp://h/", "http://:80/", "http://h:0/",
                          "http://h:99999/", "http://h:8o/", "http://[::1/", "http://u@h/"}) {
    EXPECT_EQ(ParseHttpUrl(bad, "/").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(std::string(ParseHttpUrl("https://h/", "/").status().message()),
              HasSubstr("https is not supported"));
}

TEST(CliTailAddressTest, AcceptsHostPortOnly) {
  for (const char* good : {"127.0.0.1:50051", "localhost:1", "[::1]:50051", "sb.internal:65535"}) {
    EXPECT_TRUE(CheckHostPort(good).ok()) << good;
  }
  for (const char* bad : {"127.0.0.1", ":50051", "h:", "h:0", "h:65536", "h:5o", "::1:50051",
                          "http://h:1", "[]:1"}) {
    EXPECT_EQ(CheckHostPort(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CliWebhookSamplesTest, OneValidSamplePerKnownTypeAndShape) {
  const std::vector<std::string> flat = {
      "call.completed", "call.missed",        "call.answered",   "sms.received",   "sms.sent",
      "sms.delivered",  "voicemail.received", "contact.created", "contact.updated"};
  std::set<std::string> official;
  for (const WebhookSample& sample : WebhookSamples()) {
    if (!sample.flat) official.insert(std::string(sample.type));
  }
  EXPECT_EQ(official.size(), 23u) << "one per type of JustCall's v2.1 list";
  ASSERT_EQ(WebhookSamples().size(), flat.size() + official.size());
  for (const std::string& type : flat) {
    const WebhookSample* sample = FindWebhookSample(type, /*flat=*/true);
    ASSERT_NE(sample, nullptr) << type;
    const google::protobuf::Struct json = ParseJson(std::string(sample->json));
    EXPECT_EQ(json.fields().at("event").string_value(), type);
    EXPECT_TRUE(json.fields().at("data").has_struct_value());
    EXPECT_THAT(WebhookSampleTypes(/*flat=*/true), HasSubstr(type));
  }
  for (const std::string& type : official) {
    const WebhookSample* sample = FindWebhookSample(type);
    ASSERT_NE(sample, nullptr) << type;
    EXPECT_FALSE(sample->flat) << type << ": the official shape is the default";
    const google::protobuf::Struct json = ParseJson(std::string(sample->json));
    EXPECT_EQ(json.fields().at("type").string_value(), type);
    EXPECT_THAT(WebhookSampleTypes(), HasSubstr(type));
    EXPECT_EQ(FindWebhookSample(type, /*flat=*/true) == nullptr,
              std::find(flat.begin(), flat.end(), type) == flat.end());
  }
  // A type JustCall's list lacks has only its flat sample, which is the default.
  ASSERT_NE(FindWebhookSample("voicemail.received"), nullptr);
  EXPECT_TRUE(FindWebhookSample("voicemail.received")->flat);
  EXPECT_EQ(FindWebhookSample("call.dropped"), nullptr);
}

TEST(CliWebhookSamplesTest, WithRequestIdAddsAFirstMemberAndKeepsTheRest) {
  const WebhookSample* sample = FindWebhookSample("sms.sent", /*flat=*/true);
  ASSERT_NE(sample, nullptr);
  absl::StatusOr<std::string> body = WithRequestId(sample->json, "id-1");
  ASSERT_TRUE(body.ok());
  const google::protobuf::Struct json = ParseJson(*body);
  EXPECT_EQ(json.fields().at("request_id").string_value(), "id-1");
  EXPECT_EQ(json.fields().at("event").string_value(), "sms.sent");
  EXPECT_EQ(json.fields().size(), 4u);

  EXPECT_EQ(ParseJson(*WithRequestId(" {}", "a\"b")).fields().at("request_id").string_value(),
            "a\"b");
  EXPECT_FALSE(WithRequestId("[1]", "x").ok());
}

TEST(CliWebhookSamplesTest, WithRequestIdReplacesTheRequestIdOfAnOfficialSample) {
  const WebhookSample* sample = FindWebhookSample("call.completed");
  ASSERT_NE(sample, nullptr);
  absl::StatusOr<std::string> body = WithRequestId(sample->json, "id-2");
  ASSERT_TRUE(body.ok());
  const google::protobuf::Struct json = ParseJson(*body);
  EXPECT_EQ(json.fields().at("request_id").string_value(), "id-2");
  EXPECT_EQ(json.fields().at("type").string_value(), "call.completed");
  EXPECT_EQ(json.fields().size(), 5u) << "replaced, not added: a duplicate key would be refused";
}

TEST(CliWebhookSamplesTest, RequestIdsAreFreshVersion4Uuids) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 36u) << id;
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_THAT(std::string("89ab"), HasSubstr(std::string(1, id[19]))) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

}  // namespace
}  // namespace switchboard::cli
