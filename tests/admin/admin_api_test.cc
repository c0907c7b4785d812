// The console's pure pieces, without a socket: AdminApi's pages and detail,
// EventQuery's parsing, catch-all keys and replay bodies, AdminAuth's
// decisions, the metrics sampler and the gateway's refusal ring.

#include "admin/admin_api.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin/admin_auth.h"
#include "admin/event_json.h"
#include "admin/event_query.h"
#include "gateway/webhook_translator.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "store/memory_event_log.h"

namespace switchboard::admin {
namespace {

using ::testing::HasSubstr;
namespace http = boost::beast::http;

// No subscriber; one consumer group, as GrpcStatusSources reports it.
class OneGroup : public StatusSources {
 public:
  std::vector<server::SubscriberInfo> Subscribers() override { return {}; }
  std::vector<ConsumerGroupInfo> ConsumerGroups() override {
    ConsumerGroupInfo group;
    group.name = "billing";
    group.filter = "call.*";
    group.members = 3;
    group.lag = 12;
    group.pending = 5;
    group.oldest_unacked_seconds = 1.5;
    group.dead_letters = 1;
    group.redeliveries = 7;
    return {group};
  }
};

v1::Event Translate(const std::string& body) {
  gateway::WebhookTranslator translator({});
  absl::StatusOr<v1::Event> event = translator.Translate(body, absl::Now());
  EXPECT_TRUE(event.ok()) << event.status();
  return *event;
}

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(SWITCHBOARD_FIXTURES_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

google::protobuf::Struct Json(const std::string& text) {
  google::protobuf::Struct json;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &json).ok()) << text;
  return json;
}

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 300; ++i) {
      Append(absl::StrCat(R"({"request_id":"r-)", i, R"(","type":")",
                          i % 3 == 0 ? "sms.received" : "call.completed",
                          R"(","data":{"call_id":"c-)", i, R"("}})"));
    }
  }
  void Append(const std::string& body) {
    log_.Append(Translate(body), [](absl::StatusOr<AppendResult> result) {
      ASSERT_TRUE(result.ok());
    });
  }
  gateway::HttpResponse Get(const std::string& target) {
    gateway::HttpRequest request(http::verb::get, target, 11);
    return api_.Handle(request);
  }

  MemoryEventLog log_{MemoryEventLog::Options{}};
  ServiceMetrics metrics_;
  MetricsSampler sampler_{&metrics_};
  gateway::RefusalRing refusals_{4};
  OneGroup status_;
  AdminApi api_{{&log_, &metrics_, &sampler_, &refusals_, &status_, {"memory"}, {}}};
};

TEST_F(AdminApiTest, PagesGoNewestFirstAndContinueWithoutGapOrOverlap) {
  std::vector<double> seen;
  std::string target = "/api/events?limit=70";
  for (int page = 0; page < 10; ++page) {
    gateway::HttpResponse response = Get(target);
    ASSERT_EQ(response.result_int(), 200) << response.body();
    google::protobuf::Struct json = Json(response.body());
    for (const auto& event : json.fields().at("events").list_value().values()) {
      seen.push_back(event.struct_value().fields().at("sequence").number_value());
    }
    const double next = json.fields().at("next_before").number_value();
    if (next == 0) break;
    target = absl::StrCat("/api/events?limit=70&before=", next);
  }
  ASSERT_EQ(seen.size(), 300u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 300 - i);
  // Towards the newest: the oldest events after `after`, shown newest first.
  google::protobuf::Struct newer = Json(Get("/api/events?after=10&limit=5").body());
  const auto& events = newer.fields().at("events").list_value().values();
  ASSERT_EQ(events.size(), 5);
  EXPECT_EQ(events[0].struct_value().fields().at("sequence").number_value(), 15);
  EXPECT_EQ(newer.fields().at("next_after").number_value(), 15);
}

