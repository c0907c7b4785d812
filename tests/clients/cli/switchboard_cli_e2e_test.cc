// End-to-end tests of switchboard-cli (cli/): the real CLI binary against the
// real switchboard binary on loopback, with real signals. What a user sees:
// exit statuses, stdout lines, and the hints on stderr.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"
#include "tests/e2e/cli_process.h"
#include "tests/e2e/switchboard_process.h"

#ifndef SWITCHBOARD_CLI_BINARY
#error "SWITCHBOARD_CLI_BINARY must be defined to the path of switchboard-cli"
#endif

namespace switchboard::cli {
namespace {

using ::switchboard::e2e::CliProcess;
using ::switchboard::e2e::DescribeWaitStatus;
using ::switchboard::e2e::ExecChild;
using ::switchboard::e2e::SwitchboardProcess;
using ::testing::HasSubstr;
using ::testing::Not;

// The types of the nine flat samples (`send --flat`).
const std::vector<std::string> kTypes = {
    "call.completed", "call.missed",        "call.answered",   "sms.received",   "sms.sent",
    "sms.delivered",  "voicemail.received", "contact.created", "contact.updated"};
// JustCall's v2.1 types, whose official samples `send` posts by default.
const std::vector<std::string> kOfficialTypes = {
    "call.incoming", "call.answered", "call.missed", "call.voicemail", "call.enters_queue",
    "call.exits_queue", "call.initiated", "call.completed", "call.updated", "call.ai_voice_agent",
    "jc.call_ai_generated", "sms.sent_received", "sms.sent", "sms.received", "sms.status_updated",
    "whatsapp.message_sent", "whatsapp.message_received", "whatsapp.message_status_updated",
    "jc.contact_status_updated", "appointment.scheduled", "sd.call_completed", "sd.call_updated",
    "sd.call_ai_generated"};

struct CliResult {
  int exit_code = -1;  // -1: killed by a signal or did not finish
  std::string out;
  std::string err;
};

// Runs switchboard-cli to completion (at most `timeout`).
CliResult RunCli(const std::vector<std::string>& args, absl::Duration timeout = absl::Seconds(15)) {
  CliProcess cli(SWITCHBOARD_CLI_BINARY);
  CliResult result;
  if (!cli.Start(args)) return result;
  std::optional<int> status = cli.WaitForExit(timeout);
  if (status.has_value() && WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  result.out = cli.out();
  result.err = cli.err();
  return result;
}

// Describes a result for failure messages.
std::string Describe(const CliResult& result) {
  return absl::StrCat("exit ", result.exit_code, "\n--- stdout ---\n", result.out,
                      "--- stderr ---\n", result.err);
}

// Expects a clean exit with status 0 within `timeout`.
void ExpectExitsZero(CliProcess& cli, absl::Duration timeout) {
  std::optional<int> status = cli.WaitForExit(timeout);
  ASSERT_TRUE(status.has_value()) << "still running after " << timeout << "; stderr:\n"
                                  << cli.err();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << DescribeWaitStatus(*status) << "; stderr:\n"
      << cli.err();
}

std::string WebhookUrl(const SwitchboardProcess& server) {
  return absl::StrCat("http://127.0.0.1:", server.http_port(), "/webhooks/justcall");
}

// A port nothing listens on.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  return ok ? ntohs(address.sin_port) : 0;
}

// A temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/switchboard_cli_e2e.XXXXXX";
    if (mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  // Writes `text` to the file `name` in it; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

v1::Event ParseJsonLine(const std::string& line) {
  v1::Event event;
  const auto status = google::protobuf::util::JsonStringToMessage(line, &event);
  EXPECT_TRUE(status.ok()) << status.ToString() << ": " << line;
  return event;
}

// The Event.payload field set, e.g. "call_completed".
std::string PayloadField(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* field = event.GetReflection()->GetOneofFieldDescriptor(
      event, v1::Event::descriptor()->FindOneofByName("payload"));
  return field == nullptr ? "" : field->name();
}

TEST(SwitchboardCliE2eTest, SendsEveryBuiltInTypeAndTailJsonPrintsThemTyped) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  struct Send {
    std::string type;
    bool flat;
  };
  std::vector<Send> sent;
  for (const std::string& type : kOfficialTypes) sent.push_back({type, false});
  for (const std::string& type : kTypes) sent.push_back({type, true});
  sent.push_back({"call.completed", false});  // again: a fresh request_id, so a new event
  for (size_t i = 0; i < sent.size(); ++i) {
    std::vector<std::string> args = {"send", "--url", WebhookUrl(server)};
    if (sent[i].flat) args.push_back("--flat");
    args.push_back(sent[i].type);
    CliResult result = RunCli(args);
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    EXPECT_THAT(result.out, HasSubstr(absl::StrCat(sent[i].type, ": 200 OK {")));
    EXPECT_THAT(result.out, HasSubstr(absl::StrCat("\"sequence\":", i + 1, "}")));
    EXPECT_THAT(result.out, Not(HasSubstr("duplicate")));
  }

  CliProcess tail(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(tail.Start({"tail", "--addr", server.grpc_address(), "--json", "--after", "0"}));
  std::vector<std::string> lines = tail.WaitForLines(sent.size(), absl::Seconds(10));
  ASSERT_TRUE(tail.Signal(SIGINT));
  ExpectExitsZero(tail, absl::Seconds(5));
  ASSERT_EQ(lines.size(), sent.size()) << tail.out() << tail.err();

  std::set<std::string> ids;
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::Event event = ParseJsonLine(lines[i]);
    EXPECT_EQ(event.sequence(), i + 1);
    EXPECT_EQ(event.type(), sent[i].type);
    EXPECT_EQ(PayloadField(event), absl::StrReplaceAll(sent[i].type, {{".", "_"}})) << lines[i];
    EXPECT_EQ(event.id().size(), 36u) << "the request_id send generated: " << event.id();
    EXPECT_EQ(event.schema_mismatches_size(), 0) << lines[i];
    EXPECT_FALSE(event.data_json().empty());
    ids.insert(event.id());
  }
  EXPECT_EQ(ids.size(), sent.size()) << "each send has its own request_id";
  const v1::Event official = ParseJsonLine(lines[7]);
  ASSERT_EQ(official.type(), "call.completed");
  EXPECT_EQ(official.call_completed().call().call_info().direction(), "Incoming");
  const v1::Event flat = ParseJsonLine(lines[kOfficialTypes.size() + 3]);
  ASSERT_EQ(flat.type(), "sms.received");
  EXPECT_EQ(flat.sms_received().body(), "Can I reschedule my appointment to Friday?");
}

TEST(SwitchboardCliE2eTest, TailSummaryShowsTheKeyFieldsOfMatchingTypesOnly) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "--flat", "sms.received", "call.completed"})
                .exit_code,
            0);
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "call.completed"}).exit_code, 0);
  CliProcess tail(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(tail.Start({"tail", "--addr", server.grpc_address(), "--types", "call.*",
                          "--after=0"}));
  std::vector<std::string> lines = tail.WaitForLines(2, absl::Seconds(10));
  absl::SleepFor(absl::Milliseconds(200));  // anything the filter should have dropped
  lines = tail.WaitForLines(3, absl::ZeroDuration());
  ASSERT_TRUE(tail.Signal(SIGTERM));
  ExpectExitsZero(tail, absl::Seconds(5));
  ASSERT_EQ(lines.size(), 2u) << tail.out();
  const std::string& line = lines[0];  // the flat sample
  EXPECT_TRUE(absl::StartsWith(line, "#2 ")) << line;
  EXPECT_THAT(line, HasSubstr(" call.completed "));
  EXPECT_THAT(line, HasSubstr("from=+14155559876 to=+14155551234 duration=185s"));
  EXPECT_THAT(line, HasSubstr("agent_name=\"Jordan Lee\""));
  EXPECT_THAT(line, HasSubstr("status=completed"));
  const std::string& official = lines[1];  // JustCall's shape: contact, direction, duration, agent
  EXPECT_TRUE(absl::StartsWith(official, "#3 ")) << official;
  EXPECT_THAT(official, HasSubstr("contact=14155550142 contact_name=\"Daniel Okafor\" "
                                  "direction=Incoming outcome=Answered duration=185s "
                                  "agent_name=\"Maya Fernandes\""));
}

