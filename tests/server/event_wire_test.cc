#include "server/event_wire.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/time_util.h"
#include "gtest/gtest.h"
#include "switchboard/v1/consumer_group.pb.h"

namespace switchboard::server {
namespace {

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

EventPtr Event(uint64_t sequence, const std::string& type, size_t body) {
  v1::Event event;
  event.set_sequence(sequence);
  event.set_id("id-" + std::to_string(sequence));
  event.set_type(type);
  event.set_data_json(std::string(body, 'x'));  // lengths around varint boundaries
  return MakeStoredEvent(std::move(event));
}

TEST(EventWireTest, AnEventIsSentAsItsStoredBytes) {
  EventPtr event = Event(1, "call.completed", 300);
  EXPECT_EQ(Flatten(EventMessage(event)), event->event().SerializeAsString());
}

TEST(EventWireTest, DeliveriesAreByteForByteWhatTheTypedMessageSerializesTo) {
  const absl::Time deadline = absl::FromUnixMillis(1700000000123);
  for (const std::vector<size_t>& bodies :
       std::vector<std::vector<size_t>>{{}, {0}, {10, 200}, {127, 128, 16383, 16384, 70000}}) {
    std::vector<GroupDeliveryItem> items;
    v1::ConsumeResponse typed;
    v1::GroupDeliveries* deliveries = typed.mutable_deliveries();
    uint32_t attempt = 0;  // 0 is not written at all, as in proto3
    for (size_t body : bodies) {
      EventPtr event = Event(items.size() + 1, "sms.received", body);
      items.push_back({event, attempt, deadline + absl::Seconds(attempt)});
      v1::GroupDelivery* delivery = deliveries->add_deliveries();
      *delivery->mutable_event() = event->event();
      delivery->set_delivery_attempt(attempt);
      ToTimestamp(deadline + absl::Seconds(attempt), delivery->mutable_ack_deadline());
      attempt = attempt * 2 + 1;
    }
    const std::string wire = Flatten(DeliveriesMessage(items));
    EXPECT_EQ(wire, typed.SerializeAsString()) << bodies.size() << " deliveries";
    v1::ConsumeResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(wire));
    EXPECT_EQ(parsed.deliveries().deliveries_size(), static_cast<int>(bodies.size()));
  }
}

TEST(EventWireTest, TheBufferKeepsItsEventsAlive) {
  grpc::ByteBuffer buffer;
  std::string expected;
  {
    EventPtr event = Event(9, "call.missed", 5000);
    expected = event->event().SerializeAsString();
    buffer = EventMessage(event);
  }  // the last reference outside the buffer is gone
  EXPECT_EQ(Flatten(buffer), expected);
}

TEST(EventWireTest, RequestsParseAndGarbageDoesNot) {
  v1::ConsumeRequest request;
  request.mutable_ack()->add_sequences(5);
  v1::ConsumeRequest parsed;
  ASSERT_TRUE(ParseMessage(SerializedMessage(request), &parsed));
  EXPECT_EQ(parsed.ack().sequences(0), 5u);
  grpc::Slice garbage(std::string("\x0a\xff\xff", 3));
  EXPECT_FALSE(ParseMessage(grpc::ByteBuffer(&garbage, 1), &parsed));
}

}  // namespace
}  // namespace switchboard::server
