// Hostile input against the real binary, over raw TCP: each entry of the
// table sends exact bytes (malformed JSON, bad framing, oversize parts, slow
// senders) and expects a precise HTTP status, or the connection cut. After
// the table the server must be healthy, its memory back near its baseline,
// and nothing it rejected stored.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "switchboard_process.h"

namespace switchboard::e2e {
namespace {

using ::testing::HasSubstr;

// What the server did with one connection's bytes.
struct Outcome {
  std::vector<int> statuses;  // HTTP statuses of the responses, in order
  std::string text;           // everything received
  bool closed = false;        // the server closed the connection
};

// Sends `chunks` (pausing `pause` between them) on a fresh connection, then
// reads until the server closes or `quiet` passes without data.
Outcome Exchange(int port, const std::vector<std::string>& chunks,
                 absl::Duration pause = absl::ZeroDuration(),
                 absl::Duration quiet = absl::Milliseconds(500)) {
  Outcome outcome;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    outcome.closed = true;
    return outcome;
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0 && pause > absl::ZeroDuration()) absl::SleepFor(pause);
    if (send(fd, chunks[i].data(), chunks[i].size(), MSG_NOSIGNAL) < 0) break;  // cut off
  }
  char buffer[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(quiet))) <= 0) break;
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      outcome.closed = true;
      break;
    }
    outcome.text.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  for (size_t at = outcome.text.find("HTTP/1.1 "); at != std::string::npos;
       at = outcome.text.find("HTTP/1.1 ", at + 1)) {
    int status = 0;
    if (absl::SimpleAtoi(outcome.text.substr(at + 9, 3), &status)) outcome.statuses.push_back(status);
  }
  return outcome;
}

// A POST; with `last`, "Connection: close" lets the server end the exchange
// as soon as it has answered.
std::string Request(const std::string& body, const std::string& content_type = "application/json",
                    bool last = true) {
  return absl::StrCat("POST /webhooks/justcall HTTP/1.1\r\nHost: test\r\nContent-Type: ",
                      content_type, "\r\n", last ? "Connection: close\r\n" : "",
                      "Content-Length: ", body.size(), "\r\n\r\n", body);
}

std::string Nested(int depth, char open, char close, const std::string& inner) {
  return std::string(depth, open) + inner + std::string(depth, close);
}

std::string Call(const std::string& data) {
  return absl::StrCat(R"({"event":"call.completed","timestamp":"2026-03-12T14:30:00Z","data":)",
                      data, "}");
}

int64_t RssKiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kib = 0;
      absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(6, line.size() - 6 - 3)), &kib);
      return kib;
    }
  }
  return -1;
}

struct Case {
  std::string name;
  std::vector<std::string> chunks;
  std::vector<int> statuses;  // expected, in order; empty: no answer, connection cut
  std::string body_mentions = "";
  absl::Duration pause = absl::ZeroDuration();
  // How long to wait for more bytes: slow cases wait for the server to cut.
  absl::Duration quiet = absl::Milliseconds(500);
};

