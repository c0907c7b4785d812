#ifndef SWITCHBOARD_FUZZ_PIPELINED_REQUESTS_H_
#define SWITCHBOARD_FUZZ_PIPELINED_REQUESTS_H_

// The fuzz targets' reading of raw bytes as what a client sends on one
// keep-alive connection: Beast's request parser with a listener's limits,
// one complete request after the other.

#include <cstddef>
#include <cstdint>

#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "gateway/http_handler.h"

namespace switchboard::fuzz {

struct RequestLimits {
  int max_requests;        // at most this many from one input
  uint32_t header_bytes;   // the listener's header_limit
  uint64_t body_bytes;     // and body_limit
};

// Calls `handle(HttpRequest)` for each complete request at the front of
// `data`, stopping at the first that is malformed or incomplete (the
// listener answers 400/413/431 or waits for more).
template <typename Handle>
void ForEachRequest(const uint8_t* data, size_t size, RequestLimits limits, Handle handle) {
  namespace http = boost::beast::http;
  boost::beast::string_view input(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; requests < limits.max_requests && !input.empty(); ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.header_bytes);
    parser.body_limit(limits.body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec || !parser.is_done()) {
      if (ec == http::error::need_more) parser.put_eof(ec);
      if (!parser.is_done()) return;
    }
    input.remove_prefix(used);
    handle(gateway::HttpRequest(parser.release()));
  }
}

}  // namespace switchboard::fuzz

#endif  // SWITCHBOARD_FUZZ_PIPELINED_REQUESTS_H_
