// libFuzzer target: any bytes as a stored event read back from disk or from a
// NATS message (which something else may have published). StoredEvent must
// accept exactly the bytes protobuf can frame, never crash or hang, find the
// sequence and type protobuf would parse, send the bytes unchanged, and, given
// another sequence, send bytes that parse to it with everything else intact.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/util/message_differencer.h"
#include "store/stored_event.h"
#include "switchboard/v1/event.pb.h"

using switchboard::EventPtr;
using switchboard::StoredEvent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  switchboard::v1::Event parsed;
  const bool parses = parsed.ParseFromString(bytes);
  absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(bytes);
  if (!stored.ok()) {
    if (parses) std::abort();  // protobuf reads what we refused
    return 0;
  }
  if ((*stored)->bytes() != bytes) std::abort();
  (*stored)->event();  // parses, or falls back to sequence and type
  if (parses && ((*stored)->sequence() != parsed.sequence() || (*stored)->type() != parsed.type())) {
    std::abort();
  }
  const uint64_t other = parsed.sequence() + 1 + size;
  absl::StatusOr<EventPtr> renumbered = StoredEvent::FromBytes(bytes, other);
  if (!renumbered.ok() || (*renumbered)->sequence() != other) std::abort();
  if (parses) {
    switchboard::v1::Event again;
    if (!again.ParseFromString(std::string((*renumbered)->bytes())) || again.sequence() != other) {
      std::abort();
    }
    again.set_sequence(parsed.sequence());
    // Compared field by field: serialized maps come in no fixed order.
    if (!google::protobuf::util::MessageDifferencer::Equals(again, parsed)) std::abort();
  }
  return 0;
}
