#include "cli/http_client.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/error.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/field.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/string_body.hpp"
#include "boost/beast/http/write.hpp"

namespace switchboard::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Largest answer body read; switchboard's answers are tiny.
constexpr uint64_t kMaxAnswerBytes = 1 << 20;

absl::Status InvalidUrl(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad URL \"", url, "\": ", why,
                   "; expected http://HOST:PORT/PATH, e.g. http://127.0.0.1:8080/webhooks/justcall"));
}

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url, absl::string_view default_path) {
  absl::string_view rest = url;
  if (absl::StartsWithIgnoreCase(rest, "https://")) {
    return InvalidUrl(url,
                      "https is not supported by switchboard-cli send; use curl for a gateway "
                      "serving HTTPS (--http_tls_cert)");
  }
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return InvalidUrl(url, "it must start with http://");
  }
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  HttpUrl parsed;
  parsed.target = slash == absl::string_view::npos ? std::string(default_path)
                                                   : std::string(rest.substr(slash));
  if (parsed.target.empty() || parsed.target == "/") parsed.target = std::string(default_path);
  if (absl::StrContains(authority, '@')) return InvalidUrl(url, "user info is not supported");

  absl::string_view host = authority;
  absl::string_view port = "80";
  if (absl::StartsWith(authority, "[")) {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return InvalidUrl(url, "unterminated [IPv6 address]");
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!absl::ConsumePrefix(&after, ":")) return InvalidUrl(url, "junk after ]");
      port = after;
    }
  } else if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidUrl(url, "no host");
  int port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535 ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit)) {
    return InvalidUrl(url, absl::StrCat("bad port \"", port, "\""));
  }
  parsed.host = std::string(host);
  parsed.port = std::string(port);
  parsed.authority = std::string(authority);
  return parsed;
}

absl::StatusOr<HttpAnswer> PostJson(const HttpUrl& url, absl::string_view body,
                                    absl::Duration timeout) {
  asio::io_context io;
  const auto run = [&io] {
    io.restart();
    io.run();
  };
  const auto deadline = absl::ToChronoNanoseconds(timeout);
  const std::string where = absl::StrCat(url.host, ":", url.port);

  // Resolve. The resolver has no timeout of its own: run it for at most `timeout`.
  tcp::resolver resolver(io);
  beast::error_code error;
  tcp::resolver::results_type endpoints;
  bool resolved = false;
  resolver.async_resolve(url.host, url.port,
                         [&](beast::error_code ec, tcp::resolver::results_type results) {
                           error = ec;
                           endpoints = std::move(results);
                           resolved = true;
                         });
  io.run_for(deadline);
  if (!resolved) {
    resolver.cancel();
    run();
    return absl::DeadlineExceededError(absl::StrCat(
        "cannot resolve ", url.host, " within ", absl::FormatDuration(timeout)));
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", url.host, ": ", error.message()));
  }

  beast::tcp_stream stream(io);
  stream.expires_after(deadline);
  stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) { error = ec; });
  run();
  if (error == beast::error::timeout) {
    return absl::DeadlineExceededError(absl::StrCat(
        "cannot connect to ", where, ": no answer within ", absl::FormatDuration(timeout)));
  }
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot connect to ", where, " (", error.message(), ")"));
  }

  http::request<http::string_body> request(http::verb::post, url.target, 11);
  request.set(http::field::host, url.authority);
  request.set(http::field::user_agent, "switchboard-cli");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.body().assign(body.data(), body.size());
  request.keep_alive(false);
  request.prepare_payload();

  beast::error_code write_error;
  stream.expires_after(deadline);
  http::async_write(stream, request, [&](beast::error_code ec, size_t) { write_error = ec; });
  run();

  // Read even when the write failed: a server may answer (413, say) and
  // close before it has read the whole body.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  stream.expires_after(deadline);
  http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) { error = ec; });
  run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (error == beast::error::timeout) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no answer from ", where, " within ", absl::FormatDuration(timeout)));
  }
  if (error) {
    return absl::UnknownError(absl::StrCat(
        "reading the answer from ", where, ": ", error.message(),
        write_error ? absl::StrCat(" (sending the request failed first: ", write_error.message(), ")")
                    : std::string()));
  }
  http::response<http::string_body>& response = parser.get();
  HttpAnswer answer;
  answer.status = static_cast<int>(response.result_int());
  answer.reason = std::string(response.reason());
  answer.body = std::move(response.body());
  return answer;
}

}  // namespace switchboard::cli
