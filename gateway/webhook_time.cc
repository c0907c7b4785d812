#include "gateway/webhook_time.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace switchboard::gateway {
namespace {

// google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// The `count` characters of `text` from `pos` as a decimal number, or false
// unless they are all ASCII digits.
bool ParseDigits(absl::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  *value = 0;
  for (const char c : text.substr(pos, count)) {
    if (!absl::ascii_isdigit(c)) return false;
    *value = *value * 10 + (c - '0');
  }
  return true;
}

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// absl::ParseTime goes through cctz's general strptime, which shows in
// profiles. This reads the shapes senders actually use, strictly:
//   YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|z|+HH:MM|-HH:MM)   and   YYYY-MM-DD HH:MM:SS (UTC)
// with every field in range. Anything else (a leap second, more than nine
// fraction digits, 't', other widths, surrounding spaces, ...) returns false,
// and the caller asks absl::ParseTime, which accepts all of the above and more
// and gives the same instant: tests/gateway/webhook_translator_test.cc
// compares the two.
bool ParseCommonTime(absl::string_view text, absl::Time* time) {
  if (text.size() < 19) return false;
  int year, month, day, hour, minute, second;
  if (!ParseDigits(text, 0, 4, &year) || text[4] != '-' || !ParseDigits(text, 5, 2, &month) ||
      text[7] != '-' || !ParseDigits(text, 8, 2, &day) || !ParseDigits(text, 11, 2, &hour) ||
      text[13] != ':' || !ParseDigits(text, 14, 2, &minute) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  absl::string_view rest = text.substr(19);
  int64_t nanos = 0;
  int offset_seconds = 0;
  if (text[10] == ' ') {
    if (!rest.empty()) return false;
  } else if (text[10] == 'T') {
    if (!rest.empty() && rest[0] == '.') {
      rest.remove_prefix(1);
      size_t digits = 0;
      while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) ++digits;
      if (digits == 0 || digits > 9) return false;
      for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < digits ? rest[i] - '0' : 0);
      rest.remove_prefix(digits);
    }
    if (rest == "Z" || rest == "z") {
      offset_seconds = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
      int offset_hours, offset_minutes;
      if (!ParseDigits(rest, 1, 2, &offset_hours) || !ParseDigits(rest, 4, 2, &offset_minutes) ||
          offset_hours > 23 || offset_minutes > 59) {
        return false;
      }
      offset_seconds = (offset_hours * 60 + offset_minutes) * 60;
      if (rest[0] == '-') offset_seconds = -offset_seconds;
    } else {
      return false;
    }
  } else {
    return false;
  }
  *time = absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                          absl::UTCTimeZone()) -
          absl::Seconds(offset_seconds) + absl::Nanoseconds(nanos);
  return true;
}

}  // namespace

absl::StatusOr<absl::Time> ParseWebhookTime(absl::string_view text) {
  absl::Time time;
  std::string unused;
  if (!ParseCommonTime(text, &time) && !absl::ParseTime(absl::RFC3339_full, text, &time, &unused) &&
      !absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &time, &unused)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "expected a time as RFC 3339 (\"2026-03-12T14:30:00Z\") or "
        "\"YYYY-MM-DD HH:MM:SS\" (UTC), got \"%s\"", absl::CHexEscape(text.substr(0, 64))));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (time == absl::InfiniteFuture() || time == absl::InfinitePast() ||
      seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError("time out of range (years 0001 to 9999)");
  }
  return time;
}

}  // namespace switchboard::gateway