std::vector<Case> HostileInputs() {
  const std::string valid = Call(R"({"call_id":"ok","duration":1})");
  const std::string chunked_body = R"({"request_id":"chunked-1","type":"call.missed","data":{}})";
  return {
      // Bodies that are not JSON, or not the JSON we take.
      {"empty body", {Request("")}, {400}, "empty body"},
      {"truncated JSON", {Request(R"({"event":"call.completed","data":{"call_id":"x)")}, {400}},
      {"truncated after key", {Request(R"({"event":)")}, {400}},
      {"invalid UTF-8 in a value", {Request(Call("{\"notes\":\"\xff\xfe\"}"))}, {400}, "UTF-8"},
      {"invalid UTF-8 in a key", {Request(Call("{\"\xc3\x28\":1}"))}, {400}, "UTF-8"},
      {"overlong UTF-8", {Request(Call("{\"notes\":\"\xc0\xaf\"}"))}, {400}, "UTF-8"},
      {"10000-deep arrays", {Request(Call(Nested(10000, '[', ']', "1")))}, {400}, "deeper"},
      {"10000-deep objects",
       {Request(Call([] {
          std::string s;
          for (int i = 0; i < 10000; ++i) s += "{\"a\":";
          return s + "1" + std::string(10000, '}');
        }()))},
       {400}, "deeper"},
      // Values that merely do not fit the schema are stored (a 4xx would lose
      // the event: JustCall does not retry it) and reported on the event.
      {"number too large for a double", {Request(Call(R"({"duration":1e400})"))}, {200}, "sequence"},
      {"integer beyond 64 bits", {Request(Call(R"({"duration":123456789012345678901234567890})"))}, {200}, "sequence"},
      {"fraction for an integer", {Request(Call(R"({"duration":1.5})"))}, {200}, "sequence"},
      {"malformed number", {Request(Call(R"({"duration":1.e5})"))}, {400}, "malformed"},
      {"duplicate top-level key",
       {Request(R"({"event":"call.completed","event":"sms.sent","data":{}})")}, {400}, "duplicate"},
      {"duplicate data key", {Request(Call(R"({"call_id":"a","call_id":"b"})"))}, {400}, "duplicate"},
      {"event is a number", {Request(R"({"event":42,"data":{}})")}, {400}, "event"},
      {"event is an array", {Request(R"({"event":["call.completed"],"data":{}})")}, {400}, "event"},
      {"event is null", {Request(R"({"event":null,"data":{}})")}, {400}, "event"},
      {"event type with spaces", {Request(R"({"event":"call completed","data":{}})")}, {400}, "invalid event type"},
      {"event type of 300 characters",
       {Request(absl::StrCat(R"({"event":")", std::string(300, 'a'), R"(","data":{}})"))}, {400}},
      {"no data", {Request(R"({"event":"call.completed"})")}, {400}, "data"},
      {"data is an array", {Request(Call("[1,2]"))}, {400}, "data"},
      {"data is a string", {Request(Call("\"call\""))}, {400}, "data"},
      {"data is null", {Request(Call("null"))}, {400}, "data"},
      {"timestamp is a number", {Request(R"({"event":"call.completed","timestamp":1,"data":{}})")}, {200}, "sequence"},
      {"timestamp is not a time", {Request(R"({"event":"call.completed","timestamp":"soon","data":{}})")}, {200}, "sequence"},
      {"duration is a string", {Request(Call(R"({"duration":"long"})"))}, {200}, "sequence"},
      {"duration is an object", {Request(Call(R"({"duration":{}})"))}, {200}, "sequence"},
      {"call_id is an array", {Request(Call(R"({"call_id":["a"]})"))}, {200}, "sequence"},
      {"changed_fields is a string",
       {Request(R"({"event":"contact.updated","data":{"changed_fields":"email"}})")}, {200}, "sequence"},
      {"changed_fields holds an object",
       {Request(R"({"event":"contact.updated","data":{"changed_fields":[{}]}})")}, {200}, "sequence"},
      {"duplicate key deep in data",
       {Request(Call(R"({"queue_callback":{"at":[{"x":1,"x":2}]}})"))}, {400}, "data.queue_callback.at[0].x"},
      {"body is an array", {Request("[]")}, {400}},
      {"body is a string", {Request("\"webhook\"")}, {400}},
      {"NUL byte in the body", {Request(std::string("{\"event\":\"call.completed\"\0,\"data\":{}}", 36))}, {400}},
      {"empty request_id", {Request(R"({"request_id":"","type":"call.completed","data":{}})")}, {200}, "sequence"},
      {"request_id of 300 bytes",
       {Request(absl::StrCat(R"({"request_id":")", std::string(300, 'r'), R"(","type":"call.completed","data":{}})"))},
       {200}, "sequence"},
      // HTTP framing and sizes.
      {"body over 1 MiB", {Request(Call(absl::StrCat(R"({"notes":")", std::string(2 << 20, 'n'), "\"}")))}, {413}},
      {"20 KiB header",
       {absl::StrCat("POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nX-Big: ", std::string(20 << 10, 'h'),
                     "\r\nContent-Length: 2\r\n\r\n{}")},
       {431}},
      {"20 KiB URL", {absl::StrCat("GET /", std::string(20 << 10, 'u'), " HTTP/1.1\r\nHost: t\r\n\r\n")}, {431}},
      {"Content-Length not a number",
       {"POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Length: ten\r\n\r\n{}"}, {400}},
      {"two different Content-Lengths",
       {"POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x"}, {400}},
      {"Content-Length and chunked together",
       {"POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
       {400}},
      {"malformed chunk size",
       {"POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"},
       {400}},
      {"valid chunked body, in two chunks",
       {absl::StrCat("POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n",
                     absl::Hex(20), "\r\n", chunked_body.substr(0, 20), "\r\n",
                     absl::Hex(chunked_body.size() - 20), "\r\n", chunked_body.substr(20), "\r\n0\r\n\r\n")},
       {200}, "chunked-1"},
      {"pipelined: rejected, then valid, then rejected",
       {Request(R"({"event":1,"data":{}})", "application/json", false) +
        Request(R"({"request_id":"pipelined-1","type":"sms.sent","data":{}})", "application/json",
                false) +
        Request("[]")},
       {400, 200, 400}, "pipelined-1"},
      {"header line without a colon", {"GET /healthz HTTP/1.1\r\nHost t\r\n\r\n"}, {400}},
      {"garbage request line", {"HELLO\r\n\r\n"}, {400}},
      {"HTTP/2 preface on the HTTP/1.1 port", {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"}, {400}},
      {"text/plain body", {Request(valid, "text/plain")}, {415}},
      {"GET on the webhook path", {"GET /webhooks/justcall HTTP/1.1\r\nHost: t\r\n\r\n"}, {405}},
      {"unknown path", {"POST /admin HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"}, {404}},
      // Slow senders: one byte at a time, slower than --http_read_timeout.
      {"slowloris headers",
       {"P", "O", "S", "T", " ", "/", "w", "e", "b", "h", "o", "o", "k", "s"}, {}, "",
       absl::Milliseconds(200), absl::Seconds(3)},
      {"body that never finishes",
       {"POST /webhooks/justcall HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"event\""},
       {}, "", absl::ZeroDuration(), absl::Seconds(3)},
  };
}

TEST(HostileInputE2eTest, EveryHostileInputGetsItsStatusAndNothingRejectedIsStored) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--http_read_timeout=1s", "--http_idle_timeout=2s"}));
  // Warm up, then take the memory baseline.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(HttpGet(server.http_port(), "/healthz").status, 200);
  const int64_t baseline_kib = RssKiB(server.pid());

  const std::vector<Case> cases = HostileInputs();
  ASSERT_GE(cases.size(), 40u);
  int expected_stored = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Time start = absl::Now();
    const Outcome outcome = Exchange(server.http_port(), c.chunks, c.pause, c.quiet);
    EXPECT_EQ(outcome.statuses, c.statuses) << outcome.text.substr(0, 400);
    if (!c.body_mentions.empty()) {
      EXPECT_THAT(outcome.text, HasSubstr(c.body_mentions));
    }
    if (c.statuses.empty()) {
      EXPECT_TRUE(outcome.closed) << "the server kept a stalled connection open";
      EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "cut off too late";
    }
    for (int status : c.statuses) expected_stored += status == 200 ? 1 : 0;
    for (int status : outcome.statuses) {
      if (status >= 400) {
        EXPECT_THAT(outcome.text, HasSubstr(R"({"error":{"status":)"));
      }
    }
  }

  // Still healthy, nothing rejected stored, memory back near the baseline.
  EXPECT_EQ(HttpGet(server.http_port(), "/healthz").status, 200);
  EXPECT_EQ(HttpGet(server.http_port(), "/readyz").status, 200);
  const HttpResponse ok = HttpPost(server.http_port(), "/webhooks/justcall",
                                   Call(R"({"call_id":"after","duration":1})"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_THAT(ok.body, HasSubstr(absl::StrCat("\"sequence\":", expected_stored + 1)))
      << "a rejected webhook was stored";
  const int64_t after_kib = RssKiB(server.pid());
  EXPECT_LT(after_kib - baseline_kib, 32 * 1024)
      << "RSS grew from " << baseline_kib << " KiB to " << after_kib << " KiB";
  std::cerr << "hostile inputs: " << cases.size() << " cases; RSS " << baseline_kib << " KiB -> "
            << after_kib << " KiB\n";
}

}  // namespace
}  // namespace switchboard::e2e