TEST_F(AdminApiTest, FiltersTextAndIdFindTheirEvents) {
  google::protobuf::Struct sms = Json(Get("/api/events?types=sms.*&limit=1000").body());
  EXPECT_EQ(sms.fields().at("events").list_value().values_size(), 100);
  google::protobuf::Struct text = Json(Get("/api/events?q=C-123%22").body());
  ASSERT_EQ(text.fields().at("events").list_value().values_size(), 1);
  google::protobuf::Struct id = Json(Get("/api/events?id=r-42").body());
  ASSERT_EQ(id.fields().at("events").list_value().values_size(), 1);
  EXPECT_EQ(id.fields().at("events").list_value().values(0).struct_value().fields().at("sequence").number_value(), 42);
}

TEST_F(AdminApiTest, TheDetailOfAnOfficialCallCompleted) {
  Append(Fixture("v2.1/call.completed.json"));
  gateway::HttpResponse response = Get("/api/events/301");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  google::protobuf::Struct detail = Json(response.body());
  const auto& fields = detail.fields();
  EXPECT_EQ(fields.at("type").string_value(), "call.completed");
  ASSERT_EQ(fields.at("catch_all_keys").list_value().values_size(), 1);
  EXPECT_EQ(fields.at("catch_all_keys").list_value().values(0).string_value(), "data.queue_callback");
  EXPECT_TRUE(fields.at("typed").struct_value().fields().contains("callCompleted"));
  EXPECT_FALSE(fields.at("typed").struct_value().fields().contains("dataJson"));
  // The replay body stores the same event again: same id, same data, byte for byte.
  const std::string body = fields.at("replay").struct_value().fields().at("body").string_value();
  v1::Event replayed = Translate(body);
  std::vector<EventPtr> original;
  ASSERT_TRUE(log_.Read(300, 1, &original).ok());
  EXPECT_EQ(replayed.id(), original[0]->event().id());
  EXPECT_EQ(replayed.data_json(), original[0]->event().data_json());
  EXPECT_EQ(replayed.webhook_url(), original[0]->event().webhook_url());
  EXPECT_THAT(fields.at("replay").struct_value().fields().at("cli").string_value(),
              HasSubstr("switchboard-cli send --url"));
  EXPECT_EQ(Get("/api/events/999").result_int(), 404);
}

TEST_F(AdminApiTest, OverviewSeriesAndRefusals) {
  metrics_.webhooks.WithLabels({"call.completed", "200"}).Increment(3);
  sampler_.Sample(absl::Now());
  metrics_.webhooks.WithLabels({"call.completed", "200"}).Increment(10);
  sampler_.Sample(absl::Now() + absl::Seconds(5));
  google::protobuf::Struct series = Json(Get("/api/series").body());
  EXPECT_EQ(series.fields().at("points").number_value(), 1);
  const auto& webhooks = series.fields().at("webhooks").list_value().values();
  ASSERT_EQ(webhooks.size(), 1);
  EXPECT_NEAR(webhooks[0].struct_value().fields().at("per_second").list_value().values(0).number_value(),
              2.0, 0.1);
  for (int i = 0; i < 6; ++i) {
    refusals_.Add(absl::Now(), 400, "invalid",
                  absl::StrCat(R"({"error":{"status":400,"message":"bad )", i, R"("}})"));
  }
  google::protobuf::Struct refused = Json(Get("/api/refusals").body());
  EXPECT_EQ(refused.fields().at("total").number_value(), 6);
  ASSERT_EQ(refused.fields().at("refusals").list_value().values_size(), 4);  // the ring keeps 4
  EXPECT_THAT(Get("/api/refusals").body(), HasSubstr("bad 5"));
  google::protobuf::Struct overview = Json(Get("/api/overview").body());
  EXPECT_EQ(overview.fields().at("store").struct_value().fields().at("events").number_value(), 300);
  const auto& groups = overview.fields().at("consumer_groups").list_value();
  ASSERT_EQ(groups.values_size(), 1);
  const auto& group = groups.values(0).struct_value().fields();
  EXPECT_EQ(group.at("name").string_value(), "billing");
  EXPECT_EQ(group.at("filter").string_value(), "call.*");
  EXPECT_EQ(group.at("members").number_value(), 3);
  EXPECT_EQ(group.at("lag").number_value(), 12);
  EXPECT_EQ(group.at("pending").number_value(), 5);
  EXPECT_EQ(group.at("oldest_unacked_seconds").number_value(), 1.5);
  EXPECT_EQ(group.at("dead_letters").number_value(), 1);
  EXPECT_EQ(group.at("redeliveries").number_value(), 7);
}

