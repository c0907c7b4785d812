#ifndef SWITCHBOARD_GATEWAY_HTTP_HANDLER_H_
#define SWITCHBOARD_GATEWAY_HTTP_HANDLER_H_

#include <atomic>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/beast/http.hpp"
#include "common/service_metrics.h"
#include "gateway/refusal_ring.h"
#include "gateway/webhook_translator.h"
#include "gateway/webhook_verifier.h"
#include "store/event_log.h"

namespace switchboard::gateway {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// Routes one parsed HTTP request, with no socket involved:
//   POST /webhooks/justcall  translate, append to the log, answer {"id","sequence"}
//                            (plus "duplicate":true for a retry already stored)
//   GET  /healthz            200 while the process runs
//   GET  /readyz             200 while accepting webhooks and the store is
//                            writable, 503 otherwise
//   GET  /metrics            Prometheus text format (common/service_metrics.h)
// Errors answer a JSON body {"error":{"status","message","field"}}.
//
// Thread-safe. The log must outlive the handler.
class HttpHandler {
 public:
  using Respond = absl::AnyInvocable<void(HttpResponse) &&>;

  // `log`, `metrics` and `verifier` must outlive the handler. Webhooks that
  // fail `verifier` get 401 and are not stored. Every webhook answered with
  // 4xx or 5xx is recorded in `refusals` (optional; must outlive the handler).
  HttpHandler(EventLog* log, ServiceMetrics* metrics, const WebhookVerifier* verifier,
              WebhookTranslator::Options translator_options, RefusalRing* refusals = nullptr);

  // Calls `respond` exactly once: inline for errors and for logs that store
  // synchronously, or later on a log thread once the event is stored.
  void Handle(HttpRequest request, Respond respond);

  // While not ready, /readyz and webhooks answer 503 (senders retry).
  void set_ready(bool ready) { ready_ = ready; }

  // Records a refused request the server answered itself (413, 431, a
  // malformed request) in the refusal ring, if there is one.
  void RecordRefusal(absl::string_view type, const HttpResponse& response);

 private:
  void HandleWebhook(HttpRequest request, Respond respond);

  // Counts an answered webhook in switchboard_webhooks_total.
  void CountWebhook(absl::string_view type, unsigned status);

  EventLog* const log_;
  ServiceMetrics* const metrics_;
  // switchboard_webhooks_total{type=T,status="200"} for every known type,
  // looked up once: the family's own lookup takes a lock and builds strings.
  absl::flat_hash_map<std::string, metrics::Counter*> stored_by_type_;
  const WebhookVerifier* const verifier_;
  const WebhookTranslator translator_;
  RefusalRing* const refusals_;
  std::atomic<bool> ready_{true};
};

// A JSON error response: {"error":{"status":N,"message":"...","field":"..."}}
// ("field" only when known). 503 responses carry Retry-After.
HttpResponse MakeErrorResponse(http::status status, absl::string_view message,
                               absl::string_view field, unsigned version, bool keep_alive);

// The HTTP answer for a failed absl::Status: INVALID_ARGUMENT 400,
// UNAVAILABLE 503, RESOURCE_EXHAUSTED 429, others 500; the field path
// attached with WithField() goes into "field".
HttpResponse ToHttpResponse(const absl::Status& status, unsigned version, bool keep_alive);

// `text` as a quoted JSON string; bytes that are not UTF-8 become U+FFFD.
std::string JsonQuote(absl::string_view text);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_HTTP_HANDLER_H_
