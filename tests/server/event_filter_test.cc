#include "server/event_filter.h"

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/event_types.h"
#include "gmock/gmock.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "gtest/gtest.h"

namespace switchboard::server {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<EventFilter> Parse(std::initializer_list<const char*> patterns) {
  google::protobuf::RepeatedPtrField<std::string> field;
  for (const char* pattern : patterns) *field.Add() = pattern;
  return EventFilter::Parse(field);
}

// Types the schema does not know (yet): still delivered to "*" and prefixes.
constexpr const char* kUnknownTypes[] = {"call.recording_ready", "call.anything", "ticket.created",
                                         "x"};

TEST(EventFilterTest, NoPatternsMatchEveryType) {
  const absl::StatusOr<EventFilter> filter = Parse({});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_TRUE(filter->MatchesAll());
  for (const std::string& type : EventTypes::Known()) EXPECT_TRUE(filter->Matches(type)) << type;
  for (const char* type : kUnknownTypes) EXPECT_TRUE(filter->Matches(type)) << type;
}

TEST(EventFilterTest, DefaultFilterMatchesEveryType) {
  const EventFilter filter;
  EXPECT_TRUE(filter.MatchesAll());
  EXPECT_TRUE(filter.Matches("call.completed"));
  EXPECT_TRUE(filter.Matches("ticket.created"));
}

TEST(EventFilterTest, StarMatchesEveryType) {
  const absl::StatusOr<EventFilter> filter = Parse({"*"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_TRUE(filter->MatchesAll());
  for (const std::string& type : EventTypes::Known()) EXPECT_TRUE(filter->Matches(type)) << type;
  for (const char* type : kUnknownTypes) EXPECT_TRUE(filter->Matches(type)) << type;
}

TEST(EventFilterTest, StarAmongOtherPatternsMatchesEveryType) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.completed", "*", "sms.*"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_TRUE(filter->MatchesAll());
  EXPECT_TRUE(filter->Matches("contact.created"));
  EXPECT_TRUE(filter->Matches("ticket.created"));
}

TEST(EventFilterTest, ExactTypeMatchesOnlyThatType) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.completed"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->MatchesAll());
  EXPECT_TRUE(filter->Matches("call.completed"));
  for (const char* type : {"call.missed", "call.answered", "sms.sent", "call", "call.completedx",
                           "call.completed.v2", "xcall.completed", "Call.Completed", ""}) {
    EXPECT_FALSE(filter->Matches(type)) << type;
  }
}

TEST(EventFilterTest, EveryKnownTypeCanBeSubscribedToExactly) {
  for (const std::string& type : EventTypes::Known()) {
    google::protobuf::RepeatedPtrField<std::string> patterns;
    *patterns.Add() = type;
    const absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
    ASSERT_TRUE(filter.ok()) << type << ": " << filter.status();
    for (const std::string& other : EventTypes::Known()) {
      EXPECT_EQ(filter->Matches(other), other == type) << type << " vs " << other;
    }
  }
}

TEST(EventFilterTest, PrefixMatchesKnownAndUnknownTypesInItsNamespace) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.*"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->MatchesAll());
  for (const char* type : {"call.completed", "call.missed", "call.answered", "call.anything",
                           "call.recording.ready"}) {
    EXPECT_TRUE(filter->Matches(type)) << type;
  }
  for (const char* type : {"call", "callx.completed", "xcall.completed", "sms.sent",
                           "voicemail.received", "Call.completed", "calls.completed"}) {
    EXPECT_FALSE(filter->Matches(type)) << type;
  }
}

TEST(EventFilterTest, SeveralPatternsCombine) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.completed", "sms.*", "contact.updated"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->MatchesAll());
  for (const char* type : {"call.completed", "sms.sent", "sms.received", "sms.delivered",
                           "sms.failed", "contact.updated"}) {
    EXPECT_TRUE(filter->Matches(type)) << type;
  }
  for (const char* type :
       {"call.missed", "contact.created", "voicemail.received", "ticket.created", "sms"}) {
    EXPECT_FALSE(filter->Matches(type)) << type;
  }
}

TEST(EventFilterTest, RepeatedPatternsAreHarmless) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.*", "call.*", "call.missed"});
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_TRUE(filter->Matches("call.missed"));
  EXPECT_FALSE(filter->Matches("sms.sent"));
}

class MalformedPatternTest : public ::testing::TestWithParam<const char*> {};

TEST_P(MalformedPatternTest, IsRejectedNamingThePattern) {
  const absl::StatusOr<EventFilter> filter = Parse({GetParam()});
  ASSERT_FALSE(filter.ok()) << "accepted \"" << GetParam() << "\"";
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(filter.status().message());
  EXPECT_THAT(message, HasSubstr(absl::StrCat("\"", GetParam(), "\"")));
  EXPECT_THAT(message, HasSubstr("call.*")) << "says what a valid pattern looks like";
}

TEST_P(MalformedPatternTest, IsRejectedAfterValidPatterns) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.completed", "sms.*", GetParam()});
  ASSERT_FALSE(filter.ok()) << "accepted \"" << GetParam() << "\"";
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(filter.status().message()),
              HasSubstr(absl::StrCat("\"", GetParam(), "\"")));
}

INSTANTIATE_TEST_SUITE_P(Patterns, MalformedPatternTest,
                         ::testing::Values("", "call*", "*.completed", "call.**", "call.", ".call",
                                           "ca ll.completed", "call..completed", "**", "call.*.*",
                                           "*call", "call.completed*", "call.*.completed", "call.?",
                                           "call/completed", " call.completed"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return absl::StrCat("Pattern", info.index);
                         });

TEST(EventFilterTest, UnknownExactTypeIsRejectedNamingIt) {
  for (const char* pattern :
       {"call.complete", "call.completed.v2", "ticket.created", "call", "CALL.COMPLETED"}) {
    const absl::StatusOr<EventFilter> filter = Parse({pattern});
    ASSERT_FALSE(filter.ok()) << "accepted " << pattern;
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument) << pattern;
    EXPECT_THAT(std::string(filter.status().message()),
                HasSubstr(absl::StrCat("\"", pattern, "\"")));
  }
}

TEST(EventFilterTest, UnknownTypeErrorListsTheKnownTypes) {
  const absl::StatusOr<EventFilter> filter = Parse({"call.complete"});
  ASSERT_FALSE(filter.ok());
  EXPECT_THAT(std::string(filter.status().message()), HasSubstr("call.completed"));
}

TEST(EventFilterTest, PrefixThatNoKnownTypeHasIsRejected) {
  for (const char* pattern : {"foo.*", "cal.*", "calls.*", "Call.*"}) {
    const absl::StatusOr<EventFilter> filter = Parse({pattern});
    ASSERT_FALSE(filter.ok()) << "accepted " << pattern;
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument) << pattern;
    EXPECT_THAT(std::string(filter.status().message()),
                HasSubstr(absl::StrCat("\"", pattern, "\"")));
  }
}

TEST(EventFilterTest, EveryKnownNamespaceCanBeSubscribedToByPrefix) {
  for (const std::string& type : EventTypes::Known()) {
    const std::string prefix = absl::StrCat(type.substr(0, type.find('.')), ".*");
    google::protobuf::RepeatedPtrField<std::string> patterns;
    *patterns.Add() = prefix;
    const absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
    ASSERT_TRUE(filter.ok()) << prefix << ": " << filter.status();
    EXPECT_TRUE(filter->Matches(type)) << prefix;
  }
}

}  // namespace
}  // namespace switchboard::server
