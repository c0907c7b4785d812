#ifndef SWITCHBOARD_GATEWAY_PAYLOAD_FILLER_H_
#define SWITCHBOARD_GATEWAY_PAYLOAD_FILLER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/field_path.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/struct.pb.h"
#include "simdjson.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::gateway {

// Fills a typed payload message from a JSON object, driven by the schema
// (proto/switchboard/v1/), never by code per type:
//
//  - Each key fills the field of the same name. A message field marked
//    (switchboard.v1.json_inline) is filled from the same object as its
//    parent, so one key may fill a field of the message and the same-named
//    field of its inline message (the flat and official shapes of a type).
//    Keys no field has are skipped: Event.data_json keeps them.
//  - JSON null leaves a field absent.
//  - A string field takes a string, or an integer (rendered in decimal); an
//    integer field an integer, an integral number, or a decimal string, in
//    range; a bool field a boolean; a double field a number; a Timestamp a
//    time string (webhook_time.h); a message field an object; a repeated
//    field an array of such values.
//  - A value that fits none of these leaves its field absent (a repeated
//    field with one unfit element stays empty) and is reported in
//    `mismatches` with its path ("data.call_info.duration") and the reason.
//    Never an error: an authentic webhook is kept whatever its values.
//  - A Timestamp field with (switchboard.v1.utc_date_time_from) = "D T" is
//    derived from the string fields D ("YYYY-MM-DD") and T ("HH:MM:SS") of
//    the same message, read as UTC; when both are set but do not read as a
//    time, the mismatch is reported at D's path.
//
// The object must have been checked for duplicate keys. Thread-safe.
void FillPayload(const simdjson::dom::object& object, const FieldPath& path,
                 google::protobuf::Message* message,
                 google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches);

// The object as a google.protobuf.Struct (`Event.other`): numbers become
// doubles, and numbers the translator had to quote (json_text.h) strings.
void FillStruct(const simdjson::dom::object& object, google::protobuf::Struct* out);

// A mismatch path without its array indexes, "data.notes[].added_at": the
// position in the schema, whatever the array lengths (a bounded metric label).
std::string MismatchPattern(absl::string_view path);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_PAYLOAD_FILLER_H_
