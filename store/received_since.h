#ifndef SWITCHBOARD_STORE_RECEIVED_SINCE_H_
#define SWITCHBOARD_STORE_RECEIVED_SINCE_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/event_log.h"

namespace switchboard {

// The first sequence in [first, end) whose event was received at or after
// `time` (`end` when none), by binary search: backends keep received_at
// non-decreasing in sequence order. `read` fetches one event; NOT_FOUND (the
// event left retention meanwhile) counts as received before `time`, other
// errors are returned.
absl::StatusOr<uint64_t> FirstSequenceReceivedSince(
    uint64_t first, uint64_t end, absl::Time time,
    absl::FunctionRef<absl::StatusOr<EventPtr>(uint64_t sequence)> read);

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_RECEIVED_SINCE_H_
