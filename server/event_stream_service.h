#ifndef SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_
#define SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"

#include "common/service_metrics.h"
#include "grpcpp/grpcpp.h"
#include "server/fanout_dispatcher.h"
#include "server/subscriber_auth.h"
#include "server/subscriber_slots.h"
#include "store/event_log.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

namespace switchboard::server {

// switchboard.v1.EventStream on gRPC's callback API: authenticates and
// authorizes the subscriber (when tokens are configured), validates the
// request, enforces the subscriber limits, and hands the stream to a
// SubscribeReactor. Thread-safe.
class EventStreamService final : public v1::EventStream::CallbackService {
 public:
  struct Options {
    // When set, Subscribe needs a bearer token and reads only what it grants.
    const SubscriberAuth* auth = nullptr;
    size_t max_subscribers = 10000;           // open streams in total
    size_t max_subscribers_per_token = 1000;  // open streams per token holder
    size_t max_patterns = 64;                 // event_types per request
  };

  // `log`, `dispatcher`, `metrics` and `options.auth` must outlive the service.
  EventStreamService(EventLog* log, FanoutDispatcher* dispatcher, ServiceMetrics* metrics,
                     Options options);

  // Refuses new streams and ends every open one with UNAVAILABLE, telling
  // each subscriber to resume elsewhere with its last sequence.
  void Shutdown();

  // v1::EventStream::CallbackService
  grpc::ServerWriteReactor<v1::Event>* Subscribe(grpc::CallbackServerContext* context,
                                                 const v1::SubscribeRequest* request) override;

 private:
  struct StartPosition {
    uint64_t cursor;         // stream events after this sequence
    bool explicit_sequence;  // the client named it (errors say OUT_OF_RANGE)
  };
  // Where `request` starts; INVALID_ARGUMENT / OUT_OF_RANGE when it cannot.
  absl::StatusOr<StartPosition> StartOf(const v1::SubscribeRequest& request);

  EventLog* const log_;
  FanoutDispatcher* const dispatcher_;
  ServiceMetrics* const metrics_;
  const Options options_;
  SubscriberSlots slots_;
  std::atomic<bool> shutting_down_{false};
  std::atomic<uint64_t> streams_started_{0};  // numbers streams in metrics
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_
