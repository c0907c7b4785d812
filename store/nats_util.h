// Helpers shared by the JetStream store's files (event log, replay reader,
// group store): cnats' units, errors and handles, and how servers are shown.

#ifndef SWITCHBOARD_STORE_NATS_UTIL_H_
#define SWITCHBOARD_STORE_NATS_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nats/nats.h"

namespace switchboard {

// Durations in the units cnats takes.
inline int64_t NatsMillis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }
inline int64_t NatsNanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

// The text of the calling thread's last cnats error (without the library's
// "(file.c:123): " prefix), or of `status`.
std::string NatsErrorText(natsStatus status);

// What a failed JetStream API call (`what`, against the servers `urls`, with
// `timeout`) means, for an operator: JetStream not enabled, no majority, ...
absl::Status JetStreamApiError(natsStatus s, jsErrCode code, absl::string_view what,
                               absl::string_view urls, absl::Duration timeout);

// The servers for messages, without passwords or tokens ("nats://***@host:4222").
std::string RedactedServers(const std::vector<std::string>& servers);

const char* ConnectionStatusName(natsConnStatus status);

// Destroys cnats objects held in a std::unique_ptr.
struct NatsDeleter {
  void operator()(natsOptions* p) const { natsOptions_Destroy(p); }
  void operator()(jsStreamInfo* p) const { jsStreamInfo_Destroy(p); }
  void operator()(jsConsumerInfo* p) const { jsConsumerInfo_Destroy(p); }
  void operator()(natsMsg* p) const { natsMsg_Destroy(p); }
  void operator()(kvEntry* p) const { kvEntry_Destroy(p); }
  void operator()(jsCtx* p) const { jsCtx_Destroy(p); }
  void operator()(natsConnection* p) const { natsConnection_Destroy(p); }
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_NATS_UTIL_H_
