#ifndef SWITCHBOARD_GATEWAY_HTTP_SERVER_H_
#define SWITCHBOARD_GATEWAY_HTTP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "gateway/http_handler.h"

namespace switchboard::gateway {

// A connection, as the server sees it at shutdown.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection, on its strand, if it is waiting for a request.
  virtual void CloseIfIdleSoon() = 0;
};

// Live connections, shared by the server and its sessions (which may outlive
// a Shutdown() that timed out). Thread-safe.
struct SessionRegistry {
  absl::Mutex mu;
  absl::flat_hash_set<SessionBase*> sessions ABSL_GUARDED_BY(mu);
  std::atomic<bool> draining{false};
};

// The HTTP/1.1 front door: a Boost.Beast server with keep-alive, one strand
// per connection, bounded sizes and timeouts. Requests go to an HttpHandler.
//
// Start() and Shutdown() are called from one controlling thread.
class HttpServer {
 public:
  struct Options {
    std::string address = "127.0.0.1:8080";  // host:port; port 0 picks one
    int io_threads = 1;
    size_t max_body_bytes = 1 << 20;     // larger bodies: 413
    size_t max_header_bytes = 16 << 10;  // request line + headers; larger: 431
    size_t max_connections = 4096;       // more are closed at accept
    // Time to wait for the first byte of a request on an idle connection.
    absl::Duration idle_timeout = absl::Seconds(60);
    // Time to receive a whole request once it started, and to send a reply.
    absl::Duration read_timeout = absl::Seconds(15);
    // HTTPS: both set to serve TLS only (PEM files).
    std::string tls_cert_file;
    std::string tls_key_file;
  };

  // `handler` must outlive the server.
  HttpServer(Options options, HttpHandler* handler);
  ~HttpServer();

  // Binds, listens and starts the io threads.
  absl::Status Start();

  // host:port actually bound; valid after Start().
  const std::string& bound_address() const { return bound_address_; }

  // Stops accepting, lets requests in flight finish (up to `grace`), closes
  // every connection and joins the io threads. Idempotent.
  void Shutdown(absl::Duration grace);

  // Live connection count (for tests and metrics).
  size_t connection_count() const;

 private:
  void Accept();

  const Options options_;
  HttpHandler* const handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // set when serving HTTPS
  std::vector<std::thread> threads_;
  std::string bound_address_;
  std::shared_ptr<SessionRegistry> registry_ = std::make_shared<SessionRegistry>();
  bool started_ = false;
};

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_HTTP_SERVER_H_
