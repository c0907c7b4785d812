#include "gateway/webhook_verifier.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace switchboard::gateway {
namespace {

constexpr size_t kDigestBytes = 32;
constexpr size_t kMaxSecrets = 2;

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// The raw digest a header carries: hex (64 digits) or base64 (standard or
// URL-safe). Empty when it is neither.
std::string DecodeDigest(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() == 2 * kDigestBytes) {
    bool hex = true;
    for (char c : text) hex = hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
    if (hex) return absl::HexStringToBytes(text);
  }
  std::string raw;
  if ((absl::Base64Unescape(text, &raw) || absl::WebSafeBase64Unescape(text, &raw)) &&
      raw.size() == kDigestBytes) {
    return raw;
  }
  return "";
}

bool DigestEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::Status Unauthenticated(absl::string_view message) {
  return absl::UnauthenticatedError(message);
}

absl::Status CheckSkew(absl::Time sent, absl::Time now, absl::Duration max_skew,
                       absl::string_view header) {
  const absl::Duration skew = absl::AbsDuration(now - sent);
  if (skew <= max_skew) return absl::OkStatus();
  return Unauthenticated(absl::StrFormat(
      "%s is %d s away from this server's clock (at most %d s allowed): a replayed request, or "
      "a clock out of sync",
      header, absl::ToInt64Seconds(skew), absl::ToInt64Seconds(max_skew)));
}

}  // namespace

absl::StatusOr<WebhookVerifier> WebhookVerifier::Create(Options options) {
  if (options.justcall_secrets.size() > kMaxSecrets || options.hmac_secrets.size() > kMaxSecrets) {
    return absl::InvalidArgumentError("at most two secrets per scheme (the current and the next)");
  }
  if (!options.justcall_secrets.empty() && options.justcall_webhook_url.empty()) {
    return absl::InvalidArgumentError(
        "JustCall signatures cover the webhook URL: pass --justcall_webhook_url, the URL "
        "configured in JustCall for this endpoint");
  }
  if (!options.hmac_secrets.empty() && options.hmac_header.empty()) {
    return absl::InvalidArgumentError("--hmac_header must name the signature header");
  }
  for (std::string* header : {&options.hmac_header, &options.hmac_timestamp_header}) {
    absl::AsciiStrToLower(header);
  }
  return WebhookVerifier(std::move(options));
}

