// The operator console's listener against the real binary: separate from the
// webhook port, who may use it (loopback, admin tokens off loopback, Host and
// Origin checks), hostile query strings and WebSocket frames, and a viewer
// that never reads, none of which may touch ingest.
//
// "Off loopback" without another machine: the listener is bound to 0.0.0.0
// (every interface, so not loopback: tokens are required) and the test
// connects to it through 127.0.0.1. What the rule looks at is the address
// the listener is bound to, not the peer's (a local reverse proxy would make
// every peer look local), so this is the same code path a remote browser
// takes, and no packet leaves loopback.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/websocket.hpp"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "console_viewer.h"
#include "switchboard_process.h"
#include "webhook_answers.h"

namespace switchboard::e2e {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using ::testing::HasSubstr;

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct json;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text, &json).ok()) << text;
  return json;
}

HttpResponse Get(int port, absl::string_view target, const HttpConnection::Headers& headers = {}) {
  HttpConnection connection;
  if (std::string error = connection.Connect(port); !error.empty()) {
    HttpResponse failed;
    failed.error = error;
    return failed;
  }
  return connection.Request(http::verb::get, target, "", "", headers);
}

// Reads "events" frames until `count` events arrived (or `timeout`); returns
// how many did.
size_t ReadEvents(Viewer& viewer, size_t count, absl::Duration timeout) {
  size_t got = 0;
  const absl::Time deadline = absl::Now() + timeout;
  while (got < count && absl::Now() < deadline) {
    std::optional<std::string> message = viewer.Read(deadline - absl::Now());
    if (!message) break;
    google::protobuf::Struct json = ParseJson(*message);
    if (json.fields().at("kind").string_value() == "events") {
      got += json.fields().at("events").list_value().values_size();
    }
  }
  return got;
}

// The headers of a WebSocket upgrade, for seeing its HTTP answer.
const HttpConnection::Headers kUpgrade = {{"Connection", "Upgrade"},
                                          {"Upgrade", "websocket"},
                                          {"Sec-WebSocket-Version", "13"},
                                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};

std::string Webhook(int n) { return CallCompletedWebhook(absl::StrCat("admin-", n)); }

class AdminE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/switchboard_admin.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string TokenFile() {
    const std::string path = dir_ + "/tokens";
    std::ofstream(path) << "sha256:" << Sha256Hex("subscriber-token") << " billing call.*\n"
                        << "sha256:" << Sha256Hex("admin-token") << " oncall * admin\n";
    return path;
  }

  std::string dir_;
};

TEST_F(AdminE2eTest, TheConsoleIsNotOnTheWebhookPort) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  ASSERT_GT(server.admin_port(), 0);
  ASSERT_NE(server.admin_port(), server.http_port());
  for (const char* path : {"/", "/index.html", "/app.js", "/api/overview", "/api/events",
                           "/api/tail"}) {
    EXPECT_EQ(HttpGet(server.http_port(), path).status, 404) << path;
  }
  EXPECT_EQ(HttpGet(server.admin_port(), "/").status, 200);
  EXPECT_EQ(HttpGet(server.admin_port(), "/api/overview").status, 200);
  // The probes are on both.
  for (const char* path : {"/metrics", "/healthz", "/readyz"}) {
    EXPECT_EQ(HttpGet(server.http_port(), path).status, 200) << path;
    EXPECT_EQ(HttpGet(server.admin_port(), path).status, 200) << path;
  }
}

