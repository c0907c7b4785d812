#ifndef SWITCHBOARD_TESTS_E2E_STALLED_HTTP2_SUBSCRIBER_H_
#define SWITCHBOARD_TESTS_E2E_STALLED_HTTP2_SUBSCRIBER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "switchboard/v1/event_stream.pb.h"

namespace switchboard::e2e {

// A Subscribe call over a raw HTTP/2 connection whose socket stops being read
// once the first event arrived: the kernel buffers fill and the server's
// writes to this subscriber stall for good, which no gRPC client can be made
// to do (its transport always reads). Speaks just enough HTTP/2: the
// preface, SETTINGS with the largest windows (so only TCP holds the server
// back), one HEADERS and one DATA frame, and answers to SETTINGS and PING.
class StalledHttp2Subscriber {
 public:
  StalledHttp2Subscriber() = default;
  ~StalledHttp2Subscriber();
  StalledHttp2Subscriber(const StalledHttp2Subscriber&) = delete;
  StalledHttp2Subscriber& operator=(const StalledHttp2Subscriber&) = delete;

  // Connects to the gRPC server on loopback `port` (with a small receive
  // buffer) and sends the Subscribe call with `request`.
  ::testing::AssertionResult Open(int port, const v1::SubscribeRequest& request);

  // Reads until the first DATA frame of the stream (the first event) has
  // arrived, answering SETTINGS and PING, then never reads again.
  ::testing::AssertionResult WaitForFirstEvent(absl::Duration timeout);

 private:
  bool SendAll(const std::string& bytes);

  int fd_ = -1;
};

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_STALLED_HTTP2_SUBSCRIBER_H_
