#ifndef SWITCHBOARD_ADMIN_ADMIN_AUTH_H_
#define SWITCHBOARD_ADMIN_ADMIN_AUTH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/beast/http.hpp"
#include "server/subscriber_auth.h"

namespace switchboard::admin {

// The cookie the console sets (POST /api/session) so the browser sends the
// token with every request and WebSocket.
inline constexpr absl::string_view kSessionCookie = "switchboard_admin";

// Who may use the admin listener (--admin_addr).
//
//  - Bound to a loopback address (127.0.0.0/8, ::1) it is open: whoever can
//    connect is on this machine. Because a web page in the operator's own
//    browser can reach loopback too, an open listener answers only requests
//    whose Host is a loopback name (127.x, localhost, [::1]: no DNS
//    rebinding) and refuses cross-origin ones (an Origin header naming
//    another site; WebSockets carry it, and CORS does not guard them).
//  - Bound anywhere else (0.0.0.0, a LAN address), or with
//    --admin_require_token, every request but the page's static files and
//    the health probes needs a token of the token file (--grpc_token_file)
//    whose line has the `admin` grant: `Authorization: Bearer TOKEN`, or the
//    session cookie. No or an unknown token: 401; a token without the admin
//    grant (a subscriber's): 403. Cross-origin requests are refused too.
//
// Immutable after Create(); thread-safe.
class AdminAuth {
 public:
  struct Options {
    bool loopback = true;                         // the listener's address is loopback
    bool require_token = false;                   // tokens even on loopback
    const server::SubscriberAuth* tokens = nullptr;  // must outlive the AdminAuth
  };

  // INVALID_ARGUMENT when tokens are needed and no token has the admin grant
  // (nobody could get in: say how to fix it instead).
  static absl::StatusOr<AdminAuth> Create(Options options);

  // True when requests need no token.
  bool open() const { return !needs_token_; }

  // Checks one request. `needs_token`: false for the static files and health
  // probes, which carry no data. OK, UNAUTHENTICATED (401) or
  // PERMISSION_DENIED (403), with a message saying what to send.
  absl::Status Check(const boost::beast::http::request<boost::beast::http::string_body>& request,
                     bool needs_token) const;

  // The token a request carries (Authorization header, else the cookie), or "".
  static std::string TokenOf(
      const boost::beast::http::request<boost::beast::http::string_body>& request);

 private:
  explicit AdminAuth(Options options, bool needs_token)
      : options_(options), needs_token_(needs_token) {}

  Options options_;
  bool needs_token_;
};

// True when `host` (a Host header: name or address, optional port) names this
// machine's loopback: localhost, 127.0.0.0/8 or [::1].
bool IsLoopbackHost(absl::string_view host);

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_ADMIN_AUTH_H_
