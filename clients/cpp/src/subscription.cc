#include "switchboard/client/subscription.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "connection.h"

namespace switchboard::client {

using internal::FromGrpc;

Subscription::Subscription(SubscriptionOptions options)
    : options_(std::move(options)),
      connection_(std::make_unique<internal::Connection>(
          options_.address, options_.channel_credentials, options_.backoff,
          options_.connect_timeout)),
      stub_(v1::EventStream::NewStub(connection_->channel())) {
  if (options_.start.kind == Start::Kind::kAfterSequence) {
    last_sequence_ = options_.start.sequence;
  }
}

Subscription::~Subscription() = default;

void Subscription::Cancel() { connection_->Cancel(); }

bool Subscription::cancelled() const { return connection_->cancelled(); }

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
  if (absl::Status valid = connection_->Validate(); !valid.ok()) return valid;

  int failures = 0;  // consecutive attempts that got nothing done
  std::optional<absl::Status> retry_cause;
  while (true) {
    if (retry_cause.has_value()) {
      RetryInfo info;
      info.cause = *std::move(retry_cause);
      info.attempt = failures + 1;
      info.delay = connection_->BackoffDelay(failures);
      info.resume_after = last_sequence();
      retry_cause.reset();
      if (options_.on_retry) options_.on_retry(info);
      if (!connection_->SleepUnlessCancelled(info.delay)) return absl::OkStatus();
      absl::MutexLock lock(&mu_);
      ++reconnects_;
    }
    if (cancelled()) return absl::OkStatus();

    absl::Status connected = connection_->WaitForConnection();
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
  if (!connection_->BeginCall(&context)) return attempt;
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
  connection_->EndCall();
  return attempt;
}

}  // namespace switchboard::client
