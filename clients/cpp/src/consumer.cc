#include "switchboard/client/consumer.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "connection.h"

namespace switchboard::client {

using internal::FromGrpc;

namespace {
// JoinGroup.max_unacked when 0 (consumer_group.proto).
constexpr uint64_t kDefaultMaxUnacked = 100;
}  // namespace

Consumer::Consumer(ConsumerOptions options)
    : options_(std::move(options)),
      connection_(std::make_unique<internal::Connection>(options_.address,
                                                         options_.channel_credentials,
                                                         options_.backoff, options_.connect_timeout)),
      stub_(v1::EventStream::NewStub(connection_->channel())) {}

Consumer::~Consumer() = default;

void Consumer::Cancel() { connection_->Cancel(); }

uint64_t Consumer::handled() const {
  absl::MutexLock lock(&mu_);
  return handled_;
}

uint64_t Consumer::acked() const {
  absl::MutexLock lock(&mu_);
  return acked_;
}

int Consumer::reconnects() const {
  absl::MutexLock lock(&mu_);
  return reconnects_;
}

v1::ConsumeRequest Consumer::JoinRequest() const {
  v1::ConsumeRequest request;
  v1::JoinGroup* join = request.mutable_join();
  join->set_group(options_.group);
  for (const std::string& type : options_.event_types) join->add_event_types(type);
  switch (options_.start.kind) {
    case Start::Kind::kLive:
      break;
    case Start::Kind::kAfterSequence:
      join->set_after_sequence(options_.start.sequence);
      break;
    case Start::Kind::kOldest:
      join->set_from_oldest(true);
      break;
  }
  if (options_.ack_deadline > absl::ZeroDuration()) {
    const int64_t nanos = absl::ToInt64Nanoseconds(options_.ack_deadline);
    join->mutable_ack_deadline()->set_seconds(nanos / 1000000000);
    join->mutable_ack_deadline()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  }
  join->set_max_delivery_attempts(options_.max_delivery_attempts);
  uint64_t max_unacked = options_.max_unacked;
  if (options_.max_events > 0) {  // hold no more than is still to take
    const uint64_t room = max_unacked == 0 ? kDefaultMaxUnacked : max_unacked;
    absl::MutexLock lock(&mu_);
    const uint64_t left = options_.max_events - std::min(handled_, options_.max_events);
    if (left > 0 && left < room) max_unacked = left;
  }
  join->set_max_unacked(static_cast<uint32_t>(max_unacked));
  return request;
}

bool Consumer::TookAll() const {
  absl::MutexLock lock(&mu_);
  return options_.max_events > 0 && handled_ >= options_.max_events;
}

absl::Status Consumer::Run(const Handler& handler) {
  if (!handler) return absl::InvalidArgumentError("Run() needs a handler");
  if (options_.group.empty()) return absl::InvalidArgumentError("ConsumerOptions.group is empty");
  if (absl::Status valid = connection_->Validate(); !valid.ok()) return valid;

  int failures = 0;
  std::optional<absl::Status> retry_cause;
  while (true) {
    if (retry_cause.has_value()) {
      RetryInfo info;
      info.cause = *std::move(retry_cause);
      info.attempt = failures + 1;
      info.delay = connection_->BackoffDelay(failures);
      retry_cause.reset();
      if (options_.on_retry) options_.on_retry(info);
      if (!connection_->SleepUnlessCancelled(info.delay)) return absl::OkStatus();
      absl::MutexLock lock(&mu_);
      ++reconnects_;
    }
    if (connection_->cancelled()) return absl::OkStatus();

    absl::Status connected = connection_->WaitForConnection();
    if (connection_->cancelled()) return absl::OkStatus();
    if (!connected.ok()) {
      if (!connected_once_ && !options_.wait_for_server) return connected;
      retry_cause = std::move(connected);
      ++failures;
      continue;
    }
    connected_once_ = true;

    Attempt attempt = Stream(handler);
    if (connection_->cancelled()) return absl::OkStatus();
    if (attempt.took_all) return absl::OkStatus();
    if (TookAll()) {
      return absl::UnavailableError(absl::StrCat(
          "the stream ended before the server confirmed every ack (", attempt.status.ToString(),
          "); the group delivers the unconfirmed events again"));
    }
    const absl::StatusCode code = attempt.status.code();
    const bool retryable = code == absl::StatusCode::kOk ||
                           code == absl::StatusCode::kUnavailable ||
                           code == absl::StatusCode::kCancelled ||
                           code == absl::StatusCode::kResourceExhausted;
    if (!retryable) return attempt.status;
    if (attempt.handled > 0 || attempt.lasted >= options_.backoff.max) {
      failures = 0;
    } else {
      ++failures;
    }
    retry_cause = attempt.status.ok() ? absl::UnavailableError("the server ended the stream")
                                      : attempt.status;
  }
}

Consumer::Attempt Consumer::Stream(const Handler& handler) {
  Attempt attempt;
  grpc::ClientContext context;
  if (options_.decorate_context) options_.decorate_context(context);
  if (!connection_->BeginCall(&context)) return attempt;
  const absl::Time started = absl::Now();
  std::unique_ptr<grpc::ClientReaderWriter<v1::ConsumeRequest, v1::ConsumeResponse>> stream =
      stub_->Consume(&context);
  v1::ConsumeResponse response;
  std::unordered_set<uint64_t> unconfirmed;  // acks sent, no AckResult yet
  bool open = stream->Write(JoinRequest());
  while (open && stream->Read(&response)) {
    switch (response.kind_case()) {
      case v1::ConsumeResponse::kJoined:
        if (options_.on_joined) options_.on_joined(response.joined());
        break;
      case v1::ConsumeResponse::kResult: {
        const v1::AckResult& result = response.result();
        for (uint64_t sequence : result.acked()) unconfirmed.erase(sequence);
        for (const v1::RejectedSequence& rejected : result.rejected()) {
          unconfirmed.erase(rejected.sequence());
        }
        absl::MutexLock lock(&mu_);
        acked_ += result.acked_size();
      }
        if (options_.on_ack_result) options_.on_ack_result(response.result());
        break;
      case v1::ConsumeResponse::kDeliveries: {
        // The whole batch, then its acks and nacks in one message each.
        v1::ConsumeRequest acks, nacks;
        for (const v1::GroupDelivery& delivery : response.deliveries().deliveries()) {
          if (connection_->cancelled() || TookAll()) break;  // the rest goes back on leaving
          if (handler(delivery).ok()) {
            acks.mutable_ack()->add_sequences(delivery.event().sequence());
            ++attempt.handled;
            absl::MutexLock lock(&mu_);
            ++handled_;
          } else if (options_.nack_on_error) {
            nacks.mutable_nack()->add_sequences(delivery.event().sequence());
          }
        }
        if (options_.ack && acks.has_ack()) {
          unconfirmed.insert(acks.ack().sequences().begin(), acks.ack().sequences().end());
          open = stream->Write(acks);
        }
        if (open && nacks.has_nack()) open = stream->Write(nacks);
        break;
      }
      case v1::ConsumeResponse::KIND_NOT_SET:
        break;
    }
    if (open && unconfirmed.empty() && TookAll()) {
      attempt.took_all = true;
      break;
    }
  }
  stream->WritesDone();
  if (attempt.took_all) {  // leaving: the server ends the stream at once; skip what it still sent
    while (stream->Read(&response)) {
    }
  }
  attempt.status = FromGrpc(stream->Finish());
  attempt.lasted = absl::Now() - started;
  connection_->EndCall();
  return attempt;
}

}  // namespace switchboard::client
