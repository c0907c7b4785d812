#include "server/subscriber_auth.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "openssl/sha.h"
#include "server/event_filter.h"

namespace switchboard::server {
namespace {

std::string Sha256(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// True when every type `requested` can match is one `granted` matches.
bool Covers(absl::string_view granted, absl::string_view requested) {
  if (granted == "*" || granted == requested) return true;
  if (!absl::EndsWith(granted, ".*")) return false;
  return requested != "*" && absl::StartsWith(requested, granted.substr(0, granted.size() - 1));
}

}  // namespace

absl::StatusOr<SubscriberAuth> SubscriberAuth::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read token file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return FromText(text.str(), path);
}

absl::StatusOr<SubscriberAuth> SubscriberAuth::FromText(absl::string_view text,
                                                        absl::string_view source) {
  SubscriberAuth auth;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_number, ": ", what,
          "; expected `sha256:<64 hex digits> NAME PATTERN[,PATTERN...] [admin]`"));
    };
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 3 && fields.size() != 4) return error("wrong number of fields");
    if (fields.size() == 4 && fields[3] != "admin") {
      return error(absl::StrCat("unknown grant \"", fields[3], "\" in the fourth column (only "
                                "`admin`, which opens the operator console)"));
    }
    absl::string_view hash = fields[0];
    if (!absl::ConsumePrefix(&hash, "sha256:") || hash.size() != 64 ||
        !std::all_of(hash.begin(), hash.end(),
                     [](char c) { return absl::ascii_isxdigit(static_cast<unsigned char>(c)); })) {
      return error("the token must be given as its SHA-256 digest");
    }
    Grant grant{std::string(fields[1]), absl::StrSplit(fields[2], ',', absl::SkipEmpty()),
                fields.size() == 4};
    google::protobuf::RepeatedPtrField<std::string> patterns(grant.patterns.begin(),
                                                              grant.patterns.end());
    if (absl::Status valid = EventFilter::Parse(patterns).status(); !valid.ok()) {
      return error(valid.message());
    }
    if (!auth.grants_.emplace(absl::HexStringToBytes(absl::AsciiStrToLower(hash)), std::move(grant))
             .second) {
      return error("the same token appears twice");
    }
  }
  return auth;
}

size_t SubscriberAuth::admin_count() const {
  return std::count_if(grants_.begin(), grants_.end(),
                       [](const auto& entry) { return entry.second.admin; });
}

absl::StatusOr<const Grant*> SubscriberAuth::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing credentials: send the metadata `authorization: Bearer TOKEN`");
  }
  absl::string_view token = absl::StripAsciiWhitespace(authorization);
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return absl::UnauthenticatedError("the authorization metadata must be `Bearer TOKEN`");
  }
  auto it = grants_.find(Sha256(absl::StripAsciiWhitespace(token)));
  if (it == grants_.end()) return absl::UnauthenticatedError("unknown or revoked token");
  return &it->second;
}

absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> SubscriberAuth::Authorize(
    const Grant& grant, const google::protobuf::RepeatedPtrField<std::string>& requested) {
  if (requested.empty()) {
    return google::protobuf::RepeatedPtrField<std::string>(grant.patterns.begin(),
                                                           grant.patterns.end());
  }
  std::vector<std::string> denied;
  for (const std::string& pattern : requested) {
    bool covered = false;
    for (const std::string& granted : grant.patterns) covered = covered || Covers(granted, pattern);
    if (!covered) denied.push_back(pattern);
  }
  if (!denied.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "token \"", grant.name, "\" may not read ", absl::StrJoin(denied, ", "),
        " (it may read: ", absl::StrJoin(grant.patterns, ", "), ")"));
  }
  return requested;
}

}  // namespace switchboard::server
