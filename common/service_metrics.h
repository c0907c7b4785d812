#ifndef SWITCHBOARD_COMMON_SERVICE_METRICS_H_
#define SWITCHBOARD_COMMON_SERVICE_METRICS_H_

#include "common/metrics.h"

namespace switchboard {

// The metrics Switchboard exports on GET /metrics, updated by the gateway and
// the gRPC server. Values that live elsewhere (store sequences, subscribers,
// per-stream lag) are added to `registry` as collectors by their owners.
// Thread-safe; one per process.
struct ServiceMetrics {
  ServiceMetrics();

  metrics::Registry registry;
  // Webhooks answered, by event type (a known type, "other" for types the
  // schema does not know, "invalid" when untranslatable) and HTTP status.
  metrics::Family<metrics::Counter>& webhooks;
  // From the request being read to the answer, for POST /webhooks/justcall.
  metrics::Histogram& webhook_seconds;
  // From Append() to the store's answer (includes the group-commit fsync).
  metrics::Histogram& append_seconds;
  // Webhooks refused for a missing or wrong signature, by scheme (justcall,
  // hmac).
  metrics::Family<metrics::Counter>& auth_failures;
  // Webhooks answered as duplicates of a stored event.
  metrics::Counter& duplicates;
  // Values of stored webhooks that did not fit their typed field, by event
  // type (as `webhooks`) and field path without array indexes
  // ("data.notes[].added_at"); both label sets are bounded by the schema.
  metrics::Family<metrics::Counter>& schema_mismatches;
  // Subscribe streams ended, by reason: fell_behind, cancelled, shutdown,
  // out_of_range, error.
  metrics::Family<metrics::Counter>& streams_ended;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_SERVICE_METRICS_H_
