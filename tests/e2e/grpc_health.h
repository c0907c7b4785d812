#ifndef SWITCHBOARD_TESTS_E2E_GRPC_HEALTH_H_
#define SWITCHBOARD_TESTS_E2E_GRPC_HEALTH_H_

// Test helper: the standard gRPC health check, as load balancers and
// Kubernetes probes call it.

#include <string>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace switchboard::e2e {

// grpc.health.v1.Health/Check on `address` for the whole server: its status
// (DEADLINE_EXCEEDED when not answered within `deadline`).
inline grpc::Status HealthCheck(const std::string& address, absl::Duration deadline) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  grpc::Slice empty;  // a HealthCheckRequest naming no service
  grpc::ByteBuffer request(&empty, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return status;
}

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_GRPC_HEALTH_H_
