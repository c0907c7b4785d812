// Every sample webhook, the nine flat ones and JustCall's official v2.1 one
// of each type in its list, under both envelopes: translated without a
// mismatch, `data` kept byte for byte, and every leaf of `data` typed with
// its JSON value wherever the schema has a field of that name. The check is
// generic: it walks the JSON, not a list of fields a test author thought of.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/event_types.h"
#include "gateway/webhook_translator.h"
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

const absl::Time kReceivedAt = absl::FromUnixSeconds(1773327600);
const std::string kOfficialDir = SWITCHBOARD_FIXTURES_DIR "/v2.1";

// Keys of official samples whose shape JustCall does not document, so the
// schema leaves them to data_json (proto/switchboard/v1/call.proto, appointment.proto).
const std::set<std::string> kUndocumentedKeys = {"queue_callback", "shared_with_agents"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Parsed by protobuf's own JSON parser, independently of the translator (simdjson).
Struct ParseJson(const std::string& json) {
  Struct out;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &out);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return out;
}

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string TypeOfFile(const std::string& path) { return std::filesystem::path(path).stem().string(); }

// The text of the sample's `data` value (the last member of every sample).
std::string DataText(const std::string& body) {
  const size_t key = body.find("\"data\"");
  const size_t start = body.find_first_of("{", key);
  const size_t end = body.find_last_of('}', body.find_last_of('}') - 1) + 1;  // before the envelope's
  return body.substr(start, end - start);
}

// The sample in the envelope it was not written in.
std::string OtherEnvelope(const std::string& body, const std::string& type, bool flat) {
  const std::string data = DataText(body);
  if (flat) {
    return absl::StrCat(R"({"request_id": "01JXCONVERTED)", type, R"(", "webhook_url": )",
                        R"("https://hooks.example.com/jc", "url_id": "6847f1c2a9e3b05d7c41e8a2", )",
                        R"("type": ")", type, R"(", "data": )", data, "}");
  }
  return absl::StrCat(R"({"event": ")", type, R"(", "timestamp": "2026-03-12T14:30:00Z", "data": )",
                      data, "}");
}

// Walks `object` (a JSON object) against `message`, expecting each key's
// typed field(s) to hold its value. Counts the leaves the schema has no
// field for in `untyped` (they come back from data_json only).
class TypedWalker {
 public:
  std::vector<std::string> untyped;

  void Walk(const Message& message, const Struct& object, const std::string& path) {
    const Reflection* r = message.GetReflection();
    std::set<const FieldDescriptor*> expected_set;
    for (const auto& [key, value] : object.fields()) {
      const std::string key_path = absl::StrCat(path, ".", key);
      bool typed = false;
      for (const auto& [holder, field] : Targets(message, key)) {
        typed = true;
        if (holder == &message) expected_set.insert(field);
        ExpectField(*holder, field, value, key_path);
      }
      if (!typed) untyped.push_back(key_path);
    }
    // Nothing is set that the JSON did not carry (inline objects and derived
    // times aside).
    std::vector<const FieldDescriptor*> set_fields;
    r->ListFields(message, &set_fields);
    for (const FieldDescriptor* field : set_fields) {
      if (field->options().GetExtension(v1::json_inline) ||
          !field->options().GetExtension(v1::utc_date_time_from).empty()) {
        continue;
      }
      EXPECT_TRUE(expected_set.count(field)) << path << ": " << field->full_name()
                                             << " is set but the JSON has no value for it";
    }
  }

 private:
  // The fields a key fills: of the message itself, and of its inline objects.
  static std::vector<std::pair<const Message*, const FieldDescriptor*>> Targets(
      const Message& message, const std::string& key) {
    std::vector<std::pair<const Message*, const FieldDescriptor*>> targets;
    const Descriptor* d = message.GetDescriptor();
    if (const FieldDescriptor* f = d->FindFieldByName(key);
        f != nullptr && f->options().GetExtension(v1::utc_date_time_from).empty()) {
      targets.emplace_back(&message, f);
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* inline_field = d->field(i);
      if (!inline_field->options().GetExtension(v1::json_inline)) continue;
      const Message& object = message.GetReflection()->GetMessage(message, inline_field);
      if (const FieldDescriptor* f = inline_field->message_type()->FindFieldByName(key);
          f != nullptr && f->options().GetExtension(v1::utc_date_time_from).empty()) {
        targets.emplace_back(&object, f);
      }
    }
    return targets;
  }

