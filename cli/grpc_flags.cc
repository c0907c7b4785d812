#include "cli/grpc_flags.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace switchboard::cli {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& flag, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read --", flag, " ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<std::string> LoadToken(const CommandLine& line) {
  std::string token;
  if (line.Has("token_file")) {
    absl::StatusOr<std::string> text = ReadFile("token_file", line.Get("token_file"));
    if (!text.ok()) return text.status();
    token = std::string(absl::StripAsciiWhitespace(
        absl::string_view(*text).substr(0, text->find('\n'))));
    if (token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file ", line.Get("token_file"), " holds no token"));
    }
  } else if (const char* env = std::getenv("SWITCHBOARD_TOKEN"); env != nullptr) {
    token = std::string(absl::StripAsciiWhitespace(env));
  }
  return token;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> LoadTls(const CommandLine& line) {
  const bool client_cert = line.Has("tls_cert") || line.Has("tls_key");
  if (!line.GetBool("tls") && !line.Has("tls_ca") && !client_cert) return nullptr;
  grpc::SslCredentialsOptions options;  // empty roots: the system's
  if (line.Has("tls_ca")) {
    absl::StatusOr<std::string> ca = ReadFile("tls_ca", line.Get("tls_ca"));
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
  }
  if (client_cert) {
    if (!line.Has("tls_cert") || !line.Has("tls_key")) {
      return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
    }
    absl::StatusOr<std::string> cert = ReadFile("tls_cert", line.Get("tls_cert"));
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile("tls_key", line.Get("tls_key"));
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *std::move(cert);
    options.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(options);
}

std::vector<FlagSpec> GrpcFlags() {
  return {{"addr"}, {"token_file"}, {"tls", true}, {"tls_ca"}, {"tls_cert"}, {"tls_key"}};
}

std::string GrpcFlagsUsage() {
  return absl::StrCat(R"(  --addr HOST:PORT   switchboard's gRPC address (its --grpc_addr); default )",
                      kDefaultGrpcAddress, R"(
  --token_file FILE  subscriber token (first line of FILE), sent as "authorization:
                     Bearer TOKEN" to a server with --grpc_token_file; without it,
                     $SWITCHBOARD_TOKEN is used when set
  --tls              connect with TLS, trusting the system's CAs
  --tls_ca FILE      connect with TLS, trusting the CA certificates in FILE (PEM)
  --tls_cert FILE, --tls_key FILE
                     client certificate and key (PEM), for a server requiring mTLS
)");
}

std::function<void(grpc::ClientContext&)> TokenDecorator(const std::string& token) {
  if (token.empty()) return nullptr;
  return [bearer = absl::StrCat("Bearer ", token)](grpc::ClientContext& c) {
    c.AddMetadata("authorization", bearer);
  };
}

std::vector<std::string> SplitTypes(absl::string_view types) {
  std::vector<std::string> patterns;
  for (absl::string_view piece : absl::StrSplit(types, ',')) {
    piece = absl::StripAsciiWhitespace(piece);
    if (!piece.empty()) patterns.emplace_back(piece);
  }
  return patterns;
}

std::string DescribeRetry(const client::RetryInfo& retry) {
  return absl::StrFormat(
      "reconnecting in %s (attempt %d%s): %s: %s",
      absl::FormatDuration(absl::Trunc(retry.delay, absl::Milliseconds(1))), retry.attempt,
      retry.resume_after.has_value()
          ? absl::StrCat(", will resume after sequence ", *retry.resume_after)
          : std::string(),
      absl::StatusCodeToString(retry.cause.code()), retry.cause.message());
}

std::string UnreachableHint(absl::string_view address, bool tls) {
  return absl::StrCat(
      "is switchboard running? start it with scripts/run.sh (", address,
      " must be its gRPC address, --grpc_addr, default ", kDefaultGrpcAddress,
      tls ? "; check that it serves TLS and that --tls_ca holds the CA that signed its "
            "certificate)"
          : "; if it serves TLS, --grpc_tls_cert, add --tls or --tls_ca)");
}

absl::Status CheckHostPort(absl::string_view address) {
  const auto bad = [address](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad --addr \"", address, "\": ", why,
                                                   "; expected HOST:PORT, e.g. ",
                                                   kDefaultGrpcAddress));
  };
  if (absl::StrContains(address, "://")) return bad("give HOST:PORT without a scheme");
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  absl::string_view host = address.substr(0, colon);
  const absl::string_view port = address.substr(colon + 1);
  if (absl::StartsWith(host, "[")) {
    if (!absl::EndsWith(host, "]") || host.size() < 3) return bad("malformed [IPv6 address]");
  } else if (host.empty() || absl::StrContains(host, ':')) {
    return bad(host.empty() ? "no host" : "put an IPv6 address in brackets, e.g. [::1]:50051");
  }
  int number = 0;
  if (port.empty() || !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
    return bad(absl::StrCat("bad port \"", port, "\" (1 to 65535)"));
  }
  return absl::OkStatus();
}

}  // namespace switchboard::cli
