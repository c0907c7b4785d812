#ifndef SWITCHBOARD_CLIENT_SRC_CONNECTION_H_
#define SWITCHBOARD_CLIENT_SRC_CONNECTION_H_

// What Subscription and Consumer share (not part of the public API): the
// channel, waiting for a connection, the reconnect backoff, and cancellation
// of the call in progress or of the wait before the next one.

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/client/subscription.h"

namespace switchboard::client::internal {

// Thread-safety: Cancel() and cancelled() from any thread; the rest from the
// thread running the stream.
class Connection {
 public:
  Connection(std::string address, std::shared_ptr<grpc::ChannelCredentials> credentials,
             Backoff backoff, absl::Duration connect_timeout);

  // INVALID_ARGUMENT for a bad backoff or timeout.
  absl::Status Validate() const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Waits until the channel is connected: OK, CANCELLED (Cancel()), or
  // UNAVAILABLE when a connection attempt failed or took `connect_timeout`.
  absl::Status WaitForConnection();
  // The delay before the n-th consecutive reconnect (Backoff's rule).
  absl::Duration BackoffDelay(int failures);
  // Sleeps `delay` unless cancelled first; false when cancelled.
  bool SleepUnlessCancelled(absl::Duration delay);

  // Makes `context` the call Cancel() cancels; false (and nothing to do)
  // when already cancelled. EndCall() when the call has finished.
  bool BeginCall(grpc::ClientContext* context);
  void EndCall();
  void Cancel();
  bool cancelled() const;

 private:
  const std::string address_;
  const Backoff backoff_;
  const absl::Duration connect_timeout_;
  const std::shared_ptr<grpc::Channel> channel_;
  absl::BitGen random_;

  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* call_ ABSL_GUARDED_BY(mu_) = nullptr;
};

absl::Status FromGrpc(const grpc::Status& status);

}  // namespace switchboard::client::internal

#endif  // SWITCHBOARD_CLIENT_SRC_CONNECTION_H_
