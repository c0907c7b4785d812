#include "server/consume_reactor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_util.h"
#include "server/event_filter.h"
#include "server/event_wire.h"
#include "server/start_position.h"

namespace switchboard::server {
namespace {

constexpr int kMaxSequencesPerMessage = 10000;
constexpr uint32_t kDefaultMaxUnacked = 100;
constexpr uint32_t kMaxMaxUnacked = 10000;
constexpr uint32_t kMaxDeliveryAttempts = 1000;
constexpr absl::Duration kMinDuration = absl::Seconds(1);
constexpr absl::Duration kMaxDuration = absl::Hours(1);

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

grpc::Status Invalid(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

// A duration field in [1 s, 1 h], or an error naming it.
grpc::Status CheckDuration(const google::protobuf::Duration& d, absl::string_view field) {
  const absl::Duration value = FromDuration(d);
  if (d.nanos() < 0 || d.nanos() > 999999999 || value < kMinDuration || value > kMaxDuration) {
    return Invalid(absl::StrFormat("%s must be between 1s and 1h (got %ds %dns)", field,
                                   d.seconds(), d.nanos()));
  }
  return grpc::Status::OK;
}

// Patterns in one spelling: sorted, unique, and "every type" as none.
std::vector<std::string> Normalize(const google::protobuf::RepeatedPtrField<std::string>& patterns) {
  std::vector<std::string> out(patterns.begin(), patterns.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (std::find(out.begin(), out.end(), "*") != out.end()) out.clear();
  return out;
}

}  // namespace

ConsumeReactor::ConsumeReactor(GroupBackend* registry, EventLog* log,
                               SubscriberSlots* slots, Options options, std::string authorization,
                               std::string peer)
    : registry_(registry),
      log_(log),
      slots_(slots),
      options_(options),
      authorization_(std::move(authorization)),
      peer_(std::move(peer)) {}

void ConsumeReactor::Start() {
  {
    MutexLock lock(&mu_);
    reading_ = true;
  }
  StartRead(&read_);
}

grpc::Status ConsumeReactor::Join(const v1::JoinGroup& join) {
  if (absl::Status name = ValidateGroupName(join.group()); !name.ok()) return ToGrpc(name);
  if (join.event_types_size() > static_cast<int>(options_.max_patterns)) {
    return Invalid(absl::StrFormat("%d event_types patterns; at most %d per group",
                                   join.event_types_size(), options_.max_patterns));
  }
  absl::StatusOr<EventFilter> parsed = EventFilter::Parse(join.event_types());
  if (!parsed.ok()) return ToGrpc(parsed.status());

  GroupBackend::JoinSpec spec;
  spec.group = join.group();
  spec.event_types = Normalize(join.event_types());
  spec.event_types_given = join.event_types_size() > 0;
  const Grant* grant = nullptr;
  std::string holder;
  if (options_.auth != nullptr) {
    absl::StatusOr<const Grant*> authenticated = options_.auth->Authenticate(authorization_);
    if (!authenticated.ok()) return ToGrpc(authenticated.status());
    grant = *authenticated;
    holder = grant->name;
    absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> allowed =
        SubscriberAuth::Authorize(*grant, join.event_types());
    if (!allowed.ok()) return ToGrpc(allowed.status());
    if (!spec.event_types_given) spec.event_types = Normalize(*allowed);  // a new group: the grant's
  }
  if (join.has_ack_deadline()) {
    if (grpc::Status bad = CheckDuration(join.ack_deadline(), "ack_deadline"); !bad.ok()) return bad;
    spec.ack_deadline = FromDuration(join.ack_deadline());
  }
  if (join.max_delivery_attempts() > kMaxDeliveryAttempts) {
    return Invalid(absl::StrFormat("max_delivery_attempts must be 1 to %d (0: the default)",
                                   kMaxDeliveryAttempts));
  }
  spec.max_delivery_attempts = join.max_delivery_attempts();
  const uint32_t max_unacked = join.max_unacked() == 0 ? kDefaultMaxUnacked : join.max_unacked();
  if (max_unacked > kMaxMaxUnacked) {
    return Invalid(absl::StrFormat("max_unacked must be 1 to %d (0: %d)", kMaxMaxUnacked,
                                   kDefaultMaxUnacked));
  }
  absl::StatusOr<StartPosition> start = ResolveStart(*log_, join);
  if (!start.ok()) return ToGrpc(start.status());
  spec.start_after = start->cursor;

  absl::StatusOr<std::unique_ptr<SubscriberSlots::Slot>> slot = slots_->Acquire(holder);
  if (!slot.ok()) return ToGrpc(slot.status());
  slot_ = *std::move(slot);

  absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> joined =
      registry_->JoinOrCreate(spec);
  if (!joined.ok()) return ToGrpc(joined.status());
  auto [group, created] = *std::move(joined);
  const GroupSettings& settings = group->settings();
  if (grant != nullptr && !created) {
    // The group's filter must lie within this token's grant.
    google::protobuf::RepeatedPtrField<std::string> wanted(settings.event_types.begin(),
                                                            settings.event_types.end());
    if (wanted.empty()) wanted.Add("*");
    absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> allowed =
        SubscriberAuth::Authorize(*grant, wanted);
    if (!allowed.ok()) return ToGrpc(allowed.status());
  }
  if (group->MemberCount() >= registry_->max_members_per_group()) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        absl::StrFormat("group \"%s\" has %d members, the most it takes",
                                        settings.name, group->MemberCount()));
  }