std::string WebhookVerifier::EncodeUriComponent(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || absl::string_view("-_.!~*'()").find(c) != absl::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string WebhookVerifier::JustCallSignature(absl::string_view secret,
                                               absl::string_view webhook_url,
                                               absl::string_view type,
                                               absl::string_view timestamp) {
  const std::string message =
      absl::StrCat(secret, "|", EncodeUriComponent(webhook_url), "|", type, "|", timestamp);
  return absl::BytesToHexString(HmacSha256(secret, message));
}

absl::Status WebhookVerifier::VerifyJustCall(const Request& request, absl::Time now) const {
  if (!justcall_enabled()) return absl::OkStatus();
  const absl::string_view signature = request.header("x-justcall-signature");
  const absl::string_view version = request.header("x-justcall-signature-version");
  const absl::string_view timestamp = request.header("x-justcall-request-timestamp");
  if (signature.empty()) return Unauthenticated("missing x-justcall-signature header");
  if (version != "v1") {
    return Unauthenticated(version.empty()
                               ? "missing x-justcall-signature-version header (expected v1)"
                               : "unsupported x-justcall-signature-version (expected v1)");
  }
  if (timestamp.empty()) return Unauthenticated("missing x-justcall-request-timestamp header");
  absl::Time sent;
  std::string error;
  int64_t unix_time = 0;
  if (absl::SimpleAtoi(timestamp, &unix_time) &&
      timestamp.find_first_not_of("0123456789") == absl::string_view::npos) {
    // JustCall's pages give the header the type int: Unix seconds, or
    // milliseconds when it has 13 digits or more.
    sent = unix_time >= 1000000000000 ? absl::FromUnixMillis(unix_time) : absl::FromUnixSeconds(unix_time);
  } else if (!absl::ParseTime("%Y-%m-%d %H:%M:%S", std::string(timestamp), absl::UTCTimeZone(),
                              &sent, &error)) {
    return Unauthenticated(
        "x-justcall-request-timestamp is neither \"YYYY-MM-DD HH:MM:SS\" (UTC) nor Unix seconds");
  }
  if (absl::Status skew = CheckSkew(sent, now, options_.max_skew, "x-justcall-request-timestamp");
      !skew.ok()) {
    return skew;
  }
  const std::string given = DecodeDigest(signature);
  if (given.empty()) return Unauthenticated("x-justcall-signature is not a hex SHA-256 digest");
  for (const std::string& secret : options_.justcall_secrets) {
    const std::string expected = absl::HexStringToBytes(
        JustCallSignature(secret, options_.justcall_webhook_url, request.event_type, timestamp));
    if (DigestEquals(given, expected)) return absl::OkStatus();
  }
  return Unauthenticated(
      "x-justcall-signature does not match (wrong secret, or the webhook URL configured in "
      "JustCall differs from --justcall_webhook_url)");
}

absl::Status WebhookVerifier::VerifyBody(const Request& request, absl::Time now) const {
  if (!hmac_enabled()) return absl::OkStatus();
  const absl::string_view signature = request.header(options_.hmac_header);
  if (signature.empty()) return Unauthenticated(absl::StrCat("missing ", options_.hmac_header, " header"));
  std::string signed_bytes;
  absl::string_view message = request.body;
  if (!options_.hmac_timestamp_header.empty()) {
    const absl::string_view timestamp = request.header(options_.hmac_timestamp_header);
    int64_t seconds = 0;
    if (timestamp.empty() || !absl::SimpleAtoi(timestamp, &seconds)) {
      return Unauthenticated(absl::StrCat("missing or malformed ", options_.hmac_timestamp_header,
                                          " header (Unix seconds)"));
    }
    if (absl::Status skew = CheckSkew(absl::FromUnixSeconds(seconds), now, options_.max_skew,
                                      options_.hmac_timestamp_header);
        !skew.ok()) {
      return skew;
    }
    signed_bytes = absl::StrCat(timestamp, ".", request.body);
    message = signed_bytes;
  }
  // Tolerate a "sha256=" prefix, as GitHub-style senders use.
  absl::string_view value = signature;
  absl::ConsumePrefix(&value, "sha256=");
  const std::string given = DecodeDigest(value);
  if (given.empty()) {
    return Unauthenticated(
        absl::StrCat(options_.hmac_header, " is not a hex or base64 SHA-256 digest"));
  }
  for (const std::string& secret : options_.hmac_secrets) {
    if (DigestEquals(given, HmacSha256(secret, message))) return absl::OkStatus();
  }
  return Unauthenticated(absl::StrCat(options_.hmac_header, " does not match the body"));
}

absl::StatusOr<std::vector<std::string>> LoadSecrets(const std::string& path, const char* env) {
  std::string text;
  std::string source;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read secret file ", path));
    }
    std::stringstream content;
    content << in.rdbuf();
    text = content.str();
    source = path;
  } else if (const char* value = std::getenv(env); value != nullptr) {
    text = value;
    source = absl::StrCat("$", env);
  }
  std::vector<std::string> secrets;
  for (absl::string_view part : absl::StrSplit(text, absl::ByAnyChar(path.empty() ? ",\n" : "\n"))) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) secrets.emplace_back(part);
  }
  if (secrets.size() > kMaxSecrets) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, " holds ", secrets.size(), " secrets; at most two (the current and the next)"));
  }
  if (!source.empty() && secrets.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, " holds no secret"));
  }
  return secrets;
}

}  // namespace switchboard::gateway
