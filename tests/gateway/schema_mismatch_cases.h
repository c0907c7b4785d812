#ifndef SWITCHBOARD_TESTS_GATEWAY_SCHEMA_MISMATCH_CASES_H_
#define SWITCHBOARD_TESTS_GATEWAY_SCHEMA_MISMATCH_CASES_H_

// Authentic webhooks with one value that does not fit its typed field. Each
// must be stored (200), with the typed field absent, the value kept as sent
// (in data_json, or for an envelope key in envelope_extras), the mismatch
// on the event with its path, and counted in /metrics. Shared by the
// translator's unit test and the end-to-end test over HTTP and gRPC.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::testing {

struct MismatchCase {
  std::string name;
  std::string body;
  std::string type;           // the event type (metric label)
  std::string path;           // SchemaMismatch.path
  std::string field_label;    // the metric's `field` label
  std::string reason;         // a substring of SchemaMismatch.reason
  std::string kept;           // the value's JSON text as sent
  std::string envelope_key;   // set when `kept` is in envelope_extras, not data_json
  std::function<bool(const v1::Event&)> typed_absent;
};

// An official call.completed; its request_id (the event id, de-duplicated on)
// differs with its data.
inline std::string OfficialCall(const std::string& data_members) {
  return absl::StrCat(R"({"request_id": "01JXMISMATCH)", std::hash<std::string>{}(data_members),
                      R"(", "webhook_url": "https://hooks.example.com/jc", )",
                      R"("url_id": "6847f1c2a9e3b05d7c41e8a2", "type": "call.completed", "data": {)",
                      R"("call_sid": "CA01", "contact_number": "14155550142", )", data_members, "}}");
}

inline std::string Typed(const std::string& type, const std::string& data) {
  return absl::StrCat(R"({"event": ")", type, R"(", "timestamp": "2026-03-12T14:30:00Z", "data": )",
                      data, "}");
}

