#include "gateway/webhook_translator.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/event_types.h"
#include "common/status_util.h"
#include "common/time_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/options.pb.h"
#include "gateway/payload_filler.h"
#include "tests/gateway/schema_mismatch_cases.h"

namespace switchboard::gateway {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::ListValue;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

// 2026-03-12T15:00:00.123456789Z: distinct from every fixture timestamp, with
// nanoseconds so that a dropped fraction shows.
constexpr int64_t kReceivedSeconds = 1773327600;
constexpr int32_t kReceivedNanos = 123456789;
const absl::Time kReceivedAt =
    absl::FromUnixSeconds(kReceivedSeconds) + absl::Nanoseconds(kReceivedNanos);

// 2026-03-12T14:30:00Z, computed with `date -u -d 2026-03-12T14:30:00Z +%s`.
constexpr int64_t kTwoThirtyPm = 1773325800;

WebhookTranslator DefaultTranslator() { return WebhookTranslator(WebhookTranslator::Options{}); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The JSON parsed by protobuf's own JSON parser, independently of the
// translator (which uses simdjson).
Struct ParseJson(const std::string& json) {
  Struct out;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &out);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return out;
}

// ---------------------------------------------------------------------------
// Envelopes, ids and times.
// ---------------------------------------------------------------------------

TEST(WebhookTranslatorTest, V21EnvelopeTakesIdFromRequestIdAndTypeFromType) {
  const auto event = DefaultTranslator().Translate(R"({
      "request_id": "5f0c6d3e-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
      "webhook_url": "https://hooks.example.com/justcall",
      "url_id": 7781,
      "type": "call.completed",
      "data": {"call_id": "call_8f3a2b1c", "agent_id": 42, "duration": 185}})",
                                                   kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->id(), "5f0c6d3e-1a2b-4c3d-9e8f-0a1b2c3d4e5f");
  EXPECT_EQ(event->type(), "call.completed");
  EXPECT_FALSE(event->has_occurred_at()) << "v2.1 carries no timestamp";
  EXPECT_EQ(event->received_at().seconds(), kReceivedSeconds);
  EXPECT_EQ(event->received_at().nanos(), kReceivedNanos);
  ASSERT_EQ(event->payload_case(), v1::Event::kCallCompleted);
  EXPECT_EQ(event->call_completed().call_id(), "call_8f3a2b1c");
  EXPECT_EQ(event->call_completed().agent_id(), 42);
  EXPECT_EQ(event->call_completed().duration(), 185);
}

TEST(WebhookTranslatorTest, EventAndTypeMayBothBeSentWhenTheyAgree) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "sms.sent", "type": "sms.sent", "data": {"message_id": "m1"}})", kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type(), "sms.sent");
  EXPECT_EQ(event->sms_sent().message_id(), "m1");
}

