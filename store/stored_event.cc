#include "store/stored_event.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace switchboard {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr uint32_t kSequenceTag = WireFormatLite::MakeTag(
    v1::Event::kSequenceFieldNumber, WireFormatLite::WIRETYPE_VARINT);
constexpr uint32_t kTypeTag = WireFormatLite::MakeTag(
    v1::Event::kTypeFieldNumber, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);

}  // namespace

StoredEvent::StoredEvent(v1::Event event)
    : sequence_(event.sequence()), type_(event.type()), event_(std::move(event)), has_event_(true) {
  absl::call_once(parsed_, [] {});
}

StoredEvent::StoredEvent(v1::Event event, std::string bytes)
    : sequence_(event.sequence()),
      type_(event.type()),
      event_(std::move(event)),
      bytes_(std::move(bytes)),
      has_event_(true) {
  absl::call_once(parsed_, [] {});
  absl::call_once(serialized_, [] {});
}

absl::StatusOr<std::shared_ptr<const StoredEvent>> StoredEvent::FromBytes(std::string bytes,
                                                                          uint64_t sequence) {
  // The top-level fields only: a tag, then the field's value skipped, except
  // for the two we need. As in parsing, the last occurrence of a field wins.
  uint64_t found_sequence = 0;
  std::string type;
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  for (;;) {
    const uint32_t tag = input.ReadTag();
    if (tag == 0) break;
    bool ok;
    if (tag == kSequenceTag) {
      ok = input.ReadVarint64(&found_sequence);
    } else if (tag == kTypeTag) {
      ok = WireFormatLite::ReadString(&input, &type);
    } else {
      ok = WireFormatLite::SkipField(&input, tag);
    }
    if (!ok) return absl::DataLossError("a stored event's bytes are not a protobuf message");
  }
  if (input.CurrentPosition() != static_cast<int>(bytes.size())) {
    return absl::DataLossError("a stored event's bytes end in the middle of a field");
  }
  if (sequence > 0 && sequence != found_sequence) {
    // Appended, the field overrides any earlier one for every reader.
    uint8_t field[1 + 10];
    field[0] = static_cast<uint8_t>(kSequenceTag);
    uint8_t* end =
        google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(sequence, field + 1);
    bytes.append(reinterpret_cast<const char*>(field), end - field);
    found_sequence = sequence;
  }
  std::shared_ptr<StoredEvent> event(new StoredEvent());
  event->sequence_ = found_sequence;
  event->type_ = std::move(type);
  event->bytes_ = std::move(bytes);
  absl::call_once(event->serialized_, [] {});
  return event;
}

const v1::Event& StoredEvent::event() const {
  absl::call_once(parsed_, [this] {
    if (event_.ParseFromString(bytes_)) return;
    LogError("stored event %d does not parse; only its sequence and type are kept", sequence_);
    event_.Clear();
    event_.set_sequence(sequence_);
    event_.set_type(type_);
  });
  return event_;
}

absl::string_view StoredEvent::bytes() const {
  absl::call_once(serialized_, [this] { event_.SerializeToString(&bytes_); });
  return bytes_;
}

size_t StoredEvent::size_bytes() const {
  return has_event_ ? event_.ByteSizeLong() : bytes_.size();
}

EventPtr MakeStoredEvent(v1::Event event) {
  return std::make_shared<const StoredEvent>(std::move(event));
}

}  // namespace switchboard
