#ifndef SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_
#define SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_

// The sample JustCall webhooks built into switchboard-cli, one per event type
// the schema knows. Their JSON is embedded at build time from
// tests/fixtures/justcall/TYPE.json (cli/embed_samples.cmake), so the CLI
// sends exactly what the tests check.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace switchboard::cli {

struct WebhookSample {
  absl::string_view type;  // e.g. "call.completed"
  absl::string_view json;  // the webhook body, {"event","timestamp","data"}
};

// Every built-in sample, calls first, then SMS, voicemail and contacts.
// Defined in the generated webhook_sample_data.cc.
absl::Span<const WebhookSample> WebhookSamples();

// The sample of `type`, or nullptr when there is none.
const WebhookSample* FindWebhookSample(absl::string_view type);

// The sample types, space-separated, for messages and --help.
std::string WebhookSampleTypes();

// `json` (an object) with `"request_id": id` as its first member. The server
// uses a webhook's request_id as the event's id and de-duplicates on it, so
// a fresh id makes a repeated sample a new event. INVALID_ARGUMENT when
// `json` does not start with '{'.
absl::StatusOr<std::string> WithRequestId(absl::string_view json, absl::string_view id);

// A random (version 4) UUID in its 36-character text form.
std::string NewRequestId();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_
