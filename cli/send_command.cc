#include "cli/send_command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/http_client.h"
#include "cli/webhook_samples.h"

namespace switchboard::cli {
namespace {

constexpr absl::string_view kDefaultUrl = "http://127.0.0.1:8080/webhooks/justcall";
constexpr absl::string_view kWebhookPath = "/webhooks/justcall";

void PrintError(absl::string_view message) { PrintCommandError("send", message); }
int UsageError(absl::string_view message) { return CommandUsageError("send", message); }

// The types, wrapped for --help and error messages.
std::string TypeList(bool flat = false) {
  std::string out;
  std::string line = " ";
  for (absl::string_view type : absl::StrSplit(WebhookSampleTypes(flat), ' ')) {
    if (line.size() + type.size() + 1 > 72) {
      absl::StrAppend(&out, line, "\n");
      line = " ";
    }
    absl::StrAppend(&line, " ", type);
  }
  absl::StrAppend(&out, line, "\n");
  return out;
}

// One thing to send: a built-in sample or a file.
struct Payload {
  std::string label;  // the argument, for output
  std::string body;
};

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad()) return absl::UnknownError("cannot read stdin");
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string message = absl::StrCat("cannot read ", path, ": ", std::strerror(errno));
    return errno == ENOENT ? absl::NotFoundError(message) : absl::UnknownError(message);
  }
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return absl::UnknownError(absl::StrCat("cannot read ", path));
  return text;
}

bool LooksLikePath(absl::string_view arg) {
  return arg == "-" || absl::StrContains(arg, '/') || absl::EndsWithIgnoreCase(arg, ".json");
}

bool FileExists(const std::string& path) {
  std::ifstream file(path);
  return static_cast<bool>(file);
}

// What the user may want to check after a non-2xx answer.
absl::string_view HintFor(int status) {
  switch (status) {
    case 400:
      return "the body is not a webhook switchboard accepts; the error names the field";
    case 401:
    case 403:
      return "the server requires signed webhooks (--justcall_secret_file, --hmac_secret_file), "
             "which switchboard-cli send does not sign";
    case 404:
    case 405:
      return "check --url: switchboard takes webhooks at POST /webhooks/justcall";
    case 413:
      return "the body is larger than the server's --max_body_bytes";
    case 503:
      return "the server cannot store events right now (see GET /readyz); JustCall would retry";
    default:
      return "";
  }
}

}  // namespace

std::string SendUsage() {
  return absl::StrCat(R"(Usage: switchboard-cli send [--url URL] [--timeout DURATION] [--flat] TYPE|FILE...

Posts a JustCall webhook to switchboard's HTTP gateway, the way JustCall
would, and prints the answer: the HTTP status and body (the stored event's id
and sequence). No JustCall account needed.

TYPE sends a built-in sample payload, in JustCall's official v2.1 shape, one of:
)",
                      TypeList(), R"(With --flat, TYPE sends the flat sample Switchboard started from instead
({"event","timestamp","data"} with flat fields), one of:
)",
                      TypeList(/*flat=*/true), R"(Each built-in send gets a fresh "request_id" (a random UUID), which becomes
the event's id: the server de-duplicates webhooks by id, so sending the same
TYPE twice stores two events instead of answering "duplicate":true.

Any other argument is a FILE (e.g. ./my-webhook.json, or - for stdin), posted
byte for byte; sending the same file twice is a duplicate unless its
request_id (or content) differs. Several arguments are sent in order.

Plain HTTP only: send neither speaks HTTPS nor signs webhooks; for a gateway
with --http_tls_cert or signature checks, use curl.

Flags:
  --url URL          the webhook endpoint; default )",
                      kDefaultUrl, R"(
                     (a URL without a path gets /webhooks/justcall)
  --timeout DURATION per request, e.g. 10s (the default) or 500ms
  --flat             send the flat samples (see above)
  -h, --help         this help

Exit status: 0 when every answer is 2xx; 1 when the server cannot be reached
or answers an error (printed to stderr); 2 for bad arguments or an unknown TYPE.

