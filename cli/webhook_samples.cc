#include "cli/webhook_samples.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace switchboard::cli {

const WebhookSample* FindWebhookSample(absl::string_view type, bool flat) {
  const WebhookSample* found = nullptr;
  for (const WebhookSample& sample : WebhookSamples()) {
    if (sample.type != type) continue;
    if (sample.flat == flat) return &sample;
    if (!flat && found == nullptr) found = &sample;
  }
  return found;
}

std::string WebhookSampleTypes(bool flat) {
  std::vector<absl::string_view> types;
  for (const WebhookSample& sample : WebhookSamples()) {
    if ((flat && !sample.flat) || std::find(types.begin(), types.end(), sample.type) != types.end()) {
      continue;
    }
    types.push_back(sample.type);
  }
  return absl::StrJoin(types, " ");
}

absl::StatusOr<std::string> WithRequestId(absl::string_view json, absl::string_view id) {
  const size_t open = json.find_first_not_of(" \t\r\n");
  if (open == absl::string_view::npos || json[open] != '{') {
    return absl::InvalidArgumentError("the webhook body is not a JSON object");
  }
  std::string quoted;
  for (char c : id) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&quoted, "\\u%04x", static_cast<int>(c));
    } else {
      quoted.push_back(c);
    }
  }
  // A v2.1 sample has a request_id already ("request_id": "..."): replace it.
  const size_t key = json.find("\"request_id\"");
  if (key != absl::string_view::npos) {
    const size_t colon = json.find_first_not_of(" \t\r\n", key + 12);
    const size_t value = colon == absl::string_view::npos ? colon : json.find_first_not_of(" \t\r\n", colon + 1);
    const size_t end = value == absl::string_view::npos || json[colon] != ':' || json[value] != '"'
                           ? absl::string_view::npos
                           : json.find('"', value + 1);
    if (end != absl::string_view::npos) {
      return absl::StrCat(json.substr(0, value + 1), quoted, json.substr(end));
    }
  }
  const size_t next = json.find_first_not_of(" \t\r\n", open + 1);
  const bool empty_object = next != absl::string_view::npos && json[next] == '}';
  // Keep the sample's layout: the new member on its own indented line.
  return absl::StrCat(json.substr(0, open + 1), "\n  \"request_id\": \"", quoted, "\"",
                      empty_object ? "" : ",", json.substr(open + 1));
}

std::string NewRequestId() {
  absl::BitGen random;
  uint64_t high = absl::Uniform<uint64_t>(random);
  uint64_t low = absl::Uniform<uint64_t>(random);
  high = (high & ~0xF000ULL) | 0x4000ULL;                     // version 4
  low = (low & ~(0xC0ULL << 56)) | (0x80ULL << 56);           // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF,
                         high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

}  // namespace switchboard::cli