TEST(WebhookTranslatorTest, IdWithoutRequestIdIsDerivedFromTheContent) {
  const WebhookTranslator translator = DefaultTranslator();
  const std::string body = ReadFile(SWITCHBOARD_FIXTURES_DIR "/call.completed.json");
  const auto first = translator.Translate(body, kReceivedAt);
  // A retry: same content, other formatting and key order, received later.
  const auto retry = translator.Translate(
      R"({"data": {"duration": 1, "call_id": "c"},   "event": "call.completed"})",
      kReceivedAt + absl::Minutes(5));
  const auto again = translator.Translate(
      R"({"event":"call.completed","data":{"call_id":"c","duration":1}})", kReceivedAt);
  const auto other = translator.Translate(
      R"({"event":"call.completed","data":{"call_id":"c","duration":2}})", kReceivedAt);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(retry.ok() && again.ok() && other.ok());
  EXPECT_EQ(retry->id(), again->id()) << "a retried webhook must keep its id";
  EXPECT_NE(again->id(), other->id());
  EXPECT_NE(first->id(), other->id());
  // A UUID (RFC 9562 version 8).
  for (const std::string& id : {first->id(), other->id()}) {
    EXPECT_THAT(id, ::testing::MatchesRegex(
                        "[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST(WebhookTranslatorTest, RequestIdOfMaximumLengthIsKept) {
  const std::string id(256, 'r');
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({"request_id": ")", id, R"(", "type": "call.completed", "data": {}})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->id(), id);
}

struct TimeCase {
  const char* name;
  const char* text;
  int64_t seconds;
  int32_t nanos;
};

void PrintTo(const TimeCase& c, std::ostream* os) { *os << c.text; }

class TimestampTest : public ::testing::TestWithParam<TimeCase> {};

TEST_P(TimestampTest, OccurredAtIsTheExactInstant) {
  const auto event =
      DefaultTranslator().Translate(absl::StrCat(R"({"event": "call.completed", "timestamp": ")",
                                                 GetParam().text, R"(", "data": {}})"),
                                    kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_TRUE(event->has_occurred_at());
  EXPECT_EQ(event->occurred_at().seconds(), GetParam().seconds);
  EXPECT_EQ(event->occurred_at().nanos(), GetParam().nanos);
}

TEST_P(TimestampTest, DeliveredAtIsTheExactInstant) {
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({"event": "sms.delivered", "data": {"delivered_at": ")", GetParam().text,
                   R"("}})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_TRUE(event->sms_delivered().has_delivered_at());
  EXPECT_EQ(event->sms_delivered().delivered_at().seconds(), GetParam().seconds);
  EXPECT_EQ(event->sms_delivered().delivered_at().nanos(), GetParam().nanos);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, TimestampTest,
    ::testing::Values(
        TimeCase{"Rfc3339Utc", "2026-03-12T14:30:00Z", kTwoThirtyPm, 0},
        TimeCase{"SpaceSeparatedIsUtc", "2026-03-12 14:30:00", kTwoThirtyPm, 0},
        TimeCase{"Rfc3339PositiveOffset", "2026-03-12T16:30:00+02:00", kTwoThirtyPm, 0},
        TimeCase{"Rfc3339NegativeOffset", "2026-03-12T09:30:00-05:00", kTwoThirtyPm, 0},
        TimeCase{"Rfc3339Fraction", "2026-03-12T14:30:00.250Z", kTwoThirtyPm, 250000000},
        TimeCase{"Rfc3339Nanoseconds", "2026-03-12T14:30:00.000000001Z", kTwoThirtyPm, 1},
        TimeCase{"BeforeTheEpochKeepsNanosPositive", "1969-12-31T23:59:59.5Z", -1, 500000000},
        TimeCase{"FirstRepresentableSecond", "0001-01-01T00:00:00Z", -62135596800, 0},
        TimeCase{"LastRepresentableSecond", "9999-12-31T23:59:59Z", 253402300799, 0}),
    [](const ::testing::TestParamInfo<TimeCase>& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------
// Presence, unknown keys and unknown types.
// ---------------------------------------------------------------------------

TEST(WebhookTranslatorTest, NullLeavesFieldsAbsentButZeroAndEmptyArePresent) {
  const WebhookTranslator translator = DefaultTranslator();
  const auto nulls = translator.Translate(R"({"event": "sms.sent", "data": {
      "message_id": null, "direction": null, "from": null, "to": null, "body": null,
      "media_url": null, "agent_id": null}})",
                                          kReceivedAt);
  ASSERT_TRUE(nulls.ok()) << nulls.status();
  ASSERT_EQ(nulls->payload_case(), v1::Event::kSmsSent) << "the payload is set even when empty";
  std::vector<const FieldDescriptor*> set_fields;
  nulls->sms_sent().GetReflection()->ListFields(nulls->sms_sent(), &set_fields);
  EXPECT_TRUE(set_fields.empty()) << nulls->sms_sent().ShortDebugString();

  const auto zeros = translator.Translate(
      R"({"event": "sms.sent", "data": {"media_url": "", "agent_id": 0}})", kReceivedAt);
  ASSERT_TRUE(zeros.ok()) << zeros.status();
  EXPECT_TRUE(zeros->sms_sent().has_media_url());
  EXPECT_EQ(zeros->sms_sent().media_url(), "");
  EXPECT_TRUE(zeros->sms_sent().has_agent_id());
  EXPECT_EQ(zeros->sms_sent().agent_id(), 0);
}

TEST(WebhookTranslatorTest, NullTimestampMeansNoOccurredAt) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "call.completed", "timestamp": null, "data": {}})", kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_FALSE(event->has_occurred_at());
}

TEST(WebhookTranslatorTest, UnknownKeysAreKeptOutsideThePayload) {
  const std::string data =
      R"({"call_id": "call_1", "agent_id": 42, "queue": {"id": 7, "tags": [1, "x", null]},
               "recording_duration": "not a number", "is_test": true, "extra": null})";
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({
      "event": "call.completed", "timestamp": "2026-03-12T14:30:00Z",
      "data": )", data, R"(,
      "account": {"id": 12}, "version": null})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  v1::CallCompleted want;
  want.set_call_id("call_1");
  want.set_agent_id(42);
  want.mutable_call()->set_agent_id(42);
  EXPECT_TRUE(MessageDifferencer::Equals(event->call_completed(), want))
      << event->call_completed().ShortDebugString();
  EXPECT_EQ(event->data_json(), data) << "data is kept byte for byte";
  EXPECT_EQ(event->schema_mismatches_size(), 0);
  EXPECT_THAT(event->envelope_extras(),
              ::testing::UnorderedElementsAre(::testing::Pair("account", R"({"id": 12})"),
                                              ::testing::Pair("version", "null")));
}

TEST(WebhookTranslatorTest, V21EnvelopeFieldsAreKept) {
  const auto event = DefaultTranslator().Translate(
      R"({"request_id": "01JX", "webhook_url": "https://h.example.com/jc?a=1&b=%20",
          "url_id": 7781, "type": "jc.contact_status_updated", "data": {"id": 1}})",
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->webhook_url(), "https://h.example.com/jc?a=1&b=%20");
  EXPECT_EQ(event->url_id(), "7781") << "an integer url_id is written in decimal";
  EXPECT_TRUE(event->envelope_extras().empty());
  const auto text = DefaultTranslator().Translate(
      R"({"request_id": "01JY", "url_id": "65fc65d6d8b63be90aeee515", "type": "x.y", "data": {}})",
      kReceivedAt);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->url_id(), "65fc65d6d8b63be90aeee515");
}

class UnknownTypeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(UnknownTypeTest, IsKeptWithItsDataInOther) {
  const std::string data = R"({"call_id": "call_1", "duration": 12, "ratio": 0.5, "ok": false,
      "tags": ["a", 1, true, null, {"k": "v"}], "meta": {"nested": {"x": null}},
      "empty_list": [], "empty_object": {}, "nothing": null})";
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({"event": ")", GetParam(),
                   R"(", "timestamp": "2026-03-12 14:30:00", "data": )", data, "}"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type(), GetParam());
  ASSERT_EQ(event->payload_case(), v1::Event::kOther);
  EXPECT_EQ(event->occurred_at().seconds(), kTwoThirtyPm);
  EXPECT_FALSE(event->id().empty());
  EXPECT_EQ(event->data_json(), data);
  const Struct want = ParseJson(data);
  EXPECT_TRUE(MessageDifferencer::Equals(event->other(), want))
      << "got  " << event->other().ShortDebugString() << "\nwant " << want.ShortDebugString();
}

INSTANTIATE_TEST_SUITE_P(Types, UnknownTypeTest,
                         ::testing::Values("call.recording_ready", "ticket.created",
                                           "Call.Completed", "crm.deal.stage-changed"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return absl::StrReplaceAll(info.param, {{".", "_"}, {"-", "_"}});
                         });

// ---------------------------------------------------------------------------
// Lenient coercions.
// ---------------------------------------------------------------------------

TEST(WebhookTranslatorTest, IntegerForAStringFieldBecomesDecimalText) {
  const auto event = DefaultTranslator().Translate(R"({"event": "call.completed", "data": {
      "call_id": 8812345, "from": 14155559876, "to": -1, "notes": 18446744073709551615}})",
                                                   kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->call_completed().call_id(), "8812345");
  EXPECT_EQ(event->call_completed().from(), "14155559876");
  EXPECT_EQ(event->call_completed().to(), "-1");
  EXPECT_EQ(event->call_completed().notes(), "18446744073709551615");
}

TEST(WebhookTranslatorTest, IntegerElementsOfAStringListBecomeDecimalText) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "contact.updated", "data": {"changed_fields": ["company", 7]}})", kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_THAT(event->contact_updated().changed_fields(), ::testing::ElementsAre("company", "7"));
}

TEST(WebhookTranslatorTest, NumericRequestIdBecomesDecimalText) {
  const auto event = DefaultTranslator().Translate(
      R"({"request_id": 1234567890123, "type": "call.completed", "data": {}})", kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->id(), "1234567890123");
}

TEST(WebhookTranslatorTest, NumericStringForAnIntegerFieldIsParsed) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "call.completed", "data": {"agent_id": "42", "duration": "-7"}})", kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->call_completed().agent_id(), 42);
  EXPECT_EQ(event->call_completed().duration(), -7);
}

TEST(WebhookTranslatorTest, IntegralNumberForAnIntegerFieldIsAccepted) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "call.completed", "data": {"agent_id": 42.0, "duration": 1.85e2}})",
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->call_completed().agent_id(), 42);
  EXPECT_EQ(event->call_completed().duration(), 185);
}

TEST(WebhookTranslatorTest, Int64BoundsAreAccepted) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "call.completed", "data": {"agent_id": 9223372036854775807,
          "duration": -9223372036854775808}})",
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->call_completed().agent_id(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(event->call_completed().duration(), std::numeric_limits<int64_t>::min());
}

// ---------------------------------------------------------------------------
// Limits.
// ---------------------------------------------------------------------------

// `{"event": .., "data": {"k": {"k": ... 1 ...}}}` whose deepest object or
// array is at nesting level `depth` (the envelope is level 1, data level 2).
std::string NestedBody(int depth, bool arrays) {
  std::string inner = "1";
  for (int level = depth; level > 2; --level) {
    inner = arrays ? absl::StrCat("[", inner, "]") : absl::StrCat(R"({"k": )", inner, "}");
  }
  return absl::StrCat(R"({"event": "ticket.created", "data": {"k": )", inner, "}}");
}

TEST(WebhookTranslatorTest, TranslatorsWithDifferentDepthLimitsShareAThread) {
  WebhookTranslator::Options shallow_options;
  shallow_options.max_depth = 3;
  const WebhookTranslator shallow(shallow_options);
  const WebhookTranslator deep = DefaultTranslator();
  const std::string body = NestedBody(10, false);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(shallow.Translate(body, kReceivedAt).ok());
    EXPECT_TRUE(deep.Translate(body, kReceivedAt).ok());
  }
}