  static bool IsNoValue(const FieldDescriptor* field, const Value& value) {
    return value.kind_case() == Value::kNullValue ||
           (value.kind_case() == Value::kStringValue && value.string_value().empty() &&
            field->cpp_type() != FieldDescriptor::CPPTYPE_STRING);
  }

  void ExpectField(const Message& message, const FieldDescriptor* field, const Value& value,
                   const std::string& path) {
    SCOPED_TRACE(path);
    const Reflection* r = message.GetReflection();
    if (IsNoValue(field, value)) {
      if (field->is_repeated()) {
        EXPECT_EQ(r->FieldSize(message, field), 0) << "no value must leave the list empty";
      } else {
        EXPECT_FALSE(r->HasField(message, field)) << "no value must leave the field absent";
      }
      return;
    }
    if (field->is_repeated()) {
      ASSERT_EQ(value.kind_case(), Value::kListValue);
      const ListValue& list = value.list_value();
      ASSERT_EQ(r->FieldSize(message, field), list.values_size());
      for (int i = 0; i < list.values_size(); ++i) {
        ExpectValue(message, field, i, list.values(i), absl::StrCat(path, "[", i, "]"));
      }
      return;
    }
    EXPECT_TRUE(r->HasField(message, field)) << "present in the JSON but absent";
    ExpectValue(message, field, -1, value, path);
  }

  // One value (element `index` of a repeated field, or -1).
  void ExpectValue(const Message& message, const FieldDescriptor* field, int index,
                   const Value& value, const std::string& path) {
    const Reflection* r = message.GetReflection();
    const bool repeated = index >= 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        const std::string got =
            repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
        if (value.kind_case() == Value::kNumberValue) {  // an id sent as a number
          EXPECT_EQ(got, absl::StrCat(static_cast<int64_t>(value.number_value())));
        } else {
          ASSERT_EQ(value.kind_case(), Value::kStringValue);
          EXPECT_EQ(got, value.string_value());
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t got =
            repeated ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field);
        if (value.kind_case() == Value::kStringValue) {  // a number sent as text
          EXPECT_EQ(absl::StrCat(got), value.string_value());
        } else {
          ASSERT_EQ(value.kind_case(), Value::kNumberValue);
          EXPECT_EQ(static_cast<double>(got), value.number_value());
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        ASSERT_EQ(value.kind_case(), Value::kNumberValue);
        EXPECT_EQ(repeated ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field),
                  value.number_value());
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        ASSERT_EQ(value.kind_case(), Value::kBoolValue);
        EXPECT_EQ(repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field),
                  value.bool_value());
        return;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Message& got =
            repeated ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field);
        if (field->message_type() == Timestamp::descriptor()) {
          ASSERT_EQ(value.kind_case(), Value::kStringValue);
          Timestamp want;
          ASSERT_TRUE(TimeUtil::FromString(value.string_value(), &want)) << value.string_value();
          EXPECT_TRUE(MessageDifferencer::Equals(got, want)) << got.ShortDebugString();
          return;
        }
        ASSERT_EQ(value.kind_case(), Value::kStructValue);
        Walk(got, value.struct_value(), path);
        return;
      }
      default:
        ADD_FAILURE() << "the test does not know how to compare " << field->type_name();
    }
  }
};

struct Sample {
  std::string path;
  bool flat;        // written in the flat envelope (else v2.1)
  bool converted;   // put into the other envelope by the test
};

void PrintTo(const Sample& s, std::ostream* os) {
  *os << s.path << (s.converted ? " (other envelope)" : "");
}

std::vector<Sample> Samples() {
  std::vector<Sample> samples;
  for (const bool converted : {false, true}) {
    for (const std::string& path : JsonFiles(SWITCHBOARD_FIXTURES_DIR)) {
      samples.push_back({path, true, converted});
    }
    for (const std::string& path : JsonFiles(kOfficialDir)) samples.push_back({path, false, converted});
  }
  return samples;
}

