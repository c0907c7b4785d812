#include "cli/consume_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/event_printer.h"
#include "cli/grpc_flags.h"
#include "cli/signal_watcher.h"
#include "google/protobuf/util/json_util.h"
#include "switchboard/client/consumer.h"

namespace switchboard::cli {
namespace {

void PrintError(absl::string_view message) { PrintCommandError("consume", message); }
int UsageError(absl::string_view message) { return CommandUsageError("consume", message); }

int ReportFailure(const absl::Status& status, absl::string_view address, bool tls) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      PrintError(absl::StrCat(status.message(), ": ", UnreachableHint(address, tls)));
      return kExitFailure;
    case absl::StatusCode::kInvalidArgument:
      PrintError(absl::StrCat("the server refused the join: ", status.message()));
      return kExitUsage;
    case absl::StatusCode::kFailedPrecondition:
      PrintError(absl::StrCat(status.message(),
                              " ('switchboard-cli groups show NAME' shows the group)"));
      return kExitFailure;
    case absl::StatusCode::kUnauthenticated:
      PrintError(absl::StrCat("UNAUTHENTICATED: ", status.message(),
                              " (give a token: --token_file FILE or $SWITCHBOARD_TOKEN)"));
      return kExitFailure;
    default:
      PrintError(absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message()));
      return kExitFailure;
  }
}

}  // namespace

std::string ConsumeUsage() {
  return absl::StrCat(R"(Usage: switchboard-cli consume --group NAME [--types PATTERNS] [--from oldest|SEQ] [--count N] [--json] [--no-ack]

Joins the consumer group NAME (creating it on first use) and prints each event
the group hands to this member, one line per event, then acks it, until
Ctrl-C (or --count events). Several consumers of one group share its events:
each event goes to one of them. Reconnects and joins again by itself; events
not acked when the connection broke come back (to this member or another).

Flags:
)",
                      GrpcFlagsUsage(), R"(  --group NAME       the group (letters, digits, '.', '_', '-'); required
  --types PATTERNS   the group's filter, comma-separated ("call.*,sms.received");
                     default: the group's when it exists, every type otherwise
  --from oldest|SEQ  where a new group starts: the oldest retained event, or
                     after sequence SEQ; default: events stored from now on
  --ack_deadline D   a new group's ack deadline (e.g. 30s; 1s to 1h)
  --max_attempts N   a new group's deliveries per event before it is parked as a
                     dead letter (1 to 1000; default 5)
  --max_unacked N    events this member may hold unacked (flow control; default 100)
  --count N          take N events, then leave: exits once the server confirmed
                     their acks, so the next consume does not get them again
  --no-ack           look without taking: print events but never ack them (they
                     come back after their deadline, to any member)
  --json             print each delivery as protobuf JSON on one line (event,
                     delivery_attempt, ack_deadline) instead of a summary
  -h, --help         this help

A summary line is tail's, followed by the delivery attempt when it is not the
first: ... attempt=2

Exit status: 0 after Ctrl-C (SIGINT), SIGTERM or --count events; 1 when the
server cannot be reached at start, refuses the join (another filter, a deleted
group, a token's grant) or, with --count, the connection breaks before the acks
were confirmed; 2 for bad arguments.

Examples:
  switchboard-cli consume --group billing --types call.completed --from oldest
  switchboard-cli consume --group billing --no-ack --json
  switchboard-cli consume --group billing --count 1 --json | jq .event.type
)");
}

