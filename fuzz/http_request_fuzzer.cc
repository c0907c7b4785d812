// libFuzzer target: any bytes as what a client sends on a connection. They
// go through Beast's request parser with the server's limits, and every
// complete request through HttpHandler (translation, verification, the
// in-memory log), once without signatures and once with both signature
// schemes on. The handler must answer each request exactly once with a valid
// status and, when it says JSON, a body that parses; the signing one must
// never store a webhook (the fuzzer does not know its secrets); and nothing
// may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "boost/beast/http.hpp"
#include "common/service_metrics.h"
#include "fuzz/pipelined_requests.h"
#include "gateway/http_handler.h"
#include "gateway/webhook_verifier.h"
#include "simdjson.h"
#include "store/memory_event_log.h"

namespace http = boost::beast::http;

namespace {

using switchboard::gateway::HttpHandler;
using switchboard::gateway::WebhookVerifier;

// Both signature schemes on, with secrets the fuzzer cannot know.
WebhookVerifier::Options Signed() {
  WebhookVerifier::Options options;
  options.justcall_secrets = {"justcall-secret"};
  options.justcall_webhook_url = "https://hooks.example.com/webhooks/justcall";
  options.hmac_secrets = {"hmac-secret", "hmac-secret-next"};
  options.hmac_timestamp_header = "x-signature-timestamp";
  return options;
}

// Answers `request` once with a valid status and, when it says JSON, a body
// that parses; returns the status.
int Answer(HttpHandler* handler, switchboard::gateway::HttpRequest request) {
  int answers = 0, status = 0;
  handler->Handle(std::move(request), [&](switchboard::gateway::HttpResponse response) {
    ++answers;
    status = response.result_int();
    if (status < 200 || status > 599) std::abort();
    // Error bodies quote the request back: they must stay JSON (and UTF-8).
    static simdjson::dom::parser* json = new simdjson::dom::parser();
    if (response[http::field::content_type] == "application/json" &&
        json->parse(response.body()).error() != simdjson::SUCCESS) {
      std::abort();
    }
  });
  if (answers != 1) std::abort();  // the memory log answers inline
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* log = new switchboard::MemoryEventLog({1000, 1 << 20});
  static auto* metrics = new switchboard::ServiceMetrics();
  static auto* open_verifier = new WebhookVerifier(*WebhookVerifier::Create({}));
  static auto* open = new HttpHandler(log, metrics, open_verifier, {});
  static auto* signed_verifier = new WebhookVerifier(*WebhookVerifier::Create(Signed()));
  static auto* checking_log = new switchboard::MemoryEventLog({1000, 1 << 20});
  static auto* checking = new HttpHandler(checking_log, metrics, signed_verifier, {});

  // Pipelined requests, as on a keep-alive connection with the server's limits.
  switchboard::fuzz::ForEachRequest(
      data, size, {16, 8 << 10, 64 << 10}, [](switchboard::gateway::HttpRequest request) {
        const bool webhook = request.method() == http::verb::post &&
                             request.target().substr(0, request.target().find('?')) ==
                                 "/webhooks/justcall";
        // Without the secrets no webhook gets in: a 200 would be a forged one.
        if (Answer(checking, request) == 200 && webhook) std::abort();
        Answer(open, std::move(request));
      });
  return 0;
}