inline std::vector<MismatchCase> MismatchCases() {
  const std::string long_id(257, 'r');
  return {
      {"TextForAnInteger", OfficialCall(R"("call_duration": {"total_duration": "three minutes"})"),
       "call.completed", "data.call_duration.total_duration", "data.call_duration.total_duration",
       "expected an integer, got a string", R"("three minutes")", "",
       [](const v1::Event& e) { return !e.call_completed().call().call_duration().has_total_duration(); }},
      {"IdBeyond64Bits", OfficialCall(R"("id": 123456789012345678901234567890)"), "call.completed",
       "data.id", "data.id", "integer out of range", "123456789012345678901234567890", "",
       [](const v1::Event& e) { return !e.call_completed().call().has_id(); }},
      {"AgentIdAboveInt64", OfficialCall(R"("agent_id": 9223372036854775808)"), "call.completed",
       "data.agent_id", "data.agent_id", "integer out of range", "9223372036854775808", "",
       [](const v1::Event& e) {
         return !e.call_completed().has_agent_id() && !e.call_completed().call().has_agent_id();
       }},
      {"FractionForAnInteger", Typed("call.completed", R"({"call_id": "c1", "duration": 1.5})"),
       "call.completed", "data.duration", "data.duration", "expected an integer, got a fraction",
       "1.5", "", [](const v1::Event& e) { return !e.call_completed().has_duration(); }},
      {"BooleanForText", OfficialCall(R"("contact_name": true)"), "call.completed",
       "data.contact_name", "data.contact_name", "expected a string, got a boolean", "true", "",
       [](const v1::Event& e) { return !e.call_completed().call().has_contact_name(); }},
      {"TextForAnObject", OfficialCall(R"("call_info": "Incoming")"), "call.completed",
       "data.call_info", "data.call_info", "expected an object, got a string", R"("Incoming")", "",
       [](const v1::Event& e) { return !e.call_completed().call().has_call_info(); }},
      {"TextForAList", OfficialCall(R"("call_info": {"direction": "Incoming", "call_traits": "voice_agent"})"),
       "call.completed", "data.call_info.call_traits", "data.call_info.call_traits",
       "expected an array, got a string", R"("voice_agent")", "",
       [](const v1::Event& e) {
         const v1::CallInfo& info = e.call_completed().call().call_info();
         return info.call_traits_size() == 0 && info.direction() == "Incoming";
       }},
      {"ListElementOfAnotherShape",
       Typed("jc.contact_status_updated",
             R"({"id": 7, "other_numbers": [{"label": "Mobile", "number": "1987"}, 5]})"),
       "jc.contact_status_updated", "data.other_numbers[1]", "data.other_numbers[]",
       "expected an object, got an integer", R"([{"label": "Mobile", "number": "1987"}, 5])", "",
       [](const v1::Event& e) {
         return e.jc_contact_status_updated().contact().other_numbers_size() == 0 &&
                e.jc_contact_status_updated().contact().id() == 7;
       }},
      {"NumberInAListOfObjects",
       Typed("jc.contact_status_updated",
             R"({"notes": [{"description": "ok", "added_at": "2024-05-13"}, {"description": 5.5}]})"),
       "jc.contact_status_updated", "data.notes[1].description", "data.notes[].description",
       "expected a string, got a number", "5.5", "",
       [](const v1::Event& e) {
         const v1::Contact& c = e.jc_contact_status_updated().contact();
         return c.notes_size() == 2 && c.notes(0).description() == "ok" &&
                !c.notes(1).has_description();
       }},
      {"UnparsableTime", Typed("sms.delivered", R"({"message_id": "m1", "delivered_at": "yesterday"})"),
       "sms.delivered", "data.delivered_at", "data.delivered_at", "expected a time as RFC 3339",
       R"("yesterday")", "", [](const v1::Event& e) { return !e.sms_delivered().has_delivered_at(); }},
      {"TimeBeforeYearOne",
       Typed("sms.delivered", R"({"message_id": "m1", "delivered_at": "0000-12-31T23:59:59Z"})"),
       "sms.delivered", "data.delivered_at", "data.delivered_at", "out of range",
       R"("0000-12-31T23:59:59Z")", "",
       [](const v1::Event& e) { return !e.sms_delivered().has_delivered_at(); }},
      {"DateThatIsNotADate",
       OfficialCall(R"("call_date": "10/06/2025", "call_time": "14:05:12")"), "call.completed",
       "data.call_date", "data.call_date", "do not read as a UTC date", R"("10/06/2025")", "",
       [](const v1::Event& e) {
         return !e.call_completed().call().has_called_at() &&
                e.call_completed().call().call_date() == "10/06/2025";
       }},
      {"BooleanAsText", Typed("sms.sent_received", R"({"id": 1, "is_deleted": "no"})"),
       "sms.sent_received", "data.is_deleted", "data.is_deleted", "expected a boolean, got a string",
       R"("no")", "", [](const v1::Event& e) { return !e.sms_sent_received().sms().has_is_deleted(); }},
      {"AmountThatIsNotANumber", Typed("sms.sent_received", R"({"id": 1, "cost_incurred": "free"})"),
       "sms.sent_received", "data.cost_incurred", "data.cost_incurred", "not one", R"("free")", "",
       [](const v1::Event& e) { return !e.sms_sent_received().sms().has_cost_incurred(); }},
      {"EnvelopeTimestampMonth13",
       R"({"event": "call.completed", "timestamp": "2026-13-12T14:30:00Z", "data": {}})",
       "call.completed", "timestamp", "timestamp", "expected a time as RFC 3339",
       R"("2026-13-12T14:30:00Z")", "timestamp",
       [](const v1::Event& e) { return !e.has_occurred_at(); }},
      {"EnvelopeTimestampAsUnixSeconds",
       R"({"event": "call.completed", "timestamp": 1773325800, "data": {}})", "call.completed",
       "timestamp", "timestamp", "expected a time string, got an integer", "1773325800", "timestamp",
       [](const v1::Event& e) { return !e.has_occurred_at(); }},
      {"RequestIdTooLong",
       absl::StrCat(R"({"request_id": ")", long_id, R"(", "type": "call.completed", "data": {}})"),
       "call.completed", "request_id", "request_id", "must be 1 to 256 bytes",
       absl::StrCat("\"", long_id, "\""), "request_id",
       [long_id](const v1::Event& e) { return e.id() != long_id && e.id().size() == 36; }},
      {"RequestIdObject",
       R"({"request_id": {"id": "r1"}, "type": "call.completed", "data": {}})", "call.completed",
       "request_id", "request_id", "expected a string, got an object", R"({"id": "r1"})",
       "request_id", [](const v1::Event& e) { return e.id().size() == 36; }},
      {"UrlIdObject",
       R"({"request_id": "01JXURLID", "url_id": {"id": 1}, "type": "call.updated", "data": {}})",
       "call.updated", "url_id", "url_id", "expected a string or an integer, got an object",
       R"({"id": 1})", "url_id", [](const v1::Event& e) { return e.url_id().empty(); }},
  };
}

}  // namespace switchboard::testing

#endif  // SWITCHBOARD_TESTS_GATEWAY_SCHEMA_MISMATCH_CASES_H_
