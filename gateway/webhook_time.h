#ifndef SWITCHBOARD_GATEWAY_WEBHOOK_TIME_H_
#define SWITCHBOARD_GATEWAY_WEBHOOK_TIME_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace switchboard::gateway {

// Reads a webhook time: RFC 3339 ("2026-03-12T14:30:00Z", any offset, up to
// nanoseconds) or "YYYY-MM-DD HH:MM:SS" (UTC, as JustCall writes them), in
// google.protobuf.Timestamp's range (years 0001 to 9999). INVALID_ARGUMENT
// saying what was expected (quoting at most 64 bytes of `text`) otherwise.
// Thread-safe.
absl::StatusOr<absl::Time> ParseWebhookTime(absl::string_view text);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_WEBHOOK_TIME_H_