TEST_F(AdminE2eTest, TheHealthViewShowsConsumerGroupsWithTheirMembersAndPendingEvents) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  auto stub = v1::EventStream::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = stub->Consume(&context);
  v1::ConsumeRequest join;
  join.mutable_join()->set_group("billing");
  join.mutable_join()->add_event_types("call.*");
  join.mutable_join()->set_max_unacked(10);
  ASSERT_TRUE(stream->Write(join));
  v1::ConsumeResponse response;
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(response.has_joined()) << response.DebugString();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(HttpPost(server.http_port(), "/webhooks/justcall", Webhook(i)).status, 200);
  }
  int delivered = 0;  // held, not acked
  while (delivered < 3 && stream->Read(&response)) {
    delivered += response.deliveries().deliveries_size();
  }
  ASSERT_EQ(delivered, 3);

  google::protobuf::Struct group;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  for (; absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(50))) {
    HttpResponse overview = HttpGet(server.admin_port(), "/api/overview");
    ASSERT_EQ(overview.status, 200) << overview.body;
    const google::protobuf::Struct json = ParseJson(overview.body);
    const auto& groups = json.fields().at("consumer_groups").list_value();
    if (groups.values_size() == 1) {
      group = groups.values(0).struct_value();
      if (group.fields().at("pending").number_value() == 3) break;
    }
  }
  ASSERT_FALSE(group.fields().empty()) << "the group never showed up in /api/overview";
  EXPECT_EQ(group.fields().at("name").string_value(), "billing");
  EXPECT_EQ(group.fields().at("filter").string_value(), "call.*");
  EXPECT_EQ(group.fields().at("members").number_value(), 1);
  EXPECT_EQ(group.fields().at("pending").number_value(), 3);
  EXPECT_EQ(group.fields().at("lag").number_value(), 3);
  EXPECT_EQ(group.fields().at("dead_letters").number_value(), 0);
  context.TryCancel();
}

TEST_F(AdminE2eTest, OffLoopbackEveryRequestNeedsAnAdminToken) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--admin_addr=0.0.0.0:0", "--grpc_token_file=" + TokenFile()}));
  ASSERT_TRUE(server.WaitForOutput("needs an admin token", absl::Seconds(1)));
  const int port = server.admin_port();
  HttpResponse none = Get(port, "/api/overview");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_THAT(none.body, HasSubstr("admin token"));
  HttpResponse unknown = Get(port, "/api/overview", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(unknown.status, 401) << unknown.body;
  HttpResponse subscriber =
      Get(port, "/api/overview", {{"Authorization", "Bearer subscriber-token"}});
  EXPECT_EQ(subscriber.status, 403) << subscriber.body;
  EXPECT_THAT(subscriber.body, HasSubstr("no `admin` grant"));
  EXPECT_EQ(Get(port, "/api/overview", {{"Authorization", "Bearer admin-token"}}).status, 200);
  EXPECT_EQ(Get(port, "/api/events", {{"Cookie", "a=b; switchboard_admin=admin-token"}}).status,
            200);
  EXPECT_EQ(Get(port, "/metrics").status, 401);
  EXPECT_EQ(Get(port, "/api/events/1").status, 401);
  // The page itself (no data) and the probes need no token.
  EXPECT_EQ(Get(port, "/").status, 200);
  EXPECT_EQ(Get(port, "/healthz").status, 200);
  // The live tail too: without a token the upgrade is refused.
  Viewer viewer;
  EXPECT_THAT(viewer.Connect(port), HasSubstr("declined"));
  EXPECT_EQ(Get(port, "/api/tail", kUpgrade).status, 401);

  // Signing in sets the cookie the page then carries.
  HttpConnection connection;
  ASSERT_EQ(connection.Connect(port), "");
  HttpResponse session = connection.Request(http::verb::post, "/api/session", "", "",
                                            {{"Authorization", "Bearer admin-token"}});
  EXPECT_EQ(session.status, 200) << session.body;
  HttpResponse refused = Get(port, "/api/session", {});
  EXPECT_EQ(refused.status, 401);
}

TEST_F(AdminE2eTest, OffLoopbackWithoutAnAdminTokenTheServerDoesNotStart) {
  SwitchboardProcess server;
  EXPECT_FALSE(server.Start({"--admin_addr=0.0.0.0:0"}, absl::Seconds(10)));
  std::optional<int> status = server.WaitForExit(absl::Seconds(5));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(DescribeWaitStatus(*status), "exited with 2");
  EXPECT_THAT(server.output(), HasSubstr("needs an admin token"));
}

