#include "store/received_since.h"

#include "common/time_util.h"

namespace switchboard {

absl::StatusOr<uint64_t> FirstSequenceReceivedSince(
    uint64_t first, uint64_t end, absl::Time time,
    absl::FunctionRef<absl::StatusOr<EventPtr>(uint64_t sequence)> read) {
  uint64_t low = first, high = end;
  while (low < high) {
    const uint64_t mid = low + (high - low) / 2;
    absl::StatusOr<EventPtr> event = read(mid);
    if (absl::IsNotFound(event.status())) {  // left retention meanwhile
      low = mid + 1;
      continue;
    }
    if (!event.ok()) return event.status();
    if (FromTimestamp((*event)->event().received_at()) < time) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

}  // namespace switchboard
