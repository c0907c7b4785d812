#include "connection.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace switchboard::client::internal {
namespace {

// Granularity of waits that Cancel() must be able to interrupt but that gRPC
// offers only with a deadline (channel state changes).
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, INT32_MAX));
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           std::shared_ptr<grpc::ChannelCredentials> credentials,
                                           const Backoff& backoff, absl::Duration connect_timeout) {
  grpc::ChannelArguments args;
  // The channel reconnects on its own schedule (1 s initial by default, up to
  // 2 min); keep it in step with ours so that a resubscribe does not wait on it.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, ToMillis(backoff.initial));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, ToMillis(backoff.max));
  // Despite its name, gRPC uses this as the time a connection attempt (TCP and
  // HTTP/2 handshake) may take, not as a backoff: setting it to our short
  // initial backoff would fail connections to a busy server.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, ToMillis(connect_timeout));
  // Notice a dead connection (half-open TCP after a network failure) on a
  // quiet stream within about 40 s. The server accepts pings every 10 s.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Events are as large as the server accepted them; trust it.
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, -1);
  // This connection's state is its own, not shared with other channels to
  // the same address.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(address, credentials, args);
}

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

Connection::Connection(std::string address, std::shared_ptr<grpc::ChannelCredentials> credentials,
                       Backoff backoff, absl::Duration connect_timeout)
    : address_(std::move(address)),
      backoff_(backoff),
      connect_timeout_(connect_timeout),
      channel_(MakeChannel(address_, std::move(credentials), backoff_, connect_timeout_)) {}

absl::Status Connection::Validate() const {
  const Backoff& b = backoff_;
  if (b.initial <= absl::ZeroDuration() || b.max < b.initial || !(b.multiplier >= 1.0) ||
      !(b.jitter >= 0.0 && b.jitter <= 1.0)) {
    return absl::InvalidArgumentError(
        "bad backoff: need 0 < initial <= max, multiplier >= 1 and jitter in [0, 1]");
  }
  if (connect_timeout_ <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connect_timeout must be positive");
  }
  return absl::OkStatus();
}

void Connection::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (call_ != nullptr) call_->TryCancel();
}

bool Connection::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

bool Connection::BeginCall(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  call_ = context;  // from here Cancel() cancels this call (even before it has started)
  return true;
}

void Connection::EndCall() {
  absl::MutexLock lock(&mu_);
  call_ = nullptr;
}

absl::Status Connection::WaitForConnection() {
  const absl::Time deadline = absl::Now() + connect_timeout_;
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  // A channel may still be in TRANSIENT_FAILURE from an earlier attempt;
  // only a failure after a change observed here is this attempt's.
  bool changed = false;
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_SHUTDOWN || (state == GRPC_CHANNEL_TRANSIENT_FAILURE && changed)) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", address_, " (connection failed)"));
    }
    if (cancelled()) return absl::CancelledError("cancelled");
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      // Still failed from before (the channel waits out its own backoff), or
      // an attempt that neither succeeds nor fails (packets dropped).
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to ", address_,
          state == GRPC_CHANNEL_TRANSIENT_FAILURE
              ? std::string(" (connection failed)")
              : absl::StrCat(" (no connection within ",
                             absl::FormatDuration(connect_timeout_), ")")));
    }
    if (channel_->WaitForStateChange(state,
                                     absl::ToChronoTime(std::min(deadline, now + kPollInterval)))) {
      changed = true;
    }
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  return absl::OkStatus();
}

absl::Duration Connection::BackoffDelay(int failures) {
  const Backoff& b = backoff_;
  const double grown = absl::ToDoubleSeconds(b.initial) *
                       std::pow(b.multiplier, std::min(failures, 64));
  const double cap = std::min(grown, absl::ToDoubleSeconds(b.max));
  const double fraction = 1.0 - b.jitter * absl::Uniform<double>(random_, 0.0, 1.0);
  return absl::Seconds(cap * fraction);
}

bool Connection::SleepUnlessCancelled(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  return !mu_.AwaitWithTimeout(absl::Condition(&cancelled_), delay);
}

}  // namespace switchboard::client::internal
