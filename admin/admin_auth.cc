#include "admin/admin_auth.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"
#include "boost/asio/ip/address.hpp"

namespace switchboard::admin {
namespace {

namespace http = boost::beast::http;

absl::string_view Header(const http::request<http::string_body>& request, http::field field) {
  auto it = request.find(field);
  if (it == request.end()) return "";
  return absl::string_view(it->value().data(), it->value().size());
}

}  // namespace

bool IsLoopbackHost(absl::string_view host) {
  host = absl::StripAsciiWhitespace(host);
  absl::string_view name = host;
  if (absl::StartsWith(host, "[")) {
    const size_t end = host.find(']');
    if (end == absl::string_view::npos) return false;
    name = host.substr(1, end - 1);
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    name = host.substr(0, colon);
  }
  if (absl::EqualsIgnoreCase(name, "localhost")) return true;
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(std::string(name), ec);
  return !ec && address.is_loopback();
}

absl::StatusOr<AdminAuth> AdminAuth::Create(Options options) {
  const bool needs_token = !options.loopback || options.require_token;
  if (needs_token && (options.tokens == nullptr || options.tokens->admin_count() == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.loopback ? "--admin_require_token" : "an --admin_addr off loopback",
        " needs an admin token: add a line `sha256:<SHA-256 of the token> NAME * admin` to the "
        "--grpc_token_file (the fourth column `admin` opens the console), or bind --admin_addr "
        "to 127.0.0.1"));
  }
  return AdminAuth(options, needs_token);
}

std::string AdminAuth::TokenOf(const http::request<http::string_body>& request) {
  absl::string_view authorization = absl::StripAsciiWhitespace(Header(request, http::field::authorization));
  if (absl::ConsumePrefix(&authorization, "Bearer ") ||
      absl::ConsumePrefix(&authorization, "bearer ")) {
    return std::string(absl::StripAsciiWhitespace(authorization));
  }
  for (absl::string_view cookie : absl::StrSplit(Header(request, http::field::cookie), ';')) {
    cookie = absl::StripAsciiWhitespace(cookie);
    if (absl::ConsumePrefix(&cookie, kSessionCookie) && absl::ConsumePrefix(&cookie, "=")) {
      return std::string(cookie);
    }
  }
  return "";
}

absl::Status AdminAuth::Check(const http::request<http::string_body>& request,
                              bool needs_token) const {
  const absl::string_view host = Header(request, http::field::host);
  // A browser names the page's origin on WebSockets and cross-site requests:
  // only the console's own pages may use it.
  if (absl::string_view origin = Header(request, http::field::origin); !origin.empty()) {
    absl::string_view origin_host = origin;
    if (!absl::ConsumePrefix(&origin_host, "http://") &&
        !absl::ConsumePrefix(&origin_host, "https://")) {
      origin_host = "";
    }
    if (origin_host.empty() || !absl::EqualsIgnoreCase(origin_host, host)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cross-origin request refused: Origin ", origin.substr(0, 200),
          " is not this console (", host.substr(0, 200), ")"));
    }
  }
  if (!needs_token_) {
    if (!IsLoopbackHost(host)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "the console listens on loopback and answers only to a loopback Host (127.0.0.1, "
          "localhost, [::1]), not \"", host.substr(0, 200), "\""));
    }
    return absl::OkStatus();
  }
  if (!needs_token) return absl::OkStatus();
  const std::string token = TokenOf(request);
  if (token.empty()) {
    return absl::UnauthenticatedError(
        "this console needs an admin token: send `Authorization: Bearer TOKEN` (a token of "
        "--grpc_token_file whose line ends with `admin`), or sign in on the console's page");
  }
  absl::StatusOr<const server::Grant*> grant =
      options_.tokens->Authenticate(absl::StrCat("Bearer ", token));
  if (!grant.ok()) return grant.status();
  if (!(*grant)->admin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "token \"", (*grant)->name,
        "\" may subscribe but not use the console: its line in the token file has no `admin` "
        "grant (fourth column)"));
  }
  return absl::OkStatus();
}

}  // namespace switchboard::admin
