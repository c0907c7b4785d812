#include "admin/admin_server.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin/console_assets.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/websocket.hpp"
#include "common/logging.h"

namespace switchboard::admin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using gateway::HttpRequest;
using gateway::HttpResponse;
using tcp = net::ip::tcp;

namespace {

absl::string_view PathOf(const HttpRequest& request) {
  absl::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

// Headers every admin answer carries: the console is not to be framed,
// sniffed or cached, and its page loads nothing from elsewhere.
void Harden(HttpResponse* response) {
  response->set(http::field::server, "switchboard-console");
  response->set("X-Content-Type-Options", "nosniff");
  response->set("X-Frame-Options", "DENY");
  response->set("Referrer-Policy", "no-referrer");
  response->set("Content-Security-Policy",
                "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                "frame-ancestors 'none'");
}

// The answer for a request the parser rejected, or nullopt to just close.
std::optional<HttpResponse> ResponseForReadError(const beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return gateway::MakeErrorResponse(http::status::request_header_fields_too_large,
                                      "request line and headers too large", "", 11, false);
  }
  if (ec == http::error::body_limit) {
    return gateway::MakeErrorResponse(http::status::payload_too_large,
                                      "the console's API takes no request body", "", 11, false);
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return gateway::MakeErrorResponse(http::status::bad_request,
                                      absl::StrCat("malformed HTTP request: ", ec.message()), "",
                                      11, false);
  }
  return std::nullopt;
}

}  // namespace

// One HTTP connection to the admin listener; hands itself over to a
// TailSession on a WebSocket upgrade. Runs on its strand.
class AdminServer::Session : public std::enable_shared_from_this<AdminServer::Session> {
 public:
  Session(AdminServer* server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), connections_(server->connections_) {
    ++*connections_;
  }
  ~Session() { --*connections_; }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options_.max_header_bytes));
    parser_->body_limit(4096);
    stream_.expires_after(absl::ToChronoNanoseconds(first_ ? server_->options_.read_timeout
                                                           : server_->options_.idle_timeout));
    first_ = false;
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) {
      std::optional<HttpResponse> response = ResponseForReadError(ec);
      if (!response) return Close();
      return Write(std::move(*response));
    }
    HttpRequest request = parser_->release();
    stream_.expires_never();
    if (std::optional<HttpResponse> response = Route(std::move(request))) {
      Write(std::move(*response));
    }
  }

  // Answers `request`; or hands the connection to a TailSession (this
  // session then ends), or hands the request to the API's pool, which writes
  // the answer later: nullopt for those.
  std::optional<HttpResponse> Route(HttpRequest request) {
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    const absl::string_view path = PathOf(request);
    const bool asset = request.method() == http::verb::get &&
                       FindConsoleAsset(std::string_view(path.data(), path.size())) != nullptr;
    const bool probe = path == "/healthz" || path == "/readyz";
    if (absl::Status allowed = server_->auth_->Check(request, !asset && !probe); !allowed.ok()) {
      server_->refused_
          .WithLabels({allowed.code() == absl::StatusCode::kUnauthenticated ? "401" : "403"})
          .Increment();
      HttpResponse response = gateway::MakeErrorResponse(
          allowed.code() == absl::StatusCode::kUnauthenticated ? http::status::unauthorized
                                                               : http::status::forbidden,
          allowed.message(), "", version, keep_alive);
      if (allowed.code() == absl::StatusCode::kUnauthenticated) {
        response.set(http::field::www_authenticate, "Bearer realm=\"switchboard console\"");
      }
      return response;
    }
    if (websocket::is_upgrade(request)) {
      if (path != "/api/tail") {
        return gateway::MakeErrorResponse(http::status::not_found,
                                          "the live tail's WebSocket is at /api/tail", "", version,
                                          false);
      }
      size_t viewers = 0;
      {
        absl::MutexLock lock(&server_->viewers_->mu);
        viewers = server_->viewers_->sessions.size();
      }
      if (viewers >= server_->options_.max_viewers) {
        return gateway::MakeErrorResponse(
            http::status::service_unavailable,
            absl::StrCat(viewers, " viewers are following already (the limit); close one"), "",
            version, false);
      }
      std::make_shared<TailSession>(std::move(stream_), server_->log_, &server_->store_reads_,
                                    server_->options_.tail, server_->viewers_)
          ->Start(std::move(request));
      return std::nullopt;
    }
    if (asset) {
      const ConsoleAsset* file = FindConsoleAsset(std::string_view(path.data(), path.size()));
      HttpResponse response(http::status::ok, version);
      response.set(http::field::content_type,
                   beast::string_view(file->content_type.data(), file->content_type.size()));
      response.set(http::field::cache_control, "no-cache");
      response.keep_alive(keep_alive);
      response.body() = std::string(file->body);
      response.prepare_payload();
      return response;
    }
    if (path == "/metrics" || probe) {
      HttpResponse answer;
      server_->probes_->Handle(std::move(request),
                               [&answer](HttpResponse response) { answer = std::move(response); });
      return answer;  // these three paths answer inline
    }
    if (path == "/api/session") return Session::SessionCookie(request);
    if (AdminApi::Handles(path)) {
      server_->store_reads_.Run([self = shared_from_this(), request = std::move(request)] {
        HttpResponse response = self->server_->api_->Handle(request);
        net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          self->Write(std::move(response));
        });
      });
      return std::nullopt;
    }
    return gateway::MakeErrorResponse(
        http::status::not_found,
        "no such path on the admin listener: the console is at /, its API under /api/", "",
        version, keep_alive);
  }

  // POST /api/session with `Authorization: Bearer TOKEN` (already checked)
  // sets the cookie the page's later requests and WebSocket carry; DELETE
  // clears it.
  static HttpResponse SessionCookie(const HttpRequest& request) {
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    std::string cookie;
    if (request.method() == http::verb::post) {
      const std::string token = AdminAuth::TokenOf(request);
      const bool cookie_safe =
          !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
            return c > 0x20 && c < 0x7f && c != ';' && c != ',' && c != '"' && c != '\\';
          });
      if (!cookie_safe) {
        return gateway::MakeErrorResponse(
            http::status::bad_request,
            "send the token as `Authorization: Bearer TOKEN` (printable ASCII without ;,\"\\)",
            "authorization", version, keep_alive);
      }
      cookie = absl::StrCat(kSessionCookie, "=", token, "; Path=/; HttpOnly; SameSite=Strict");
    } else if (request.method() == http::verb::delete_) {
      cookie = absl::StrCat(kSessionCookie, "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    } else {
      HttpResponse response = gateway::MakeErrorResponse(
          http::status::method_not_allowed, "POST signs in (with the token), DELETE signs out",
          "", version, keep_alive);
      response.set(http::field::allow, "POST, DELETE");
      return response;
    }
    HttpResponse response(http::status::ok, version);
    response.set(http::field::content_type, "application/json");
    response.set(http::field::set_cookie, cookie);
    response.keep_alive(keep_alive);
    response.body() = "{\"ok\":true}\n";
    response.prepare_payload();
    return response;
  }

  void Write(HttpResponse response) {
    Harden(&response);
    response_ = std::make_unique<HttpResponse>(std::move(response));
    stream_.expires_after(absl::ToChronoNanoseconds(server_->options_.read_timeout));
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec || !keep_alive) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  AdminServer* const server_;
  beast::tcp_stream stream_;
  std::shared_ptr<std::atomic<size_t>> connections_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  bool first_ = true;
};

