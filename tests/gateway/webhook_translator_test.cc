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
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/options.pb.h"

namespace switchboard::gateway {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::ListValue;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::google::protobuf::Struct;
using ::google::protobuf::Timestamp;
using ::google::protobuf::Value;
using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;
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

Timestamp ParseRfc3339(const std::string& text) {
  Timestamp out;
  EXPECT_TRUE(TimeUtil::FromString(text, &out)) << text;
  return out;
}

// The payload field that is set in `event`, or nullptr.
const FieldDescriptor* SetPayloadField(const v1::Event& event) {
  return event.GetReflection()->GetOneofFieldDescriptor(
      event, v1::Event::descriptor()->FindOneofByName("payload"));
}

// Expects the value of `field` (element `index` when repeated, else -1) to
// equal the JSON `value`.
void ExpectFieldEqualsJson(const Message& message, const FieldDescriptor* field, int index,
                           const Value& value) {
  const Reflection* r = message.GetReflection();
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      ASSERT_EQ(value.kind_case(), Value::kStringValue);
      EXPECT_EQ(
          repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field),
          value.string_value());
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      ASSERT_EQ(value.kind_case(), Value::kNumberValue);
      EXPECT_EQ(static_cast<double>(repeated ? r->GetRepeatedInt64(message, field, index)
                                             : r->GetInt64(message, field)),
                value.number_value());
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      ASSERT_EQ(value.kind_case(), Value::kNumberValue);
      EXPECT_EQ(static_cast<double>(repeated ? r->GetRepeatedInt32(message, field, index)
                                             : r->GetInt32(message, field)),
                value.number_value());
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      ASSERT_EQ(value.kind_case(), Value::kNumberValue);
      EXPECT_EQ(static_cast<double>(repeated ? r->GetRepeatedUInt64(message, field, index)
                                             : r->GetUInt64(message, field)),
                value.number_value());
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      ASSERT_EQ(value.kind_case(), Value::kNumberValue);
      EXPECT_EQ(static_cast<double>(repeated ? r->GetRepeatedUInt32(message, field, index)
                                             : r->GetUInt32(message, field)),
                value.number_value());
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      ASSERT_EQ(value.kind_case(), Value::kNumberValue);
      EXPECT_EQ(
          repeated ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field),
          value.number_value());
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      ASSERT_EQ(value.kind_case(), Value::kBoolValue);
      EXPECT_EQ(repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field),
                value.bool_value());
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (field->message_type() == Timestamp::descriptor()) {
        ASSERT_EQ(value.kind_case(), Value::kStringValue);
        const Message& got =
            repeated ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field);
        const Timestamp want = ParseRfc3339(value.string_value());
        EXPECT_TRUE(MessageDifferencer::Equals(got, want))
            << "got " << got.ShortDebugString() << ", want " << want.ShortDebugString();
        return;
      }
      break;
    default:
      break;
  }
  ADD_FAILURE() << "the test does not know how to compare field type " << field->type_name();
}

