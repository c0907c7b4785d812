#ifndef SWITCHBOARD_ADMIN_ADMIN_API_H_
#define SWITCHBOARD_ADMIN_ADMIN_API_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "admin/metrics_sampler.h"
#include "admin/status_sources.h"
#include "common/service_metrics.h"
#include "gateway/http_handler.h"
#include "gateway/refusal_ring.h"
#include "store/event_log.h"

namespace switchboard::admin {

// How the event store is configured, for the health view.
struct StoreInfo {
  std::string kind;                          // rocksdb, jetstream, memory
  absl::Duration max_age = absl::ZeroDuration();  // 0: none
  uint64_t max_bytes = 0;                    // 0: none
  uint64_t max_events = 0;                   // --store=memory only; 0: none
};

// A console viewer following the live tail (admin/tail_session.h).
struct ViewerInfo {
  std::string peer;
  std::string filter;          // type patterns, "*" for all
  std::string text;            // text search, "" for none
  bool following = false;      // false while paused
  uint64_t cursor = 0;         // the last sequence examined for it
  uint64_t sent = 0;           // events sent so far
  size_t buffered_bytes = 0;   // the frame being written (its whole buffer)
};

// The console's JSON API, a pure request -> response function (no socket):
//   GET /api/events?types=&q=&before=&after=&since=&until=&limit=&id=
//                           a page of events, newest first (event_query.h)
//   GET /api/events/SEQ     one event in full (event_json.h EventDetailJson)
//   GET /api/overview       store, subscribers, consumer groups, viewers,
//                           webhook and auth-failure totals
//   GET /api/series         the last 15 minutes of webhooks/s by type and
//                           status, and auth failures/s (MetricsSampler)
//   GET /api/refusals       the gateway's recent refused webhooks, newest first
// Errors: {"error":{"status","message","field"}} (400 naming the query
// parameter, 404, 405, 503 when the store cannot be read).
//
// Thread-safe. Handle() blocks on the store's reads (on JetStream, up to its
// API timeout while NATS hangs): call it off threads that answer anything
// else (the admin server calls it on a pool of its own).
class AdminApi {
 public:
  struct Sources {
    EventLog* log = nullptr;
    ServiceMetrics* metrics = nullptr;
    const MetricsSampler* sampler = nullptr;
    const gateway::RefusalRing* refusals = nullptr;
    StatusSources* status = nullptr;
    StoreInfo store;
    std::function<std::vector<ViewerInfo>()> viewers;  // may be empty
  };

  // Every pointer in `sources` must outlive the API.
  explicit AdminApi(Sources sources) : sources_(std::move(sources)) {}

  // True for the paths Handle() answers (/api/ and below, but /api/tail and
  // /api/session, which the admin server handles itself).
  static bool Handles(absl::string_view path);

  gateway::HttpResponse Handle(const gateway::HttpRequest& request) const;

 private:
  gateway::HttpResponse Events(absl::string_view query, unsigned version, bool keep_alive) const;
  gateway::HttpResponse Event(absl::string_view sequence, unsigned version, bool keep_alive) const;
  std::string OverviewJson() const;
  std::string RefusalsJson() const;

  Sources sources_;
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_ADMIN_API_H_
