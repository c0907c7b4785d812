#ifndef SWITCHBOARD_GATEWAY_WEBHOOK_VERIFIER_H_
#define SWITCHBOARD_GATEWAY_WEBHOOK_VERIFIER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace switchboard::gateway {

// Checks that a webhook comes from who it claims. Two schemes, each enabled
// by configuring its secrets; when both are, a request must pass both.
//
// JustCall ("Dynamic Webhook Signatures", v1): headers x-justcall-signature
// (hex), x-justcall-signature-version: v1 and x-justcall-request-timestamp
// ("YYYY-MM-DD HH:MM:SS", UTC, as JustCall's example shows, or an integer,
// as its header tables type it: Unix seconds, or milliseconds from 13
// digits). The signature is HMAC-SHA256, keyed with the API secret, of
// "SECRET|encodeURIComponent(webhook_url)|type|timestamp", the timestamp
// exactly as the header carries it.
// webhook_url is the URL configured here, never the one in the body. Limits
// of the scheme: it does not cover `data` (a captured request can be replayed
// with other data within the allowed clock skew), and it proves knowledge of
// the secret, not freshness beyond the timestamp.
//
// Body HMAC (senders or proxies that sign the raw body): HMAC-SHA256 of the
// exact body bytes, hex or base64, in a configurable header; with a timestamp
// header configured, the signed bytes are "TIMESTAMP.BODY" and the
// timestamp (Unix seconds) must be within the allowed skew.
//
// Up to two secrets per scheme are accepted at once, for rotation without
// downtime. Comparisons are constant-time. Thread-safe.
class WebhookVerifier {
 public:
  struct Options {
    std::vector<std::string> justcall_secrets;
    std::string justcall_webhook_url;  // required with justcall_secrets
    std::vector<std::string> hmac_secrets;
    std::string hmac_header = "x-signature-sha256";
    std::string hmac_timestamp_header;  // empty: the body alone is signed
    absl::Duration max_skew = absl::Minutes(5);
  };

  // The request parts a verifier looks at. `header` returns "" when absent.
  struct Request {
    absl::string_view body;
    absl::string_view event_type;  // from the translated body
    std::function<absl::string_view(absl::string_view name)> header;
  };

  // INVALID_ARGUMENT when the options are unusable (e.g. three secrets, a
  // JustCall secret without the webhook URL).
  static absl::StatusOr<WebhookVerifier> Create(Options options);

  bool enabled() const { return justcall_enabled() || hmac_enabled(); }
  bool justcall_enabled() const { return !options_.justcall_secrets.empty(); }
  bool hmac_enabled() const { return !options_.hmac_secrets.empty(); }

  // Checks the body HMAC (before parsing the body), when enabled.
  // UNAUTHENTICATED saying what is missing or wrong.
  absl::Status VerifyBody(const Request& request, absl::Time now) const;

  // Checks the JustCall signature (needs the event type), when enabled.
  absl::Status VerifyJustCall(const Request& request, absl::Time now) const;

  // The JustCall v1 signature, lowercase hex (exposed for tests and tools).
  static std::string JustCallSignature(absl::string_view secret, absl::string_view webhook_url,
                                       absl::string_view type, absl::string_view timestamp);

  // JavaScript's encodeURIComponent on UTF-8 text.
  static std::string EncodeUriComponent(absl::string_view text);

 private:
  explicit WebhookVerifier(Options options) : options_(std::move(options)) {}

  Options options_;
};

// Reads secrets for rotation: one per non-empty line of the file at `path`,
// or, when `path` is empty, from the environment variable `env` (one per line
// or comma-separated). At most two. Never logs them.
absl::StatusOr<std::vector<std::string>> LoadSecrets(const std::string& path, const char* env);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_WEBHOOK_VERIFIER_H_