int RunConsume(const std::vector<std::string>& args) {
  std::vector<FlagSpec> specs = GrpcFlags();
  specs.insert(specs.end(), {{"group"}, {"types"}, {"from"}, {"ack_deadline"}, {"max_attempts"},
                             {"max_unacked"}, {"count"}, {"ack", true}, {"json", true}});
  absl::StatusOr<CommandLine> line = CommandLine::Parse(args, specs);
  if (!line.ok()) return UsageError(line.status().message());
  if (line->help()) {
    std::fputs(ConsumeUsage().c_str(), stdout);
    return kExitOk;
  }
  if (!line->positional().empty()) {
    return UsageError(absl::StrCat("unexpected argument \"", line->positional()[0], "\""));
  }
  client::ConsumerOptions options;
  options.address = line->Get("addr", kDefaultGrpcAddress);
  if (absl::Status ok = CheckHostPort(options.address); !ok.ok()) return UsageError(ok.message());
  options.group = line->Get("group");
  if (options.group.empty()) return UsageError("say which group: --group NAME");
  options.event_types = SplitTypes(line->Get("types"));
  if (line->Has("from")) {
    const std::string from = line->Get("from");
    uint64_t after = 0;
    if (from == "oldest") {
      options.start = client::Start::Oldest();
    } else if (absl::SimpleAtoi(from, &after) && !absl::StartsWith(from, "-")) {
      options.start = client::Start::AfterSequence(after);
    } else {
      return UsageError(absl::StrCat("bad --from \"", from, "\": expected oldest or a sequence"));
    }
  }
  if (line->Has("ack_deadline") &&
      (!absl::ParseDuration(line->Get("ack_deadline"), &options.ack_deadline) ||
       options.ack_deadline <= absl::ZeroDuration())) {
    return UsageError(absl::StrCat("bad --ack_deadline \"", line->Get("ack_deadline"),
                                   "\": expected a duration such as 30s"));
  }
  for (auto [flag, value] : {std::make_pair("max_attempts", &options.max_delivery_attempts),
                             std::make_pair("max_unacked", &options.max_unacked)}) {
    absl::StatusOr<uint64_t> number = line->GetPositive(flag, UINT32_MAX);
    if (!number.ok()) return UsageError(number.status().message());
    if (*number > 0) *value = static_cast<uint32_t>(*number);
  }
  absl::StatusOr<uint64_t> count = line->GetPositive("count");
  if (!count.ok()) return UsageError(count.status().message());
  options.max_events = *count;
  options.ack = !line->Has("ack") || line->GetBool("ack");
  options.wait_for_server = false;
  absl::StatusOr<std::string> token = LoadToken(*line);
  if (!token.ok()) return UsageError(token.status().message());
  options.decorate_context = TokenDecorator(*token);
  options.on_retry = [](const client::RetryInfo& retry) { PrintError(DescribeRetry(retry)); };
  options.on_joined = [](const v1::GroupJoined& joined) {
    PrintError(absl::StrFormat("joined group %s as %s%s (ack deadline %ds, %d attempts, %d unacked "
                               "at most)",
                               joined.group(), joined.member(), joined.created() ? ", created it" : "",
                               joined.ack_deadline().seconds(), joined.max_delivery_attempts(),
                               joined.max_unacked()));
  };
  const bool json = line->GetBool("json");

  // Before anything starts gRPC threads (see SignalWatcher).
  std::unique_ptr<client::Consumer> consumer;
  absl::Mutex mu;
  bool stop_requested = false;
  SignalWatcher signals([&](int) {
    absl::MutexLock lock(&mu);
    stop_requested = true;
    if (consumer != nullptr) consumer->Cancel();
  });
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls = LoadTls(*line);
  if (!tls.ok()) return UsageError(tls.status().message());
  options.channel_credentials = *std::move(tls);
  {
    absl::MutexLock lock(&mu);
    if (stop_requested) return kExitOk;
    consumer = std::make_unique<client::Consumer>(options);
  }
  const absl::Status status =
      consumer->Run([json](const v1::GroupDelivery& delivery) -> absl::Status {
        std::string text;
        if (json) {
          google::protobuf::util::JsonPrintOptions print;
          print.add_whitespace = false;
          if (!google::protobuf::util::MessageToJsonString(delivery, &text, print).ok()) {
            return absl::InternalError("cannot print the delivery as JSON");
          }
        } else {
          text = FormatEventSummary(delivery.event());
          if (delivery.delivery_attempt() > 1) {
            absl::StrAppend(&text, " attempt=", delivery.delivery_attempt());
          }
        }
        text.push_back('\n');
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
            std::fflush(stdout) != 0) {
          return absl::UnknownError(absl::StrCat("cannot write to stdout: ", std::strerror(errno)));
        }
        return absl::OkStatus();
      });
  if (status.ok()) return kExitOk;
  return ReportFailure(status, options.address, options.channel_credentials != nullptr);
}

}  // namespace switchboard::cli
