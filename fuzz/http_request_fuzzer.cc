// libFuzzer target: any bytes as what a client sends on a connection. They
// go through Beast's request parser with the server's limits, and every
// complete request through HttpHandler (translation, verification, the
// in-memory log). The handler must answer each request exactly once with a
// valid status and, when it says JSON, a body that parses; and never crash or
// hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "common/service_metrics.h"
#include "gateway/http_handler.h"
#include "gateway/webhook_verifier.h"
#include "simdjson.h"
#include "store/memory_event_log.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* log = new switchboard::MemoryEventLog({1000, 1 << 20});
  static auto* metrics = new switchboard::ServiceMetrics();
  static auto* verifier =
      new switchboard::gateway::WebhookVerifier(*switchboard::gateway::WebhookVerifier::Create({}));
  static auto* handler = new switchboard::gateway::HttpHandler(log, metrics, verifier, {});

  boost::beast::string_view input(reinterpret_cast<const char*>(data), size);
  // Pipelined requests: parse one after the other, like a keep-alive session.
  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 << 10);
    parser.header_limit(8 << 10);
    parser.eager(true);
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec || !parser.is_done()) {
      if (ec == http::error::need_more) parser.put_eof(ec);
      if (!parser.is_done()) return 0;  // the server answers 400/413/431 or waits
    }
    input.remove_prefix(used);
    int answers = 0;
    handler->Handle(parser.release(), [&answers](switchboard::gateway::HttpResponse response) {
      ++answers;
      const int status = response.result_int();
      if (status < 200 || status > 599) std::abort();
      // Error bodies quote the request back: they must stay JSON (and UTF-8).
      static simdjson::dom::parser* json = new simdjson::dom::parser();
      if (response[http::field::content_type] == "application/json" &&
          json->parse(response.body()).error() != simdjson::SUCCESS) {
        std::abort();
      }
    });
    if (answers != 1) std::abort();  // the memory log answers inline
  }
  return 0;
}