class SampleTest : public ::testing::TestWithParam<Sample> {};

TEST_P(SampleTest, EveryLeafOfDataComesBackFromTheEvent) {
  const Sample& sample = GetParam();
  const std::string type = TypeOfFile(sample.path);
  std::string body = ReadFile(sample.path);
  ASSERT_FALSE(body.empty());
  if (sample.converted) body = OtherEnvelope(body, type, sample.flat);
  const bool flat_envelope = sample.flat != sample.converted;
  const Struct envelope = ParseJson(body);
  const Struct& data = envelope.fields().at("data").struct_value();

  const absl::StatusOr<v1::Event> event = WebhookTranslator({}).Translate(body, kReceivedAt);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type(), type);
  EXPECT_TRUE(event->schema_mismatches().empty()) << event->ShortDebugString();
  EXPECT_TRUE(event->envelope_extras().empty()) << event->ShortDebugString();
  if (flat_envelope) {
    EXPECT_TRUE(event->has_occurred_at());
  } else {
    EXPECT_EQ(event->id(), envelope.fields().at("request_id").string_value());
    EXPECT_EQ(event->webhook_url(), envelope.fields().at("webhook_url").string_value());
    EXPECT_EQ(event->url_id(), envelope.fields().at("url_id").string_value());
  }

  // Lossless: data_json is the data object, byte for byte.
  EXPECT_EQ(event->data_json(), DataText(body));
  EXPECT_TRUE(MessageDifferencer::Equals(ParseJson(event->data_json()), data));

  // Typed: the payload of the type, holding every leaf the schema has a field for.
  const FieldDescriptor* payload_field = EventTypes::PayloadField(type);
  ASSERT_NE(payload_field, nullptr) << "the schema does not type " << type;
  ASSERT_EQ(event->GetReflection()->GetOneofFieldDescriptor(
                *event, v1::Event::descriptor()->FindOneofByName("payload")),
            payload_field);
  TypedWalker walker;
  walker.Walk(event->GetReflection()->GetMessage(*event, payload_field), data, "data");
  for (const std::string& path : walker.untyped) {
    const std::string key = path.substr(path.rfind('.') + 1);
    EXPECT_TRUE(!sample.flat && kUndocumentedKeys.count(key))
        << path << " has no typed field; a sample key should exercise the schema";
  }
}

INSTANTIATE_TEST_SUITE_P(
    JustCall, SampleTest, ::testing::ValuesIn(Samples()),
    [](const ::testing::TestParamInfo<Sample>& info) {
      return absl::StrCat(info.param.flat ? "flat_" : "official_",
                          absl::StrReplaceAll(TypeOfFile(info.param.path), {{".", "_"}}),
                          info.param.converted ? "_in_other_envelope" : "");
    });

TEST(SampleCoverageTest, EveryTypeOfTheSchemaHasASample) {
  std::set<std::string> types;
  for (const std::string& path : JsonFiles(SWITCHBOARD_FIXTURES_DIR)) {
    EXPECT_EQ(ParseJson(ReadFile(path)).fields().at("event").string_value(), TypeOfFile(path));
    types.insert(TypeOfFile(path));
  }
  for (const std::string& path : JsonFiles(kOfficialDir)) {
    EXPECT_EQ(ParseJson(ReadFile(path)).fields().at("type").string_value(), TypeOfFile(path));
    types.insert(TypeOfFile(path));
  }
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.end()), EventTypes::Known());
}

TEST(SampleCoverageTest, JustCallsListHasAnOfficialSampleOfEachType) {
  // The v2.1 types (saaslabsco/justcall-mcp-server, src/schema/justcall/webhooks.ts).
  const std::set<std::string> v21 = {
      "call.incoming", "call.answered", "call.missed", "call.voicemail", "call.enters_queue",
      "call.exits_queue", "call.initiated", "call.completed", "call.updated", "call.ai_voice_agent",
      "jc.call_ai_generated", "sms.sent_received", "sms.sent", "sms.received", "sms.status_updated",
      "whatsapp.message_sent", "whatsapp.message_received", "whatsapp.message_status_updated",
      "jc.contact_status_updated", "appointment.scheduled", "sd.call_completed", "sd.call_updated",
      "sd.call_ai_generated"};
  std::set<std::string> samples;
  for (const std::string& path : JsonFiles(kOfficialDir)) samples.insert(TypeOfFile(path));
  EXPECT_EQ(samples, v21);
}

