#ifndef SWITCHBOARD_COMMON_EVENT_TYPES_H_
#define SWITCHBOARD_COMMON_EVENT_TYPES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace switchboard {

// The schema's table of event types, read once from the (switchboard.v1.
// event_type) option on the fields of `Event.payload`. Thread-safe.
class EventTypes {
 public:
  // The Event.payload field carrying `type`, or nullptr when the schema does
  // not know the type (such events go into `Event.other`).
  static const google::protobuf::FieldDescriptor* PayloadField(absl::string_view type);

  // Every event type the schema knows, sorted.
  static const std::vector<std::string>& Known();
};

// True when `type` is a well-formed event type: 1 to 128 characters of
// [A-Za-z0-9_-] in non-empty dot-separated segments.
bool IsValidEventType(absl::string_view type);

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_EVENT_TYPES_H_
