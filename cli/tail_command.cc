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
#include "cli/signal_watcher.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/client/subscription.h"

namespace switchboard::cli {
namespace {

constexpr absl::string_view kDefaultAddress = "127.0.0.1:50051";

void PrintError(absl::string_view message) {
  std::fprintf(stderr, "switchboard-cli tail: %.*s\n", static_cast<int>(message.size()),
               message.data());
}

int UsageError(absl::string_view message) {
  PrintError(message);
  std::fprintf(stderr, "Run 'switchboard-cli tail --help' for usage.\n");
  return kExitUsage;
}

std::vector<std::string> SplitTypes(absl::string_view types) {
  std::vector<std::string> patterns;
  for (absl::string_view piece : absl::StrSplit(types, ',')) {
    piece = absl::StripAsciiWhitespace(piece);
    if (!piece.empty()) patterns.emplace_back(piece);
  }
  return patterns;
}

std::string DescribeRetry(const client::RetryInfo& retry) {
  return absl::StrFormat(
      "reconnecting in %s (attempt %d%s): %s: %s",
      absl::FormatDuration(absl::Trunc(retry.delay, absl::Milliseconds(1))), retry.attempt,
      retry.resume_after.has_value()
          ? absl::StrCat(", will resume after sequence ", *retry.resume_after)
          : std::string(),
      absl::StatusCodeToString(retry.cause.code()), retry.cause.message());
}

// The message for a status that ended the subscription, and the exit code.
int ReportFailure(const absl::Status& status, absl::string_view address, bool tls) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      PrintError(absl::StrCat(
          status.message(), ": is switchboard running? start it with scripts/run.sh (",
          address, " must be its gRPC address, --grpc_addr, default ", kDefaultAddress,
          tls ? "; check that it serves TLS and that --tls_ca holds the CA that signed its "
                "certificate)"
              : "; if it serves TLS, --grpc_tls_cert, add --tls or --tls_ca)"));
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

absl::StatusOr<std::string> ReadFile(const std::string& flag, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read --", flag, " ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The subscriber token: the first line of --token_file, else $SWITCHBOARD_TOKEN.
absl::StatusOr<std::string> LoadToken(const CommandLine& line) {
  std::string token;
  if (line.Has("token_file")) {
    absl::StatusOr<std::string> text = ReadFile("token_file", line.Get("token_file"));
    if (!text.ok()) return text.status();
    token = std::string(absl::StripAsciiWhitespace(
        absl::string_view(*text).substr(0, text->find('\n'))));
    if (token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file ", line.Get("token_file"), " holds no token"));
    }
  } else if (const char* env = std::getenv("SWITCHBOARD_TOKEN"); env != nullptr) {
    token = std::string(absl::StripAsciiWhitespace(env));
  }
  return token;
}

// TLS credentials when --tls, --tls_ca or --tls_cert asks for them; nullptr
// for plaintext.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> LoadTls(const CommandLine& line) {
  const bool client_cert = line.Has("tls_cert") || line.Has("tls_key");
  if (!line.GetBool("tls") && !line.Has("tls_ca") && !client_cert) return nullptr;
  grpc::SslCredentialsOptions options;  // empty roots: the system's
  if (line.Has("tls_ca")) {
    absl::StatusOr<std::string> ca = ReadFile("tls_ca", line.Get("tls_ca"));
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
  }
  if (client_cert) {
    if (!line.Has("tls_cert") || !line.Has("tls_key")) {
      return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
    }
    absl::StatusOr<std::string> cert = ReadFile("tls_cert", line.Get("tls_cert"));
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile("tls_key", line.Get("tls_key"));
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *std::move(cert);
    options.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(options);
}

}  // namespace

std::string TailUsage() {
  return absl::StrCat(R"(Usage: switchboard-cli tail [--addr HOST:PORT] [--types PATTERNS] [--after SEQ] [--json]

Prints switchboard events as they arrive, one line per event, until Ctrl-C.
When the server restarts or the connection drops, it reconnects by itself
(backoff logged to stderr) and resumes after the last event it printed:
nothing is skipped, nothing is printed twice.

Flags:
  --addr HOST:PORT   switchboard's gRPC address (its --grpc_addr); default )",
                      kDefaultAddress, R"(
  --types PATTERNS   comma-separated event types: exact ("sms.received"), a prefix
                     ("call.*") or "*"; default: every type
  --after SEQ        first replay the stored events after sequence SEQ (0: from the
                     oldest retained event), then continue live; default: only
                     events stored from now on
  --json             print each event as protobuf JSON on one line (the field names
                     grpcurl and buf curl print) instead of a summary
  --token_file FILE  subscriber token (first line of FILE), sent as "authorization:
                     Bearer TOKEN" to a server with --grpc_token_file; without it,
                     $SWITCHBOARD_TOKEN is used when set
  --tls              connect with TLS, trusting the system's CAs
  --tls_ca FILE      connect with TLS, trusting the CA certificates in FILE (PEM)
  --tls_cert FILE, --tls_key FILE
                     client certificate and key (PEM), for a server requiring mTLS
  -h, --help         this help

A summary line is: #SEQUENCE RECEIVED_AT(UTC) TYPE ID key=value..., e.g.
  #7 2026-11-24T19:57:08.712Z call.completed     9b1d...  call_id=call_8f3a2b1c direction=inbound
     from=+14155559876 to=+14155551234 duration=185s agent_name="Jordan Lee" status=completed

Exit status: 0 after Ctrl-C (SIGINT) or SIGTERM; 1 when the server cannot be
reached at start or ends the stream with an error; 2 for bad arguments or
patterns.

Examples:
  switchboard-cli tail --types 'call.*,sms.received'
  switchboard-cli tail --addr 127.0.0.1:50051 --after 0 --json | jq .type
)");
}

absl::Status CheckHostPort(absl::string_view address) {
  const auto bad = [address](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad --addr \"", address, "\": ", why,
                                                   "; expected HOST:PORT, e.g. ",
                                                   kDefaultAddress));
  };
  if (absl::StrContains(address, "://")) return bad("give HOST:PORT without a scheme");
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  absl::string_view host = address.substr(0, colon);
  const absl::string_view port = address.substr(colon + 1);
  if (absl::StartsWith(host, "[")) {
    if (!absl::EndsWith(host, "]") || host.size() < 3) return bad("malformed [IPv6 address]");
  } else if (host.empty() || absl::StrContains(host, ':')) {
    return bad(host.empty() ? "no host" : "put an IPv6 address in brackets, e.g. [::1]:50051");
  }
  int number = 0;
  if (port.empty() || !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
    return bad(absl::StrCat("bad port \"", port, "\" (1 to 65535)"));
  }
  return absl::OkStatus();
}