AdminServer::AdminServer(Options options, Dependencies deps)
    : options_(std::move(options)),
      auth_(deps.auth),
      probes_(deps.probes),
      sampler_(deps.api.metrics),
      refused_(deps.api.metrics->registry.AddCounter(
          "switchboard_admin_refused_total",
          "Requests to the admin listener refused for want of an admin token (401) or as "
          "cross-origin or a non-loopback Host (403).",
          {"status"})),
      acceptor_(net::make_strand(ioc_)),
      sample_timer_(ioc_) {
  deps.api.sampler = &sampler_;
  deps.api.viewers = [this] { return Viewers(); };
  log_ = deps.api.log;
  api_ = std::make_unique<AdminApi>(std::move(deps.api));
}

AdminServer::~AdminServer() { Shutdown(); }

std::vector<ViewerInfo> AdminServer::Viewers() const {
  std::vector<ViewerInfo> viewers;
  absl::MutexLock lock(&viewers_->mu);
  for (const TailSession* session : viewers_->sessions) viewers.push_back(session->Info());
  return viewers;
}

absl::Status AdminServer::Start() {
  const size_t colon = options_.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(options_.address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --admin_addr \"", options_.address, "\": expected HOST:PORT, e.g. 127.0.0.1:8081"));
  }
  std::string host = options_.address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  beast::error_code ec;
  const net::ip::address ip = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --admin_addr host \"", host, "\": expected an IP address such as 127.0.0.1"));
  }
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen for the console on ",
                                               options_.address, ": ", ec.message(),
                                               "; pick another --admin_addr (port 0 picks one)"));
  }
  const tcp::endpoint bound = acceptor_.local_endpoint();
  bound_address_ = absl::StrCat(bound.address().is_v6() ? "[" : "", bound.address().to_string(),
                                bound.address().is_v6() ? "]" : "", ":", bound.port());
  Accept();
  SampleEvery();
  thread_ = std::thread([this] {
    // Lower this thread's priority: under CPU contention ingest goes first.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), options_.nice);
    ioc_.run();
  });
  started_ = true;
  return absl::OkStatus();
}

void AdminServer::SampleEvery() {
  sampler_.Sample(absl::Now());
  sample_timer_.expires_after(absl::ToChronoNanoseconds(MetricsSampler::kInterval));
  sample_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) SampleEvery();
  });
}

void AdminServer::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (*connections_ >= options_.max_connections) {
        LogWarning("admin listener: connection limit (%d) reached; closing new connection",
                   options_.max_connections);
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(this, std::move(socket))->Run();
      }
    }
    Accept();
  });
}

void AdminServer::Shutdown() {
  if (!started_) return;
  started_ = false;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  {
    absl::MutexLock lock(&viewers_->mu);
    for (TailSession* session : viewers_->sessions) session->Close();
  }
  // Give the viewers a moment to receive their close frames.
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  while (absl::Now() < deadline) {
    {
      absl::MutexLock lock(&viewers_->mu);
      if (viewers_->sessions.empty()) break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace switchboard::admin
