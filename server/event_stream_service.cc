#include "server/event_stream_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"
#include "server/consume_reactor.h"
#include "server/event_filter.h"
#include "server/event_wire.h"
#include "server/start_position.h"
#include "server/subscribe_reactor.h"

namespace switchboard::server {
namespace {

// A stream rejected before it started: finishes at once with `status`.
class RejectedReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RejectedReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

class RejectedConsume : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit RejectedConsume(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace

EventStreamService::EventStreamService(EventLog* log, FanoutDispatcher* dispatcher,
                                       GroupBackend* groups, ServiceMetrics* metrics,
                                       Options options)
    : log_(log),
      dispatcher_(dispatcher),
      groups_(groups),
      metrics_(metrics),
      options_(options),
      slots_(options.max_subscribers, options.max_subscribers_per_token) {}

void EventStreamService::Shutdown() {
  shutting_down_ = true;
  dispatcher_->ForEach([](FanoutListener* listener) {
    if (auto* stream = dynamic_cast<SubscribeReactor*>(listener)) {
      stream->End(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                               "server shutting down; reconnect with after_sequence set to the "
                               "last sequence you processed"));
    }
  });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw) {
  v1::SubscribeRequest request;
  if (!ParseMessage(*raw, &request)) {
    return new RejectedReactor(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                            "the request is not a switchboard.v1.SubscribeRequest"));
  }
  return Subscribe(context, request);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest& request) {
  if (shutting_down_) {
    return new RejectedReactor(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                            "server shutting down; connect to another instance"));
  }
  if (request.event_types_size() > static_cast<int>(options_.max_patterns)) {
    return new RejectedReactor(grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrFormat("%d event_types patterns; at most %d per subscription (use prefixes "
                        "such as \"call.*\")",
                        request.event_types_size(), options_.max_patterns)));
  }
  std::string holder;  // who subscribes, for the per-token limit
  google::protobuf::RepeatedPtrField<std::string> patterns = request.event_types();
  if (options_.auth != nullptr) {
    absl::string_view authorization;
    const auto& metadata = context->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = absl::string_view(it->second.data(), it->second.size());
    }
    absl::StatusOr<const Grant*> grant = options_.auth->Authenticate(authorization);
    if (!grant.ok()) return new RejectedReactor(ToGrpcStatus(grant.status()));
    absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> allowed =
        SubscriberAuth::Authorize(**grant, patterns);
    if (!allowed.ok()) return new RejectedReactor(ToGrpcStatus(allowed.status()));
    patterns = *std::move(allowed);
    holder = (*grant)->name;
  }
  absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
  if (!filter.ok()) return new RejectedReactor(ToGrpcStatus(filter.status()));

  // A received_since start is searched for on the reactor's read pool (it
  // may wait on the network); the others are known at once.
  std::optional<absl::Time> since;
  StartPosition start{0, false};
  if (request.start_case() == v1::SubscribeRequest::kReceivedSince) {
    absl::StatusOr<absl::Time> time = ReceivedSinceTime(request.received_since());
    if (!time.ok()) return new RejectedReactor(ToGrpcStatus(time.status()));
    since = *time;
  } else {
    absl::StatusOr<StartPosition> resolved = ResolveStart(*log_, request);
    if (!resolved.ok()) return new RejectedReactor(ToGrpcStatus(resolved.status()));
    start = *resolved;
  }
  absl::StatusOr<std::unique_ptr<SubscriberSlots::Slot>> slot = slots_.Acquire(holder);
  if (!slot.ok()) return new RejectedReactor(ToGrpcStatus(slot.status()));
  std::string name = absl::StrCat(holder.empty() ? "" : holder + "@", context->peer(), "/",
                                  ++streams_started_);
  auto* reactor = new SubscribeReactor(log_, dispatcher_, &reads_, *std::move(filter),
                                       start.cursor, start.explicit_sequence, std::move(name),
                                       &metrics_->streams_ended, *std::move(slot));
  if (since.has_value()) {
    reactor->StartReceivedSince(*since);
  } else {
    reactor->Start();
  }
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* EventStreamService::Consume(
    grpc::CallbackServerContext* context) {
  if (shutting_down_) {
    return new RejectedConsume(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                            "server shutting down; connect to another instance"));
  }
  if (groups_ == nullptr) {
    return new RejectedConsume(grpc::Status(
        grpc::StatusCode::UNIMPLEMENTED,
        "consumer groups are not available with this store yet; use --store=rocksdb or memory"));
  }
  std::string authorization;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  ConsumeReactor::Options options;
  options.auth = options_.auth;
  options.max_patterns = options_.max_patterns;
  options.joins = &joins_;
  auto* reactor = new ConsumeReactor(groups_, log_, &slots_, options, std::move(authorization),
                                     context->peer());
  reactor->Start();
  return reactor;
}

}  // namespace switchboard::server
