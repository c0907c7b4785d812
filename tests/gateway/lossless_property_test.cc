// Property test: random JSON objects as `data`, under known and unknown types
// and both envelopes, come back from the event exactly: `data_json` is the
// text sent, byte for byte, whatever the values (integers at and beyond the
// 53- and 64-bit limits, unicode, escapes, empty strings, arrays of objects,
// nesting up to the depth limit). Seeded, so a failure reproduces.

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gateway/webhook_translator.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::gateway {
namespace {

const absl::Time kReceivedAt = absl::FromUnixSeconds(1773327600);

// Integers around every limit a JSON reader or the schema has.
const std::vector<std::string> kIntegers = {
    "0", "-0", "1", "-1", "42", "9007199254740991", "9007199254740992", "9007199254740993",
    "-9007199254740991", "-9007199254740992", "-9007199254740993", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "-18446744073709551616",
    "123456789012345678901234567890", "-99999999999999999999999999999999999999"};
const std::vector<std::string> kNumbers = {
    "0.5", "-0.0", "1e-400", "1.7976931348623157e308", "1e400", "-2E+308", "0.1",
    "3.141592653589793238462643383279502884", "12345678901234567.0", "1E3", "6.02e23"};
const std::vector<std::string> kStrings = {
    R"("")", R"(" ")", R"("plain")", "\"caf\xC3\xA9\"", "\"\xE6\x97\xA5\xE6\x9C\xAC\"",
    "\"\xF0\x9F\x93\x9E call\"", R"("quote \" backslash \\ slash \/")", R"("\n\r\t\b\f")",
    R"("\u0000 nul")", R"("\u00e9 \ud83d\ude00")", R"("123")", R"("-7")", R"("1.5")",
    R"("2026-03-12T14:30:00Z")", R"("2025-06-10")", R"("14:05:12")", R"("true")", R"("null")"};
// Keys the schema types somewhere (so typed fields meet random values) and
// keys it does not.
const std::vector<std::string> kKeys = {
    "id", "agent_id", "agent_name", "call_id", "duration", "direction", "call_info", "call_duration",
    "total_duration", "call_traits", "sms_info", "mms", "body", "notes", "other_numbers", "status",
    "blacklist", "delivered_at", "changed_fields", "call_date", "call_time", "cost_incurred",
    "justcall_ai", "call_transcription", "timestamp", "x", "", "k\xC3\xA9y", "with space",
    "q\\\"uote", "a.b", "[0]"};
const std::vector<std::string> kTypes = {
    "call.completed", "call.missed", "sms.received", "sms.delivered", "contact.updated",
    "call.updated", "jc.call_ai_generated", "sms.sent_received", "whatsapp.message_received",
    "jc.contact_status_updated", "appointment.scheduled", "sd.call_completed", "ticket.created",
    "crm.deal.stage-changed"};

class JsonGenerator {
 public:
  explicit JsonGenerator(uint64_t seed) : random_(seed) {}

  // A JSON object at nesting level `level` (data is level 2; its members'
  // values are at level + 1), no duplicate keys, no container deeper than
  // `max_level`.
  std::string Object(int level, int max_level) {
    const int members = Pick(level >= max_level ? 1 : 7);
    std::string out = "{";
    std::set<std::string> used;
    for (int i = 0; i < members; ++i) {
      const std::string& key = kKeys[Pick(kKeys.size())];
      if (!used.insert(key).second) continue;
      if (used.size() > 1) out += Space() + ",";
      absl::StrAppend(&out, Space(), "\"", key, "\"", Space(), ":", Space(),
                      Value(level + 1, max_level));
    }
    return out + Space() + "}";
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }

  std::string Space() {
    static const char* const kSpaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
    return kSpaces[Pick(7)];
  }

  // A value at nesting level `level`.
  std::string Value(int level, int max_level) {
    const bool can_nest = level <= max_level;
    switch (Pick(can_nest ? 9 : 6)) {
      case 0: return kIntegers[Pick(kIntegers.size())];
      case 1: return kNumbers[Pick(kNumbers.size())];
      case 2:
      case 3: return kStrings[Pick(kStrings.size())];
      case 4: return Pick(2) ? "true" : "false";
      case 5: return "null";
      case 6:
      case 7: return Object(level, max_level);
      default: {
        std::string out = "[";
        const int items = Pick(5);
        const bool objects = Pick(2);
        for (int i = 0; i < items; ++i) {
          if (i > 0) out += "," + Space();
          out += objects && level + 1 <= max_level ? Object(level + 1, max_level)
                                                   : Value(level + 1, max_level);
        }
        return out + "]";
      }
    }
  }

  std::mt19937_64 random_;
};

std::string Body(const std::string& type, const std::string& data, bool v21, int n) {
  if (v21) {
    return absl::StrCat(R"({"request_id": "prop-)", n, R"(", "type": ")", type, R"(", "data": )",
                        data, "}");
  }
  return absl::StrCat(R"({"event": ")", type, R"(", "timestamp": "2026-03-12T14:30:00Z", "data":)",
                      data, "}");
}

TEST(LosslessPropertyTest, RandomDataComesBackByteForByte) {
  const WebhookTranslator translator({});  // max_depth 32
  int typed = 0, mismatched = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    JsonGenerator generator(seed);
    // Mostly shallow, sometimes as deep as the limit allows (the envelope is
    // level 1, data level 2, so data's deepest value is at level 32).
    const int max_level = seed % 50 == 0 ? 32 : 2 + static_cast<int>(seed % 6);
    const std::string data = generator.Object(2, max_level);
    const std::string& type = kTypes[seed % kTypes.size()];
    const bool v21 = seed % 2 == 0;
    SCOPED_TRACE(absl::StrCat("seed ", seed, " type ", type, v21 ? " v2.1" : " flat", "\n", data));
    const std::string body = Body(type, data, v21, seed);
    const absl::StatusOr<v1::Event> event = translator.Translate(body, kReceivedAt);
    ASSERT_TRUE(event.ok()) << event.status();
    ASSERT_EQ(event->data_json(), data);
    EXPECT_EQ(event->type(), type);
    for (const v1::SchemaMismatch& mismatch : event->schema_mismatches()) {
      EXPECT_TRUE(absl::StartsWith(mismatch.path(), "data.")) << mismatch.path();
      EXPECT_FALSE(mismatch.reason().empty());
    }
    typed += event->payload_case() != v1::Event::kOther;
    mismatched += event->schema_mismatches_size() > 0;
    // What a subscriber receives: the serialized event, parsed back.
    v1::Event received;
    ASSERT_TRUE(received.ParseFromString(event->SerializeAsString()));
    ASSERT_EQ(received.data_json(), data);
    // A retry is the same event.
    const absl::StatusOr<v1::Event> retry = translator.Translate(body, kReceivedAt + absl::Minutes(1));
    ASSERT_TRUE(retry.ok());
    EXPECT_EQ(retry->id(), event->id());
  }
  // The generator reaches typed payloads and mismatches, or the test proves little.
  EXPECT_GT(typed, 1000);
  EXPECT_GT(mismatched, 100);
}

