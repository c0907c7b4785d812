#ifndef SWITCHBOARD_SERVER_SUBSCRIBER_AUTH_H_
#define SWITCHBOARD_SERVER_SUBSCRIBER_AUTH_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"

namespace switchboard::server {

// What one subscriber token may read.
struct Grant {
  std::string name;                   // who holds the token (for logs, limits, metrics)
  std::vector<std::string> patterns;  // event-type patterns, as in SubscribeRequest
  // The optional fourth column holds `admin`: the token also opens the
  // operator console (--admin_addr) off loopback, where it sees every event.
  bool admin = false;
};

// Bearer-token authentication and type authorization for Subscribe.
//
// The token file has one token per line, stored hashed:
//   sha256:<64 hex digits of SHA-256(token)>  <name>  <pattern>[,<pattern>...]  [admin]
// e.g. `sha256:9f86d0…  billing  call.*,sms.received`. `#` starts a comment.
// A fourth column `admin` grants the operator console too (admin/).
// Hash a token with `printf %s "$TOKEN" | sha256sum`. Thread-safe; immutable.
class SubscriberAuth {
 public:
  // Parses the file; INVALID_ARGUMENT naming the line that is wrong.
  static absl::StatusOr<SubscriberAuth> FromFile(const std::string& path);
  static absl::StatusOr<SubscriberAuth> FromText(absl::string_view text, absl::string_view source);

  // The grant of the token in an `authorization` metadata value ("Bearer
  // TOKEN"); UNAUTHENTICATED when missing, malformed or unknown.
  absl::StatusOr<const Grant*> Authenticate(absl::string_view authorization) const;

  // The patterns a subscriber with `grant` streams for `requested`: the
  // requested ones when the grant covers each of them, the grant's own when
  // none were requested. PERMISSION_DENIED naming the patterns it does not
  // cover.
  static absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> Authorize(
      const Grant& grant, const google::protobuf::RepeatedPtrField<std::string>& requested);

  size_t size() const { return grants_.size(); }
  // Tokens with the admin grant.
  size_t admin_count() const;

 private:
  absl::flat_hash_map<std::string, Grant> grants_;  // by raw SHA-256 digest
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_SUBSCRIBER_AUTH_H_