TEST_F(AdminE2eTest, OnLoopbackForeignHostsAndOriginsAreRefused) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  const int port = server.admin_port();
  // DNS rebinding: a page of evil.example resolved to 127.0.0.1.
  HttpResponse rebinding = Get(port, "/api/overview", {{"Host", "evil.example"}});
  EXPECT_EQ(rebinding.status, 403) << rebinding.body;
  HttpResponse cross = Get(port, "/api/overview", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(cross.status, 403) << cross.body;
  EXPECT_EQ(Get(port, "/api/overview", {{"Origin", absl::StrCat("http://127.0.0.1:", port)}}).status,
            200);
  Viewer viewer;
  EXPECT_THAT(viewer.Connect(port, "http://evil.example"), HasSubstr("declined"));
  HttpConnection::Headers upgrade = kUpgrade;
  upgrade.emplace_back("Origin", "http://evil.example");
  EXPECT_EQ(Get(port, "/api/tail", upgrade).status, 403);
  Viewer same_origin;
  EXPECT_EQ(same_origin.Connect(port, absl::StrCat("http://127.0.0.1:", port)), "");
}

TEST_F(AdminE2eTest, HostileQueryStringsGetPreciseErrorsAndIngestGoesOn) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  const int port = server.admin_port();
  ASSERT_EQ(HttpPost(server.http_port(), "/webhooks/justcall", Webhook(1)).status, 200);
  struct Case {
    std::string target;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/api/events?limit=abc", 400, "query.limit"},
      {"/api/events?limit=0", 400, "query.limit"},
      {"/api/events?limit=100000", 400, "query.limit"},
      {"/api/events?before=-1", 400, "query.before"},
      {"/api/events?before=99999999999999999999999", 400, "query.before"},
      {"/api/events?before=1&after=2", 400, "query.after"},
      {"/api/events?since=yesterday", 400, "query.since"},
      {"/api/events?types=call.complete", 400, "query.types"},
      {"/api/events?types=%00", 400, "query.types"},
      {"/api/events?q=%zz", 400, "query"},
      {"/api/events?q=a&q=b", 400, "query.q"},
      {"/api/events?drop=table", 400, "query"},
      {absl::StrCat("/api/events?q=", std::string(300, 'x')), 400, "query.q"},
      {"/api/events/abc", 400, "path"},
      {"/api/events/0", 400, "path"},
      {"/api/events/-5", 400, "path"},
      {"/api/events/99", 404, ""},
      {"/api/overview?x=1", 400, "query"},
      {"/api/nothing", 404, ""},
  };
  for (const Case& c : cases) {
    HttpResponse response = HttpGet(port, c.target);
    EXPECT_EQ(response.status, c.status) << c.target << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/json") << c.target;
    if (!c.field.empty()) {
      EXPECT_THAT(response.body, HasSubstr(absl::StrCat("\"field\":\"", c.field, "\"")))
          << c.target << ": " << response.body;
    }
  }
  // Too long a request line: 431, not a crash.
  EXPECT_EQ(HttpGet(port, absl::StrCat("/api/events?q=", std::string(20000, 'a'))).status, 431);
  HttpResponse post = HttpPost(port, "/api/events", "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(HttpPost(server.http_port(), "/webhooks/justcall", Webhook(2)).status, 200);
  HttpResponse page = HttpGet(port, "/api/events?limit=10&types=call.*&q=ADMIN-2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(ParseJson(page.body).fields().at("events").list_value().values_size(), 1) << page.body;
}

TEST_F(AdminE2eTest, HostileWebSocketFramesGetPreciseAnswersAndIngestGoesOn) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  const int port = server.admin_port();
  {
    Viewer viewer;
    ASSERT_EQ(viewer.Connect(port), "");
    viewer.Send("{not json");
    std::optional<std::string> answer = viewer.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_THAT(*answer, HasSubstr("\"kind\":\"error\""));
    viewer.Send(R"({"op":"follow","types":"call.complete"})");
    answer = viewer.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_THAT(*answer, HasSubstr("\"field\":\"types\""));
    viewer.Send(R"({"op":"follow","after":-3})");
    answer = viewer.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_THAT(*answer, HasSubstr("\"field\":\"after\""));
    viewer.Send(R"({"op":"dance"})");
    answer = viewer.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_THAT(*answer, HasSubstr("\"field\":\"op\""));
  }
  {
    Viewer viewer;
    ASSERT_EQ(viewer.Connect(port), "");
    viewer.Send("\x01\x02\x03", /*binary=*/true);
    EXPECT_FALSE(viewer.Read().has_value());
    EXPECT_EQ(viewer.close_code(), static_cast<int>(websocket::close_code::unknown_data));
  }
  {
    Viewer viewer;
    ASSERT_EQ(viewer.Connect(port), "");
    // Over the 4 KiB limit, yet small enough to be written before the server
    // answers: a larger one can meet a reset before its close frame is read.
    viewer.Send(std::string(8 << 10, ' '));
    EXPECT_FALSE(viewer.Read().has_value());
    EXPECT_EQ(viewer.close_code(), static_cast<int>(websocket::close_code::too_big));
  }
  {
    Viewer viewer;
    ASSERT_EQ(viewer.Connect(port), "");
    for (int i = 0; i < 200; ++i) viewer.Send(R"({"op":"pause"})");
    std::optional<std::string> message;
    do {
      message = viewer.Read();
    } while (message.has_value());
    EXPECT_EQ(viewer.close_code(), static_cast<int>(websocket::close_code::policy_error));
  }
  // Ingest never noticed, and a well-behaved viewer still follows.
  Viewer viewer;
  ASSERT_EQ(viewer.Connect(port), "");
  viewer.Send(R"({"op":"follow","after":0})");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(HttpPost(server.http_port(), "/webhooks/justcall", Webhook(i)).status, 200);
  }
  EXPECT_EQ(ReadEvents(viewer, 5, absl::Seconds(10)), 5u);
}