// ---------------------------------------------------------------------------
// Spot checks with literal values, in case the generic walk ever compares the
// wrong things.
// ---------------------------------------------------------------------------

v1::Event TranslateFile(const std::string& path) {
  absl::StatusOr<v1::Event> event = WebhookTranslator({}).Translate(ReadFile(path), kReceivedAt);
  EXPECT_TRUE(event.ok()) << path << ": " << event.status();
  return event.ok() ? *std::move(event) : v1::Event();
}

TEST(FlatSampleTest, CallCompletedHasTheRecordedValues) {
  const v1::Event event = TranslateFile(SWITCHBOARD_FIXTURES_DIR "/call.completed.json");
  ASSERT_EQ(event.payload_case(), v1::Event::kCallCompleted);
  EXPECT_EQ(event.occurred_at().seconds(), 1773325800);  // 2026-03-12T14:30:00Z
  const v1::CallCompleted& call = event.call_completed();
  EXPECT_EQ(call.call_id(), "call_8f3a2b1c");
  EXPECT_EQ(call.from(), "+14155559876");
  EXPECT_EQ(call.agent_id(), 42);
  EXPECT_EQ(call.duration(), 185);
  EXPECT_EQ(call.disposition(), "Closed Won");
}

TEST(FlatSampleTest, CallMissedHasNoAgent) {
  const v1::Event event = TranslateFile(SWITCHBOARD_FIXTURES_DIR "/call.missed.json");
  EXPECT_FALSE(event.call_missed().has_agent_id());
  EXPECT_FALSE(event.call_missed().has_agent_name());
  EXPECT_EQ(event.call_missed().ring_duration(), 30);
}

TEST(FlatSampleTest, SmsHaveNoMedia) {
  EXPECT_FALSE(TranslateFile(SWITCHBOARD_FIXTURES_DIR "/sms.received.json").sms_received().has_media_url());
  const v1::Event sent = TranslateFile(SWITCHBOARD_FIXTURES_DIR "/sms.sent.json");
  EXPECT_FALSE(sent.sms_sent().has_media_url());
  EXPECT_EQ(sent.sms_sent().agent_id(), 42);
}

TEST(FlatSampleTest, ContactUpdatedListsChangedFields) {
  const v1::Event event = TranslateFile(SWITCHBOARD_FIXTURES_DIR "/contact.updated.json");
  EXPECT_THAT(event.contact_updated().changed_fields(), ::testing::ElementsAre("company", "email"));
  EXPECT_EQ(event.contact_updated().contact_id(), 98765);
}

TEST(FlatSampleTest, SmsDeliveredHasDeliveryTime) {
  const v1::Event event = TranslateFile(SWITCHBOARD_FIXTURES_DIR "/sms.delivered.json");
  EXPECT_EQ(event.sms_delivered().delivered_at().seconds(), 1773326164);  // 14:36:04Z
}

TEST(OfficialSampleTest, CallCompletedHasTheCallObject) {
  const v1::Event event = TranslateFile(kOfficialDir + "/call.completed.json");
  EXPECT_EQ(event.id(), "01JXD2HT5FFZ5Z9QYHPK8VRKCM");
  EXPECT_EQ(event.webhook_url(), "https://webhook.site/5b7e2c90-3f1a-4d8e-9c6b-0a2f4e71d3c8");
  EXPECT_EQ(event.url_id(), "6847f1c2a9e3b05d7c41e8a2");
  EXPECT_FALSE(event.has_occurred_at()) << "the v2.1 envelope has no timestamp";
  const v1::Call& call = event.call_completed().call();
  EXPECT_EQ(call.id(), 1048576123);
  EXPECT_EQ(call.call_sid(), "CAd3fe0784bd6801797ca6fc9f9b5a4d45");
  EXPECT_EQ(call.contact_number(), "14155550142") << "numbers kept as sent, no '+'";
  EXPECT_EQ(call.agent_id(), 271553);
  EXPECT_EQ(call.call_user_time(), "07:05:12");
  EXPECT_EQ(call.cost_incurred(), 0.0285);
  EXPECT_EQ(call.call_info().direction(), "Incoming");
  EXPECT_EQ(call.call_info().type(), "Answered");
  EXPECT_EQ(call.call_duration().total_duration(), 185);
  EXPECT_EQ(call.call_duration().friendly_duration(), "00:03:05");
  EXPECT_EQ(TimeUtil::ToString(call.called_at()), "2025-06-10T14:05:12Z");
  EXPECT_EQ(event.call_completed().agent_id(), 271553) << "the flat field both shapes share";
}