// Integers at the limits in an int64 field: exact when in range, otherwise
// absent with a mismatch; exact in data_json either way.
TEST(LosslessPropertyTest, IntegersAtTheLimitsAreExactOrReported) {
  const WebhookTranslator translator({});
  for (const std::string& n : kIntegers) {
    SCOPED_TRACE(n);
    const std::string data = absl::StrCat(R"({"agent_id": )", n, "}");
    const absl::StatusOr<v1::Event> event = translator.Translate(Body("call.completed", data, true, 1), kReceivedAt);
    ASSERT_TRUE(event.ok()) << event.status();
    EXPECT_EQ(event->data_json(), data);
    int64_t want;
    if (absl::SimpleAtoi(n, &want)) {
      ASSERT_TRUE(event->call_completed().has_agent_id());
      EXPECT_EQ(event->call_completed().agent_id(), want);
      EXPECT_EQ(event->call_completed().call().agent_id(), want);
      EXPECT_EQ(event->schema_mismatches_size(), 0);
    } else {
      EXPECT_FALSE(event->call_completed().has_agent_id());
      ASSERT_EQ(event->schema_mismatches_size(), 1);
      EXPECT_EQ(event->schema_mismatches(0).path(), "data.agent_id");
    }
  }
}

}  // namespace
}  // namespace switchboard::gateway