TEST(SwitchboardCliE2eTest, TailCountPrintsThatManyEventsAndExitsByItself) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "sms.received", "call.completed",
                    "sms.sent", "sms.received"})
                .exit_code,
            0);
  // From the stored events: the first two SMS of the three, then exit 0.
  CliResult replayed = RunCli({"tail", "--addr", server.grpc_address(), "--after", "0",
                               "--types", "sms.*", "--count", "2"});
  ASSERT_EQ(replayed.exit_code, 0) << Describe(replayed);
  const std::vector<std::string> lines =
      absl::StrSplit(replayed.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << replayed.out;
  EXPECT_TRUE(absl::StartsWith(lines[0], "#1 ")) << lines[0];
  EXPECT_TRUE(absl::StartsWith(lines[1], "#3 ")) << lines[1];

  // After the last stored event: waits for the next one, prints it, exits.
  CliProcess next(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(next.Start({"tail", "--addr", server.grpc_address(), "--after", "4", "--count=1",
                          "--json"}));
  ASSERT_FALSE(next.WaitForExit(absl::Milliseconds(300)).has_value()) << next.err();
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "contact.created"}).exit_code, 0);
  ExpectExitsZero(next, absl::Seconds(10));
  const std::vector<std::string> live = next.WaitForLines(2, absl::ZeroDuration());
  ASSERT_EQ(live.size(), 1u) << next.out();
  EXPECT_EQ(ParseJsonLine(live[0]).sequence(), 5u);
}