Examples:
  switchboard-cli send call.completed whatsapp.message_received
  switchboard-cli send --flat voicemail.received
  switchboard-cli send --url http://127.0.0.1:8080/webhooks/justcall sms.received ./webhook.json
)");
}

int RunSend(const std::vector<std::string>& args) {
  absl::StatusOr<CommandLine> line = CommandLine::Parse(args, {{"url"}, {"timeout"}, {"flat", true}});
  if (!line.ok()) return UsageError(line.status().message());
  if (line->help()) {
    std::fputs(SendUsage().c_str(), stdout);
    return kExitOk;
  }
  if (line->positional().empty()) {
    return UsageError(absl::StrCat("say what to send: a TYPE or a FILE. Types:\n", TypeList()));
  }
  absl::StatusOr<HttpUrl> url = ParseHttpUrl(line->Get("url", kDefaultUrl), kWebhookPath);
  if (!url.ok()) return UsageError(absl::StrCat("--url: ", url.status().message()));
  absl::Duration timeout = absl::Seconds(10);
  if (line->Has("timeout") &&
      (!absl::ParseDuration(line->Get("timeout"), &timeout) || timeout <= absl::ZeroDuration())) {
    return UsageError(absl::StrCat("bad --timeout \"", line->Get("timeout"),
                                   "\": expected a positive duration such as 10s or 500ms"));
  }

  // Everything is checked and read before the first request: a typo in the
  // third argument must not leave the first two sent.
  std::vector<Payload> payloads;
  for (const std::string& arg : line->positional()) {
    if (const WebhookSample* sample = FindWebhookSample(arg, line->GetBool("flat"))) {
      absl::StatusOr<std::string> body = WithRequestId(sample->json, NewRequestId());
      if (!body.ok()) {
        PrintError(body.status().message());
        return kExitFailure;
      }
      payloads.push_back({arg, *std::move(body)});
      continue;
    }
    if (!LooksLikePath(arg) && !FileExists(arg)) {
      return UsageError(absl::StrCat("unknown event type \"", arg,
                                     "\" (and no such file). Built-in types",
                                     line->GetBool("flat") ? " with --flat" : "", ":\n",
                                     TypeList(line->GetBool("flat")),
                                     "or give a file, e.g. ./webhook.json"));
    }
    absl::StatusOr<std::string> body = ReadAll(arg);
    if (!body.ok()) {
      PrintError(body.status().message());
      return absl::IsNotFound(body.status()) ? kExitUsage : kExitFailure;
    }
    payloads.push_back({arg, *std::move(body)});
  }

  int exit_code = kExitOk;
  for (const Payload& payload : payloads) {
    absl::StatusOr<HttpAnswer> answer = PostJson(*url, payload.body, timeout);
    if (!answer.ok()) {
      if (absl::IsUnavailable(answer.status()) &&
          absl::StartsWith(answer.status().message(), "cannot connect")) {
        PrintError(absl::StrCat(answer.status().message(),
                                ": is switchboard running? start it with scripts/run.sh"));
      } else {
        PrintError(absl::StrCat(answer.status().message(), " (check --url)"));
      }
      return kExitFailure;  // the next ones would fail the same way
    }
    const std::string body(absl::StripTrailingAsciiWhitespace(answer->body));
    if (answer->status >= 200 && answer->status < 300) {
      std::printf("%s: %d %s %s\n", payload.label.c_str(), answer->status,
                  answer->reason.c_str(), body.c_str());
      std::fflush(stdout);
      continue;
    }
    exit_code = kExitFailure;
    const absl::string_view hint = HintFor(answer->status);
    PrintError(absl::StrCat(payload.label, ": the server answered ", answer->status, " ",
                            answer->reason, ": ", body.empty() ? "(no body)" : body,
                            hint.empty() ? "" : absl::StrCat(" (", hint, ")")));
  }
  return exit_code;
}

}  // namespace switchboard::cli
