#include "gateway/http_server.h"

#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "common/logging.h"

namespace switchboard::gateway {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

// The answer for a request the parser rejected, or nullopt to just close.
std::optional<HttpResponse> ResponseForReadError(const beast::error_code& ec, size_t max_body) {
  if (ec == http::error::body_limit) {
    return MakeErrorResponse(http::status::payload_too_large,
                             absl::StrCat("body larger than ", max_body,
                                          " bytes (--max_body_bytes)"),
                             "", 11, false);
  }
  if (ec == http::error::header_limit) {
    return MakeErrorResponse(http::status::request_header_fields_too_large,
                             "request line and headers too large", "", 11, false);
  }
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return MakeErrorResponse(http::status::bad_request,
                             absl::StrCat("malformed HTTP request: ", ec.message()), "", 11,
                             false);
  }
  return std::nullopt;  // timeouts, resets, end of stream: nobody to answer
}

}  // namespace

// One connection, plaintext (Stream = beast::tcp_stream) or TLS
// (beast::ssl_stream<beast::tcp_stream>). Owned by shared_ptrs held by its
// pending operations; all of its work runs on the connection's strand.
template <class Stream>
class HttpSession : public SessionBase, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <typename... StreamArgs>
  HttpSession(const HttpServer::Options& options, HttpHandler* handler,
              std::shared_ptr<SessionRegistry> registry, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        options_(options),
        handler_(handler),
        registry_(std::move(registry)) {
    absl::MutexLock lock(&registry_->mu);
    registry_->sessions.insert(this);
  }

  ~HttpSession() override {
    absl::MutexLock lock(&registry_->mu);
    registry_->sessions.erase(this);
  }

  // SessionBase
  void CloseIfIdleSoon() override {
    net::post(stream_.get_executor(), [weak = this->weak_from_this()] {
      if (auto self = weak.lock(); self != nullptr && self->idle_) self->Close();
    });
  }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        // The handshake is part of the request: bounded by the read timeout.
        beast::get_lowest_layer(self->stream_).expires_after(ToChrono(self->options_.read_timeout));
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      [self](beast::error_code ec) {
                                        if (ec) return self->Close();
                                        self->WaitForRequest();
                                      });
      } else {
        self->WaitForRequest();
      }
    });
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // Waits (idle timeout) for the first bytes of the next request.
  void WaitForRequest() {
    if (registry_->draining) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // pipelined request already buffered
    idle_ = true;
    tcp().expires_after(ToChrono(options_.idle_timeout));
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = this->shared_from_this()](beast::error_code ec, size_t bytes) {
          self->idle_ = false;
          if (ec) return self->Close();
          self->buffer_.commit(bytes);
          self->ReadRequest();
        });
  }

  // Reads the rest of the request (read timeout) with bounded sizes.
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    tcp().expires_after(ToChrono(options_.read_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) {
      std::optional<HttpResponse> response = ResponseForReadError(ec, options_.max_body_bytes);
      if (!response) return Close();
      handler_->RecordRefusal("invalid", *response);
      return Write(std::move(*response));
    }
    tcp().expires_never();  // the handler may wait for the store
    handler_->Handle(parser_->release(), [self = this->shared_from_this()](HttpResponse response) {
      // May run on a store thread: hop back onto the connection's strand.
      net::dispatch(self->stream_.get_executor(),
                    [self, response = std::move(response)]() mutable {
                      self->Write(std::move(response));
                    });
    });
  }

  void Write(HttpResponse response) {
    if (registry_->draining) response.keep_alive(false);
    response_ = std::make_unique<HttpResponse>(std::move(response));
    tcp().expires_after(ToChrono(options_.read_timeout));
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&HttpSession::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (ec || !keep_alive) return Close();
    WaitForRequest();
  }

  // Closes the TCP connection (for TLS without close_notify: the HTTP
  // framing already tells where the response ends).
  void Close() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  const HttpServer::Options& options_;
  HttpHandler* const handler_;
  std::shared_ptr<SessionRegistry> registry_;
  bool idle_ = false;  // waiting for the first byte of a request
};

absl::StatusOr<std::unique_ptr<net::ssl::context>> MakeTlsContext(
    const HttpServer::Options& options) {
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("--http_tls_cert=", options.tls_cert_file,
                                                   ": ", ec.message()));
  }
  context->use_private_key_file(options.tls_key_file, net::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("--http_tls_key=", options.tls_key_file,
                                                   ": ", ec.message()));
  }
  return context;
}

HttpServer::HttpServer(Options options, HttpHandler* handler)
    : options_(std::move(options)),
      handler_(handler),
      // The hint lets Asio skip waking other threads when there are none.
      ioc_(std::max(1, options_.io_threads)),
      acceptor_(net::make_strand(ioc_)) {}

HttpServer::~HttpServer() { Shutdown(absl::ZeroDuration()); }

absl::Status HttpServer::Start() {
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    absl::StatusOr<std::unique_ptr<net::ssl::context>> tls = MakeTlsContext(options_);
    if (!tls.ok()) return tls.status();
    tls_ = *std::move(tls);
  }
  const size_t colon = options_.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(options_.address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --http_addr \"", options_.address, "\": expected HOST:PORT, e.g. 127.0.0.1:8080"));
  }
  std::string host = options_.address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  const net::ip::address ip = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("bad --http_addr host \"", host,
                                                   "\": expected an IP address such as 127.0.0.1"));
  }
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen for HTTP on ", options_.address,
                                               ": ", ec.message(),
                                               "; pick another --http_addr (port 0 picks a free one)"));
  }
  const tcp::endpoint bound = acceptor_.local_endpoint();
  bound_address_ = absl::StrCat(bound.address().is_v6() ? "[" : "", bound.address().to_string(),
                                bound.address().is_v6() ? "]" : "", ":", bound.port());
  Accept();
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  started_ = true;
  return absl::OkStatus();
}

void HttpServer::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // shutting down
    if (!ec) {
      if (connection_count() >= options_.max_connections) {
        LogWarning("connection limit (%d) reached; closing new connection", options_.max_connections);
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        // Each answer is one small write: send it now, not after the peer's
        // delayed ACK of the previous one (Nagle).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (tls_ != nullptr) {
          std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
              options_, handler_, registry_, std::move(socket), *tls_)
              ->Run();
        } else {
          std::make_shared<HttpSession<beast::tcp_stream>>(options_, handler_, registry_,
                                                           std::move(socket))
              ->Run();
        }
      }
    }
    Accept();
  });
}

size_t HttpServer::connection_count() const {
  absl::MutexLock lock(&registry_->mu);
  return registry_->sessions.size();
}

void HttpServer::Shutdown(absl::Duration grace) {
  if (!started_) return;
  started_ = false;
  registry_->draining = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Idle keep-alive connections close now; requests in flight finish and
  // answer with "Connection: close".
  {
    absl::MutexLock lock(&registry_->mu);
    // A session being destroyed waits for this lock in its destructor, so
    // it is still safe to ask here (its weak pointer will not lock).
    for (SessionBase* session : registry_->sessions) session->CloseIfIdleSoon();
  }
  const absl::Time deadline = absl::Now() + grace;
  while (connection_count() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ioc_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace switchboard::gateway
