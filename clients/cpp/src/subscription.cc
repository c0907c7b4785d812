#include "switchboard/client/subscription.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace switchboard::client {
namespace {

// Granularity of waits that Cancel() must be able to interrupt but that gRPC
// offers only with a deadline (channel state changes).
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, INT32_MAX));
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::Status Validate(const SubscriptionOptions& options) {
  const Backoff& b = options.backoff;
  if (b.initial <= absl::ZeroDuration() || b.max < b.initial || !(b.multiplier >= 1.0) ||
      !(b.jitter >= 0.0 && b.jitter <= 1.0)) {
    return absl::InvalidArgumentError(
        "bad backoff: need 0 < initial <= max, multiplier >= 1 and jitter in [0, 1]");
  }
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connect_timeout must be positive");
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> MakeChannel(const SubscriptionOptions& options) {
  grpc::ChannelArguments args;
  // The channel reconnects on its own schedule (1 s initial by default, up to
  // 2 min); keep it in step with ours so that a resubscribe does not wait on it.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, ToMillis(options.backoff.initial));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, ToMillis(options.backoff.max));
  // Despite its name, gRPC uses this as the time a connection attempt (TCP and
  // HTTP/2 handshake) may take, not as a backoff: setting it to our short
  // initial backoff would fail connections to a busy server.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, ToMillis(options.connect_timeout));
  // Notice a dead connection (half-open TCP after a network failure) on a
  // quiet stream within about 40 s. The server accepts pings every 10 s.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Events are as large as the server accepted them; trust it.
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, -1);
  // This subscription's connection state is its own, not shared with other
  // channels to the same address.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.channel_credentials;
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(options.address, credentials, args);
}

}  // namespace

Subscription::Subscription(SubscriptionOptions options)
    : options_(std::move(options)),
      channel_(MakeChannel(options_)),
      stub_(v1::EventStream::NewStub(channel_)) {
  if (options_.start.kind == Start::Kind::kAfterSequence) {
    last_sequence_ = options_.start.sequence;
  }
}

Subscription::~Subscription() = default;

void Subscription::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (call_ != nullptr) call_->TryCancel();
}

bool Subscription::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

std::optional<uint64_t> Subscription::last_sequence() const {
  absl::MutexLock lock(&mu_);
  return last_sequence_;
}

int Subscription::reconnects() const {
  absl::MutexLock lock(&mu_);
  return reconnects_;
}

absl::Status Subscription::Run(const EventHandler& handler) {
  if (!handler) return absl::InvalidArgumentError("Run() needs an event handler");
  if (absl::Status valid = Validate(options_); !valid.ok()) return valid;

  int failures = 0;  // consecutive attempts that got nothing done
  std::optional<absl::Status> retry_cause;
  while (true) {
    if (retry_cause.has_value()) {
      RetryInfo info;
      info.cause = *std::move(retry_cause);
      info.attempt = failures + 1;
      info.delay = BackoffDelay(failures);
      info.resume_after = last_sequence();
      retry_cause.reset();
      if (options_.on_retry) options_.on_retry(info);
      if (!SleepUnlessCancelled(info.delay)) return absl::OkStatus();
      absl::MutexLock lock(&mu_);
      ++reconnects_;
    }
    if (cancelled()) return absl::OkStatus();

    absl::Status connected = WaitForConnection();
    if (cancelled()) return absl::OkStatus();
    if (!connected.ok()) {
      if (!connected_once_ && !options_.wait_for_server) return connected;
      retry_cause = std::move(connected);
      ++failures;
      continue;
    }
    connected_once_ = true;

    Attempt attempt = Stream(handler);
    if (attempt.handler_failed) return attempt.status;
    if (cancelled()) return absl::OkStatus();
    const absl::StatusCode code = attempt.status.code();
    const bool retryable =
        code == absl::StatusCode::kOk || code == absl::StatusCode::kUnavailable ||
        code == absl::StatusCode::kAborted || code == absl::StatusCode::kCancelled ||
        (code == absl::StatusCode::kResourceExhausted && attempt.delivered == 0);
    if (!retryable) return attempt.status;
    // A stream that delivered, or lived longer than the longest delay, worked:
    // the next break starts the backoff over.
    if (attempt.delivered > 0 || attempt.lasted >= options_.backoff.max) {
      failures = 0;
    } else {
      ++failures;
    }
    retry_cause = attempt.status.ok()
                      ? absl::UnavailableError("the server ended the stream")
                      : attempt.status;
  }
}

