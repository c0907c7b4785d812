#include "server/grpc_server.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/subscribe_reactor.h"

namespace switchboard::server {
namespace {

// How long ended streams may take to flush their last write at shutdown.
constexpr absl::Duration kStreamDrain = absl::Seconds(1);

}  // namespace

GrpcServer::GrpcServer(EventLog* log, ServiceMetrics* metrics)
    : log_(log), dispatcher_(log), service_(log, &dispatcher_, metrics) {
  metrics->registry.AddCollector(
      "switchboard_subscribers", "Subscribe streams open now.", "gauge",
      [this](std::vector<metrics::Sample>* out) {
        out->push_back({{}, static_cast<double>(dispatcher_.listener_count())});
      });
  metrics->registry.AddCollector(
      "switchboard_subscriber_lag_events",
      "Per open stream: events stored that the subscriber has not been sent yet.", "gauge",
      [this](std::vector<metrics::Sample>* out) {
        const uint64_t last = log_->LastSequence();
        dispatcher_.ForEach([&](FanoutListener* listener) {
          const auto* stream = static_cast<const SubscribeReactor*>(listener);
          out->push_back({{{"stream", stream->peer()}}, static_cast<double>(stream->Lag(last))});
        });
      });
}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

absl::Status GrpcServer::Start(const std::string& address) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service_);
  // Notice dead subscribers (half-open TCP) within a minute.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for gRPC on \"", address,
        "\": the address is malformed, not local, or the port is in use; pass "
        "--grpc_addr=HOST:PORT (port 0 picks a free port)"));
  }
  const absl::string_view host = absl::string_view(address).substr(0, address.rfind(':'));
  bound_address_ = absl::StrCat(host, ":", port);
  dispatcher_.Start();
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(v1::EventStream::service_full_name(), true);
  return absl::OkStatus();
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  server_->GetHealthCheckService()->Shutdown();  // NOT_SERVING from now on
  service_.Shutdown();
  // Streams were just told to end; each only waits for its write in flight.
  // A subscriber that stopped reading never completes that write, so it gets
  // a short bound rather than the whole grace (its stream is cancelled).
  server_->Shutdown(absl::ToChronoTime(absl::Now() + std::min(grace, kStreamDrain)));
  server_->Wait();
  dispatcher_.Stop();
  server_.reset();
}

}  // namespace switchboard::server
