#ifndef SWITCHBOARD_CLIENT_CONSUMER_H_
#define SWITCHBOARD_CLIENT_CONSUMER_H_

// A consumer group member (`switchboard.v1.EventStream/Consume`) that
// survives reconnects: every replica of a service runs one with the same
// group name, and each event goes to one of them. The handler's result acks
// the event (OK) or gives it back (an error: nack, delivered again to any
// member); after a server restart or a broken connection the consumer waits
// (exponential backoff with jitter) and joins again, and the server delivers
// again whatever was not acked. At least once: an event handled but not yet
// acked when the connection broke is handled again.
//
//   switchboard::client::ConsumerOptions options;
//   options.address = "127.0.0.1:50051";
//   options.group = "billing";
//   options.event_types = {"call.completed"};
//   switchboard::client::Consumer consumer(options);
//   absl::Status status = consumer.Run([](const switchboard::v1::GroupDelivery& d) {
//     std::cout << d.event().sequence() << " attempt " << d.delivery_attempt() << "\n";
//     return absl::OkStatus();  // ack
//   });
//
// Run() blocks and calls the handler on its own thread, one event at a time;
// Cancel() from any other thread makes it return OK promptly.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/client/subscription.h"
#include "switchboard/v1/consumer_group.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

namespace switchboard::client {

struct ConsumerOptions {
  // gRPC target of the switchboard server.
  std::string address = "127.0.0.1:50051";
  // The group: 1 to 128 letters, digits, '.', '_' or '-'.
  std::string group;
  // The group's filter (patterns as in SubscribeRequest.event_types). Empty:
  // the group's own when it exists, every type when this creates it.
  std::vector<std::string> event_types;
  // Where the group starts when this member creates it (ignored otherwise).
  Start start = Start::Live();
  // Group settings when this member creates it; zero: the server's default
  // (30 s, 5) or the existing group's.
  absl::Duration ack_deadline = absl::ZeroDuration();
  uint32_t max_delivery_attempts = 0;
  // Flow control: at most this many events delivered to this member and not
  // yet handled (0: the server's default, 100).
  uint32_t max_unacked = 0;
  // When the handler fails: true gives the event back at once (nack, counts
  // as an attempt); false leaves it until its ack deadline passes.
  bool nack_on_error = true;
  // false: never ack (look without taking); every event comes back after its
  // deadline, and is parked after max_delivery_attempts.
  bool ack = true;
  // When > 0: take this many events, then leave. Run() returns OK once the
  // handler accepted that many deliveries and the server confirmed their
  // acks (AckResult), so a consumer started again does not get them back.
  // The member holds at most the events still to take (max_unacked is capped
  // to them); any the server hands out beyond go back to the group when it
  // leaves, and their next delivery counts as another attempt.
  uint64_t max_events = 0;

  Backoff backoff;
  absl::Duration connect_timeout = absl::Seconds(5);
  // As in SubscriptionOptions: false reports a first connection failure
  // (UNAVAILABLE) instead of retrying it.
  bool wait_for_server = false;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;  // nullptr: plaintext
  std::function<void(grpc::ClientContext&)> decorate_context;     // e.g. a token

  // Observers, called on Run()'s thread.
  std::function<void(const RetryInfo&)> on_retry;           // resume_after is unset
  std::function<void(const v1::GroupJoined&)> on_joined;    // after each (re)join
  std::function<void(const v1::AckResult&)> on_ack_result;  // what the server stored
};

// Thread-safety: Run() on one thread at a time; Cancel(), handled(),
// acked() and reconnects() from any thread, including the handler.
class Consumer {
 public:
  // Handles one delivery. OK acks it; an error nacks it (or leaves it to its
  // deadline, see nack_on_error) and the consumer goes on.
  using Handler = std::function<absl::Status(const v1::GroupDelivery&)>;

  explicit Consumer(ConsumerOptions options);
  // Run() must have returned.
  ~Consumer();

  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group and hands deliveries to `handler` until Cancel() or
  // max_events (returns OK) or a status that joining again cannot fix:
  // INVALID_ARGUMENT (bad options), FAILED_PRECONDITION (the group exists with another filter
  // or setting), PERMISSION_DENIED, UNAUTHENTICATED, ABORTED (the group was
  // deleted: joining again would create it anew), UNIMPLEMENTED (a store
  // without consumer groups), and UNAVAILABLE when the first connection
  // fails and `wait_for_server` is false. Rejoins, with backoff, after
  // UNAVAILABLE, CANCELLED it did not cause, RESOURCE_EXHAUSTED, and a
  // stream the server ended with OK; but once max_events were handled, a
  // stream that broke before their acks were confirmed ends Run() with
  // UNAVAILABLE (the group delivers those events again).
  absl::Status Run(const Handler& handler);

  // Makes Run() return OK promptly. Any thread, any time; stays cancelled.
  void Cancel();

  // Deliveries the handler returned OK for / the server confirmed as acked.
  uint64_t handled() const;
  uint64_t acked() const;
  int reconnects() const;

 private:
  struct Attempt {
    absl::Status status;
    int handled = 0;
    absl::Duration lasted;
    bool took_all = false;  // max_events handled and their acks confirmed
  };
  Attempt Stream(const Handler& handler);
  v1::ConsumeRequest JoinRequest() const;
  // True once max_events deliveries were handled.
  bool TookAll() const;

  const ConsumerOptions options_;
  std::unique_ptr<internal::Connection> connection_;
  std::unique_ptr<v1::EventStream::Stub> stub_;
  bool connected_once_ = false;  // Run()'s thread only

  mutable absl::Mutex mu_;
  uint64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t acked_ ABSL_GUARDED_BY(mu_) = 0;
  int reconnects_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace switchboard::client

#endif  // SWITCHBOARD_CLIENT_CONSUMER_H_
