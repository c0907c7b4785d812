#ifndef SWITCHBOARD_CLIENT_SUBSCRIPTION_H_
#define SWITCHBOARD_CLIENT_SUBSCRIPTION_H_

// A `switchboard.v1.EventStream/Subscribe` stream that survives reconnects:
// after a server restart or a broken connection it waits (exponential backoff
// with jitter) and subscribes again with `after_sequence` set to the last
// event it delivered, so nothing is lost and nothing is delivered twice.
//
//   switchboard::client::SubscriptionOptions options;
//   options.address = "127.0.0.1:50051";
//   options.event_types = {"call.*", "sms.received"};
//   options.start = switchboard::client::Start::AfterSequence(0);  // from the oldest
//   switchboard::client::Subscription subscription(options);
//   absl::Status status = subscription.Run([](const switchboard::v1::Event& event) {
//     std::cout << event.sequence() << " " << event.type() << "\n";
//     return absl::OkStatus();
//   });
//
// Run() blocks and calls the handler on its own thread; Cancel() from any
// other thread (a signal-handling thread, say) makes it return OK promptly.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/v1/event.pb.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "switchboard/v1/event_stream.pb.h"

namespace switchboard::client {

namespace internal {
class Connection;
}  // namespace internal

// Where a subscription starts. After the first event it always resumes after
// the last event delivered, whatever the start.
struct Start {
  enum class Kind {
    kLive,           // only events stored after it subscribed
    kAfterSequence,  // retained events after `sequence` first, then live
    kOldest,         // the oldest retained event first, then live
  };

  // Live tail. The no-loss guarantee holds from the moment it first
  // subscribed: if the stream breaks before any event was delivered, it
  // resubscribes with `received_since` set to that moment (this machine's
  // clock; exact when client and server share a clock, otherwise off by
  // their skew), so events stored during the outage are still delivered.
  static Start Live() { return {Kind::kLive, 0}; }
  // Resume after `sequence` (the last one you processed; 0 = the oldest
  // retained event). A sequence older than retention or newer than the
  // newest stored event fails with OUT_OF_RANGE.
  static Start AfterSequence(uint64_t sequence) { return {Kind::kAfterSequence, sequence}; }
  // The oldest retained event (`from_oldest`).
  static Start Oldest() { return {Kind::kOldest, 0}; }

  Kind kind = Kind::kLive;
  uint64_t sequence = 0;  // kAfterSequence only
};

// Delay before the n-th consecutive reconnect attempt (n = 0, 1, ...):
// d = min(max, initial * multiplier^n), drawn uniformly from
// [d * (1 - jitter), d] so that many subscribers do not reconnect in step.
struct Backoff {
  absl::Duration initial = absl::Milliseconds(100);
  absl::Duration max = absl::Seconds(10);
  double multiplier = 2.0;  // >= 1
  double jitter = 0.5;      // 0 (none) to 1 (anywhere in [0, d])
};

// Why the subscription is about to reconnect; see SubscriptionOptions::on_retry.
struct RetryInfo {
  // What ended the previous attempt: the stream's status (UNAVAILABLE when
  // the server shut down or the connection broke; OK when the server ended
  // the stream without error) or a failed connection attempt (UNAVAILABLE).
  absl::Status cause;
  // 1 for the first attempt after a stream that worked, then 2, 3, ...
  int attempt = 0;
  // How long the subscription waits before the attempt.
  absl::Duration delay;
  // The sequence it resumes after; nullopt before the first event (it then
  // resubscribes from its start, see Start::Live()).
  std::optional<uint64_t> resume_after;
};

struct SubscriptionOptions {
  // gRPC target of the switchboard server ("HOST:PORT", or any target
  // grpc::CreateChannel accepts).
  std::string address = "127.0.0.1:50051";
  // Patterns as in SubscribeRequest.event_types: an exact type
  // ("call.completed"), a prefix ("call.*") or "*". Empty: every type. The
  // server checks them: a malformed one fails with INVALID_ARGUMENT.
  std::vector<std::string> event_types;
  Start start = Start::Live();
  Backoff backoff;

  // How long one connection attempt may take before it counts as failed
  // (an address that drops packets never refuses).
  absl::Duration connect_timeout = absl::Seconds(5);
  // false: if the very first connection fails, Run() returns UNAVAILABLE at
  // once, so a wrong address or a server that is not running is reported
  // instead of retried forever. true: retry it with backoff like any later
  // connection loss (for services that may start before the server).
  bool wait_for_server = false;

