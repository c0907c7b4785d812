#ifndef SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_
#define SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"

#include "common/service_metrics.h"
#include "common/worker_pool.h"
#include "grpcpp/grpcpp.h"
#include "server/group_backend.h"
#include "server/fanout_dispatcher.h"
#include "server/subscriber_auth.h"
#include "server/subscriber_slots.h"
#include "store/event_log.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

namespace switchboard::server {

// switchboard.v1.EventStream on gRPC's callback API: authenticates and
// authorizes the subscriber (when tokens are configured), validates the
// request, enforces the subscriber limits, and hands the stream to a
// SubscribeReactor (Subscribe) or a ConsumeReactor (Consume, a consumer
// group member; members count against the same limits). Thread-safe.
//
// Both methods are registered raw (byte buffers), so the streams send stored
// events' bytes as they are (server/event_wire.h); requests are parsed here.
// The schema, reflection and what clients see are the same as typed methods'.
class EventStreamService final
    : public v1::EventStream::WithRawCallbackMethod_Subscribe<
          v1::EventStream::WithRawCallbackMethod_Consume<v1::EventStream::Service>> {
 public:
  struct Options {
    // When set, Subscribe needs a bearer token and reads only what it grants.
    const SubscriberAuth* auth = nullptr;
    size_t max_subscribers = 10000;           // open streams in total
    size_t max_subscribers_per_token = 1000;  // open streams per token holder
    size_t max_patterns = 64;                 // event_types per request
  };

  // `log`, `dispatcher`, `groups`, `metrics` and `options.auth` must outlive
  // the service. Without `groups` (a log that runs consumer groups its own
  // way, not yet served), Consume answers UNIMPLEMENTED.
  EventStreamService(EventLog* log, FanoutDispatcher* dispatcher, GroupBackend* groups,
                     ServiceMetrics* metrics, Options options);

  // Refuses new streams and ends every open one with UNAVAILABLE, telling
  // each subscriber to resume elsewhere with its last sequence.
  void Shutdown();

  // v1::EventStream, raw
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Consume(
      grpc::CallbackServerContext* context) override;

 private:
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(grpc::CallbackServerContext* context,
                                                        const v1::SubscribeRequest& request);

  EventLog* const log_;
  FanoutDispatcher* const dispatcher_;
  GroupBackend* const groups_;
  ServiceMetrics* const metrics_;
  const Options options_;
  SubscriberSlots slots_;
  // Off gRPC's threads, as they may wait on the store (JetStream): Subscribe's
  // reads of the log (SubscribeReactor), and Consume's joins (ConsumeReactor).
  WorkerPool reads_{"sb-sub-read", 2};
  WorkerPool joins_{"sb-group-join", 4};
  std::atomic<bool> shutting_down_{false};
  std::atomic<uint64_t> streams_started_{0};  // numbers streams in metrics
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_EVENT_STREAM_SERVICE_H_