  group_ = group;
  member_ = group->Join(this, max_unacked, peer_);
  v1::ConsumeResponse response;
  v1::GroupJoined& answer = *response.mutable_joined();
  *answer.mutable_event_types() = group->Config().event_types();
  answer.set_group(settings.name);
  answer.set_member(group->MemberName(member_));
  *answer.mutable_ack_deadline() = group->Config().ack_deadline();
  answer.set_max_delivery_attempts(settings.max_delivery_attempts);
  answer.set_max_unacked(max_unacked);
  answer.set_created(created);
  MutexLock lock(&mu_);
  // Deliveries may already wait: the answer to the join goes first.
  outgoing_.push_front(SerializedMessage(response));
  joined_ = true;
  SendLocked(std::nullopt);
  return grpc::Status::OK;
}

grpc::Status ConsumeReactor::Apply(const v1::ConsumeRequest& request) {
  auto too_many = [](int n) {
    return Invalid(absl::StrFormat("%d sequences in one message; at most %d (send several)", n,
                                   kMaxSequencesPerMessage));
  };
  switch (request.kind_case()) {
    case v1::ConsumeRequest::kJoin:
      return Invalid(absl::StrFormat("already joined group \"%s\"; a stream joins once",
                                     group_->settings().name));
    case v1::ConsumeRequest::kAck:
      if (request.ack().sequences_size() > kMaxSequencesPerMessage) {
        return too_many(request.ack().sequences_size());
      }
      group_->Ack(member_, request.ack().sequences());
      return grpc::Status::OK;
    case v1::ConsumeRequest::kNack:
      if (request.nack().sequences_size() > kMaxSequencesPerMessage) {
        return too_many(request.nack().sequences_size());
      }
      group_->Nack(member_, request.nack().sequences());
      return grpc::Status::OK;
    case v1::ConsumeRequest::kExtend:
      if (request.extend().sequences_size() > kMaxSequencesPerMessage) {
        return too_many(request.extend().sequences_size());
      }
      if (grpc::Status bad = CheckDuration(request.extend().extension(), "extend.extension");
          !bad.ok()) {
        return bad;
      }
      group_->Extend(member_, request.extend().sequences(),
                     FromDuration(request.extend().extension()));
      return grpc::Status::OK;
    case v1::ConsumeRequest::KIND_NOT_SET:
      break;
  }
  return Invalid("empty request: send join, ack, nack or extend");
}

void ConsumeReactor::OnReadDone(bool ok) {
  if (!ok) {  // the member closed its side (or went away): it acks nothing more
    MutexLock lock(&mu_);
    reading_ = false;
    FinishLocked(grpc::Status::OK);
    return;
  }
  grpc::Status status;
  if (!ParseMessage(read_, &request_)) {
    status = Invalid("a message is not a switchboard.v1.ConsumeRequest");
  } else if (group_ == nullptr) {
    if (request_.kind_case() == v1::ConsumeRequest::kJoin) {
      MutexLock lock(&mu_);
      reading_ = false;
      joining_ = true;  // holds off Finish(), hence OnDone(), until the join is over
      options_.joins->Run([this] { JoinAndReadOn(); });
      return;
    }
    status = Invalid("the first message must be a join (JoinGroup naming the group)");
  } else {
    status = Apply(request_);
  }
  MutexLock lock(&mu_);
  reading_ = false;
  if (!status.ok()) return FinishLocked(status);
  ReadNextLocked();
}

void ConsumeReactor::JoinAndReadOn() {
  {
    MutexLock lock(&mu_);
    if (ending_) {  // the member gave up while the join waited its turn
      joining_ = false;
      return FinishIfDueLocked();
    }
  }
  const grpc::Status status = Join(request_.join());
  MutexLock lock(&mu_);
  joining_ = false;
  if (ending_) return FinishIfDueLocked();  // cancelled meanwhile: the Finish() held off
  if (!status.ok()) return FinishLocked(status);
  ReadNextLocked();
}

void ConsumeReactor::ReadNextLocked() {
  if (ending_ || reading_) return;
  if (outgoing_.size() >= kMaxOutgoing) {
    read_paused_ = true;  // OnWriteDone reads again once responses drain
    return;
  }
  read_paused_ = false;
  reading_ = true;
  StartRead(&read_);
}

void ConsumeReactor::SendLocked(std::optional<grpc::ByteBuffer> response) {
  if (ending_) return;
  if (response.has_value()) outgoing_.push_back(*std::move(response));
  if (writing_ || !joined_ || outgoing_.empty()) return;
  writing_ = true;
  in_flight_ = std::move(outgoing_.front());
  outgoing_.pop_front();
  StartWrite(&in_flight_);
}

void ConsumeReactor::OnWriteDone(bool ok) {
  MutexLock lock(&mu_);
  writing_ = false;
  if (!ok) return FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "member went away"));
  if (ending_) return FinishIfDueLocked();
  SendLocked(std::nullopt);
  if (read_paused_) ReadNextLocked();
}

