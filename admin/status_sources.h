#ifndef SWITCHBOARD_ADMIN_STATUS_SOURCES_H_
#define SWITCHBOARD_ADMIN_STATUS_SOURCES_H_

// What the console's health view reads from the rest of the process, behind
// one interface so the API is testable without a gRPC server.

#include <cstdint>
#include <string>
#include <vector>

#include "server/grpc_server.h"

namespace switchboard::admin {

// A consumer group (shared, acknowledged consumption). Consumer groups do not
// exist yet; StatusSources::ConsumerGroups() is their seam, and the API
// already has their JSON section ("consumer_groups": []).
struct ConsumerGroupInfo {
  std::string name;
  uint64_t lag = 0;           // events stored that no member has taken yet
  uint64_t pending = 0;       // taken, not acknowledged
  uint64_t dead_letters = 0;  // given up on after retries
};

// Thread-safe; calls may take locks briefly but never block on I/O.
class StatusSources {
 public:
  virtual ~StatusSources() = default;
  // Open Subscribe streams.
  virtual std::vector<server::SubscriberInfo> Subscribers() = 0;
  // Consumer groups; none until they exist.
  virtual std::vector<ConsumerGroupInfo> ConsumerGroups() { return {}; }
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_STATUS_SOURCES_H_
