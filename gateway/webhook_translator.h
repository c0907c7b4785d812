#ifndef SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_
#define SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::gateway {

// Translates a JustCall webhook body (JSON) into a typed v1::Event.
//
// Accepts both envelopes:
//   legacy: {"event": TYPE, "timestamp": TIME, "data": {...}}
//   v2.1:   {"request_id": ID, "webhook_url": URL, "url_id": ..., "type": TYPE, "data": {...}}
// TIME is RFC 3339 ("2026-03-12T14:30:00Z") or "YYYY-MM-DD HH:MM:SS" (UTC).
//
// Schema-driven: the payload message for TYPE is the `Event.payload` field
// whose (switchboard.v1.event_type) option equals TYPE, and each key of `data`
// fills the field of the same name. Unknown keys are ignored; JSON null leaves
// a field absent (see common/event_types.h); an unknown TYPE goes into `other` as a google.protobuf.Struct.
//
// Errors are INVALID_ARGUMENT with a message saying what is wrong, and the
// offending field path (e.g. "data.duration") attached with WithField().
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

  static constexpr int kMaxDepthLimit = 48;

  // `options.max_depth` is clamped to [2, kMaxDepthLimit].
  explicit WebhookTranslator(Options options);

  // Parses `body` and builds the event. Sets id, type, occurred_at, payload
  // and `received_at`; the sequence is left for the event log to assign.
  // The id is the v2.1 `request_id`; without one, a UUID derived from the
  // event's content, so that a retried webhook keeps its id.
  absl::StatusOr<v1::Event> Translate(absl::string_view body, absl::Time received_at) const;

 private:
  const Options options_;
};

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_WEBHOOK_TRANSLATOR_H_
