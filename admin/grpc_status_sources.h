#ifndef SWITCHBOARD_ADMIN_GRPC_STATUS_SOURCES_H_
#define SWITCHBOARD_ADMIN_GRPC_STATUS_SOURCES_H_

#include <vector>

#include "admin/status_sources.h"
#include "server/grpc_server.h"

namespace switchboard::admin {

// The console's view of the running gRPC server: its Subscribe streams and
// its consumer groups. `server` must outlive this.
class GrpcStatusSources : public StatusSources {
 public:
  explicit GrpcStatusSources(server::GrpcServer* server) : server_(server) {}

  std::vector<server::SubscriberInfo> Subscribers() override;
  std::vector<ConsumerGroupInfo> ConsumerGroups() override;

 private:
  server::GrpcServer* const server_;
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_GRPC_STATUS_SOURCES_H_