int RunTail(const std::vector<std::string>& args) {
  absl::StatusOr<CommandLine> line =
      CommandLine::Parse(args, {{"addr"}, {"types"}, {"after"}, {"json", true}, {"token_file"},
                                {"tls", true}, {"tls_ca"}, {"tls_cert"}, {"tls_key"}});
  if (!line.ok()) return UsageError(line.status().message());
  if (line->help()) {
    std::fputs(TailUsage().c_str(), stdout);
    return kExitOk;
  }
  if (!line->positional().empty()) {
    return UsageError(absl::StrCat("unexpected argument \"", line->positional()[0], "\""));
  }

  client::SubscriptionOptions options;
  options.address = line->Get("addr", kDefaultAddress);
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
  const bool json = line->GetBool("json");
  absl::StatusOr<std::string> token = LoadToken(*line);
  if (!token.ok()) return UsageError(token.status().message());
  if (!token->empty()) {
    options.decorate_context = [bearer = absl::StrCat("Bearer ", *token)](grpc::ClientContext& c) {
      c.AddMetadata("authorization", bearer);
    };
  }
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

  const absl::Status status = subscription->Run([json](const v1::Event& event) -> absl::Status {
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
    return absl::OkStatus();
  });
  if (status.ok()) return kExitOk;  // cancelled by SIGINT/SIGTERM
  return ReportFailure(status, options.address, options.channel_credentials != nullptr);
}

}  // namespace switchboard::cli