TEST(SwitchboardCliE2eTest, TailResumesByItselfAcrossAServerRestart) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::vector<std::string> store = {"--store=rocksdb", "--data_dir=" + dir.path() + "/data"};
  auto first = std::make_unique<SwitchboardProcess>();
  ASSERT_TRUE(first->Start(store));
  const int grpc_port = first->grpc_port();

  CliProcess tail(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(tail.Start({"tail", "--addr", first->grpc_address(), "--json", "--after", "0"}));
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(*first), "call.completed", "sms.sent"}).exit_code,
            0);
  ASSERT_EQ(tail.WaitForLines(2, absl::Seconds(10)).size(), 2u) << tail.err();
  ASSERT_TRUE(first->Signal(SIGTERM));
  ASSERT_TRUE(first->WaitForExit(absl::Seconds(10)).has_value());
  first.reset();

  std::vector<std::string> flags = store;
  flags.push_back(absl::StrCat("--grpc_addr=127.0.0.1:", grpc_port));
  SwitchboardProcess second;
  ASSERT_TRUE(second.Start(flags));
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(second), "voicemail.received"}).exit_code, 0);
  std::vector<std::string> lines = tail.WaitForLines(3, absl::Seconds(15));
  absl::SleepFor(absl::Milliseconds(200));
  lines = tail.WaitForLines(4, absl::ZeroDuration());
  ASSERT_TRUE(tail.Signal(SIGINT));
  ExpectExitsZero(tail, absl::Seconds(5));

  ASSERT_EQ(lines.size(), 3u) << tail.out() << tail.err();
  const std::vector<std::string> types = {"call.completed", "sms.sent", "voicemail.received"};
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::Event event = ParseJsonLine(lines[i]);
    EXPECT_EQ(event.sequence(), i + 1);
    EXPECT_EQ(event.type(), types[i]);
  }
  EXPECT_THAT(tail.err(), HasSubstr("reconnecting in"));
  EXPECT_THAT(tail.err(), HasSubstr("will resume after sequence 2"));
}

TEST(SwitchboardCliE2eTest, TailAgainstAClosedPortSaysToStartSwitchboard) {
  const int port = ClosedPort();
  ASSERT_NE(port, 0);
  const absl::Time start = absl::Now();
  CliResult result = RunCli({"tail", "--addr", absl::StrCat("127.0.0.1:", port)});
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(result.exit_code, 1) << Describe(result);
  EXPECT_THAT(result.err, HasSubstr(absl::StrCat("cannot connect to 127.0.0.1:", port)));
  EXPECT_THAT(result.err, HasSubstr("is switchboard running? start it with scripts/run.sh"));
  EXPECT_EQ(result.out, "");
}

TEST(SwitchboardCliE2eTest, TailWithABadPatternPrintsTheServersMessage) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  CliResult result =
      RunCli({"tail", "--addr", server.grpc_address(), "--types", "call.*,Not A Type"});
  EXPECT_EQ(result.exit_code, 2) << Describe(result);
  EXPECT_THAT(result.err, HasSubstr("the server rejected the subscription"));
  EXPECT_THAT(result.err, HasSubstr("bad event type pattern \"Not A Type\""));
  EXPECT_THAT(result.err, Not(HasSubstr("reconnecting")));
}

