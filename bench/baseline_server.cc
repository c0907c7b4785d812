// baseline_server: the benchmark suite's baseline (bench/run.sh). A minimal
// Boost.Beast HTTP/1.1 keep-alive server on one io thread (like the real
// gateway's default) that answers every POST with 200 and a small JSON body,
// doing nothing else: no parsing, no storing. Anything else gets 405. Ingest
// figures of switchboard are reported as a ratio to this server's, measured
// in the same run on the same machine.
//
//   baseline_server --addr=127.0.0.1:0
//
// Logs "baseline listening on IP:PORT" to stderr once bound (port 0 picks a
// free port); exits 0 on SIGTERM/SIGINT.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

ABSL_FLAG(std::string, addr, "127.0.0.1:0", "listen address (port 0: any free port)");

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Same size and shape as switchboard's answer to a stored webhook.
constexpr char kAnswer[] = R"({"id":"00000000-0000-0000-0000-000000000000","sequence":1})";

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}

  void Start() { Read(); }

 private:
  void Read() {
    request_.emplace();
    request_->body_limit(1 << 20);
    http::async_read(stream_, buffer_, *request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Answer();
                     });
  }

  void Answer() {
    const auto& req = request_->get();
    response_ = {};
    response_.version(req.version());
    response_.keep_alive(req.keep_alive());
    if (req.method() == http::verb::post) {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "application/json");
      response_.body() = kAnswer;
    } else {
      response_.result(http::status::method_not_allowed);
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec || !self->response_.keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> request_;
  http::response<http::string_body> response_;
};

class Listener {
 public:
  Listener(asio::io_context& ioc, tcp::endpoint endpoint) : ioc_(ioc), acceptor_(ioc) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           [this](beast::error_code ec, tcp::socket socket) {
                             if (ec == asio::error::operation_aborted) return;
                             if (!ec) {
                               socket.set_option(tcp::no_delay(true));
                               std::make_shared<Session>(std::move(socket))->Start();
                             }
                             Accept();
                           });
  }

 private:
  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string addr = absl::GetFlag(FLAGS_addr);
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--addr must be HOST:PORT, got \"%s\"\n", addr.c_str());
    return 2;
  }
  try {
    asio::io_context ioc(1);
    tcp::endpoint endpoint(asio::ip::make_address(addr.substr(0, colon)),
                           static_cast<unsigned short>(std::stoi(addr.substr(colon + 1))));
    Listener listener(ioc, endpoint);
    listener.Accept();
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    const tcp::endpoint bound = listener.local_endpoint();
    std::fprintf(stderr, "baseline listening on %s:%u\n", bound.address().to_string().c_str(),
                 bound.port());
    std::fflush(stderr);
    ioc.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "baseline_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