absl::Status Subscription::WaitForConnection() {
  const absl::Time deadline = absl::Now() + options_.connect_timeout;
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  // A channel may still be in TRANSIENT_FAILURE from an earlier attempt;
  // only a failure after a change observed here is this attempt's.
  bool changed = false;
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_SHUTDOWN || (state == GRPC_CHANNEL_TRANSIENT_FAILURE && changed)) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", options_.address, " (connection failed)"));
    }
    if (cancelled()) return absl::CancelledError("cancelled");
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      // Still failed from before (the channel waits out its own backoff), or
      // an attempt that neither succeeds nor fails (packets dropped).
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to ", options_.address,
          state == GRPC_CHANNEL_TRANSIENT_FAILURE
              ? std::string(" (connection failed)")
              : absl::StrCat(" (no connection within ",
                             absl::FormatDuration(options_.connect_timeout), ")")));
    }
    if (channel_->WaitForStateChange(state,
                                     absl::ToChronoTime(std::min(deadline, now + kPollInterval)))) {
      changed = true;
    }
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  return absl::OkStatus();
}

v1::SubscribeRequest Subscription::NextRequest() {
  v1::SubscribeRequest request;
  for (const std::string& type : options_.event_types) request.add_event_types(type);
  if (std::optional<uint64_t> last = last_sequence()) {
    request.set_after_sequence(*last);
    return request;
  }
  switch (options_.start.kind) {
    case Start::Kind::kOldest:
      request.set_from_oldest(true);
      break;
    case Start::Kind::kAfterSequence:  // last_sequence_ holds it
    case Start::Kind::kLive:
      if (live_since_.has_value()) {
        const absl::Duration since_epoch = *live_since_ - absl::UnixEpoch();
        const int64_t seconds = absl::ToInt64Seconds(since_epoch);
        request.mutable_received_since()->set_seconds(seconds);
        request.mutable_received_since()->set_nanos(static_cast<int32_t>(
            absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds))));
      } else {
        live_since_ = absl::Now();
      }
      break;
  }
  return request;
}

Subscription::Attempt Subscription::Stream(const EventHandler& handler) {
  Attempt attempt;
  grpc::ClientContext context;
  if (options_.decorate_context) options_.decorate_context(context);
  const v1::SubscribeRequest request = NextRequest();
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return attempt;
    // From here Cancel() cancels this call (even before it has started).
    call_ = &context;
  }
  if (options_.on_subscribe) options_.on_subscribe(request);

  const absl::Time started = absl::Now();
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub_->Subscribe(&context, request);
  v1::Event event;
  while (reader->Read(&event)) {
    if (absl::Status handled = handler(event); !handled.ok()) {
      attempt.status = std::move(handled);
      attempt.handler_failed = true;
      context.TryCancel();
      break;
    }
    ++attempt.delivered;
    absl::MutexLock lock(&mu_);
    last_sequence_ = event.sequence();
  }
  const grpc::Status finished = reader->Finish();
  attempt.lasted = absl::Now() - started;
  if (!attempt.handler_failed) attempt.status = FromGrpc(finished);
  absl::MutexLock lock(&mu_);
  call_ = nullptr;
  return attempt;
}

absl::Duration Subscription::BackoffDelay(int failures) {
  const Backoff& b = options_.backoff;
  const double grown = absl::ToDoubleSeconds(b.initial) *
                       std::pow(b.multiplier, std::min(failures, 64));
  const double cap = std::min(grown, absl::ToDoubleSeconds(b.max));
  const double fraction = 1.0 - b.jitter * absl::Uniform<double>(random_, 0.0, 1.0);
  return absl::Seconds(cap * fraction);
}

bool Subscription::SleepUnlessCancelled(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  return !mu_.AwaitWithTimeout(absl::Condition(&cancelled_), delay);
}

}  // namespace switchboard::client
