#ifndef SWITCHBOARD_ADMIN_STATUS_SOURCES_H_
#define SWITCHBOARD_ADMIN_STATUS_SOURCES_H_

// What the console's health view reads from the rest of the process, behind
// one interface so the API is testable without a gRPC server.

#include <cstdint>
#include <string>
#include <vector>

#include "server/grpc_server.h"

namespace switchboard::admin {

// A consumer group (shared, acknowledged consumption): server/group_backend.h.
struct ConsumerGroupInfo {
  std::string name;
  std::string filter;                // its event-type patterns, comma-separated
  uint64_t members = 0;              // members connected now
  uint64_t lag = 0;                  // matching events stored and not acked yet
  uint64_t pending = 0;              // delivered, not acked yet
  double oldest_unacked_seconds = 0;  // age of the oldest pending delivery
  uint64_t dead_letters = 0;         // parked after max_delivery_attempts
  uint64_t redeliveries = 0;         // deliveries after the first, since start
};

// Thread-safe; calls may take locks briefly but never block on I/O.
class StatusSources {
 public:
  virtual ~StatusSources() = default;
  // Open Subscribe streams.
  virtual std::vector<server::SubscriberInfo> Subscribers() = 0;
  // Consumer groups, by name.
  virtual std::vector<ConsumerGroupInfo> ConsumerGroups() = 0;
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_STATUS_SOURCES_H_
