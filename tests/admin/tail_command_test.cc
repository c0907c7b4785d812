// The live tail's commands (admin/tail_command.h), as a console viewer sends
// them over the WebSocket: what each field means when present, absent or
// null, and the error (with the field at fault) for each kind of mistake.

#include "admin/tail_command.h"

#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace switchboard::admin {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kNewest = 42;

class TailCommandTest : public ::testing::Test {
 protected:
  TailCommand Command(const std::string& text) {
    auto parsed = ParseTailCommand(parser_, text, kNewest);
    if (auto* error = std::get_if<TailCommandError>(&parsed)) {
      ADD_FAILURE() << text << " refused: " << error->message;
      return {};
    }
    return std::get<TailCommand>(parsed);
  }
  TailCommandError Error(const std::string& text) {
    auto parsed = ParseTailCommand(parser_, text, kNewest);
    if (!std::holds_alternative<TailCommandError>(parsed)) {
      ADD_FAILURE() << text << " was accepted";
      return {};
    }
    return std::get<TailCommandError>(parsed);
  }

  simdjson::dom::parser parser_;
};

TEST_F(TailCommandTest, FollowWithoutFieldsFollowsEverythingFromTheNewestEvent) {
  for (const char* text : {R"({"op":"follow"})", R"({"op":"follow","after":null,"types":null,"q":null})"}) {
    TailCommand command = Command(text);
    EXPECT_EQ(command.kind, TailCommand::kFollow) << text;
    EXPECT_EQ(command.after, kNewest) << text;
    EXPECT_TRUE(command.filter.MatchesAll()) << text;
    EXPECT_EQ(command.text, "") << text;
  }
}

TEST_F(TailCommandTest, FollowTakesItsPositionTypesAndSearchText) {
  TailCommand command =
      Command(R"({"op":"follow","after":7,"types":" call.* , sms.received,,","q":"Alice O'Neil"})");
  EXPECT_EQ(command.kind, TailCommand::kFollow);
  EXPECT_EQ(command.after, 7u);
  EXPECT_TRUE(command.filter.Matches("call.completed"));
  EXPECT_TRUE(command.filter.Matches("sms.received"));
  EXPECT_FALSE(command.filter.Matches("sms.sent"));
  EXPECT_EQ(command.text, "alice o'neil");  // matched without regard to case
  EXPECT_EQ(Command(R"({"op":"follow","after":42})").after, 42u);  // the newest: from now on
  EXPECT_EQ(Command(R"({"op":"pause","after":"x"})").kind, TailCommand::kPause);
}

TEST_F(TailCommandTest, EachMistakeNamesItsField) {
  EXPECT_EQ(Error("follow").field, "");
  EXPECT_EQ(Error(R"(["op","follow"])").field, "");
  EXPECT_EQ(Error(R"({"after":3})").field, "op");
  EXPECT_EQ(Error(R"({"op":"resume"})").field, "op");
  EXPECT_EQ(Error(R"({"op":"follow","after":-3})").field, "after");
  EXPECT_EQ(Error(R"({"op":"follow","after":"7"})").field, "after");
  EXPECT_EQ(Error(R"({"op":"follow","types":["call.*"]})").field, "types");
  EXPECT_EQ(Error(R"({"op":"follow","types":"call..*"})").field, "types");
  EXPECT_EQ(Error(R"({"op":"follow","q":7})").field, "q");
  EXPECT_EQ(Error(R"({"op":"follow","q":")" + std::string(257, 'x') + "\"}").field, "q");
  EXPECT_EQ(Command(R"({"op":"follow","q":")" + std::string(256, 'x') + "\"}").text.size(), 256u);

  TailCommandError ahead = Error(R"({"op":"follow","after":43})");
  EXPECT_EQ(ahead.field, "after");
  EXPECT_THAT(ahead.message, HasSubstr("ahead of the newest sequence 42"));
}

TEST_F(TailCommandTest, ErrorFramesAreJsonNamingTheField) {
  const std::string frame = TailErrorJson({"`types`: bad \"pattern\" \xff", "types"});
  simdjson::dom::parser parser;
  simdjson::dom::element parsed;
  ASSERT_EQ(parser.parse(frame).get(parsed), simdjson::SUCCESS) << frame;
  EXPECT_EQ(std::string_view(parsed["kind"]), "error");
  EXPECT_EQ(std::string_view(parsed["field"]), "types");
  EXPECT_THAT(std::string(std::string_view(parsed["message"])), HasSubstr("bad \"pattern\""));
  EXPECT_EQ(TailErrorJson({"not a JSON object", ""}).find("field"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::admin
