#include "common/service_metrics.h"

namespace switchboard {

ServiceMetrics::ServiceMetrics()
    : webhooks(registry.AddCounter("switchboard_webhooks_total",
                                   "Webhooks answered, by event type and HTTP status.",
                                   {"type", "status"})),
      webhook_seconds(registry
                          .AddHistogram("switchboard_webhook_duration_seconds",
                                        "Time from a webhook request to its answer.", {},
                                        metrics::ExponentialBuckets(50e-6, 2, 16))
                          .WithLabels({})),
      append_seconds(registry
                         .AddHistogram("switchboard_store_append_duration_seconds",
                                       "Time for the event store to take one event (durably).",
                                       {}, metrics::ExponentialBuckets(10e-6, 2, 18))
                         .WithLabels({})),
      auth_failures(registry.AddCounter("switchboard_webhook_auth_failures_total",
                                        "Webhooks refused (401) for a missing or wrong "
                                        "signature, by scheme.",
                                        {"scheme"})),
      duplicates(registry
                     .AddCounter("switchboard_webhook_duplicates_total",
                                 "Webhooks answered as duplicates of an event already stored.")
                     .WithLabels({})),
      schema_mismatches(registry.AddCounter(
          "switchboard_schema_mismatches_total",
          "Values of stored webhooks that did not fit their typed field (kept as sent in "
          "data_json), by event type and field path.",
          {"type", "field"})),
      streams_ended(registry.AddCounter("switchboard_streams_ended_total",
                                        "Subscribe streams ended, by reason (fell_behind: the "
                                        "subscriber read too slowly for retention).",
                                        {"reason"})) {}

}  // namespace switchboard