TEST(WebhookTranslatorTest, EventTypeOfMaximumLengthIsKept) {
  const std::string type = absl::StrCat(std::string(60, 'a'), ".", std::string(67, 'b'));
  ASSERT_EQ(type.size(), 128u);
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({"event": ")", type, R"(", "data": {}})"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type(), type);
}

// ---------------------------------------------------------------------------
// Rejected input: code, field path and message.
// ---------------------------------------------------------------------------

struct BadInput {
  std::string name;
  std::string body;
  std::string field;    // FieldOf(status)
  std::string message;  // a substring of status.message()
  int max_depth = 64;
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

// A call.completed webhook whose `data` object is `data`.
std::string CallCompleted(const std::string& data) {
  return absl::StrCat(
      R"({"event": "call.completed", "timestamp": "2026-03-12T14:30:00Z", "data": )", data, "}");
}

// An official (v2.1) call.completed webhook whose `data` object is `data`.
std::string OfficialCallBody(const std::string& data) {
  return absl::StrCat(R"({"request_id": "01JXTEST", "type": "call.completed", "data": )", data, "}");
}

// A call.completed webhook whose envelope `timestamp` is the JSON `timestamp`.
std::string WithTimestamp(const std::string& timestamp) {
  return absl::StrCat(R"({"event": "call.completed", "timestamp": )", timestamp,
                      R"(, "data": {}})");
}

std::vector<BadInput> BadInputs() {
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  const std::string wrong_depth_message = "nested deeper than";
  std::vector<BadInput> inputs = {
      // The body as a whole.
      {"MalformedJson", R"({"event": "call.completed", "data": {)", "body", "malformed JSON"},
      {"TrailingGarbage", R"({"event": "call.completed", "data": {}} x)", "body", "malformed JSON"},
      {"TwoDocuments", R"({"event": "call.completed", "data": {}}{})", "body", "malformed JSON"},
      {"SingleQuotes", R"({'event': 'call.completed', 'data': {}})", "body", "malformed JSON"},
      {"EmptyBody", "", "body", "empty body"},
      {"WhitespaceBody", " \r\n\t ", "body", "empty body"},
      {"TopLevelArray", R"([{"event": "call.completed", "data": {}}])", "body",
       "expected a JSON object, got an array"},
      {"TopLevelString", R"("call.completed")", "body", "expected a JSON object, got a string"},
      {"TopLevelNumber", "42", "body", "expected a JSON object, got an integer"},
      {"TopLevelNull", "null", "body", "expected a JSON object, got null"},
      {"InvalidUtf8InValue", CallCompleted("{\"notes\": \"caf\xe9\"}"), "body", "not valid UTF-8"},
      {"InvalidUtf8InKey", CallCompleted("{\"\xff\xfe\": 1}"), "body", "not valid UTF-8"},
      {"Utf8EncodedSurrogate", CallCompleted("{\"notes\": \"\xed\xa0\x80\"}"), "body",
       "not valid UTF-8"},
      {"DeeperThanSmallMaxDepth", CallCompleted(R"({"extra": {"x": [1]}})"), "body",
       "nested deeper than 3 levels", 3},
      {"TenThousandDeepArrayBody", deep_array, "body", wrong_depth_message},
      {"TenThousandDeepArrayInData", CallCompleted(absl::StrCat(R"({"extra": )", deep_array, "}")),
       "body", wrong_depth_message},

      // The event type.
      {"MissingEventAndType", R"({"timestamp": "2026-03-12T14:30:00Z", "data": {}})", "event",
       "missing event type"},
      {"NullEventAndNoType", R"({"event": null, "data": {}})", "event", "missing event type"},
      {"EventNotAString", R"({"event": 42, "data": {}})", "event",
       "expected a string, got an integer"},
      {"TypeNotAString", R"({"request_id": "r1", "type": {"name": "call.completed"}, "data": {}})",
       "type", "expected a string, got an object"},
      {"EventAndTypeDisagree", R"({"event": "call.completed", "type": "call.missed", "data": {}})",
       "type", "disagree"},
      {"EventStringButTypeNot", R"({"event": "call.completed", "type": 5, "data": {}})", "type",
       "disagree"},
      {"EventTypeWithSpace", R"({"event": "call completed", "data": {}})", "event",
       "invalid event type \"call completed\""},
      {"EventTypeWithSlash", R"({"type": "call/completed", "data": {}})", "type",
       "invalid event type"},
      {"EventTypeWithEmptySegment", R"({"event": "call..completed", "data": {}})", "event",
       "invalid event type"},
      {"EventTypeEndingInDot", R"({"event": "call.", "data": {}})", "event", "invalid event type"},
      {"EventTypeEmpty", R"({"event": "", "data": {}})", "event", "invalid event type"},
      {"EventTypeWildcard", R"({"event": "call.*", "data": {}})", "event", "invalid event type"},
      {"EventTypeTooLong",
       absl::StrCat(R"({"event": ")", std::string(64, 'a'), ".", std::string(64, 'b'),
                    R"(", "data": {}})"),
       "event", "at most 128 characters"},