void ConsumeReactor::FinishLocked(const grpc::Status& status) {
  if (ending_) return;
  ending_ = true;
  end_status_ = status;
  outgoing_.clear();
  FinishIfDueLocked();
}

void ConsumeReactor::FinishIfDueLocked() {
  // Finish() leads to OnDone(), which deletes this: not while a write is in
  // flight or Join() runs on the pool.
  if (ending_ && !writing_ && !joining_ && !finished_) {
    finished_ = true;
    Finish(end_status_);
  }
}

void ConsumeReactor::Deliver(std::vector<GroupDeliveryItem> items) {
  grpc::ByteBuffer response = DeliveriesMessage(items);
  MutexLock lock(&mu_);
  SendLocked(std::move(response));
}

void ConsumeReactor::OnResult(v1::AckResult result) {
  v1::ConsumeResponse response;
  *response.mutable_result() = std::move(result);
  grpc::ByteBuffer bytes = SerializedMessage(response);
  MutexLock lock(&mu_);
  SendLocked(std::move(bytes));
}

void ConsumeReactor::End(const grpc::Status& status) {
  MutexLock lock(&mu_);
  FinishLocked(status);
}

void ConsumeReactor::OnCancel() {
  MutexLock lock(&mu_);
  FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "member went away"));
}

void ConsumeReactor::OnDone() {
  // After Leave() returns the group never calls this sink again.
  if (group_ != nullptr) group_->Leave(member_);
  delete this;
}

}  // namespace switchboard::server
