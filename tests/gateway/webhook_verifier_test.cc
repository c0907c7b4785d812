#include "gateway/webhook_verifier.h"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace switchboard::gateway {
namespace {

using ::testing::HasSubstr;

// JustCall's published test vector ("Dynamic Webhook Signatures").
constexpr char kSecret[] = "ea39089c40790e9dc7a080ec95e849b8fa0fa5fb";
constexpr char kUrl[] = "https://webhook.site/3bcea770-370a-4b09-8b66-426f687e08a4";
constexpr char kTimestamp[] = "2024-03-21 17:08:22";
constexpr char kSignature[] = "56761bae5b27a784a3ddd2af828bc5def7176bc0a8650199b04c737bd39bbecf";

const absl::Time kSentAt =
    absl::FromCivil(absl::CivilSecond(2024, 3, 21, 17, 8, 22), absl::UTCTimeZone());

std::string Hmac(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

struct FakeRequest {
  std::string body = R"({"type":"call.completed","data":{}})";
  std::string type = "call.completed";
  std::map<std::string, std::string> headers;

  WebhookVerifier::Request View() const {
    return {body, type, [this](absl::string_view name) -> absl::string_view {
              auto it = headers.find(std::string(name));
              return it == headers.end() ? absl::string_view() : absl::string_view(it->second);
            }};
  }
};

FakeRequest SignedJustCall() {
  FakeRequest request;
  request.headers = {{"x-justcall-signature", kSignature},
                     {"x-justcall-signature-version", "v1"},
                     {"x-justcall-request-timestamp", kTimestamp}};
  return request;
}

WebhookVerifier JustCallVerifier(std::vector<std::string> secrets = {kSecret},
                                 std::string url = kUrl) {
  WebhookVerifier::Options options;
  options.justcall_secrets = std::move(secrets);
  options.justcall_webhook_url = std::move(url);
  return *WebhookVerifier::Create(options);
}

TEST(WebhookVerifierTest, MatchesJustCallsPublishedTestVector) {
  EXPECT_EQ(WebhookVerifier::JustCallSignature(kSecret, kUrl, "call.completed", kTimestamp),
            kSignature);
}

TEST(WebhookVerifierTest, EncodeUriComponentFollowsJavaScript) {
  EXPECT_EQ(WebhookVerifier::EncodeUriComponent(kUrl),
            "https%3A%2F%2Fwebhook.site%2F3bcea770-370a-4b09-8b66-426f687e08a4");
  EXPECT_EQ(WebhookVerifier::EncodeUriComponent("a b&c=d?e#f"), "a%20b%26c%3Dd%3Fe%23f");
  EXPECT_EQ(WebhookVerifier::EncodeUriComponent("-_.!~*'()"), "-_.!~*'()");
  EXPECT_EQ(WebhookVerifier::EncodeUriComponent("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(WebhookVerifier::EncodeUriComponent("/+@:,;$"), "%2F%2B%40%3A%2C%3B%24");
}

TEST(WebhookVerifierTest, AcceptsAValidJustCallSignature) {
  EXPECT_TRUE(JustCallVerifier().VerifyJustCall(SignedJustCall().View(), kSentAt).ok());
  FakeRequest upper = SignedJustCall();
  upper.headers["x-justcall-signature"] = absl::AsciiStrToUpper(kSignature);
  EXPECT_TRUE(JustCallVerifier().VerifyJustCall(upper.View(), kSentAt + absl::Minutes(4)).ok());
}

TEST(WebhookVerifierTest, AcceptsEitherOfTwoSecretsDuringRotation) {
  EXPECT_TRUE(JustCallVerifier({"next-secret", kSecret}).VerifyJustCall(SignedJustCall().View(), kSentAt).ok());
  EXPECT_TRUE(JustCallVerifier({kSecret, "next-secret"}).VerifyJustCall(SignedJustCall().View(), kSentAt).ok());
}

TEST(WebhookVerifierTest, RefusesBadJustCallRequestsSayingWhy) {
  struct Case {
    std::string name;
    std::function<void(FakeRequest*)> mutate;
    absl::Duration clock_offset;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no signature", [](FakeRequest* r) { r->headers.erase("x-justcall-signature"); },
       absl::ZeroDuration(), "missing x-justcall-signature header"},
      {"no version", [](FakeRequest* r) { r->headers.erase("x-justcall-signature-version"); },
       absl::ZeroDuration(), "missing x-justcall-signature-version"},
      {"version v2", [](FakeRequest* r) { r->headers["x-justcall-signature-version"] = "v2"; },
       absl::ZeroDuration(), "unsupported x-justcall-signature-version"},
      {"no timestamp", [](FakeRequest* r) { r->headers.erase("x-justcall-request-timestamp"); },
       absl::ZeroDuration(), "missing x-justcall-request-timestamp"},
      {"bad timestamp",
       [](FakeRequest* r) { r->headers["x-justcall-request-timestamp"] = "yesterday"; },
       absl::ZeroDuration(), "neither \"YYYY-MM-DD HH:MM:SS\" (UTC) nor Unix seconds"},
      {"negative unix seconds",
       [](FakeRequest* r) { r->headers["x-justcall-request-timestamp"] = "-1711041502"; },
       absl::ZeroDuration(), "neither"},
      {"stale unix seconds",
       [](FakeRequest* r) { r->headers["x-justcall-request-timestamp"] = "1711040000"; },
       absl::ZeroDuration(), "away from this server's clock"},
      {"stale", [](FakeRequest*) {}, absl::Minutes(6), "away from this server's clock"},
      {"from the future", [](FakeRequest*) {}, -absl::Minutes(6), "away from this server's clock"},
      {"other type", [](FakeRequest* r) { r->type = "sms.received"; }, absl::ZeroDuration(),
       "does not match"},
      {"tampered digest",
       [](FakeRequest* r) { r->headers["x-justcall-signature"][0] = 'f'; },
       absl::ZeroDuration(), "does not match"},
      {"not hex", [](FakeRequest* r) { r->headers["x-justcall-signature"] = "zz"; },
       absl::ZeroDuration(), "not a hex SHA-256 digest"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeRequest request = SignedJustCall();
    c.mutate(&request);
    absl::Status status = JustCallVerifier().VerifyJustCall(request.View(), kSentAt - c.clock_offset);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
}

// JustCall's header tables type the timestamp as an integer: Unix seconds
// (or milliseconds), signed as sent.
TEST(WebhookVerifierTest, AcceptsTheTimestampAsUnixSecondsOrMilliseconds) {
  const int64_t sent = absl::ToUnixSeconds(kSentAt);
  for (const std::string& timestamp :
       {absl::StrCat(sent), absl::StrCat(sent * 1000 + 250)}) {
    SCOPED_TRACE(timestamp);
    FakeRequest request = SignedJustCall();
    request.headers["x-justcall-request-timestamp"] = timestamp;
    request.headers["x-justcall-signature"] =
        WebhookVerifier::JustCallSignature(kSecret, kUrl, request.type, timestamp);
    EXPECT_TRUE(JustCallVerifier().VerifyJustCall(request.View(), kSentAt + absl::Minutes(1)).ok());
    // The signature covers the header as sent: another spelling of the same
    // instant does not match.
    request.headers["x-justcall-request-timestamp"] = absl::StrCat("0", timestamp);
    EXPECT_THAT(JustCallVerifier().VerifyJustCall(request.View(), kSentAt).message(),
                HasSubstr("does not match"));
  }
}

TEST(WebhookVerifierTest, VerifiesAgainstOurUrlNotTheSenders) {
  // A signature computed for another URL (e.g. copied from another endpoint).
  absl::Status status = JustCallVerifier({kSecret}, "https://switchboard.example/webhooks/justcall")
                            .VerifyJustCall(SignedJustCall().View(), kSentAt);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("--justcall_webhook_url"));
}

WebhookVerifier BodyVerifier(std::string timestamp_header = "") {
  WebhookVerifier::Options options;
  options.hmac_secrets = {"s3cret", "n3xt"};
  options.hmac_header = "X-Signature-SHA256";  // matched case-insensitively
  options.hmac_timestamp_header = std::move(timestamp_header);
  return *WebhookVerifier::Create(options);
}

TEST(WebhookVerifierTest, BodyHmacAcceptsHexBase64PrefixAndEitherSecret) {
  FakeRequest request;
  const std::string digest = Hmac("s3cret", request.body);
  for (const std::string& header :
       {absl::BytesToHexString(digest), absl::Base64Escape(digest),
        absl::WebSafeBase64Escape(digest), "sha256=" + absl::BytesToHexString(digest),
        absl::BytesToHexString(Hmac("n3xt", request.body))}) {
    request.headers["x-signature-sha256"] = header;
    EXPECT_TRUE(BodyVerifier().VerifyBody(request.View(), absl::Now()).ok()) << header;
  }
}

TEST(WebhookVerifierTest, BodyHmacRefusesATamperedBodyOrMissingHeader) {
  FakeRequest request;
  request.headers["x-signature-sha256"] = absl::BytesToHexString(Hmac("s3cret", request.body));
  request.body += " ";
  absl::Status status = BodyVerifier().VerifyBody(request.View(), absl::Now());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("does not match the body"));
  request.headers.clear();
  status = BodyVerifier().VerifyBody(request.View(), absl::Now());
  EXPECT_THAT(status.message(), HasSubstr("missing x-signature-sha256 header"));
}

TEST(WebhookVerifierTest, BodyHmacWithTimestampCoversItAndRefusesStaleOnes) {
  FakeRequest request;
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  request.headers["x-timestamp"] = "1700000000";
  request.headers["x-signature-sha256"] =
      absl::BytesToHexString(Hmac("s3cret", absl::StrCat("1700000000.", request.body)));
  EXPECT_TRUE(BodyVerifier("x-timestamp").VerifyBody(request.View(), now).ok());
  EXPECT_THAT(BodyVerifier("x-timestamp").VerifyBody(request.View(), now + absl::Minutes(10)).message(),
              HasSubstr("away from this server's clock"));
  request.headers["x-timestamp"] = "1700000001";  // not what was signed
  EXPECT_FALSE(BodyVerifier("x-timestamp").VerifyBody(request.View(), now).ok());
  request.headers.erase("x-timestamp");
  EXPECT_THAT(BodyVerifier("x-timestamp").VerifyBody(request.View(), now).message(),
              HasSubstr("missing or malformed x-timestamp"));
}

TEST(WebhookVerifierTest, DisabledSchemesAcceptEverything) {
  const WebhookVerifier verifier = *WebhookVerifier::Create({});
  EXPECT_FALSE(verifier.enabled());
  FakeRequest request;
  EXPECT_TRUE(verifier.VerifyBody(request.View(), absl::Now()).ok());
  EXPECT_TRUE(verifier.VerifyJustCall(request.View(), absl::Now()).ok());
}

TEST(WebhookVerifierTest, CreateRefusesUnusableOptions) {
  WebhookVerifier::Options options;
  options.justcall_secrets = {"a"};
  EXPECT_THAT(WebhookVerifier::Create(options).status().message(),
              HasSubstr("--justcall_webhook_url"));
  options.justcall_webhook_url = kUrl;
  options.justcall_secrets = {"a", "b", "c"};
  EXPECT_FALSE(WebhookVerifier::Create(options).ok());
}

TEST(WebhookVerifierTest, LoadSecretsFromFileOrEnvironment) {
  char path[] = "/tmp/webhook_verifier_test.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream(path) << "current\n\n  next  \n";
  }
  auto secrets = LoadSecrets(path, "UNUSED_VARIABLE");
  ASSERT_TRUE(secrets.ok()) << secrets.status();
  EXPECT_THAT(*secrets, ::testing::ElementsAre("current", "next"));
  {
    std::ofstream(path) << "a\nb\nc\n";
  }
  EXPECT_THAT(LoadSecrets(path, "X").status().message(), HasSubstr("at most two"));
  std::remove(path);
  EXPECT_THAT(LoadSecrets(path, "X").status().message(), HasSubstr("cannot read secret file"));

  setenv("SWITCHBOARD_TEST_SECRET", "one,two", 1);
  secrets = LoadSecrets("", "SWITCHBOARD_TEST_SECRET");
  ASSERT_TRUE(secrets.ok());
  EXPECT_THAT(*secrets, ::testing::ElementsAre("one", "two"));
  unsetenv("SWITCHBOARD_TEST_SECRET");
  EXPECT_TRUE(LoadSecrets("", "SWITCHBOARD_TEST_SECRET")->empty());
}

}  // namespace
}  // namespace switchboard::gateway