// Expects `payload` to hold exactly the non-null keys of `data`, each equal to
// its JSON value, and every null key to be absent. Every key must name a
// field: the fixtures are meant to exercise the whole schema.
void ExpectPayloadEqualsJson(const Message& payload, const Struct& data) {
  const Descriptor* descriptor = payload.GetDescriptor();
  const Reflection* r = payload.GetReflection();
  ASSERT_GT(data.fields_size(), 0) << "nothing to compare";
  for (const auto& [key, value] : data.fields()) {
    SCOPED_TRACE(absl::StrCat(descriptor->full_name(), ".", key));
    const FieldDescriptor* field = descriptor->FindFieldByName(key);
    if (field == nullptr) {
      ADD_FAILURE() << "data key \"" << key << "\" has no field of the same name";
      continue;
    }
    if (value.kind_case() == Value::kNullValue) {
      if (field->is_repeated()) {
        EXPECT_EQ(r->FieldSize(payload, field), 0) << "null must leave the field empty";
      } else {
        EXPECT_FALSE(r->HasField(payload, field)) << "null must leave the field absent";
      }
      continue;
    }
    if (field->is_repeated()) {
      ASSERT_EQ(value.kind_case(), Value::kListValue);
      const ListValue& list = value.list_value();
      ASSERT_EQ(r->FieldSize(payload, field), list.values_size());
      for (int i = 0; i < list.values_size(); ++i) {
        ExpectFieldEqualsJson(payload, field, i, list.values(i));
      }
      continue;
    }
    EXPECT_TRUE(r->HasField(payload, field)) << "present in the JSON but absent";
    ExpectFieldEqualsJson(payload, field, -1, value);
  }
  // Nothing is set that the JSON did not carry.
  std::vector<const FieldDescriptor*> set_fields;
  r->ListFields(payload, &set_fields);
  for (const FieldDescriptor* field : set_fields) {
    const auto it = data.fields().find(field->name());
    EXPECT_TRUE(it != data.fields().end() && it->second.kind_case() != Value::kNullValue)
        << field->full_name() << " is set but the JSON has no value for it";
  }
}

// ---------------------------------------------------------------------------
// Fixtures: every recorded JustCall webhook translates field for field.
// ---------------------------------------------------------------------------

