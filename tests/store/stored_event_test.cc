#include "store/stored_event.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard {
namespace {

v1::Event Sample(uint64_t sequence) {
  v1::Event event;
  event.set_sequence(sequence);
  event.set_id("req-1");
  event.set_type("call.completed");
  event.set_data_json(R"({"call_id":1048576123})");
  event.mutable_call_completed()->set_call_id("1048576123");
  event.mutable_received_at()->set_seconds(1700000000);
  (*event.mutable_envelope_extras())["url_id"] = "\"u-7\"";
  return event;
}

TEST(StoredEventTest, FromAMessageSerializesOnceAndSendsWhatProtobufWould) {
  const v1::Event event = Sample(42);
  EventPtr stored = MakeStoredEvent(event);
  EXPECT_EQ(stored->sequence(), 42u);
  EXPECT_EQ(stored->type(), "call.completed");
  EXPECT_EQ(stored->event().SerializeAsString(), event.SerializeAsString());
  EXPECT_EQ(stored->bytes(), event.SerializeAsString());
  EXPECT_EQ(stored->bytes().data(), stored->bytes().data()) << "made again instead of kept";
}

TEST(StoredEventTest, FromBytesFindsSequenceAndTypeAndKeepsTheBytesAsTheyAre) {
  const v1::Event event = Sample(7);
  const std::string bytes = event.SerializeAsString();
  absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(bytes);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ((*stored)->sequence(), 7u);
  EXPECT_EQ((*stored)->type(), "call.completed");
  EXPECT_EQ((*stored)->bytes(), bytes);
  EXPECT_EQ((*stored)->event().SerializeAsString(), bytes);
  EXPECT_EQ((*stored)->event().call_completed().call_id(), "1048576123");
}

TEST(StoredEventTest, TheLastOccurrenceOfAFieldWinsAsInParsing) {
  v1::Event second;
  second.set_sequence(9);
  second.set_type("sms.received");
  const std::string bytes = Sample(7).SerializeAsString() + second.SerializeAsString();
  absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(bytes);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ((*stored)->sequence(), 9u);
  EXPECT_EQ((*stored)->type(), "sms.received");
}

TEST(StoredEventTest, ABrokersSequenceIsAppendedAndEverythingElseKept) {
  v1::Event published = Sample(0);  // published without a sequence
  absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(published.SerializeAsString(), 1234);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ((*stored)->sequence(), 1234u);
  v1::Event sent;
  ASSERT_TRUE(sent.ParseFromString(std::string((*stored)->bytes())));
  EXPECT_EQ(sent.sequence(), 1234u);
  published.set_sequence(1234);
  EXPECT_EQ(sent.SerializeAsString(), published.SerializeAsString());
  EXPECT_EQ((*stored)->event().sequence(), 1234u);
}

TEST(StoredEventTest, BytesThatDoNotFrameAreDataLoss) {
  const std::string bytes = Sample(7).SerializeAsString();
  for (const std::string& broken :
       {bytes.substr(0, bytes.size() - 1), bytes + "\x0a", std::string("\x0a\xff", 2),
        std::string("\x00\x01", 2), std::string("\x0c", 1) /* end-group at the top */}) {
    absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(broken);
    EXPECT_EQ(stored.status().code(), absl::StatusCode::kDataLoss) << broken.size();
  }
}

TEST(StoredEventTest, BytesThatFrameButDoNotParseKeepSequenceAndType) {
  // id (field 2) is a proto3 string: invalid UTF-8 frames but does not parse.
  v1::Event event;
  event.set_sequence(5);
  event.set_type("call.missed");
  const std::string bytes = event.SerializeAsString() + std::string("\x12\x01\xff", 3);
  absl::StatusOr<EventPtr> stored = StoredEvent::FromBytes(bytes);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ((*stored)->event().sequence(), 5u);
  EXPECT_EQ((*stored)->event().type(), "call.missed");
  EXPECT_EQ((*stored)->event().id(), "");
}

TEST(StoredEventTest, ReadersOnManyThreadsSeeOneSerializationAndOneParse) {
  EventPtr from_message = MakeStoredEvent(Sample(3));
  absl::StatusOr<EventPtr> from_bytes = StoredEvent::FromBytes(Sample(4).SerializeAsString());
  ASSERT_TRUE(from_bytes.ok());
  std::vector<const char*> bytes(8);
  std::vector<const v1::Event*> events(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      bytes[i] = from_message->bytes().data();
      events[i] = &(*from_bytes)->event();
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 1; i < 8; ++i) {
    EXPECT_EQ(bytes[i], bytes[0]);
    EXPECT_EQ(events[i], events[0]);
  }
  EXPECT_EQ(events[0]->sequence(), 4u);
}

}  // namespace
}  // namespace switchboard
