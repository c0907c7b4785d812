#ifndef SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_
#define SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::gateway {

// Translates a JustCall webhook body (JSON) into a typed v1::Event.
//
// Accepts both envelopes:
//   flat:   {"event": TYPE, "timestamp": TIME, "data": {...}}
//   v2.1:   {"request_id": ID, "webhook_url": URL, "url_id": ..., "type": TYPE, "data": {...}}
// TIME is RFC 3339 ("2026-03-12T14:30:00Z") or "YYYY-MM-DD HH:MM:SS" (UTC).
//
// Nothing the webhook carries is lost: `data` is kept byte for byte in
// Event.data_json, and every envelope key that no Event field holds in
// Event.envelope_extras (proto/switchboard/v1/event.proto states the rule).
//
// Only structural faults are errors (INVALID_ARGUMENT, the offending path
// attached with WithField(), e.g. "data.x" for a duplicate key): not JSON,
// invalid UTF-8, nested deeper than the limit, a duplicate key anywhere, no
// event type (or an invalid one, or "event" and "type" disagreeing), `data`
// missing or not an object. A value that does not fit its typed field (a
// string for an integer, an unparsable time, a request_id too long to be an
// id, ...) is accepted: the field stays absent and the mismatch is listed in
// Event.schema_mismatches (gateway/payload_filler.h has the typing rules).
//
// Thread-safe: one translator may serve all threads.
class WebhookTranslator {
 public:
  struct Options {
    // Deepest JSON nesting accepted (the envelope is level 1, `data` level
    // 2); deeper is rejected. At most kMaxDepthLimit, so that every stored
    // event stays within protobuf decoders' default recursion limit (100)
    // even when `data` lands in a google.protobuf.Struct (2 levels per JSON level).
    int max_depth = 32;
  };

  // Called with the event type once the body is known to be a well-formed
  // webhook and before any of its fields is read; an error from it is
  // returned as is, and nothing more is done (signature checks go here, so
  // an unauthenticated request learns nothing about the schema).
  using CheckType = absl::FunctionRef<absl::Status(absl::string_view type)>;

  static constexpr int kMaxDepthLimit = 48;

  // `options.max_depth` is clamped to [2, kMaxDepthLimit].
  explicit WebhookTranslator(Options options);

  // Parses `body` and builds the event. Sets id, type, occurred_at, the
  // envelope fields, data_json, the payload, schema_mismatches and
  // `received_at`; the sequence is left for the event log to assign. The id
  // is the v2.1 `request_id`; without a usable one, a UUID derived from the
  // webhook's content (content_id.h), so that a retried webhook keeps its id.
  absl::StatusOr<v1::Event> Translate(absl::string_view body, absl::Time received_at,
                                      CheckType check_type) const;
  absl::StatusOr<v1::Event> Translate(absl::string_view body, absl::Time received_at) const;

 private:
  const Options options_;
};

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_
