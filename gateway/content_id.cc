#include "gateway/content_id.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/sha.h"

namespace switchboard::gateway {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

void AppendString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(out, "\\u%04x", c);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// Depth is bounded by the parser's max_depth, so recursion is safe here.
void AppendCanonical(const element& value, std::string* out) {
  switch (value.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string_view, element>> members;
      for (auto [key, member] : simdjson::dom::object(value)) members.emplace_back(key, member);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendString(members[i].first, out);
        out->push_back(':');
        AppendCanonical(members[i].second, out);
      }
      out->push_back('}');
      break;
    }
    case element_type::ARRAY: {
      out->push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(value)) {
        if (!first) out->push_back(',');
        first = false;
        AppendCanonical(item, out);
      }
      out->push_back(']');
      break;
    }
    case element_type::INT64: absl::StrAppend(out, int64_t(value)); break;
    case element_type::UINT64: absl::StrAppend(out, uint64_t(value)); break;
    case element_type::DOUBLE: absl::StrAppendFormat(out, "%.17g", double(value)); break;
    case element_type::STRING: AppendString(std::string_view(value), out); break;
    case element_type::BOOL: out->append(bool(value) ? "true" : "false"); break;
    case element_type::NULL_VALUE: out->append("null"); break;
  }
}

}  // namespace

std::string ContentId(const element& envelope, absl::string_view body_if_quoted) {
  std::string bytes = "switchboard.v1.webhook\n";
  AppendCanonical(envelope, &bytes);
  if (!body_if_quoted.empty()) absl::StrAppend(&bytes, "\nas sent:", body_if_quoted);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | digest[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | digest[i];
  const uint64_t v_hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000008000ULL;
  const uint64_t v_lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", v_hi >> 32, (v_hi >> 16) & 0xffff,
                         v_hi & 0xffff, v_lo >> 48, v_lo & 0xffffffffffffULL);
}

}  // namespace switchboard::gateway
