#include "admin/grpc_status_sources.h"

#include <memory>

#include "absl/strings/str_join.h"
#include "common/time_util.h"
#include "server/group_backend.h"

namespace switchboard::admin {

std::vector<server::SubscriberInfo> GrpcStatusSources::Subscribers() {
  return server_->Subscribers();
}

std::vector<ConsumerGroupInfo> GrpcStatusSources::ConsumerGroups() {
  std::vector<ConsumerGroupInfo> groups;
  server::GroupBackend* backend = server_->groups();
  if (backend == nullptr) return groups;
  for (const v1::GroupInfo& info : backend->Snapshot()) {
    ConsumerGroupInfo& out = groups.emplace_back();
    out.name = info.name();
    out.filter = info.event_types().empty() ? "*" : absl::StrJoin(info.event_types(), ",");
    out.members = static_cast<uint64_t>(info.members_size());
    out.lag = info.lag();
    out.pending = info.pending();
    out.oldest_unacked_seconds = absl::ToDoubleSeconds(FromDuration(info.oldest_unacked_age()));
    out.dead_letters = info.dead_letters();
    out.redeliveries = info.redeliveries();
  }
  return groups;
}

}  // namespace switchboard::admin