  // Transport security; nullptr means plaintext (grpc::InsecureChannelCredentials).
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  // Called on the context of every Subscribe call before it starts, e.g. to
  // add authentication metadata:
  //   [](grpc::ClientContext& c) { c.AddMetadata("authorization", "Bearer " + token); }
  std::function<void(grpc::ClientContext&)> decorate_context;

  // Observers, called on Run()'s thread; they must not block for long.
  // Before each reconnect (after the backoff is chosen, before waiting it).
  std::function<void(const RetryInfo&)> on_retry;
  // Each time a Subscribe call starts, once connected: the first one and
  // every resubscribe, with the request it sends (which tells where it resumes).
  std::function<void(const v1::SubscribeRequest&)> on_subscribe;
};

// Delivers events in sequence order across reconnects. Thread-safety: Run()
// runs on one thread at a time; Cancel(), last_sequence() and reconnects()
// may be called from any thread, including from inside the handler.
class Subscription {
 public:
  // Processes one event. Returning an error stops Run(), which returns that
  // error; the event then does not count as delivered.
  using EventHandler = std::function<absl::Status(const v1::Event&)>;

  // Creates the channel (connecting lazily); nothing is sent before Run().
  explicit Subscription(SubscriptionOptions options);
  // Run() must have returned (call Cancel() and wait for it first).
  ~Subscription();

  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Streams events to `handler` until Cancel() (returns OK), the handler
  // returns an error (returned as is), or the server answers with a status
  // that reconnecting cannot fix (returned with the server's code and
  // message). Blocks the calling thread.
  //
  // Reconnects, with backoff, after: UNAVAILABLE (server down, restarting or
  // shutting down; broken connection), ABORTED, CANCELLED that Cancel() did
  // not cause, a stream the server ended with OK, and RESOURCE_EXHAUSTED
  // before the stream delivered anything (a limit on subscribers; retry later).
  //
  // Returns to the caller, without retrying:
  //  - INVALID_ARGUMENT: a malformed pattern, or bad options;
  //  - OUT_OF_RANGE: the resume point left retention, or the log was reset;
  //  - RESOURCE_EXHAUSTED after events were delivered: this subscriber read
  //    too slowly and unread events left retention. Resuming from the oldest
  //    retained event would silently skip them, so that is the caller's
  //    decision: the message names the sequence to resume after, e.g. with a
  //    new Subscription and Start::Oldest();
  //  - UNAUTHENTICATED, PERMISSION_DENIED, and any other code;
  //  - UNAVAILABLE only when the first connection fails and
  //    `wait_for_server` is false ("cannot connect to ADDRESS ...").
  //
  // May be called again after it returned (not after Cancel()): it resumes
  // after last_sequence().
  absl::Status Run(const EventHandler& handler);

  // Makes Run() return OK promptly (it cancels the call in progress or the
  // wait before a reconnect). Safe from any thread, any number of times,
  // before or during Run(); the subscription stays cancelled.
  void Cancel();

  // The sequence of the last event the handler accepted (set once the handler
  // has returned OK), or the start's `after_sequence`; nullopt before the
  // first event of a live or oldest start.
  std::optional<uint64_t> last_sequence() const;

  // How many times the stream was opened again after a break.
  int reconnects() const;

 private:
  // How one Subscribe call ended.
  struct Attempt {
    absl::Status status;  // the call's status, or the handler's error
    bool handler_failed = false;
    int delivered = 0;  // events the handler accepted
    absl::Duration lasted;
  };

  // Runs one Subscribe call to its end.
  Attempt Stream(const EventHandler& handler);
  v1::SubscribeRequest NextRequest();
  bool cancelled() const;

  const SubscriptionOptions options_;
  std::unique_ptr<internal::Connection> connection_;
  std::unique_ptr<v1::EventStream::Stub> stub_;

  // Used by Run()'s thread only.
  bool connected_once_ = false;
  std::optional<absl::Time> live_since_;  // when a live start first subscribed

  mutable absl::Mutex mu_;
  std::optional<uint64_t> last_sequence_ ABSL_GUARDED_BY(mu_);
  int reconnects_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace switchboard::client

#endif  // SWITCHBOARD_CLIENT_SUBSCRIPTION_H_
