#ifndef SWITCHBOARD_ADMIN_ADMIN_SERVER_H_
#define SWITCHBOARD_ADMIN_ADMIN_SERVER_H_

#include <cstddef>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "admin/admin_api.h"
#include "admin/admin_auth.h"
#include "admin/metrics_sampler.h"
#include "admin/tail_session.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "common/worker_pool.h"
#include "gateway/http_handler.h"

namespace switchboard::admin {

// The admin listener (--admin_addr): the operator console's page, its JSON
// API (AdminApi), the live tail over WebSocket (TailSession), and /metrics,
// /healthz, /readyz again. Never on the webhook port, which faces the
// internet. Who may use it: AdminAuth.
//
// It runs on its own io thread at a lower CPU priority (nice +10) than the
// webhook thread: the console's reads of the log (which may block on disk)
// and its JSON rendering happen there, and a busy console yields the CPU to
// ingest. It also samples the metrics for the console's 15-minute charts.
//
// Start() and Shutdown() are called from one controlling thread.
class AdminServer {
 public:
  struct Options {
    std::string address = "127.0.0.1:8081";  // host:port; port 0 picks one
    size_t max_connections = 64;             // more are closed at accept
    size_t max_viewers = 16;                 // live-tail WebSockets; more get 503
    size_t max_header_bytes = 8 << 10;       // request line + headers; larger: 431
    absl::Duration idle_timeout = absl::Seconds(60);
    absl::Duration read_timeout = absl::Seconds(15);
    int nice = 10;  // added to the admin thread's nice value
    TailSession::Options tail;
  };

  struct Dependencies {
    const AdminAuth* auth = nullptr;
    gateway::HttpHandler* probes = nullptr;  // answers /metrics, /healthz, /readyz
    // `sampler` and `viewers` are filled in by the server.
    AdminApi::Sources api;
  };

  // Every pointer in `deps` must outlive the server. Registers
  // switchboard_admin_refused_total in deps.api.metrics.
  AdminServer(Options options, Dependencies deps);
  ~AdminServer();

  // Binds, listens and starts the admin thread. INVALID_ARGUMENT for a
  // malformed address, UNAVAILABLE when it cannot listen.
  absl::Status Start();

  // host:port actually bound; valid after Start().
  const std::string& bound_address() const { return bound_address_; }

  // Closes the listener and every connection and joins the thread. Idempotent.
  void Shutdown();

  // The live-tail sessions now open. Thread-safe.
  std::vector<ViewerInfo> Viewers() const;

 private:
  class Session;
  void Accept();
  void SampleEvery();

  const Options options_;
  const AdminAuth* const auth_;
  gateway::HttpHandler* const probes_;
  MetricsSampler sampler_;
  metrics::Family<metrics::Counter>& refused_;
  std::shared_ptr<ViewerRegistry> viewers_ = std::make_shared<ViewerRegistry>();
  std::shared_ptr<std::atomic<size_t>> connections_ = std::make_shared<std::atomic<size_t>>(0);
  EventLog* log_ = nullptr;
  std::unique_ptr<AdminApi> api_;
  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sample_timer_;
  std::thread thread_;
  std::string bound_address_;
  bool started_ = false;
  // Runs what reads the store (the API's requests, the live tails' reads),
  // which may wait on the network (JetStream), so that probes, /metrics and
  // the other viewers on the server's thread never wait behind it. Last:
  // destroyed (its tasks done) before what they use.
  WorkerPool store_reads_{"sb-admin-read", 2};
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_ADMIN_SERVER_H_
