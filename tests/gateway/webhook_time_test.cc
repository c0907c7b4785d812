#include "gateway/webhook_time.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace switchboard::gateway {
namespace {

// How times were read before the translator had a parser of its own for the
// usual shapes: absl::ParseTime with RFC 3339, else "YYYY-MM-DD HH:MM:SS" in
// UTC, then google.protobuf.Timestamp's range. nullopt when rejected.
std::optional<absl::Time> ReadTimeWithAbsl(const std::string& text) {
  absl::Time time;
  std::string unused;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &unused) &&
      !absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &time, &unused)) {
    return std::nullopt;
  }
  if (time < absl::FromUnixSeconds(-62135596800) || time >= absl::FromUnixSeconds(253402300800)) {
    return std::nullopt;  // also the infinite times
  }
  return time;
}

// Expects ParseWebhookTime to read `text` exactly as ReadTimeWithAbsl() does:
// the same instant to the nanosecond, or an error. Returns whether absl
// accepted it.
bool ExpectReadAsAbslReadsIt(const std::string& text) {
  SCOPED_TRACE(absl::StrCat("time \"", text, "\""));
  const std::optional<absl::Time> want = ReadTimeWithAbsl(text);
  const absl::StatusOr<absl::Time> got = ParseWebhookTime(text);
  if (!want.has_value()) {
    EXPECT_FALSE(got.ok()) << "absl::ParseTime rejects it, ParseWebhookTime read " << *got;
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    }
    return false;
  }
  EXPECT_TRUE(got.ok()) << got.status();
  if (got.ok()) {
    EXPECT_EQ(*got, *want) << "absl::ParseTime reads " << *want;
  }
  return true;
}