TEST(SwitchboardCliE2eTest, SigintAndSigtermStopARunningTailWithStatusZero) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "sms.received"}).exit_code, 0);
  for (int signal : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(strsignal(signal));
    CliProcess tail(SWITCHBOARD_CLI_BINARY);
    ASSERT_TRUE(tail.Start({"tail", "--addr", server.grpc_address(), "--after", "0"}));
    ASSERT_EQ(tail.WaitForLines(1, absl::Seconds(10)).size(), 1u) << tail.err();
    const absl::Time start = absl::Now();
    ASSERT_TRUE(tail.Signal(signal));
    ExpectExitsZero(tail, absl::Seconds(5));
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    EXPECT_EQ(tail.err(), "");
  }
}

// The server stores tokens hashed: `printf %s cli-token | sha256sum`.
constexpr absl::string_view kToken = "cli-token";
constexpr absl::string_view kTokenSha256 =
    "590106b54ad109e9d338779bcf0ba2dbb474b505c72d6db65c65d06da1644840";

TEST(SwitchboardCliE2eTest, TailSendsTheSubscriberTokenFromAFileOrTheEnvironment) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string tokens =
      dir.Write("tokens", absl::StrCat("sha256:", kTokenSha256, "  cli  sms.*\n"));
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--grpc_token_file=" + tokens}));
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "sms.received"}).exit_code, 0);

  CliResult denied = RunCli({"tail", "--addr", server.grpc_address(), "--after", "0"});
  EXPECT_EQ(denied.exit_code, 1) << Describe(denied);
  EXPECT_THAT(denied.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(denied.err, HasSubstr("--token_file FILE or $SWITCHBOARD_TOKEN"));

  const std::string token_file = dir.Write("token", absl::StrCat(kToken, "\n"));
  CliResult outside = RunCli({"tail", "--addr", server.grpc_address(), "--types", "call.*",
                              "--token_file", token_file});
  EXPECT_EQ(outside.exit_code, 1) << Describe(outside);
  EXPECT_THAT(outside.err, HasSubstr("PERMISSION_DENIED"));

  for (bool from_environment : {false, true}) {
    SCOPED_TRACE(from_environment ? "$SWITCHBOARD_TOKEN" : "--token_file");
    std::vector<std::string> args = {"tail", "--addr", server.grpc_address(), "--after", "0"};
    if (from_environment) {
      setenv("SWITCHBOARD_TOKEN", std::string(kToken).c_str(), 1);  // inherited by the child
    } else {
      args.insert(args.end(), {"--token_file", token_file});
    }
    CliProcess tail(SWITCHBOARD_CLI_BINARY);
    ASSERT_TRUE(tail.Start(args));
    unsetenv("SWITCHBOARD_TOKEN");
    std::vector<std::string> lines = tail.WaitForLines(1, absl::Seconds(10));
    ASSERT_TRUE(tail.Signal(SIGINT));
    ExpectExitsZero(tail, absl::Seconds(5));
    ASSERT_EQ(lines.size(), 1u) << tail.err();
    EXPECT_THAT(lines[0], HasSubstr(" sms.received "));
  }
}

TEST(SwitchboardCliE2eTest, TailOverTlsTrustsTheGivenCa) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string script = absl::StrCat(
      "set -e; cd ", dir.path(), "\n",
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
      "-subj /CN=cli-test-ca -keyout ca.key -out ca.pem 2>/dev/null\n",
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=server "
      "-keyout server.key -out server.csr 2>/dev/null\n",
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext\n",
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
      "-extfile server.ext -out server.pem 2>/dev/null\n");
  ASSERT_EQ(std::system(script.c_str()), 0) << "openssl could not make test certificates";
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start({"--grpc_tls_cert=" + dir.path() + "/server.pem",
                            "--grpc_tls_key=" + dir.path() + "/server.key"}));
  ASSERT_EQ(RunCli({"send", "--url", WebhookUrl(server), "contact.created"}).exit_code, 0);

  CliResult plaintext = RunCli({"tail", "--addr", server.grpc_address()});
  EXPECT_EQ(plaintext.exit_code, 1) << Describe(plaintext);
  EXPECT_THAT(plaintext.err, HasSubstr("add --tls or --tls_ca"));

  CliProcess tail(SWITCHBOARD_CLI_BINARY);
  ASSERT_TRUE(tail.Start({"tail", "--addr", server.grpc_address(), "--after", "0", "--tls_ca",
                          dir.path() + "/ca.pem"}));
  std::vector<std::string> lines = tail.WaitForLines(1, absl::Seconds(10));
  ASSERT_TRUE(tail.Signal(SIGTERM));
  ExpectExitsZero(tail, absl::Seconds(5));
  ASSERT_EQ(lines.size(), 1u) << tail.err();
  EXPECT_THAT(lines[0], HasSubstr(" contact.created "));
}

