#include "server/grpc_server.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "common/status_macros.h"
#include "server/consumer_group_registry.h"
#include "server/subscribe_reactor.h"

namespace switchboard::server {
namespace {

// How long ended streams may take to flush their last write at shutdown.
constexpr absl::Duration kStreamDrain = absl::Seconds(1);

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is required for TLS"));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path, ": cannot read a PEM file there"));
  }
  return text.str();
}

// Requires a known bearer token on every call (--grpc_auth_all_methods).
// Leaves the metadata in place: Subscribe still checks the token's grant.
class TokenProcessor : public grpc::AuthMetadataProcessor {
 public:
  explicit TokenProcessor(const SubscriberAuth* auth) : auth_(auth) {}
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext*, OutputMetadata*,
                       OutputMetadata*) override {
    absl::string_view authorization;
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = absl::string_view(it->second.data(), it->second.size());
    }
    absl::StatusOr<const Grant*> grant = auth_->Authenticate(authorization);
    if (grant.ok()) return grpc::Status::OK;
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(grant.status().message()));
  }

 private:
  const SubscriberAuth* const auth_;
};

std::unique_ptr<GroupBackend> MakeGroupBackend(
    EventLog* log, FanoutDispatcher* dispatcher, metrics::Registry* metrics,
    const std::function<std::unique_ptr<GroupBackend>(FanoutDispatcher*, metrics::Registry*)>& make) {
  if (make) return make(dispatcher, metrics);
  if (log->group_store() == nullptr) return nullptr;
  return std::make_unique<ConsumerGroupRegistry>(log, dispatcher, log->group_store(), metrics,
                                                 ConsumerGroupRegistry::Options());
}

}  // namespace

GrpcServer::GrpcServer(EventLog* log, ServiceMetrics* metrics, Options options)
    : log_(log),
      options_(std::move(options)),
      dispatcher_(log),
      groups_(MakeGroupBackend(log, &dispatcher_, &metrics->registry, options_.groups)),
      service_(log, &dispatcher_, groups_.get(), metrics, options_.stream),
      group_admin_(groups_ == nullptr ? nullptr
                                      : std::make_unique<ConsumerGroupService>(
                                            groups_.get(), log, options_.stream.auth)) {
  // The dispatcher's listeners are Subscribe streams and consumer groups.
  metrics->registry.AddCollector(
      "switchboard_subscribers", "Subscribe streams open now.", "gauge",
      [this](std::vector<metrics::Sample>* out) {
        size_t streams = 0;
        dispatcher_.ForEach([&](FanoutListener* listener) {
          streams += dynamic_cast<const SubscribeReactor*>(listener) != nullptr;
        });
        out->push_back({{}, static_cast<double>(streams)});
      });
  metrics->registry.AddCollector(
      "switchboard_subscriber_lag_events",
      "Per open stream: events stored that the subscriber has not been sent yet.", "gauge",
      [this](std::vector<metrics::Sample>* out) {
        for (const SubscriberInfo& subscriber : Subscribers()) {
          out->push_back({{{"stream", subscriber.peer}}, static_cast<double>(subscriber.lag)});
        }
      });
}

std::vector<SubscriberInfo> GrpcServer::Subscribers() {
  std::vector<SubscriberInfo> subscribers;
  const uint64_t last = log_->LastSequence();
  dispatcher_.ForEach([&](FanoutListener* listener) {
    // Consumer groups listen too; they are reported by the group backend.
    if (const auto* stream = dynamic_cast<const SubscribeReactor*>(listener)) {
      subscribers.push_back({stream->peer(), stream->filter().Describe(), stream->Lag(last)});
    }
  });
  return subscribers;
}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

absl::Status GrpcServer::Start(const std::string& address) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials();
  if (!credentials.ok()) return credentials.status();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, *credentials, &port);
  if (groups_ != nullptr) {
    if (absl::Status restored = groups_->Start(); !restored.ok()) return restored;
    builder.RegisterService(group_admin_.get());
  }
  builder.RegisterService(&service_);
  // Notice dead subscribers (half-open TCP) within a minute.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  // gRPC sets SO_REUSEPORT by default: a second switchboard on the same
  // address would bind too and silently take half the subscribers.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
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
  if (groups_ != nullptr) health->SetServingStatus(v1::ConsumerGroupService::service_full_name(), true);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcServer::Credentials() const {
  if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) {
    if (options_.auth_all_methods) {
      return absl::InvalidArgumentError(
          "--grpc_auth_all_methods needs TLS (--grpc_tls_cert, --grpc_tls_key): tokens must not "
          "cross the network in plaintext");
    }
    if (!options_.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--grpc_tls_client_ca needs --grpc_tls_cert and --grpc_tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl(
      options_.tls_client_ca_file.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(options_.tls_cert_file, "--grpc_tls_cert"));
  ASSIGN_OR_RETURN(pair.private_key, ReadPem(options_.tls_key_file, "--grpc_tls_key"));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options_.tls_client_ca_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(options_.tls_client_ca_file, "--grpc_tls_client_ca"));
  }
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::SslServerCredentials(ssl);
  if (options_.auth_all_methods) {
    if (options_.stream.auth == nullptr) {
      return absl::InvalidArgumentError("--grpc_auth_all_methods needs --grpc_token_file");
    }
    credentials->SetAuthMetadataProcessor(std::make_shared<TokenProcessor>(options_.stream.auth));
  }
  return credentials;
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  server_->GetHealthCheckService()->Shutdown();  // NOT_SERVING from now on
  service_.Shutdown();
  if (groups_ != nullptr) {
    groups_->Shutdown(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                   "server shutting down; join the group again (here or on "
                                   "another instance): unacked events are delivered again"));
  }
  // Streams were just told to end; each only waits for its write in flight.
  // A subscriber that stopped reading never completes that write, so it gets
  // a short bound rather than the whole grace (its stream is cancelled).
  server_->Shutdown(absl::ToChronoTime(absl::Now() + std::min(grace, kStreamDrain)));
  server_->Wait();
  dispatcher_.Stop();
  server_.reset();
}

}  // namespace switchboard::server