TEST(WebhookTimeTest, TimesAreReadAsAbslParseTimeReadsThem) {
  const std::vector<std::string> texts = {
      // The usual shapes, which the translator parses itself.
      "2026-03-12T14:30:00Z", "2026-03-12T14:30:00z", "2026-03-12 14:30:00",
      "2026-03-12T14:30:00.1Z", "2026-03-12T14:30:00.12Z", "2026-03-12T14:30:00.123Z",
      "2026-03-12T14:30:00.1234Z", "2026-03-12T14:30:00.12345Z", "2026-03-12T14:30:00.123456Z",
      "2026-03-12T14:30:00.1234567Z", "2026-03-12T14:30:00.12345678Z",
      "2026-03-12T14:30:00.123456789Z", "2026-03-12T14:30:00.000000001Z",
      "2026-03-12T14:30:00.999999999Z", "2026-03-12T14:30:00.050z",
      "2026-03-12T14:30:00+00:00", "2026-03-12T14:30:00-00:00", "2026-03-12T14:30:00+23:59",
      "2026-03-12T14:30:00-23:59", "2026-03-12T14:30:00+05:30", "2026-03-12T14:30:00-09:30",
      "2026-03-12T14:30:00.5+05:30", "2026-03-12T14:30:00.987654321-08:00",
      "1969-12-31T23:59:59.5Z", "1970-01-01T00:00:00Z", "2038-01-19T03:14:08Z",
      "0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00-01:00",
      "9999-12-31T23:59:59.999999999Z", "9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59+01:00",
      // ... whose instant is out of range.
      "0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01", "0001-01-01T00:59:59.999999999+01:00",
      "9999-12-31T23:59:59-00:01", "0000-02-29T00:00:00Z",
      // Leap days and month ends.
      "2024-02-29T12:00:00Z", "2000-02-29 00:00:00", "2400-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z", "2100-02-29 00:00:00", "2023-02-29T00:00:00Z",
      "2026-02-28T23:59:59Z", "2026-04-30T00:00:00Z", "2026-04-31T00:00:00Z",
      "2026-06-31 00:00:00", "2026-12-31T23:59:59Z", "2026-01-32T00:00:00Z",
      // Fields out of range.
      "2026-00-12T14:30:00Z", "2026-13-12T14:30:00Z", "2026-03-00T14:30:00Z",
      "2026-03-12T24:00:00Z", "2026-03-12T14:60:00Z", "2026-03-12T14:30:61Z",
      "2026-03-12T14:30:00+24:00", "2026-03-12T14:30:00+05:60", "2026-03-12T14:30:00-99:99",
      "0000-00-00 00:00:00",
      // Leap seconds: absl reads them as the next second.
      "2026-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z", "2026-03-12 14:30:60",
      // Other shapes, which absl::ParseTime alone reads (or rejects).
      "2026-03-12t14:30:00Z", "2026-03-12T14:30:00.1234567891Z",
      "2026-03-12T14:30:00.123456789012345678Z", "2026-03-12T14:30:00.Z",
      "2026-3-12T14:30:00Z", "2026-03-2T14:30:00Z", "2026-03-12T4:30:00Z", "2026-03-12T14:3:00Z",
      "2026-03-12T14:30:0Z", "2026-03-12T14:30:00+0530", "2026-03-12T14:30:00+05",
      "2026-03-12T14:30:00+05:30:15", "2026-03-12T14:30:00+5:30", " 2026-03-12T14:30:00Z",
      "2026-03-12T14:30:00Z ", "2026-03-12T14:30:00-02:00 ", "2026-03-12  14:30:00",
      "2026-03-1214:30:00", "2026-03-12 14:30:00Z", "2026-03-12 14:30:00.5",
      "2026-03-12T14:30:00", "2026-03-12T14:30Z", "2026-03-12", "", "12026-03-12T14:30:00Z",
      "-2026-03-12T14:30:00Z", "+2026-03-12T14:30:00Z", "0026-03-12T14:30:00Z",
      "2026-03-12T14:30:00+02:00Z", "2026-03-12T14:30:00.5 Z", "2026-03-12T14:30:00 +02:00",
      "2026-03-12T14:30:00UTC", "2026-03-12T14:30:00+02:00garbage", "2026-03-12T14:30:00.-5Z",
      "2026-03-12T14:30:-1Z", "2026-03-12T-4:30:00Z", "2026/03/12T14:30:00Z",
      "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-03-12T14:30:00Z",  // fullwidth digits
      "infinite-future", "infinite-past",
  };
  int accepted = 0;
  for (const std::string& text : texts) accepted += ExpectReadAsAbslReadsIt(text);
  EXPECT_GE(accepted, 40) << "the table should mostly hold times absl accepts";

  // Every date field around its bounds, in both shapes: day-of-month limits,
  // leap years (divisible by 4, not by 100 unless by 400) and years 0 and 9999.
  for (const int year : {0, 1, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999}) {
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        ExpectReadAsAbslReadsIt(
            absl::StrFormat("%04d-%02d-%02dT23:59:59.5-01:30", year, month, day));
        ExpectReadAsAbslReadsIt(absl::StrFormat("%04d-%02d-%02d 00:00:00", year, month, day));
      }
    }
  }
  // Every time of day and offset field around its bounds.
  for (int hour = 0; hour <= 24; ++hour) {
    for (const int minute : {0, 59, 60}) {
      for (const int second : {0, 59, 60, 61}) {
        ExpectReadAsAbslReadsIt(
            absl::StrFormat("2026-03-12T%02d:%02d:%02d.25Z", hour, minute, second));
        ExpectReadAsAbslReadsIt(absl::StrFormat("2026-03-12 %02d:%02d:%02d", hour, minute, second));
      }
      for (const char sign : {'+', '-'}) {
        ExpectReadAsAbslReadsIt(
            absl::StrFormat("2026-03-12T14:30:00%c%02d:%02d", sign, hour, minute));
      }
    }
  }
}

TEST(WebhookTimeTest, ErrorQuotesALongTextOnlyInPart) {
  const absl::StatusOr<absl::Time> time = ParseWebhookTime(std::string(10000, 'x'));
  ASSERT_FALSE(time.ok());
  EXPECT_LT(time.status().message().size(), 300u);
}

}  // namespace
}  // namespace switchboard::gateway
