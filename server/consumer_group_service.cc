#include "server/consumer_group_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/time_util.h"

namespace switchboard::server {
namespace {

constexpr uint32_t kDefaultPage = 100;
constexpr uint32_t kMaxPage = 1000;

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace

ConsumerGroupService::ConsumerGroupService(GroupBackend* registry, EventLog* log,
                                           const SubscriberAuth* auth)
    : registry_(registry), log_(log), auth_(auth) {}

absl::StatusOr<const Grant*> ConsumerGroupService::Caller(const grpc::ServerContext& context) const {
  if (auth_ == nullptr) return nullptr;
  absl::string_view authorization;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization = absl::string_view(it->second.data(), it->second.size());
  }
  return auth_->Authenticate(authorization);
}

bool ConsumerGroupService::Covers(const Grant* grant, const GroupHandle& group) {
  if (grant == nullptr) return true;
  google::protobuf::RepeatedPtrField<std::string> wanted(group.settings().event_types.begin(),
                                                          group.settings().event_types.end());
  if (wanted.empty()) wanted.Add("*");
  return SubscriberAuth::Authorize(*grant, wanted).ok();
}

absl::StatusOr<std::shared_ptr<GroupHandle>> ConsumerGroupService::Resolve(
    const grpc::ServerContext& context, const std::string& name) const {
  absl::StatusOr<const Grant*> grant = Caller(context);
  if (!grant.ok()) return grant.status();
  if (absl::Status valid = ValidateGroupName(name); !valid.ok()) return valid;
  std::shared_ptr<GroupHandle> group = registry_->Find(name);
  if (group == nullptr) {
    return absl::NotFoundError(absl::StrCat("no consumer group \"", name,
                                            "\" (switchboard-cli groups list shows them)"));
  }
  if (!Covers(*grant, *group)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "consumer group \"", name, "\" consumes types outside this token's grant"));
  }
  return group;
}

grpc::Status ConsumerGroupService::ListGroups(grpc::ServerContext* context,
                                              const v1::ListGroupsRequest*,
                                              v1::ListGroupsResponse* response) {
  absl::StatusOr<const Grant*> grant = Caller(*context);
  if (!grant.ok()) return ToGrpc(grant.status());
  const absl::Time now = absl::Now();
  for (const auto& group : registry_->List()) {
    if (Covers(*grant, *group)) *response->add_groups() = group->Info(now);
  }
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::GetGroup(grpc::ServerContext* context,
                                            const v1::GetGroupRequest* request,
                                            v1::GetGroupResponse* response) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  *response->mutable_group() = (*group)->Info(absl::Now());
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::SeekGroup(grpc::ServerContext* context,
                                             const v1::SeekGroupRequest* request,
                                             v1::SeekGroupResponse* response) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  uint64_t after = 0;
  switch (request->target_case()) {
    case v1::SeekGroupRequest::kAfterSequence: {
      const uint64_t last = log_->LastSequence();
      after = request->after_sequence() == 0 ? log_->FirstSequence() - 1 : request->after_sequence();
      if (after > last) {
        return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                            absl::StrFormat("after_sequence %d is ahead of the newest stored "
                                            "sequence %d",
                                            after, last));
      }
      break;
    }
    case v1::SeekGroupRequest::kReceivedSince: {
      absl::StatusOr<uint64_t> first =
          log_->FirstSequenceReceivedSince(FromTimestamp(request->received_since()));
      if (!first.ok()) return ToGrpc(absl::UnavailableError(first.status().message()));
      after = *first - 1;
      break;
    }
    case v1::SeekGroupRequest::kToLatest:
      if (!request->to_latest()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "to_latest must be true when set");
      }
      after = log_->LastSequence();
      break;
    case v1::SeekGroupRequest::TARGET_NOT_SET:
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "say where to: after_sequence, received_since or to_latest");
  }
  if (absl::Status sought = (*group)->Seek(after); !sought.ok()) return ToGrpc(sought);
  *response->mutable_group() = (*group)->Info(absl::Now());
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::ListDeadLetters(grpc::ServerContext* context,
                                                   const v1::ListDeadLettersRequest* request,
                                                   v1::ListDeadLettersResponse* response) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  const uint32_t limit = request->limit() == 0 ? kDefaultPage : request->limit();
  if (limit > kMaxPage) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrFormat("limit %d: at most %d per page", limit, kMaxPage));
  }
  auto dead_letters = (*group)->DeadLetters(request->after_sequence(), limit);
  if (!dead_letters.ok()) return ToGrpc(dead_letters.status());
  for (v1::DeadLetter& dead : dead_letters->first) *response->add_dead_letters() = std::move(dead);
  response->set_total(dead_letters->second);
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::RequeueDeadLetters(grpc::ServerContext* context,
                                                      const v1::RequeueDeadLettersRequest* request,
                                                      v1::RequeueDeadLettersResponse* response) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  if (request->sequences().empty() == !request->all()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "name the dead letters (sequences) or set all, not both");
  }
  absl::StatusOr<uint64_t> requeued = (*group)->RequeueDeadLetters(request->sequences(), request->all());
  if (!requeued.ok()) return ToGrpc(requeued.status());
  response->set_requeued(*requeued);
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::DropDeadLetters(grpc::ServerContext* context,
                                                   const v1::DropDeadLettersRequest* request,
                                                   v1::DropDeadLettersResponse* response) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  if (request->sequences().empty() == !request->all()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "name the dead letters (sequences) or set all, not both");
  }
  absl::StatusOr<uint64_t> dropped = (*group)->DropDeadLetters(request->sequences(), request->all());
  if (!dropped.ok()) return ToGrpc(dropped.status());
  response->set_dropped(*dropped);
  return grpc::Status::OK;
}

grpc::Status ConsumerGroupService::DeleteGroup(grpc::ServerContext* context,
                                               const v1::DeleteGroupRequest* request,
                                               v1::DeleteGroupResponse*) {
  absl::StatusOr<std::shared_ptr<GroupHandle>> group = Resolve(*context, request->group());
  if (!group.ok()) return ToGrpc(group.status());
  return ToGrpc(registry_->Delete(request->group()));
}

}  // namespace switchboard::server
