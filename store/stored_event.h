#ifndef SWITCHBOARD_STORE_STORED_EVENT_H_
#define SWITCHBOARD_STORE_STORED_EVENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/call_once.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard {

// An event as the log holds it: immutable, shared by every reader, in two
// forms made at most once each, on first use: the parsed message (`event()`)
// and its serialized bytes (`bytes()`, what a stream sends). An appended
// event starts as a message and is serialized once however many streams send
// it; an event read from disk or a broker starts as bytes and is sent without
// being parsed. `sequence()` and `type()`, all that routing needs, are always
// at hand. Thread-safe.
class StoredEvent {
 public:
  // From a message; its `sequence` must be set.
  explicit StoredEvent(v1::Event event);
  // From a message and the bytes it was serialized to (the store wrote them).
  StoredEvent(v1::Event event, std::string bytes);

  // From the bytes of a serialized Event. Reads only the top-level fields'
  // tags to find the sequence and the type, and checks that they frame the
  // bytes exactly (DATA_LOSS otherwise). With `sequence` > 0 the event gets
  // that sequence (a broker's message sequence), appended to the bytes when
  // they carry another one or none.
  static absl::StatusOr<std::shared_ptr<const StoredEvent>> FromBytes(std::string bytes,
                                                                     uint64_t sequence = 0);

  StoredEvent(const StoredEvent&) = delete;
  StoredEvent& operator=(const StoredEvent&) = delete;

  uint64_t sequence() const { return sequence_; }
  const std::string& type() const { return type_; }

  // The message. Parsed on first use when made from bytes; bytes that frame
  // correctly but do not parse (never written by this program) give an event
  // holding only the sequence and the type, and are logged.
  const v1::Event& event() const;

  // The serialized message: what Subscribe sends.
  absl::string_view bytes() const;

  // Approximate memory held, for retention limits: the larger form.
  size_t size_bytes() const;

 private:
  StoredEvent() = default;

  uint64_t sequence_ = 0;
  std::string type_;
  mutable absl::once_flag parsed_;
  mutable absl::once_flag serialized_;
  mutable v1::Event event_;
  mutable std::string bytes_;
  bool has_event_ = false;  // set at construction: which form came first
};

using EventPtr = std::shared_ptr<const StoredEvent>;

// A new stored event from a message (sequence set).
EventPtr MakeStoredEvent(v1::Event event);

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_STORED_EVENT_H_
