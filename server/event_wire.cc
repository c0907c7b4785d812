#include "server/event_wire.h"

#include <string>

#include "common/time_util.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/slice.h"
#include "switchboard/v1/consumer_group.pb.h"

namespace switchboard::server {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

void AppendVarint(uint64_t value, std::string* out) {
  uint8_t buffer[10];
  const uint8_t* end = CodedOutputStream::WriteVarint64ToArray(value, buffer);
  out->append(reinterpret_cast<const char*>(buffer), end - buffer);
}

// The tag and length that start a length-delimited field.
void AppendFieldStart(int field, size_t length, std::string* out) {
  AppendVarint(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), out);
  AppendVarint(length, out);
}

size_t FieldSize(size_t length) {  // a length-delimited field with a one-byte tag
  return 1 + CodedOutputStream::VarintSize64(length) + length;
}

// A slice of the event's bytes that keeps the event alive.
grpc::Slice EventSlice(const EventPtr& event) {
  const absl::string_view bytes = event->bytes();
  if (bytes.empty()) return grpc::Slice();
  return grpc::Slice(
      const_cast<char*>(bytes.data()), bytes.size(),
      [](void* kept) { delete static_cast<EventPtr*>(kept); }, new EventPtr(event));
}

}  // namespace

grpc::ByteBuffer EventMessage(const EventPtr& event) {
  grpc::Slice slice = EventSlice(event);
  return grpc::ByteBuffer(&slice, 1);
}

grpc::ByteBuffer DeliveriesMessage(const std::vector<GroupDeliveryItem>& items) {
  // Field by field what v1::ConsumeResponse{deliveries} serializes to: fields
  // in number order, the event and the deadline always present.
  struct Sizes {
    size_t event;
    std::string deadline;
    size_t delivery;
  };
  std::vector<Sizes> sizes;
  sizes.reserve(items.size());
  size_t deliveries = 0;
  for (const GroupDeliveryItem& item : items) {
    Sizes& s = sizes.emplace_back();
    s.event = item.event->bytes().size();
    google::protobuf::Timestamp deadline;
    ToTimestamp(item.deadline, &deadline);
    deadline.SerializeToString(&s.deadline);
    s.delivery = FieldSize(s.event) + FieldSize(s.deadline.size());
    if (item.attempt != 0) s.delivery += 1 + CodedOutputStream::VarintSize32(item.attempt);
    deliveries += FieldSize(s.delivery);
  }

  std::vector<grpc::Slice> slices;
  slices.reserve(2 * items.size() + 1);
  std::string pending;  // bytes between two events' bytes
  AppendFieldStart(v1::ConsumeResponse::kDeliveriesFieldNumber, deliveries, &pending);
  for (size_t i = 0; i < items.size(); ++i) {
    const Sizes& s = sizes[i];
    AppendFieldStart(v1::GroupDeliveries::kDeliveriesFieldNumber, s.delivery, &pending);
    AppendFieldStart(v1::GroupDelivery::kEventFieldNumber, s.event, &pending);
    slices.emplace_back(pending);
    slices.push_back(EventSlice(items[i].event));
    pending.clear();
    if (items[i].attempt != 0) {
      AppendVarint(WireFormatLite::MakeTag(v1::GroupDelivery::kDeliveryAttemptFieldNumber,
                                           WireFormatLite::WIRETYPE_VARINT),
                   &pending);
      AppendVarint(items[i].attempt, &pending);
    }
    AppendFieldStart(v1::GroupDelivery::kAckDeadlineFieldNumber, s.deadline.size(), &pending);
    pending += s.deadline;
  }
  if (!pending.empty()) slices.emplace_back(pending);
  return grpc::ByteBuffer(slices.data(), slices.size());
}

grpc::ByteBuffer SerializedMessage(const google::protobuf::MessageLite& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace switchboard::server