// JSON must be UTF-8, and strict clients (Python's json, simdjson) refuse a
// whole answer for one stray byte: what an answer quotes back that is not
// UTF-8 (a header, a type cut at its length limit) comes out as U+FFFD.
TEST_F(AdminApiTest, AnswersQuotingBytesThatAreNotUtf8AreStillJson) {
  absl::StatusOr<AdminAuth> open = AdminAuth::Create({true, false, nullptr});
  ASSERT_TRUE(open.ok());
  gateway::HttpRequest request(http::verb::get, "/api/overview", 11);
  request.set(http::field::host, "localhost");
  request.set(http::field::origin, "http://evil.exa\xa7mple");
  const absl::Status refused = open->Check(request, true);
  ASSERT_TRUE(absl::IsPermissionDenied(refused));
  const std::string body =
      gateway::MakeErrorResponse(http::status::forbidden, refused.message(), "", 11, false).body();
  EXPECT_TRUE(simdjson::validate_utf8(body.data(), body.size())) << body;
  EXPECT_THAT(Json(body).fields().at("error").struct_value().fields().at("message").string_value(),
              HasSubstr("evil.exa\xef\xbf\xbdmple"));

  // A type of 127 ASCII bytes and a two-byte letter, cut by the ring at 128.
  refusals_.Add(absl::Now(), 400, std::string(127, 'a') + "\xc3\xa9", "not json \xff");
  const std::string refusals = Get("/api/refusals").body();
  EXPECT_TRUE(simdjson::validate_utf8(refusals.data(), refusals.size())) << refusals;
  const google::protobuf::Struct json = Json(refusals);
  const auto& entry = json.fields().at("refusals").list_value().values(0).struct_value().fields();
  EXPECT_EQ(entry.at("type").string_value(), std::string(127, 'a') + "\xef\xbf\xbd");
}

TEST(EventQueryTest, BadParametersNameThemselves) {
  EXPECT_TRUE(ParseEventQuery("types=call.*,sms.received&q=a+b&limit=10&since=2026-01-01T00:00:00Z").ok());
  for (const char* query : {"limit=0", "before=x", "after=1&before=2", "types=nope", "q=%4", "zz=1",
                            "id=", "since=today"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseEventQuery(query).status())) << query;
  }
  EXPECT_EQ(*UrlDecode("%41+b%2c"), "A b,");
  EXPECT_FALSE(UrlDecode("%G1").has_value());
}

TEST(AdminAuthTest, LoopbackIsOpenToLoopbackHostsOnlyAndElsewhereTokensDecide) {
  auto tokens = server::SubscriberAuth::FromText(
      "sha256:" + std::string(64, '0') + " x *\n", "tokens");  // no admin grant
  ASSERT_TRUE(tokens.ok());
  EXPECT_FALSE(AdminAuth::Create({false, false, &*tokens}).ok());
  EXPECT_FALSE(AdminAuth::Create({true, true, nullptr}).ok());
  absl::StatusOr<AdminAuth> open = AdminAuth::Create({true, false, nullptr});
  ASSERT_TRUE(open.ok());
  gateway::HttpRequest request(http::verb::get, "/api/overview", 11);
  request.set(http::field::host, "127.0.0.1:8081");
  EXPECT_TRUE(open->Check(request, true).ok());
  request.set(http::field::host, "localhost:8081");
  EXPECT_TRUE(open->Check(request, true).ok());
  request.set(http::field::origin, "http://evil.example");
  EXPECT_TRUE(absl::IsPermissionDenied(open->Check(request, true)));
  request.erase(http::field::origin);
  request.set(http::field::host, "evil.example");
  EXPECT_TRUE(absl::IsPermissionDenied(open->Check(request, false)));
  EXPECT_TRUE(IsLoopbackHost("[::1]:8081"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.2"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0:8081"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1:8081"));
}

}  // namespace
}  // namespace switchboard::admin
