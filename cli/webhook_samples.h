#ifndef SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_
#define SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_

// The sample JustCall webhooks built into switchboard-cli, one per event type
// the schema knows: JustCall's official v2.1 shape of each type in its list,
// and the nine flat samples Switchboard started from (five of whose types are
// in both). Their JSON is embedded at build time from
// tests/fixtures/justcall/v2.1/TYPE.json and tests/fixtures/justcall/TYPE.json
// (cli/embed_samples.cmake), so the CLI sends exactly what the tests check.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace switchboard::cli {

struct WebhookSample {
  absl::string_view type;  // e.g. "call.completed"
  // True for a flat sample ({"event","timestamp","data"}), false for
  // JustCall's v2.1 shape ({"request_id","webhook_url","url_id","type","data"}).
  bool flat;
  absl::string_view json;  // the webhook body
};

// Every built-in sample: the official ones in JustCall's order, then the flat.
// Defined in the generated webhook_sample_data.cc.
absl::Span<const WebhookSample> WebhookSamples();

// The sample of `type`: with `flat`, the flat one; otherwise the official
// one, or the flat one for a type JustCall's list lacks. nullptr when there
// is none.
const WebhookSample* FindWebhookSample(absl::string_view type, bool flat = false);

// The sample types, space-separated, each once, for messages and --help;
// with `flat`, those that have a flat sample.
std::string WebhookSampleTypes(bool flat = false);

// `json` (an object) with a top-level "request_id" of `id`: its value
// replaced when there is one (a v2.1 sample), else a first member added. The
// server uses a webhook's request_id as the event's id and de-duplicates on
// it, so a fresh id makes a repeated sample a new event. INVALID_ARGUMENT
// when `json` does not start with '{'.
absl::StatusOr<std::string> WithRequestId(absl::string_view json, absl::string_view id);

// A random (version 4) UUID in its 36-character text form.
std::string NewRequestId();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_WEBHOOK_SAMPLES_H_
