#include "gateway/json_text.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"

namespace switchboard::gateway {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Values(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view value : ObjectMemberValues(text)) out.emplace_back(value);
  return out;
}

TEST(ObjectMemberValuesTest, GivesEachValueAsWritten) {
  EXPECT_THAT(Values(R"({"a": [1, 2], "b":"x" , "c" :{"d": {"e": "}"}}, "f": -1.5e3,"g":null})"),
              ElementsAre("[1, 2]", R"("x")", R"({"d": {"e": "}"}})", "-1.5e3", "null"));
}

TEST(ObjectMemberValuesTest, StringsWithQuotesBracketsAndEscapesDoNotEndAValue) {
  EXPECT_THAT(Values(R"({"k\"ey": "a\\\"b,}]", "n": ["\\", "[", {"x": "\"}"}]})"),
              ElementsAre(R"("a\\\"b,}]")", R"(["\\", "[", {"x": "\"}"}])"));
}

TEST(ObjectMemberValuesTest, SkipsWhitespaceAndAByteOrderMark) {
  EXPECT_THAT(Values("\xEF\xBB\xBF \r\n\t{ \"a\" \n:\t true \r\n}"), ElementsAre("true"));
  EXPECT_THAT(Values("{}"), ElementsAre());
  EXPECT_THAT(Values("{ }"), ElementsAre());
}

TEST(ObjectMemberValuesTest, KeepsUnicodeBytesAsSent) {
  EXPECT_THAT(Values("{\"a\": \"caf\xC3\xA9 \\u00e9 \xF0\x9F\x93\x9E\"}"),
              ElementsAre("\"caf\xC3\xA9 \\u00e9 \xF0\x9F\x93\x9E\""));
}

// The values line up with what simdjson's DOM iterates, member for member.
TEST(ObjectMemberValuesTest, AgreesWithSimdjsonOnTheMembers) {
  const std::string text =
      R"({"event":"x","data":{"a":[{"b":[]},"]"]},"n":12345678901234567,"s":"\u0041","t":false})";
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser.parse(text).get(object), simdjson::SUCCESS);
  const std::vector<absl::string_view> values = ObjectMemberValues(text);
  ASSERT_EQ(values.size(), object.size());
  size_t i = 0;
  for (auto [key, value] : object) {
    simdjson::dom::element reparsed;
    simdjson::dom::parser other;
    ASSERT_EQ(other.parse(values[i].data(), values[i].size()).get(reparsed), simdjson::SUCCESS)
        << key;
    EXPECT_EQ(simdjson::minify(reparsed), simdjson::minify(value)) << key;
    ++i;
  }
}

TEST(ObjectMemberValuesTest, NeverReadsPastTheEndOfBrokenText) {
  for (const char* text : {"", "{", "{\"a", "{\"a\"", "{\"a\":", "{\"a\": [1, {\"b\": \"",
                           "{\"a\": 1,", "[1]", "{\"a\" 1}", "\"{\"", "{\"a\":\"\\"}) {
    SCOPED_TRACE(text);
    for (absl::string_view value : ObjectMemberValues(text)) {
      EXPECT_GE(value.data(), text);
      EXPECT_LE(value.data() + value.size(), text + std::string(text).size());
    }
  }
}

TEST(QuoteOutOfRangeNumbersTest, NothingToQuoteGivesNullopt) {
  EXPECT_EQ(QuoteOutOfRangeNumbers(R"({"a": 1, "b": [-9223372036854775808, 18446744073709551615],
                                      "c": 1.7976931348623157e308, "d": 1e-400, "e": "123456789012345678901234567890"})"),
            std::nullopt);
}

TEST(QuoteOutOfRangeNumbersTest, QuotesIntegersBeyond64BitsAndNumbersBeyondDouble) {
  EXPECT_EQ(QuoteOutOfRangeNumbers(
                R"({"id": 123456789012345678901234567890, "list": [18446744073709551616, 1,-9223372036854775809], "big": 1E400, "neg": -2e308})"),
            R"({"id": "123456789012345678901234567890", "list": ["18446744073709551616", 1,"-9223372036854775809"], "big": "1E400", "neg": "-2e308"})");
}

// A number is quoted only where a value stands: quoting a key, or part of a
// malformed token, could turn invalid JSON into valid JSON.
TEST(QuoteOutOfRangeNumbersTest, LeavesKeysAndMalformedTokensAlone) {
  for (const char* text : {R"({123456789012345678901234567890: 1})",
                           R"({"a": 1, 123456789012345678901234567890: 2})",
                           R"({"a": 123456789012345678901234567890x})",
                           R"({"a": 0123456789012345678901234567890})",
                           R"({"a": -})", R"({"a": 1.})", R"({"a": 1e})",
                           R"({"a": "x"123456789012345678901234567890})"}) {
    SCOPED_TRACE(text);
    const std::optional<std::string> quoted = QuoteOutOfRangeNumbers(text);
    if (!quoted.has_value()) continue;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    EXPECT_NE(parser.parse(*quoted).get(root), simdjson::SUCCESS)
        << "invalid JSON became valid: " << *quoted;
  }
}

TEST(QuoteOutOfRangeNumbersTest, NumbersInsideStringsAreText) {
  EXPECT_EQ(QuoteOutOfRangeNumbers(R"({"a": "x 123456789012345678901234567890 \" 99999999999999999999"})"),
            std::nullopt);
}

}  // namespace
}  // namespace switchboard::gateway