TEST_F(AdminE2eTest, AViewerThatNeverReadsCostsOnlyItsOwnBoundedBuffer) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--memory_max_events=1000000"}));
  const int port = server.admin_port();
  Viewer stalled;  // follows everything, never reads a frame
  ASSERT_EQ(stalled.Connect(port, "", 4096), "");
  stalled.Send(R"({"op":"follow","after":0})");
  Viewer reader;
  ASSERT_EQ(reader.Connect(port), "");
  reader.Send(R"({"op":"follow","after":0,"types":"call.*"})");

  constexpr int kWebhooks = 30000;
  HttpConnection connection;
  ASSERT_EQ(connection.Connect(server.http_port()), "");
  const absl::Time start = absl::Now();
  for (int i = 0; i < kWebhooks; ++i) {
    // A large body, so the stalled viewer's socket buffers fill up early.
    const std::string body = absl::StrCat(
        R"({"request_id":"stall-)", i, R"(","type":"call.completed","data":{"call_id":"c","notes":")",
        std::string(400, 'n'), R"("}})");
    HttpResponse answer = connection.Post("/webhooks/justcall", body);
    ASSERT_EQ(answer.status, 200) << DescribeAnswer(answer);
  }
  const absl::Duration ingest = absl::Now() - start;
  EXPECT_EQ(ReadEvents(reader, kWebhooks, absl::Seconds(60)), static_cast<size_t>(kWebhooks));

  HttpResponse overview = HttpGet(port, "/api/overview");
  ASSERT_EQ(overview.status, 200);
  const google::protobuf::Struct json = ParseJson(overview.body);
  const auto& viewers = json.fields().at("viewers").list_value().values();
  ASSERT_EQ(viewers.size(), 2) << overview.body;
  size_t behind = 0;
  for (const auto& viewer : viewers) {
    const auto& fields = viewer.struct_value().fields();
    // One frame in flight at most (256 KiB of summaries, plus its string's slack).
    EXPECT_LE(fields.at("buffered_bytes").number_value(), 600 * 1024) << overview.body;
    if (fields.at("cursor").number_value() < kWebhooks) ++behind;
  }
  EXPECT_EQ(behind, 1u) << "the stalled viewer stopped reading the log; " << overview.body;
  std::printf("%d webhooks in %s with a stalled viewer and a reading one\n", kWebhooks,
              absl::FormatDuration(ingest).c_str());
}

}  // namespace
}  // namespace switchboard::e2e
