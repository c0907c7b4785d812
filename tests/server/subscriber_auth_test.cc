#include "server/subscriber_auth.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/sha.h"

namespace switchboard::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Hash(const std::string& token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<char*>(digest), sizeof(digest))));
}

google::protobuf::RepeatedPtrField<std::string> Patterns(std::vector<std::string> patterns) {
  return {patterns.begin(), patterns.end()};
}

SubscriberAuth Auth() {
  auto auth = SubscriberAuth::FromText(
      absl::StrCat(Hash("t-calls"), " calls call.*,sms.received  # a comment\n\n",
                   Hash("t-all"), " all *\n"),
      "tokens");
  EXPECT_TRUE(auth.ok()) << auth.status();
  return *std::move(auth);
}

TEST(SubscriberAuthTest, AuthenticatesBearerTokensByTheirHash) {
  const SubscriberAuth auth = Auth();
  EXPECT_EQ(auth.size(), 2u);
  auto grant = auth.Authenticate("Bearer t-calls");
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ((*grant)->name, "calls");
  EXPECT_THAT((*grant)->patterns, ElementsAre("call.*", "sms.received"));
  EXPECT_EQ(auth.Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(auth.Authenticate("Basic dXNlcg==").status().message(), HasSubstr("Bearer TOKEN"));
  EXPECT_THAT(auth.Authenticate("Bearer t-call").status().message(), HasSubstr("unknown"));
}

TEST(SubscriberAuthTest, AuthorizesOnlyPatternsTheGrantCovers) {
  const SubscriberAuth auth = Auth();
  const Grant& calls = **auth.Authenticate("Bearer t-calls");
  const Grant& all = **auth.Authenticate("Bearer t-all");
  for (const std::vector<std::string>& ok :
       std::vector<std::vector<std::string>>{{"call.*"}, {"call.completed", "sms.received"},
                                             {"call.x.*"}}) {
    EXPECT_TRUE(SubscriberAuth::Authorize(calls, Patterns(ok)).ok()) << ok[0];
  }
  auto denied = SubscriberAuth::Authorize(calls, Patterns({"call.completed", "sms.*", "*"}));
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(), HasSubstr("may not read sms.*, *"));
  EXPECT_THAT(denied.status().message(), HasSubstr("it may read: call.*, sms.received"));
  EXPECT_FALSE(SubscriberAuth::Authorize(calls, Patterns({"sms.sent"})).ok());
  EXPECT_FALSE(SubscriberAuth::Authorize(calls, Patterns({"callx.completed"})).ok());
  EXPECT_THAT(*SubscriberAuth::Authorize(calls, Patterns({})), ElementsAre("call.*", "sms.received"));
  EXPECT_TRUE(SubscriberAuth::Authorize(all, Patterns({"*", "sms.*"})).ok());
}

TEST(SubscriberAuthTest, AFourthColumnAdminGrantsTheConsole) {
  auto auth = SubscriberAuth::FromText(
      Hash("sub") + " billing call.*\n" + Hash("ops") + " oncall * admin\n", "tokens");
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(auth->admin_count(), 1u);
  auto billing = auth->Authenticate("Bearer sub");
  ASSERT_TRUE(billing.ok());
  EXPECT_FALSE((*billing)->admin);
  auto oncall = auth->Authenticate("Bearer ops");
  ASSERT_TRUE(oncall.ok());
  EXPECT_TRUE((*oncall)->admin);
  EXPECT_EQ((*oncall)->patterns, std::vector<std::string>{"*"});
}

TEST(SubscriberAuthTest, BadTokenFilesNameTheLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"plaintext-token calls call.*", "tokens:1: the token must be given as its SHA-256"},
           {"\n" + Hash("a") + " calls", "tokens:2: wrong number of fields"},
           {Hash("a") + " calls call.complete", "tokens:1: "},
           {Hash("a") + " x *\n" + Hash("a") + " y *", "tokens:2: the same token appears twice"},
           {Hash("a") + " x * root", "tokens:1: unknown grant \"root\""},
           {Hash("a") + " x * admin more", "tokens:1: wrong number of fields"},
       }) {
    auto auth = SubscriberAuth::FromText(c.text, "tokens");
    ASSERT_FALSE(auth.ok()) << c.text;
    EXPECT_THAT(auth.status().message(), HasSubstr(c.message));
  }
  EXPECT_THAT(SubscriberAuth::FromFile("/nonexistent/tokens").status().message(),
              HasSubstr("cannot read token file"));
}

}  // namespace
}  // namespace switchboard::server
