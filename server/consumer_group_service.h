#ifndef SWITCHBOARD_SERVER_CONSUMER_GROUP_SERVICE_H_
#define SWITCHBOARD_SERVER_CONSUMER_GROUP_SERVICE_H_

#include <memory>

#include "grpcpp/grpcpp.h"
#include "server/group_backend.h"
#include "server/subscriber_auth.h"
#include "store/event_log.h"
#include "switchboard/v1/consumer_group_service.grpc.pb.h"

namespace switchboard::server {

// switchboard.v1.ConsumerGroupService: list groups, seek, dead letters,
// delete (proto/switchboard/v1/consumer_group_service.proto). Unary calls on
// gRPC's synchronous API (operator actions are rare; a seek or delete waits
// for its state write). With tokens configured, every call needs one, and a
// token reaches only the groups whose filter lies within its grant.
// Thread-safe.
class ConsumerGroupService final : public v1::ConsumerGroupService::Service {
 public:
  // `registry`, `log` and `auth` (may be null: no tokens) must outlive it.
  ConsumerGroupService(GroupBackend* registry, EventLog* log, const SubscriberAuth* auth);

  grpc::Status ListGroups(grpc::ServerContext* context, const v1::ListGroupsRequest* request,
                          v1::ListGroupsResponse* response) override;
  grpc::Status GetGroup(grpc::ServerContext* context, const v1::GetGroupRequest* request,
                        v1::GetGroupResponse* response) override;
  grpc::Status SeekGroup(grpc::ServerContext* context, const v1::SeekGroupRequest* request,
                         v1::SeekGroupResponse* response) override;
  grpc::Status ListDeadLetters(grpc::ServerContext* context,
                               const v1::ListDeadLettersRequest* request,
                               v1::ListDeadLettersResponse* response) override;
  grpc::Status RequeueDeadLetters(grpc::ServerContext* context,
                                  const v1::RequeueDeadLettersRequest* request,
                                  v1::RequeueDeadLettersResponse* response) override;
  grpc::Status DropDeadLetters(grpc::ServerContext* context,
                               const v1::DropDeadLettersRequest* request,
                               v1::DropDeadLettersResponse* response) override;
  grpc::Status DeleteGroup(grpc::ServerContext* context, const v1::DeleteGroupRequest* request,
                           v1::DeleteGroupResponse* response) override;

 private:
  // The caller's grant (nullptr without tokens), or UNAUTHENTICATED.
  absl::StatusOr<const Grant*> Caller(const grpc::ServerContext& context) const;
  // Whether `grant` may see and manage `group`.
  static bool Covers(const Grant* grant, const GroupHandle& group);
  // The group named `name` that the caller may manage, or NOT_FOUND /
  // PERMISSION_DENIED / INVALID_ARGUMENT.
  absl::StatusOr<std::shared_ptr<GroupHandle>> Resolve(const grpc::ServerContext& context,
                                                         const std::string& name) const;

  GroupBackend* const registry_;
  EventLog* const log_;
  const SubscriberAuth* const auth_;
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_CONSUMER_GROUP_SERVICE_H_