TEST(SwitchboardCliE2eTest, SendUnknownTypeExitsTwoListingTheTypes) {
  CliResult result = RunCli({"send", "--url", "http://127.0.0.1:1/webhooks/justcall", "call.dropped"});
  EXPECT_EQ(result.exit_code, 2) << Describe(result);
  EXPECT_THAT(result.err, HasSubstr("unknown event type \"call.dropped\""));
  for (const std::string& type : kTypes) EXPECT_THAT(result.err, HasSubstr(type));
}

TEST(SwitchboardCliE2eTest, SendToAClosedPortSaysToStartSwitchboard) {
  const int port = ClosedPort();
  ASSERT_NE(port, 0);
  CliResult result =
      RunCli({"send", "--url", absl::StrCat("http://127.0.0.1:", port, "/webhooks/justcall"),
              "sms.received"});
  EXPECT_EQ(result.exit_code, 1) << Describe(result);
  EXPECT_THAT(result.err, HasSubstr(absl::StrCat("cannot connect to 127.0.0.1:", port)));
  EXPECT_THAT(result.err, HasSubstr("is switchboard running? start it with scripts/run.sh"));
}

TEST(SwitchboardCliE2eTest, SendOfARejectedFilePrintsTheServersJsonError) {
  SwitchboardProcess server;
  ASSERT_TRUE(server.Start());
  char pattern[] = "/tmp/switchboard_cli_webhook.XXXXXX";
  const int fd = mkstemp(pattern);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(pattern) << R"({"event":"call.completed","data":{"duration":1,"duration":2}})";
  CliResult result = RunCli({"send", "--url", WebhookUrl(server), pattern});
  unlink(pattern);
  EXPECT_EQ(result.exit_code, 1) << Describe(result);
  EXPECT_THAT(result.err, HasSubstr("the server answered 400 Bad Request"));
  EXPECT_THAT(result.err, HasSubstr(R"("field":"data.duration")"));
  EXPECT_EQ(result.out, "");
}

TEST(SwitchboardCliE2eTest, UsageErrorsExitTwoAndHelpExitsZero) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string in_output;
  };
  const std::vector<Case> cases = {
      {{}, 2, "Usage: switchboard-cli COMMAND"},
      {{"frobnicate"}, 2, "unknown command \"frobnicate\""},
      {{"--help"}, 0, "Usage: switchboard-cli COMMAND"},
      {{"tail", "--help"}, 0, "Usage: switchboard-cli tail"},
      {{"tail", "--bogus"}, 2, "unknown flag --bogus"},
      {{"tail", "--addr", "localhost"}, 2, "bad --addr \"localhost\""},
      {{"tail", "--addr", "http://127.0.0.1:50051"}, 2, "without a scheme"},
      {{"tail", "--after", "minus-one"}, 2, "bad --after \"minus-one\""},
      {{"tail", "extra"}, 2, "unexpected argument \"extra\""},
      {{"tail", "--count", "0"}, 2, "bad --count \"0\": expected a positive number"},
      {{"tail", "--count=-3"}, 2, "bad --count \"-3\""},
      {{"consume", "--group", "g", "--count", "many"}, 2, "bad --count \"many\""},
      {{"send", "--help"}, 0, "fresh \"request_id\""},
      {{"send"}, 2, "say what to send"},
      {{"send", "--url", "https://example.com/", "sms.sent"}, 2, "https is not supported"},
      {{"send", "--timeout", "soon", "sms.sent"}, 2, "bad --timeout \"soon\""},
      {{"send", "./no/such/file.json"}, 2, "cannot read ./no/such/file.json"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.args, " "));
    CliResult result = RunCli(c.args);
    EXPECT_EQ(result.exit_code, c.exit_code) << Describe(result);
    EXPECT_THAT(result.out + result.err, HasSubstr(c.in_output));
  }
}

}  // namespace
}  // namespace switchboard::cli
