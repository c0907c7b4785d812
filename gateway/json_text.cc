#include "gateway/json_text.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace switchboard::gateway {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(absl::string_view text, size_t pos) {
  while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
  return pos;
}

// Just past the string that opens at `pos` (text[pos] == '"').
size_t SkipString(absl::string_view text, size_t pos) {
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

// Just past the value that starts at `pos`.
size_t SkipValue(absl::string_view text, size_t pos) {
  if (pos >= text.size()) return text.size();
  if (text[pos] == '"') return SkipString(text, pos);
  if (text[pos] == '{' || text[pos] == '[') {
    size_t depth = 0;
    for (size_t i = pos; i < text.size();) {
      const char c = text[i];
      if (c == '"') {
        i = SkipString(text, i);
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
      ++i;
    }
    return text.size();
  }
  size_t i = pos;
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' &&
         !IsJsonSpace(text[i])) {
    ++i;
  }
  return i;
}

size_t SkipDigits(absl::string_view text, size_t pos) {
  while (pos < text.size() && absl::ascii_isdigit(text[pos])) ++pos;
  return pos;
}

// Just past the number that starts at `pos` by JSON's grammar
// (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or `pos` when none does.
size_t NumberEnd(absl::string_view text, size_t pos) {
  size_t i = pos;
  if (i < text.size() && text[i] == '-') ++i;
  if (i >= text.size() || !absl::ascii_isdigit(text[i])) return pos;
  i = text[i] == '0' ? i + 1 : SkipDigits(text, i);
  if (i < text.size() && text[i] == '.') {
    const size_t digits = SkipDigits(text, i + 1);
    if (digits == i + 1) return pos;
    i = digits;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    const size_t digits = SkipDigits(text, j);
    if (digits == j) return pos;
    i = digits;
  }
  return i;
}

// True when a 64-bit parser holds the number: an integer in [-2^63, 2^64),
// or any other number within the range of a double.
bool Fits64(absl::string_view number) {
  if (number.find_first_of(".eE") == absl::string_view::npos) {
    int64_t signed_value;
    uint64_t unsigned_value;
    return absl::SimpleAtoi(number, &signed_value) || absl::SimpleAtoi(number, &unsigned_value);
  }
  const std::string copy(number);  // strtod needs a terminated string
  return std::isfinite(std::strtod(copy.c_str(), nullptr));
}

}  // namespace

std::vector<absl::string_view> ObjectMemberValues(absl::string_view text) {
  std::vector<absl::string_view> values;
  size_t pos = absl::StartsWith(text, "\xEF\xBB\xBF") ? 3 : 0;
  pos = SkipSpace(text, pos);
  if (pos >= text.size() || text[pos] != '{') return values;
  ++pos;
  while (true) {
    pos = SkipSpace(text, pos);
    if (pos >= text.size() || text[pos] != '"') return values;  // '}', or not JSON
    pos = SkipSpace(text, SkipString(text, pos));
    if (pos >= text.size() || text[pos] != ':') return values;
    pos = SkipSpace(text, pos + 1);
    const size_t end = SkipValue(text, pos);
    values.push_back(text.substr(pos, end - pos));
    pos = SkipSpace(text, end);
    if (pos >= text.size() || text[pos] != ',') return values;
    ++pos;
  }
}

std::optional<std::string> QuoteOutOfRangeNumbers(absl::string_view text) {
  std::string out;
  size_t copied = 0;            // text[0, copied) is in `out` already
  bool quoted = false;
  std::vector<bool> in_array;   // the open containers, innermost last
  char previous = 0;            // the last structural character, or 'v' after a value
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = SkipString(text, i);
      previous = 'v';
      continue;
    }
    if (IsJsonSpace(c)) {
      ++i;
      continue;
    }
    if (c == '-' || absl::ascii_isdigit(c)) {
      const size_t end = NumberEnd(text, i);
      // Only a whole number in a value position: quoting a key, or part of
      // a malformed token, could turn invalid JSON into valid JSON.
      const bool value_position =
          previous == ':' ||
          (!in_array.empty() && in_array.back() && (previous == '[' || previous == ','));
      const bool whole = end > i && (end == text.size() || IsJsonSpace(text[end]) ||
                                     text[end] == ',' || text[end] == '}' || text[end] == ']');
      if (value_position && whole && !Fits64(text.substr(i, end - i))) {
        out.append(text.data() + copied, i - copied);
        out.push_back('"');
        out.append(text.data() + i, end - i);
        out.push_back('"');
        copied = end;
        quoted = true;
      }
      previous = 'v';
      i = end > i ? end : i + 1;
      continue;
    }
    if (c == '{' || c == '[') {
      in_array.push_back(c == '[');
    } else if ((c == '}' || c == ']') && !in_array.empty()) {
      in_array.pop_back();
    }
    previous = (c == '}' || c == ']') ? 'v' : c;
    ++i;
  }
  if (!quoted) return std::nullopt;
  out.append(text.data() + copied, text.size() - copied);
  return out;
}

}  // namespace switchboard::gateway