      // The data object.
      {"MissingData", R"({"event": "call.completed"})", "data", "missing \"data\" object"},
      {"DataArray", CallCompleted("[]"), "data", "expected an object, got an array"},
      {"DataString", CallCompleted(R"("call_id=1")"), "data", "expected an object, got a string"},
      {"DataNull", CallCompleted("null"), "data", "expected an object, got null"},
      {"DataNumber", CallCompleted("7"), "data", "expected an object, got an integer"},
      {"DataArrayForUnknownType", R"({"event": "ticket.created", "data": [1]})", "data",
       "expected an object, got an array"},

      // Duplicate keys.
      {"DuplicateEventKey", R"({"event": "call.completed", "event": "call.missed", "data": {}})",
       "event", "duplicate key"},
      {"DuplicateDataKey", R"({"event": "call.completed", "data": {}, "data": {}})", "data",
       "duplicate key"},
      {"DuplicateKeyInData", CallCompleted(R"({"agent_id": 1, "call_id": "c", "agent_id": 2})"),
       "data.agent_id", "duplicate key"},
      {"DuplicateKeyInDataSpelledWithEscape",
       CallCompleted(R"({"agent_id": 1, "agent\u005fid": 2})"), "data.agent_id", "duplicate key"},
      {"DuplicateUnknownKeyInData", CallCompleted(R"({"extra": 1, "extra": 2})"), "data.extra",
       "duplicate key"},
      {"DuplicateKeyInUnknownTypeData", R"({"event": "ticket.created", "data": {"x": 1, "x": 2}})",
       "data.x", "duplicate key"},
      // Inside a google.protobuf.Struct an array element is named by its array.
      {"DuplicateKeyInAnObjectInAnArrayOfUnknownTypeData",
       R"({"event": "ticket.created", "data": {"a": [1, {"b": {"c": 1, "c": 2}}]}})", "data.a[1].b.c",
       "duplicate key"},
      {"DuplicateKeyInAnUnmodelledObjectOfAKnownType",
       CallCompleted(R"({"queue_callback": {"at": 1, "at": 2}})"), "data.queue_callback.at",
       "duplicate key"},
      {"DuplicateEnvelopeExtraKey",
       R"({"event": "call.completed", "account": 1, "data": {}, "account": 2})", "account",
       "duplicate key"},
      {"DuplicateKeyUnderAnEmptyKey",
       R"({"event": "ticket.created", "data": {"": {"x": 1, "x": 2}}})", "data..x",
       "duplicate key"},
      {"NumberMalformedBeyond64Bits", CallCompleted(R"({"id": 123456789012345678901234567890.})"),
       "body", "malformed JSON"},

  };
  return inputs;
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsRejectedNamingTheField) {
  const BadInput& input = GetParam();
  WebhookTranslator::Options options;
  options.max_depth = input.max_depth;
  const absl::StatusOr<v1::Event> event =
      WebhookTranslator(options).Translate(input.body, kReceivedAt);
  ASSERT_FALSE(event.ok()) << "accepted: " << event->ShortDebugString();
  EXPECT_EQ(event.status().code(), input.code) << event.status();
  EXPECT_EQ(FieldOf(event.status()), input.field) << event.status();
  EXPECT_THAT(std::string(event.status().message()), HasSubstr(input.message));
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputTest, ::testing::ValuesIn(BadInputs()),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return info.param.name;
                         });

TEST(WebhookTranslatorTest, BadInputTableIsLargeAndNamesAreUnique) {
  const std::vector<BadInput> inputs = BadInputs();
  EXPECT_GE(inputs.size(), 25u);
  std::set<std::string> names;
  for (const BadInput& input : inputs) EXPECT_TRUE(names.insert(input.name).second) << input.name;
}

