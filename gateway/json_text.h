#ifndef SWITCHBOARD_GATEWAY_JSON_TEXT_H_
#define SWITCHBOARD_GATEWAY_JSON_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace switchboard::gateway {

// Lexical work on JSON text that simdjson's DOM cannot do: it keeps neither
// where a value stood in the text nor numbers beyond 64 bits. Pure functions,
// linear in the text, no recursion; safe on any bytes (invalid JSON yields
// some answer, never a read outside `text`).

// The text of the member values of the JSON object `text`, in document order
// (the order simdjson's DOM iterates them): for `{"a": [1, 2], "b":"x"}`,
// `[1, 2]` and `"x"`, as views into `text`. Meant for text that a JSON parser
// has accepted; a leading UTF-8 byte order mark and whitespace are skipped.
std::vector<absl::string_view> ObjectMemberValues(absl::string_view text);

// A copy of `text` in which every number in a value position that a 64-bit
// parser cannot hold (an integer outside [-2^63, 2^64), or a number beyond
// the range of a double, e.g. 1e400) is written as a JSON string of the same
// characters: `{"id": 123456789012345678901234567890}` becomes
// `{"id": "123456789012345678901234567890"}`. nullopt when there is no such
// number. The copy is valid JSON exactly when `text` is (a number and a
// string may stand in the same places), so the caller parses it in place of
// `text` and still reads the original text of those numbers from `text`.
std::optional<std::string> QuoteOutOfRangeNumbers(absl::string_view text);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_JSON_TEXT_H_
