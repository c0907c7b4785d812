#include "cli/tail_command.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "cli/command_line.h"
#include "cli/event_printer.h"
#include "cli/grpc_flags.h"
#include "cli/signal_watcher.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/client/subscription.h"

namespace switchboard::cli {
namespace {

void PrintError(absl::string_view message) { PrintCommandError("tail", message); }
int UsageError(absl::string_view message) { return CommandUsageError("tail", message); }

// The message for a status that ended the subscription, and the exit code.
int ReportFailure(const absl::Status& status, absl::string_view address, bool tls) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      PrintError(absl::StrCat(status.message(), ": ", UnreachableHint(address, tls)));
      return kExitFailure;
    case absl::StatusCode::kInvalidArgument:
      PrintError(absl::StrCat("the server rejected the subscription: ", status.message()));
      return kExitUsage;
    case absl::StatusCode::kOutOfRange:
      PrintError(absl::StrCat("cannot start or resume there: ", status.message(),
                              " (--after 0 starts at the oldest retained event)"));
      return kExitFailure;
    case absl::StatusCode::kResourceExhausted:
      PrintError(absl::StrCat("the server ended the stream: ", status.message()));
      return kExitFailure;
    case absl::StatusCode::kUnauthenticated:
      PrintError(absl::StrCat("the server refused the subscription (UNAUTHENTICATED): ",
                              status.message(),
                              " (give a subscriber token: --token_file FILE or "
                              "$SWITCHBOARD_TOKEN)"));
      return kExitFailure;
    case absl::StatusCode::kPermissionDenied:
      PrintError(absl::StrCat("the server refused the subscription (PERMISSION_DENIED): ",
                              status.message(), " (ask for --types your token may read)"));
      return kExitFailure;
    default:
      PrintError(absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message()));
      return kExitFailure;
  }
}

}  // namespace

std::string TailUsage() {
  return absl::StrCat(R"(Usage: switchboard-cli tail [--addr HOST:PORT] [--types PATTERNS] [--after SEQ] [--count N] [--json]

Prints switchboard events as they arrive, one line per event, until Ctrl-C
(or --count events). When the server restarts or the connection drops, it
reconnects by itself (backoff logged to stderr) and resumes after the last
event it printed: nothing is skipped, nothing is printed twice.

Flags:
)",
                      GrpcFlagsUsage(), R"(  --types PATTERNS   comma-separated event types: exact ("sms.received"), a prefix
                     ("call.*") or "*"; default: every type
  --after SEQ        first replay the stored events after sequence SEQ (0: from the
                     oldest retained event), then continue live; default: only
                     events stored from now on
  --count N          exit after printing N events
  --json             print each event as protobuf JSON on one line (the field names
                     grpcurl and buf curl print) instead of a summary
  -h, --help         this help

A summary line is: #SEQUENCE RECEIVED_AT(UTC) TYPE ID key=value..., e.g.
  #7 2026-11-24T19:57:08.712Z call.completed     9b1d...  call_id=call_8f3a2b1c direction=inbound
     from=+14155559876 to=+14155551234 duration=185s agent_name="Jordan Lee" status=completed

Exit status: 0 after Ctrl-C (SIGINT), SIGTERM or --count events; 1 when the
server cannot be reached at start or ends the stream with an error; 2 for bad
arguments or patterns.

Examples:
  switchboard-cli tail --types 'call.*,sms.received'
  switchboard-cli tail --addr 127.0.0.1:50051 --after 0 --json | jq .type
  switchboard-cli tail --types sms.received --count 1 --json > next_sms.json
)");
}

int RunTail(const std::vector<std::string>& args) {
  absl::StatusOr<CommandLine> line =
      CommandLine::Parse(args, [] {
        std::vector<FlagSpec> flags = GrpcFlags();
        flags.insert(flags.end(), {{"types"}, {"after"}, {"count"}, {"json", true}});
        return flags;
      }());
  if (!line.ok()) return UsageError(line.status().message());
  if (line->help()) {
    std::fputs(TailUsage().c_str(), stdout);
    return kExitOk;
  }
  if (!line->positional().empty()) {
    return UsageError(absl::StrCat("unexpected argument \"", line->positional()[0], "\""));
  }

  client::SubscriptionOptions options;
  options.address = line->Get("addr", kDefaultGrpcAddress);
  if (absl::Status ok = CheckHostPort(options.address); !ok.ok()) {
    return UsageError(ok.message());
  }
  options.event_types = SplitTypes(line->Get("types"));
  if (line->Has("after")) {
    uint64_t after = 0;
    const std::string text = line->Get("after");
    if (!absl::SimpleAtoi(text, &after) || absl::StartsWith(text, "-")) {
      return UsageError(absl::StrCat("bad --after \"", text,
                                     "\": expected a sequence number (0: the oldest retained "
                                     "event)"));
    }
    options.start = client::Start::AfterSequence(after);
  }
  absl::StatusOr<uint64_t> count = line->GetPositive("count");
  if (!count.ok()) return UsageError(count.status().message());
  const bool json = line->GetBool("json");
  absl::StatusOr<std::string> token = LoadToken(*line);
  if (!token.ok()) return UsageError(token.status().message());
  options.decorate_context = TokenDecorator(*token);
  bool reconnecting = false;  // Run()'s thread only
  options.on_retry = [&reconnecting](const client::RetryInfo& retry) {
    reconnecting = true;
    PrintError(DescribeRetry(retry));
  };
  options.on_subscribe = [&reconnecting, &options](const v1::SubscribeRequest& request) {
    if (!reconnecting) return;
    reconnecting = false;
    PrintError(absl::StrCat("connected to ", options.address, ", subscribing again",
                            request.has_after_sequence()
                                ? absl::StrCat(" after sequence ", request.after_sequence())
                                : std::string()));
  };

  // Before anything starts gRPC, whose threads must inherit the blocked
  // signals (see SignalWatcher): TLS credentials do, the subscription does.
  std::unique_ptr<client::Subscription> subscription;
  absl::Mutex mu;
  bool stop_requested = false;
  SignalWatcher signals([&](int) {
    absl::MutexLock lock(&mu);
    stop_requested = true;
    if (subscription != nullptr) subscription->Cancel();
  });
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls = LoadTls(*line);
  if (!tls.ok()) return UsageError(tls.status().message());
  options.channel_credentials = *std::move(tls);
  {
    absl::MutexLock lock(&mu);
    if (stop_requested) return kExitOk;
    subscription = std::make_unique<client::Subscription>(options);
  }

  uint64_t printed = 0;  // Run()'s thread only
  const absl::Status status = subscription->Run([&](const v1::Event& event) -> absl::Status {
    std::string text;
    if (json) {
      absl::StatusOr<std::string> formatted = FormatEventJson(event);
      if (!formatted.ok()) return formatted.status();
      text = *std::move(formatted);
    } else {
      text = FormatEventSummary(event);
    }
    text.push_back('\n');
    // Flushed per event: whoever reads a pipe sees each event when it arrives.
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
      return absl::UnknownError(absl::StrCat("cannot write to stdout: ", std::strerror(errno)));
    }
    if (++printed == *count) subscription->Cancel();
    return absl::OkStatus();
  });
  if (status.ok()) return kExitOk;  // cancelled by SIGINT/SIGTERM or --count
  return ReportFailure(status, options.address, options.channel_credentials != nullptr);
}

}  // namespace switchboard::cli