TEST(WebhookTranslatorTest, MismatchReasonQuotesALongBadTimeOnlyInPart) {
  const std::string garbage(10000, 'x');
  const auto event =
      DefaultTranslator().Translate(WithTimestamp(absl::StrCat("\"", garbage, "\"")), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_EQ(event->schema_mismatches_size(), 1);
  EXPECT_EQ(event->schema_mismatches(0).path(), "timestamp");
  EXPECT_LT(event->schema_mismatches(0).reason().size(), 1000u);
  EXPECT_EQ(event->envelope_extras().at("timestamp"), absl::StrCat("\"", garbage, "\""));
}

// ---------------------------------------------------------------------------
// Values that do not fit: stored, field absent, value kept, mismatch listed.
// ---------------------------------------------------------------------------

class MismatchTest : public ::testing::TestWithParam<testing::MismatchCase> {};

TEST_P(MismatchTest, IsStoredWithTheFieldAbsentTheValueKeptAndThePathListed) {
  const testing::MismatchCase& c = GetParam();
  const absl::StatusOr<v1::Event> event = DefaultTranslator().Translate(c.body, kReceivedAt);
  ASSERT_TRUE(event.ok()) << "refused an authentic webhook: " << event.status();
  EXPECT_EQ(event->type(), c.type);
  ASSERT_EQ(event->schema_mismatches_size(), 1) << event->ShortDebugString();
  EXPECT_EQ(event->schema_mismatches(0).path(), c.path);
  EXPECT_THAT(event->schema_mismatches(0).reason(), HasSubstr(c.reason));
  EXPECT_EQ(MismatchPattern(c.path), c.field_label);
  EXPECT_TRUE(c.typed_absent(*event)) << event->ShortDebugString();
  if (c.envelope_key.empty()) {
    EXPECT_THAT(event->data_json(), HasSubstr(c.kept));
  } else {
    ASSERT_EQ(event->envelope_extras().count(c.envelope_key), 1u);
    EXPECT_EQ(event->envelope_extras().at(c.envelope_key), c.kept);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MismatchTest, ::testing::ValuesIn(testing::MismatchCases()),
                         [](const ::testing::TestParamInfo<testing::MismatchCase>& info) {
                           return info.param.name;
                         });

TEST(WebhookTranslatorTest, MismatchTableIsLargeAndNamesAreUnique) {
  const std::vector<testing::MismatchCase> cases = testing::MismatchCases();
  EXPECT_GE(cases.size(), 12u);
  std::set<std::string> names;
  for (const auto& c : cases) EXPECT_TRUE(names.insert(c.name).second) << c.name;
}

TEST(WebhookTranslatorTest, EveryMismatchOfAWebhookIsListedInOrder) {
  const auto event = DefaultTranslator().Translate(
      OfficialCallBody(R"({"id": "x", "agent_id": [1], "call_info": {"type": 7.5, "notes": "ok"}})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  std::vector<std::string> paths;
  for (const v1::SchemaMismatch& m : event->schema_mismatches()) paths.push_back(m.path());
  EXPECT_THAT(paths, ::testing::ElementsAre("data.id", "data.agent_id", "data.call_info.type"));
  EXPECT_EQ(event->call_completed().call().call_info().notes(), "ok") << "the rest is typed";
}

// JustCall sends "" for unset numbers, times and objects: no value, no mismatch.
TEST(WebhookTranslatorTest, EmptyTextForAFieldThatIsNotTextIsNoValue) {
  const auto event = DefaultTranslator().Translate(
      OfficialCallBody(R"({"id": "", "cost_incurred": "", "call_info": "", "call_duration": {"ring_time": ""},
                          "contact_name": ""})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  const v1::Call& call = event->call_completed().call();
  EXPECT_EQ(event->schema_mismatches_size(), 0) << event->ShortDebugString();
  EXPECT_FALSE(call.has_id());
  EXPECT_FALSE(call.has_cost_incurred());
  EXPECT_FALSE(call.has_call_info());
  EXPECT_FALSE(call.call_duration().has_ring_time());
  EXPECT_TRUE(call.has_contact_name()) << "\"\" is a value for a text field";
  const auto empty_time = DefaultTranslator().Translate(
      R"({"event": "call.completed", "timestamp": "", "data": {}})", kReceivedAt);
  ASSERT_TRUE(empty_time.ok()) << empty_time.status();
  EXPECT_FALSE(empty_time->has_occurred_at());
  EXPECT_EQ(empty_time->schema_mismatches_size(), 0);
  EXPECT_EQ(empty_time->envelope_extras().at("timestamp"), R"("")") << "kept as sent";
}

TEST(WebhookTranslatorTest, NumbersSentAsTextAreRead) {
  const auto event = DefaultTranslator().Translate(
      OfficialCallBody(R"({"id": "1048576123", "cost_incurred": "0.0285", "call_duration": {"total_duration": "185"}})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->schema_mismatches_size(), 0);
  EXPECT_EQ(event->call_completed().call().id(), 1048576123);
  EXPECT_EQ(event->call_completed().call().cost_incurred(), 0.0285);
  EXPECT_EQ(event->call_completed().call().call_duration().total_duration(), 185);
}

// ---------------------------------------------------------------------------
// One message, two shapes: the flat fields and the official object.
// ---------------------------------------------------------------------------

TEST(WebhookTranslatorTest, FlatDataFillsTheFlatFieldsAndSharedKeysTheObjectToo) {
  const auto event = DefaultTranslator().Translate(
      CallCompleted(R"({"call_id": "c1", "direction": "inbound", "agent_id": 42, "agent_name": "Jo"})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  const v1::CallCompleted& payload = event->call_completed();
  EXPECT_EQ(payload.call_id(), "c1");
  EXPECT_EQ(payload.direction(), "inbound");
  EXPECT_EQ(payload.agent_id(), 42);
  EXPECT_EQ(payload.call().agent_id(), 42);
  EXPECT_EQ(payload.call().agent_name(), "Jo");
  EXPECT_FALSE(payload.call().has_call_info()) << "flat direction is not call_info.direction";
}

TEST(WebhookTranslatorTest, OfficialDataFillsTheObject) {
  const auto event = DefaultTranslator().Translate(
      OfficialCallBody(R"({"id": 5, "agent_id": 42, "call_info": {"direction": "Outgoing"}})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  const v1::CallCompleted& payload = event->call_completed();
  EXPECT_EQ(payload.call().id(), 5);
  EXPECT_EQ(payload.call().call_info().direction(), "Outgoing");
  EXPECT_EQ(payload.agent_id(), 42) << "a key both shapes have fills both";
  EXPECT_FALSE(payload.has_call_id());
  EXPECT_FALSE(payload.has_direction());
}

TEST(WebhookTranslatorTest, AllNullDataCreatesNoObject) {
  const auto event = DefaultTranslator().Translate(
      CallCompleted(R"({"agent_id": null, "id": null, "call_info": null})"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_FALSE(event->call_completed().has_call());
}

TEST(WebhookTranslatorTest, DateAndTimeInUtcBecomeOneInstant) {
  const auto event = DefaultTranslator().Translate(
      OfficialCallBody(R"({"call_date": "2025-06-10", "call_time": "14:05:12",
                           "call_user_date": "2025-06-10", "call_user_time": "07:05:12"})"),
      kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  const v1::Call& call = event->call_completed().call();
  EXPECT_EQ(call.call_date(), "2025-06-10") << "kept as sent beside the instant";
  EXPECT_EQ(call.call_user_time(), "07:05:12");
  EXPECT_EQ(call.called_at().seconds(), 1749564312);  // date -u -d 2025-06-10T14:05:12Z +%s
  // Only one of the two: no instant, and nothing to report.
  const auto date_only =
      DefaultTranslator().Translate(OfficialCallBody(R"({"call_date": "2025-06-10"})"), kReceivedAt);
  ASSERT_TRUE(date_only.ok());
  EXPECT_FALSE(date_only->call_completed().call().has_called_at());
  EXPECT_EQ(date_only->schema_mismatches_size(), 0);
}

// ---------------------------------------------------------------------------
// The type check (signatures) runs before any field is read.
// ---------------------------------------------------------------------------

TEST(WebhookTranslatorTest, CheckTypeSeesTheTypeAndItsErrorStopsTranslation) {
  std::string seen;
  const auto refused = DefaultTranslator().Translate(
      OfficialCallBody(R"({"id": "not a number"})"), kReceivedAt, [&](absl::string_view type) {
        seen = std::string(type);
        return absl::UnauthenticatedError("bad signature");
      });
  EXPECT_EQ(seen, "call.completed");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "bad signature") << "nothing about the schema leaks";
}

TEST(WebhookTranslatorTest, StructuralFaultsAreFoundBeforeTheTypeCheck) {
  bool called = false;
  const auto event = DefaultTranslator().Translate(
      R"({"event": "call.completed", "data": {"a": 1, "a": 2}})", kReceivedAt,
      [&](absl::string_view) {
        called = true;
        return absl::OkStatus();
      });
  EXPECT_FALSE(called);
  EXPECT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Regression tests for defects found in review: each states the behaviour a
// user needs.
// ---------------------------------------------------------------------------

// Regression: Options::max_depth is documented as "deepest JSON nesting accepted",
// but it is handed to simdjson as is, and simdjson counts the document itself
// as a level: a non-empty object or array at level max_depth is rejected, so
// the deepest accepted is max_depth - 1 (63 with the default). Passing
// max_depth + 1 to the parser would match the documentation.
TEST(WebhookTranslatorTest, NestingUpToMaxDepthIsAccepted) {
  WebhookTranslator::Options options;
  options.max_depth = 5;
  const WebhookTranslator translator(options);
  for (bool arrays : {false, true}) {
    SCOPED_TRACE(arrays ? "arrays" : "objects");
    EXPECT_TRUE(translator.Translate(NestedBody(5, arrays), kReceivedAt).ok());
    const auto too_deep = translator.Translate(NestedBody(6, arrays), kReceivedAt);
    EXPECT_EQ(too_deep.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(too_deep.status()), "body");
  }
}

// Regression: an unknown-type webhook nested 35 levels of objects (or 51 of arrays)
// is within max_depth (64) and is accepted, but the Event it becomes nests
// Struct/Value messages 3 deep per JSON object level (2 per array), past
// protobuf's default decoding recursion limit (100). Every subscriber that decodes with default
// limits (C++, Java, Python) fails on it, and since resuming replays it, the
// stream cannot get past it. Either reject such bodies or bound the depth so
// the result stays decodable.
TEST(WebhookTranslatorTest, AcceptedEventsCanBeDecodedBySubscribers) {
  const WebhookTranslator translator = DefaultTranslator();
  for (int depth : {10, 34, 35, 50, 51, 63, 64}) {
    for (bool arrays : {false, true}) {
      SCOPED_TRACE(absl::StrCat("depth ", depth, arrays ? " arrays" : " objects"));
      const absl::StatusOr<v1::Event> event =
          translator.Translate(NestedBody(depth, arrays), kReceivedAt);
      if (!event.ok()) {
        EXPECT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument);
        continue;
      }
      v1::Event decoded;
      EXPECT_TRUE(decoded.ParseFromString(event->SerializeAsString()))
          << "accepted an event that protobuf cannot decode with default limits";
    }
  }
}

// Duplicate keys deep in an unknown type's data are rejected too, never
// merged into a value the sender did not send.
TEST(WebhookTranslatorTest, DuplicateKeysNestedInUnknownTypeDataAreRejected) {
  const auto event = DefaultTranslator().Translate(
      R"({"event": "ticket.created", "data": {"x": {"a": [1], "a": [2]}}})", kReceivedAt);
  ASSERT_FALSE(event.ok()) << "accepted: " << event->other().ShortDebugString();
  EXPECT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(event.status()), "data.x.a");
  EXPECT_THAT(std::string(event.status().message()), HasSubstr("duplicate key"));
}

// simdjson's DOM holds 64-bit numbers only, but a larger one is valid JSON:
// the webhook is stored, the number kept exactly in data_json, and a typed
// field that cannot hold it is reported.
TEST(WebhookTranslatorTest, IntegerBeyond64BitsIsKeptExactly) {
  for (const char* data : {R"({"agent_id": -9223372036854775809})",
                           R"({"call_id": "call_1", "trace": 123456789012345678901234567890})",
                           R"({"call_id": "call_1", "huge": 1e400, "list": [18446744073709551616]})"}) {
    SCOPED_TRACE(data);
    const auto event = DefaultTranslator().Translate(CallCompleted(data), kReceivedAt);
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(event->data_json(), data);
    if (absl::StrContains(data, "agent_id")) {
      EXPECT_FALSE(event->call_completed().has_agent_id());
      ASSERT_EQ(event->schema_mismatches_size(), 1);
      EXPECT_EQ(event->schema_mismatches(0).path(), "data.agent_id");
    } else {
      EXPECT_EQ(event->call_completed().call_id(), "call_1");
      EXPECT_EQ(event->schema_mismatches_size(), 0) << "untyped keys cannot mismatch";
    }
  }
}

// Unknown types keep such numbers too: exactly in data_json, as text in `other`.
TEST(WebhookTranslatorTest, IntegerBeyond64BitsInAnUnknownTypeIsKept) {
  const std::string data = R"({"n": 123456789012345678901234567890, "m": 7})";
  const auto event = DefaultTranslator().Translate(
      absl::StrCat(R"({"event": "ticket.created", "data": )", data, "}"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->data_json(), data);
  EXPECT_EQ(event->other().fields().at("n").string_value(), "123456789012345678901234567890");
  EXPECT_EQ(event->other().fields().at("m").number_value(), 7);
}

// A number and a string of the same digits are different webhooks.
TEST(WebhookTranslatorTest, ContentIdTellsAHugeNumberFromTheSameDigitsAsText) {
  const auto number = DefaultTranslator().Translate(
      R"({"event": "ticket.created", "data": {"n": 123456789012345678901234567890}})", kReceivedAt);
  const auto text = DefaultTranslator().Translate(
      R"({"event": "ticket.created", "data": {"n": "123456789012345678901234567890"}})", kReceivedAt);
  ASSERT_TRUE(number.ok() && text.ok());
  EXPECT_NE(number->id(), text->id());
}

// An integral number beyond 2^53 written with a fraction or exponent is
// rounded by the double parse and stored silently changed (this one becomes
// 12345678901234568): a wrong agent id. It should be rejected, or be exact.
TEST(WebhookTranslatorTest, IntegralNumberIsNeverSilentlyRounded) {
  const auto event = DefaultTranslator().Translate(
      CallCompleted(R"({"agent_id": 12345678901234567.0})"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  if (event->call_completed().has_agent_id()) {
    EXPECT_EQ(event->call_completed().agent_id(), 12345678901234567);
    return;
  }
  ASSERT_EQ(event->schema_mismatches_size(), 1);
  EXPECT_EQ(event->schema_mismatches(0).path(), "data.agent_id");
  EXPECT_EQ(event->data_json(), R"({"agent_id": 12345678901234567.0})");
}

// Regression: duplicate keys are found by comparing every pair of keys, so an object
// with n keys costs O(n^2): this ~1 MB body (80,000 keys) takes ~8 s of CPU
// on the build machine, where parsing it takes milliseconds. A cheap way to
// tie up a gateway thread per request. The bound is loose so that a linear
// check does not flake on a busy machine.
TEST(WebhookTranslatorTest, WideObjectTranslatesInLinearTime) {
  std::string data = "{";
  for (int i = 0; i < 80000; ++i) absl::StrAppend(&data, i ? "," : "", "\"k", 100000 + i, "\":0");
  data += "}";
  const std::string body = CallCompleted(data);
  const absl::Time start = absl::Now();
  const auto event = DefaultTranslator().Translate(body, kReceivedAt);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_TRUE(event.ok()) << event.status();
  EXPECT_LT(elapsed, absl::Seconds(2)) << body.size() << " bytes";
}

}  // namespace
}  // namespace switchboard::gateway