TEST(OfficialSampleTest, SmsReceivedHasItsMediaList) {
  const v1::Event event = TranslateFile(kOfficialDir + "/sms.received.json");
  const v1::Sms& sms = event.sms_received().sms();
  EXPECT_EQ(sms.direction(), "Incoming");
  EXPECT_EQ(sms.sms_info().is_mms(), "true");
  ASSERT_EQ(sms.sms_info().mms_size(), 1);
  EXPECT_EQ(sms.sms_info().mms(0).content_type(), "image/jpeg");
  EXPECT_TRUE(sms.has_sent_at());
}

TEST(OfficialSampleTest, WhatsAppMessageHasOneMediaObject) {
  const v1::Event event = TranslateFile(kOfficialDir + "/whatsapp.message_received.json");
  const v1::WhatsAppMessage& message = event.whatsapp_message_received().message();
  EXPECT_EQ(message.message_info().mms().content_type(), "image/jpeg");
  EXPECT_EQ(message.delivery_status(), "received");
}

TEST(OfficialSampleTest, ContactStatusHasItsListsAndNumbers) {
  const v1::Event event = TranslateFile(kOfficialDir + "/jc.contact_status_updated.json");
  const v1::Contact& contact = event.jc_contact_status_updated().contact();
  EXPECT_EQ(contact.id(), 1234);
  EXPECT_TRUE(contact.status().blacklist());
  EXPECT_FALSE(contact.status().dnd());
  ASSERT_EQ(contact.other_numbers_size(), 1);
  EXPECT_EQ(contact.other_numbers(0).label(), "Mobile");
  ASSERT_EQ(contact.notes_size(), 1);
  EXPECT_EQ(contact.notes(0).added_at(), "2024-05-13");
}

TEST(OfficialSampleTest, AppointmentTakesIdsAndDurationAsText) {
  const v1::Event event = TranslateFile(kOfficialDir + "/appointment.scheduled.json");
  const v1::Appointment& appointment = event.appointment_scheduled().appointment();
  EXPECT_EQ(appointment.id(), "111505");
  EXPECT_EQ(appointment.slot_duration(), 15);
  EXPECT_EQ(appointment.appointment_customer_time(), "1:45:00");
  EXPECT_EQ(TimeUtil::ToString(appointment.starts_at()), "2025-04-29T05:45:00Z");
}

TEST(OfficialSampleTest, AiReportIsTyped) {
  const v1::Event event = TranslateFile(kOfficialDir + "/jc.call_ai_generated.json");
  const v1::Call& call = event.jc_call_ai_generated().call();
  EXPECT_EQ(call.justcall_ai().call_score(), 78);
  EXPECT_EQ(call.justcall_ai().customer_sentiment(), "Positive");
  ASSERT_GE(call.justcall_ai().call_transcription_size(), 2);
  EXPECT_EQ(call.justcall_ai().call_transcription(0).speaker_name(), "Maya Fernandes");
  EXPECT_EQ(call.justcall_ai().call_transcription(0).timestamp().endtime(), 3);
}

TEST(OfficialSampleTest, SalesDialerCallHasItsCampaign) {
  const v1::Event event = TranslateFile(kOfficialDir + "/sd.call_completed.json");
  const v1::SalesDialerCall& call = event.sd_call_completed().call();
  EXPECT_EQ(call.contact_id(), "5521907") << "a number kept as text";
  EXPECT_EQ(call.campaign().name(), "Q3 Renewals");
  EXPECT_EQ(call.call_info().direction(), "Outgoing");
}

}  // namespace
}  // namespace switchboard::gateway
