#ifndef SWITCHBOARD_SERVER_GRPC_SERVER_H_
#define SWITCHBOARD_SERVER_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/service_metrics.h"
#include "grpcpp/grpcpp.h"
#include <functional>

#include "server/consumer_group_service.h"
#include "server/group_backend.h"
#include "server/event_stream_service.h"
#include "server/fanout_dispatcher.h"
#include "store/event_log.h"

namespace switchboard::server {

// An open Subscribe stream, for operators.
struct SubscriberInfo {
  std::string peer;    // [token name@]peer address/stream number
  std::string filter;  // its event-type patterns, comma-separated
  uint64_t lag = 0;    // events stored that it has not been sent yet
};

// The gRPC side of Switchboard: EventStream (Subscribe, Consume),
// ConsumerGroupService, the standard grpc.health.v1 health service and server
// reflection on one listening port, with the fan-out dispatcher that feeds
// the streams and the consumer groups of the log.
class GrpcServer {
 public:
  struct Options {
    EventStreamService::Options stream;
    // TLS: both set to serve TLS only. With a client CA, subscribers must
    // present a certificate it signed (mTLS).
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string tls_client_ca_file;
    // With stream.auth: also require a valid token for health and reflection
    // (every call). Needs TLS: gRPC runs this check only on secure ports.
    bool auth_all_methods = false;
    // Makes the consumer groups' backend for a log that runs them its own
    // way (JetStream). Unset: ConsumerGroupRegistry on the log's
    // group_store(), or no consumer groups when it has none.
    std::function<std::unique_ptr<GroupBackend>(FanoutDispatcher*, metrics::Registry*)> groups;
  };

  // `log` and `metrics` must outlive the server. Adds the subscriber
  // collectors (count, per-stream lag) to `metrics`.
  GrpcServer(EventLog* log, ServiceMetrics* metrics, Options options);
  ~GrpcServer();

  // Binds `address` (host:port; port 0 picks a free one) and starts serving.
  absl::Status Start(const std::string& address);

  // host:port actually bound; valid after Start().
  const std::string& bound_address() const { return bound_address_; }

  // Every open Subscribe stream. Thread-safe; takes the dispatcher's lock.
  std::vector<SubscriberInfo> Subscribers();

  // The consumer groups; null when the log has none. Owned by the server.
  GroupBackend* groups() const { return groups_.get(); }

  // Reports NOT_SERVING, ends every stream with UNAVAILABLE, and stops,
  // cancelling whatever is still running after `grace` (at most one second
  // for a stream whose subscriber stopped reading). Idempotent.
  void Shutdown(absl::Duration grace);

 private:
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials() const;

  EventLog* const log_;
  const Options options_;
  FanoutDispatcher dispatcher_;
  // The consumer groups (null: this log has none).
  std::unique_ptr<GroupBackend> groups_;
  EventStreamService service_;
  std::unique_ptr<ConsumerGroupService> group_admin_;
  std::unique_ptr<grpc::Server> server_;
  std::string bound_address_;
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_GRPC_SERVER_H_