std::vector<std::string> FixturePaths() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(SWITCHBOARD_FIXTURES_DIR)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, TranslatesEveryFieldOfTheWebhook) {
  const std::string body = ReadFile(GetParam());
  ASSERT_FALSE(body.empty()) << GetParam();
  const Struct envelope = ParseJson(body);
  ASSERT_EQ(envelope.fields().count("event"), 1u);
  ASSERT_EQ(envelope.fields().count("timestamp"), 1u);
  ASSERT_EQ(envelope.fields().count("data"), 1u);
  const std::string type = envelope.fields().at("event").string_value();

  const absl::StatusOr<v1::Event> event = DefaultTranslator().Translate(body, kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();

  EXPECT_EQ(event->type(), type);
  EXPECT_FALSE(event->id().empty());
  EXPECT_EQ(event->sequence(), 0u) << "the log assigns sequences, not the translator";
  ASSERT_TRUE(event->has_occurred_at());
  const Timestamp occurred_at = ParseRfc3339(envelope.fields().at("timestamp").string_value());
  EXPECT_EQ(event->occurred_at().seconds(), occurred_at.seconds());
  EXPECT_EQ(event->occurred_at().nanos(), occurred_at.nanos());
  ASSERT_TRUE(event->has_received_at());
  EXPECT_EQ(event->received_at().seconds(), kReceivedSeconds);
  EXPECT_EQ(event->received_at().nanos(), kReceivedNanos);

  const FieldDescriptor* payload = SetPayloadField(*event);
  ASSERT_NE(payload, nullptr) << "no payload set";
  EXPECT_EQ(payload->options().GetExtension(v1::event_type), type);
  EXPECT_EQ(payload->name(), absl::StrReplaceAll(type, {{".", "_"}}));
  ExpectPayloadEqualsJson(event->GetReflection()->GetMessage(*event, payload),
                          envelope.fields().at("data").struct_value());
}

INSTANTIATE_TEST_SUITE_P(
    JustCall, FixtureTest, ::testing::ValuesIn(FixturePaths()),
    [](const ::testing::TestParamInfo<std::string>& info) {
      return absl::StrReplaceAll(std::filesystem::path(info.param).stem().string(), {{".", "_"}});
    });

TEST(WebhookTranslatorTest, FixturesCoverEveryEventTypeOfTheSchema) {
  std::set<std::string> fixture_types;
  for (const std::string& path : FixturePaths()) {
    const Struct envelope = ParseJson(ReadFile(path));
    const std::string type = envelope.fields().at("event").string_value();
    EXPECT_EQ(std::filesystem::path(path).stem().string(), type) << "fixture named after its type";
    fixture_types.insert(type);
  }
  const std::vector<std::string>& known = EventTypes::Known();
  EXPECT_EQ(std::vector<std::string>(fixture_types.begin(), fixture_types.end()), known);
}

// Spot checks with literal values, in case the reflective comparison above
// ever compares the wrong things.
TEST(WebhookTranslatorTest, CallCompletedFixtureHasTheRecordedValues) {
  const auto event = DefaultTranslator().Translate(
      ReadFile(SWITCHBOARD_FIXTURES_DIR "/call.completed.json"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_EQ(event->payload_case(), v1::Event::kCallCompleted);
  EXPECT_EQ(event->occurred_at().seconds(), kTwoThirtyPm);
  EXPECT_EQ(event->occurred_at().nanos(), 0);
  const v1::CallCompleted& call = event->call_completed();
  EXPECT_EQ(call.call_id(), "call_8f3a2b1c");
  EXPECT_EQ(call.from(), "+14155559876");
  EXPECT_EQ(call.agent_id(), 42);
  EXPECT_EQ(call.duration(), 185);
  EXPECT_EQ(call.disposition(), "Closed Won");
}

TEST(WebhookTranslatorTest, CallMissedFixtureHasNoAgent) {
  const auto event = DefaultTranslator().Translate(
      ReadFile(SWITCHBOARD_FIXTURES_DIR "/call.missed.json"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_EQ(event->payload_case(), v1::Event::kCallMissed);
  EXPECT_FALSE(event->call_missed().has_agent_id());
  EXPECT_FALSE(event->call_missed().has_agent_name());
  EXPECT_EQ(event->call_missed().ring_duration(), 30);
}

TEST(WebhookTranslatorTest, SmsFixturesHaveNoMedia) {
  const WebhookTranslator translator = DefaultTranslator();
  const auto received =
      translator.Translate(ReadFile(SWITCHBOARD_FIXTURES_DIR "/sms.received.json"), kReceivedAt);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_FALSE(received->sms_received().has_media_url());
  EXPECT_TRUE(received->sms_received().has_body());
  const auto sent =
      translator.Translate(ReadFile(SWITCHBOARD_FIXTURES_DIR "/sms.sent.json"), kReceivedAt);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_FALSE(sent->sms_sent().has_media_url());
  EXPECT_EQ(sent->sms_sent().agent_id(), 42);
}

TEST(WebhookTranslatorTest, ContactUpdatedFixtureListsChangedFields) {
  const auto event = DefaultTranslator().Translate(
      ReadFile(SWITCHBOARD_FIXTURES_DIR "/contact.updated.json"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_THAT(event->contact_updated().changed_fields(),
              ::testing::ElementsAre("company", "email"));
  EXPECT_EQ(event->contact_updated().contact_id(), 98765);
}

TEST(WebhookTranslatorTest, SmsDeliveredFixtureHasDeliveryTime) {
  const auto event = DefaultTranslator().Translate(
      ReadFile(SWITCHBOARD_FIXTURES_DIR "/sms.delivered.json"), kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_TRUE(event->sms_delivered().has_delivered_at());
  EXPECT_EQ(event->sms_delivered().delivered_at().seconds(), 1773326164);  // 14:36:04Z
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

// How times were read before the translator had a parser of its own for the
// usual shapes: absl::ParseTime with RFC 3339, else "YYYY-MM-DD HH:MM:SS" in
// UTC, then google.protobuf.Timestamp's range. nullopt when rejected.
std::optional<absl::Time> ReadTimeWithAbsl(const std::string& text) {
  absl::Time time;
  std::string unused;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &unused) &&
      !absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &time, &unused)) {
    return std::nullopt;
  }
  if (time < absl::FromUnixSeconds(-62135596800) || time >= absl::FromUnixSeconds(253402300800)) {
    return std::nullopt;  // also the infinite times
  }
  return time;
}

// Expects the translator to read `text` as the envelope timestamp exactly as
// ReadTimeWithAbsl() does: the same instant to the nanosecond, or a rejection
// naming "timestamp". Returns whether absl accepted it.
bool ExpectReadAsAbslReadsIt(const WebhookTranslator& translator, const std::string& text) {
  SCOPED_TRACE(absl::StrCat("time \"", text, "\""));
  const std::optional<absl::Time> want = ReadTimeWithAbsl(text);
  const auto event = translator.Translate(
      absl::StrCat(R"({"event": "call.completed", "timestamp": ")", text, R"(", "data": {}})"),
      kReceivedAt);
  if (!want.has_value()) {
    EXPECT_FALSE(event.ok()) << "absl::ParseTime rejects it, the translator read "
                             << event->occurred_at().ShortDebugString();
    if (!event.ok()) {
      EXPECT_EQ(FieldOf(event.status()), "timestamp") << event.status();
    }
    return false;
  }
  EXPECT_TRUE(event.ok()) << event.status();
  if (event.ok()) {
    Timestamp expected;
    ToTimestamp(*want, &expected);
    EXPECT_TRUE(MessageDifferencer::Equals(event->occurred_at(), expected))
        << "got " << event->occurred_at().ShortDebugString() << ", absl::ParseTime reads "
        << expected.ShortDebugString();
  }
  return true;
}

TEST(WebhookTranslatorTest, TimesAreReadAsAbslParseTimeReadsThem) {
  const WebhookTranslator translator = DefaultTranslator();
  const std::vector<std::string> texts = {
      // The usual shapes, which the translator parses itself.
      "2026-03-12T14:30:00Z", "2026-03-12T14:30:00z", "2026-03-12 14:30:00",
      "2026-03-12T14:30:00.1Z", "2026-03-12T14:30:00.12Z", "2026-03-12T14:30:00.123Z",
      "2026-03-12T14:30:00.1234Z", "2026-03-12T14:30:00.12345Z", "2026-03-12T14:30:00.123456Z",
      "2026-03-12T14:30:00.1234567Z", "2026-03-12T14:30:00.12345678Z",
      "2026-03-12T14:30:00.123456789Z", "2026-03-12T14:30:00.000000001Z",
      "2026-03-12T14:30:00.999999999Z", "2026-03-12T14:30:00.050z",
      "2026-03-12T14:30:00+00:00", "2026-03-12T14:30:00-00:00", "2026-03-12T14:30:00+23:59",
      "2026-03-12T14:30:00-23:59", "2026-03-12T14:30:00+05:30", "2026-03-12T14:30:00-09:30",
      "2026-03-12T14:30:00.5+05:30", "2026-03-12T14:30:00.987654321-08:00",
      "1969-12-31T23:59:59.5Z", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08Z",
      "0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00-01:00",
      "9999-12-31T23:59:59.999999999Z", "9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59+01:00",
      // ... whose instant is out of range.
      "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01", "0001-01-01T00:59:59.999999999+01:00",
      "9999-12-31T23:59:59-00:01", "0000-02-29T00:00:00Z",
      // Leap days and month ends.
      "2024-02-29T12:00:00Z", "2000-02-29 00:00:00", "2400-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z", "2100-02-29 00:00:00", "2023-02-29T00:00:00Z",
      "2026-02-28T23:59:59Z", "2026-04-30T00:00:00Z", "2026-04-31T00:00:00Z",
      "2026-06-31 00:00:00", "2026-12-31T23:59:59Z", "2026-01-32T00:00:00Z",
      // Fields out of range.
      "2026-00-12T14:30:00Z", "2026-13-12T14:30:00Z", "2026-03-00T14:30:00Z",
      "2026-03-12T24:00:00Z", "2026-03-12T14:60:00Z", "2026-03-12T14:30:61Z",
      "2026-03-12T14:30:00+24:00", "2026-03-12T14:30:00+05:60", "2026-03-12T14:30:00-99:99",
      "0000-00-00 00:00:00",
      // Leap seconds: absl reads them as the next second.
      "2026-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z", "2026-03-12 14:30:60",
      // Other shapes, which absl::ParseTime alone reads (or rejects).
      "2026-03-12t14:30:00Z", "2026-03-12T14:30:00.1234567891Z",
      "2026-03-12T14:30:00.123456789012345678Z", "2026-03-12T14:30:00.Z",
      "2026-3-12T14:30:00Z", "2026-03-2T14:30:00Z", "2026-03-12T4:30:00Z", "2026-03-12T14:3:00Z",
      "2026-03-12T14:30:0Z", "2026-03-12T14:30:00+0530", "2026-03-12T14:30:00+05",
      "2026-03-12T14:30:00+05:30:15", "2026-03-12T14:30:00+5:30", " 2026-03-12T14:30:00Z",
      "2026-03-12T14:30:00Z ", "2026-03-12T14:30:00-02:00 ", "2026-03-12  14:30:00",
      "2026-03-1214:30:00", "2026-03-12 14:30:00Z", "2026-03-12 14:30:00.5",
      "2026-03-12T14:30:00", "2026-03-12T14:30Z", "2026-03-12", "", "12026-03-12T14:30:00Z",
      "-2026-03-12T14:30:00Z", "+2026-03-12T14:30:00Z", "0026-03-12T14:30:00Z",
      "2026-03-12T14:30:00+02:00Z", "2026-03-12T14:30:00.5 Z", "2026-03-12T14:30:00 +02:00",
      "2026-03-12T14:30:00UTC", "2026-03-12T14:30:00+02:00garbage", "2026-03-12T14:30:00.-5Z",
      "2026-03-12T14:30:-1Z", "2026-03-12T-4:30:00Z", "2026/03/12T14:30:00Z",
      "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-03-12T14:30:00Z",  // fullwidth digits
      "infinite-future", "infinite-past",
  };
  int accepted = 0;
  for (const std::string& text : texts) accepted += ExpectReadAsAbslReadsIt(translator, text);
  EXPECT_GE(accepted, 40) << "the table should mostly hold times absl accepts";

  // Every date field around its bounds, in both shapes: day-of-month limits,
  // leap years (divisible by 4, not by 100 unless by 400) and years 0 and 9999.
  for (const int year : {0, 1, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999}) {
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        ExpectReadAsAbslReadsIt(
            translator, absl::StrFormat("%04d-%02d-%02dT23:59:59.5-01:30", year, month, day));
        ExpectReadAsAbslReadsIt(translator,
                                absl::StrFormat("%04d-%02d-%02d 00:00:00", year, month, day));
      }
    }
  }
  // Every time of day and offset field around its bounds.
  for (int hour = 0; hour <= 24; ++hour) {
    for (const int minute : {0, 59, 60}) {
      for (const int second : {0, 59, 60, 61}) {
        ExpectReadAsAbslReadsIt(
            translator, absl::StrFormat("2026-03-12T%02d:%02d:%02d.25Z", hour, minute, second));
        ExpectReadAsAbslReadsIt(translator,
                                absl::StrFormat("2026-03-12 %02d:%02d:%02d", hour, minute, second));
      }
      for (const char sign : {'+', '-'}) {
        ExpectReadAsAbslReadsIt(
            translator, absl::StrFormat("2026-03-12T14:30:00%c%02d:%02d", sign, hour, minute));
      }
    }
  }
}

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

TEST(WebhookTranslatorTest, UnknownKeysInDataAreIgnored) {
  const auto event = DefaultTranslator().Translate(R"({
      "event": "call.completed", "timestamp": "2026-03-12T14:30:00Z",
      "data": {"call_id": "call_1", "agent_id": 42, "queue": {"id": 7, "tags": [1, "x", null]},
               "recording_duration": "not a number", "is_test": true, "extra": null},
      "account": {"id": 12}})",
                                                   kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  v1::CallCompleted want;
  want.set_call_id("call_1");
  want.set_agent_id(42);
  EXPECT_TRUE(MessageDifferencer::Equals(event->call_completed(), want))
      << event->call_completed().ShortDebugString();
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

// A call.completed webhook whose envelope `timestamp` is the JSON `timestamp`.
std::string WithTimestamp(const std::string& timestamp) {
  return absl::StrCat(R"({"event": "call.completed", "timestamp": )", timestamp,
                      R"(, "data": {}})");
}

// A v2.1 webhook whose `request_id` is the JSON `request_id`.
std::string WithRequestId(const std::string& request_id) {
  return absl::StrCat(R"({"request_id": )", request_id,
                      R"(, "type": "call.completed", "data": {}})");
}

std::vector<BadInput> BadInputs() {
  const std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  const std::string wrong_depth_message = "nested deeper than";
  const std::string bad_time = "expected a time as RFC 3339";
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

      // Fields of data.
      {"DurationNotNumeric", CallCompleted(R"({"duration": "abc"})"), "data.duration",
       "expected an integer, got a string"},
      {"DurationFraction", CallCompleted(R"({"duration": 1.5})"), "data.duration",
       "expected an integer, got a fraction"},
      {"DurationBoolean", CallCompleted(R"({"duration": true})"), "data.duration",
       "expected an integer, got a boolean"},
      {"AgentIdAboveInt64", CallCompleted(R"({"agent_id": 9223372036854775808})"), "data.agent_id",
       "integer out of range"},
      {"AgentIdHugeUnsigned", CallCompleted(R"({"agent_id": 18446744073709551615})"),
       "data.agent_id", "integer out of range"},
      {"AgentIdAboveInt64AsDouble", CallCompleted(R"({"agent_id": 1e19})"), "data.agent_id",
       "integer out of range"},
      {"AgentIdBelowInt64AsDouble", CallCompleted(R"({"agent_id": -1e19})"), "data.agent_id",
       "integer out of range"},
      {"AgentIdArray", CallCompleted(R"({"agent_id": [42]})"), "data.agent_id",
       "expected an integer, got an array"},
      {"ContactIdObject", R"({"event": "contact.created", "data": {"contact_id": {"id": 1}}})",
       "data.contact_id", "expected an integer, got an object"},
      {"CallIdArray", CallCompleted(R"({"call_id": ["call_1"]})"), "data.call_id",
       "expected a string, got an array"},
      {"FromFraction", CallCompleted(R"({"from": 1.5})"), "data.from",
       "expected a string, got a number"},
      {"StatusBoolean", CallCompleted(R"({"status": false})"), "data.status",
       "expected a string, got a boolean"},
      {"ChangedFieldsNotAnArray",
       R"({"event": "contact.updated", "data": {"changed_fields": "company"}})",
       "data.changed_fields", "expected an array, got a string"},
      {"ChangedFieldsElementBoolean",
       R"({"event": "contact.updated", "data": {"changed_fields": ["company", true]}})",
       "data.changed_fields[1]", "expected a string, got a boolean"},
      {"ChangedFieldsElementObject",
       R"({"event": "contact.updated", "data": {"changed_fields": ["company", "email", {}]}})",
       "data.changed_fields[2]", "expected a string, got an object"},
      {"DeliveredAtNotATime",
       R"({"event": "sms.delivered", "data": {"delivered_at": "yesterday"}})", "data.delivered_at",
       bad_time},
      {"DeliveredAtNumber", R"({"event": "sms.delivered", "data": {"delivered_at": 1773326164}})",
       "data.delivered_at", "expected a time string, got an integer"},
      {"DeliveredAtYearZero",
       R"({"event": "sms.delivered", "data": {"delivered_at": "0000-12-31T23:59:59Z"}})",
       "data.delivered_at", "out of range"},

      // The envelope timestamp.
      {"TimestampMonth13", WithTimestamp(R"("2026-13-12T14:30:00Z")"), "timestamp", bad_time},
      {"TimestampFebruary30", WithTimestamp(R"("2026-02-30 00:00:00")"), "timestamp", bad_time},
      {"TimestampWithoutZone", WithTimestamp(R"("2026-03-12T14:30:00")"), "timestamp", bad_time},
      {"TimestampDateOnly", WithTimestamp(R"("2026-03-12")"), "timestamp", bad_time},
      {"TimestampEmpty", WithTimestamp(R"("")"), "timestamp", bad_time},
      {"TimestampNumber", WithTimestamp("1773325800"), "timestamp",
       "expected a time string, got an integer"},
      {"TimestampObject", WithTimestamp(R"({"seconds": 1773325800})"), "timestamp",
       "expected a time string, got an object"},
      {"TimestampYear10000", WithTimestamp(R"("10000-01-01T00:00:00Z")"), "timestamp",
       "time out of range (years 0001 to 9999)"},
      {"TimestampYear0", WithTimestamp(R"("0000-12-31T23:59:59Z")"), "timestamp",
       "time out of range (years 0001 to 9999)"},
      {"TimestampYearHuge", WithTimestamp(R"("99999999999-01-01 00:00:00")"), "timestamp",
       "out of range"},

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
       R"({"event": "ticket.created", "data": {"a": [1, {"b": {"c": 1, "c": 2}}]}})", "data.a.b.c",
       "duplicate key"},
      {"DuplicateKeyUnderAnEmptyKey",
       R"({"event": "ticket.created", "data": {"": {"x": 1, "x": 2}}})", "data..x",
       "duplicate key"},

      // The v2.1 request_id.
      {"RequestIdEmpty", WithRequestId(R"("")"), "request_id", "must be 1 to 256 bytes"},
      {"RequestIdTooLong", WithRequestId(absl::StrCat("\"", std::string(257, 'r'), "\"")),
       "request_id", "must be 1 to 256 bytes"},
      {"RequestIdNewline", WithRequestId(R"("abc\ndef")"), "request_id",
       "must not contain control characters"},
      {"RequestIdNul", WithRequestId(R"("abc\u0000")"), "request_id",
       "must not contain control characters"},
      {"RequestIdDelete", WithRequestId(R"("abc\u007f")"), "request_id",
       "must not contain control characters"},
      {"RequestIdObject", WithRequestId(R"({"id": "r1"})"), "request_id",
       "expected a string, got an object"},
      {"RequestIdFraction", WithRequestId("1.5"), "request_id", "expected a string, got a number"},
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

TEST(WebhookTranslatorTest, ErrorMessageQuotesALongBadTimeOnlyInPart) {
  const std::string garbage(10000, 'x');
  const auto event =
      DefaultTranslator().Translate(WithTimestamp(absl::StrCat("\"", garbage, "\"")), kReceivedAt);
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(FieldOf(event.status()), "timestamp");
  EXPECT_LT(event.status().message().size(), 1000u);
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

// Known limit (simdjson's DOM holds 64-bit integers only): an integer outside
// [-2^63, 2^64) anywhere in the body rejects the webhook with a 400 that says
// so, rather than being misread. Senders use strings for such ids.
TEST(WebhookTranslatorTest, IntegerBeyond64BitsIsRejectedSayingSo) {
  for (const char* data : {R"({"agent_id": -9223372036854775809})",
                           R"({"call_id": "call_1", "trace": 123456789012345678901234567890})"}) {
    SCOPED_TRACE(data);
    const auto event = DefaultTranslator().Translate(CallCompleted(data), kReceivedAt);
    ASSERT_FALSE(event.ok());
    EXPECT_EQ(event.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(event.status()), "body");
    EXPECT_THAT(std::string(event.status().message()), HasSubstr("does not fit in 64 bits"));
  }
}

// An integral number beyond 2^53 written with a fraction or exponent is
// rounded by the double parse and stored silently changed (this one becomes
// 12345678901234568): a wrong agent id. It should be rejected, or be exact.
TEST(WebhookTranslatorTest, IntegralNumberIsNeverSilentlyRounded) {
  const auto event = DefaultTranslator().Translate(
      CallCompleted(R"({"agent_id": 12345678901234567.0})"), kReceivedAt);
  if (!event.ok()) {
    EXPECT_EQ(FieldOf(event.status()), "data.agent_id");
    return;
  }
  EXPECT_EQ(event->call_completed().agent_id(), 12345678901234567);
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
