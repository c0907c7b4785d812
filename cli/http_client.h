#ifndef SWITCHBOARD_CLI_HTTP_CLIENT_H_
#define SWITCHBOARD_CLI_HTTP_CLIENT_H_

// A minimal blocking HTTP/1.1 client (Boost.Beast) for `switchboard-cli send`:
// one POST per connection, every step bounded by a timeout.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace switchboard::cli {

// A parsed http:// URL.
struct HttpUrl {
  std::string host;    // name or address; IPv6 without brackets
  std::string port;    // "80" when the URL has none
  std::string target;  // path and query, "/" at least
  // "host:port" as typed (IPv6 in brackets), for messages and the Host header.
  std::string authority;
};

// Parses "http://HOST[:PORT][/PATH]". A URL without a path gets
// `default_path`. INVALID_ARGUMENT saying what is wrong (https, no host, bad
// port, ...).
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url, absl::string_view default_path);

struct HttpAnswer {
  int status = 0;      // e.g. 200
  std::string reason;  // e.g. "OK"
  std::string body;
};

// POSTs `body` as application/json. Returns the answer, whatever its status;
// UNAVAILABLE when the host cannot be resolved or the connection is refused
// (the message names HOST:PORT and the system's reason), DEADLINE_EXCEEDED
// when a step takes longer than `timeout`, UNKNOWN for other I/O errors.
// Blocks the calling thread.
absl::StatusOr<HttpAnswer> PostJson(const HttpUrl& url, absl::string_view body,
                                    absl::Duration timeout);

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_HTTP_CLIENT_H_
