#ifndef SWITCHBOARD_SERVER_EVENT_WIRE_H_
#define SWITCHBOARD_SERVER_EVENT_WIRE_H_

#include <vector>

#include "google/protobuf/message_lite.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/group_backend.h"
#include "store/stored_event.h"

namespace switchboard::server {

// The streams' messages as gRPC byte buffers, written around stored events'
// bytes (StoredEvent::bytes()) without copying or re-serializing them: a
// buffer's slices point into the events, which stay alive until gRPC lets the
// buffer go. The bytes are exactly what serializing the typed message would
// give, so clients see no difference.

// An Event (Subscribe).
grpc::ByteBuffer EventMessage(const EventPtr& event);

// A ConsumeResponse holding `items` as GroupDeliveries (Consume).
grpc::ByteBuffer DeliveriesMessage(const std::vector<GroupDeliveryItem>& items);

// Any other message, serialized.
grpc::ByteBuffer SerializedMessage(const google::protobuf::MessageLite& message);

// Parses a request; false when the bytes are not a `Message`.
template <typename Message>
bool ParseMessage(const grpc::ByteBuffer& buffer, Message* message) {
  grpc::ByteBuffer copy(buffer);  // shares the slices; Deserialize consumes its buffer
  return grpc::SerializationTraits<Message>::Deserialize(&copy, message).ok();
}

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_EVENT_WIRE_H_
