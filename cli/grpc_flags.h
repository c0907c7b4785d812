#ifndef SWITCHBOARD_CLI_GRPC_FLAGS_H_
#define SWITCHBOARD_CLI_GRPC_FLAGS_H_

// The flags every gRPC command of switchboard-cli shares (tail, consume,
// groups): the server's address, the subscriber token, TLS.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cli/command_line.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "switchboard/client/subscription.h"

namespace switchboard::cli {

inline constexpr absl::string_view kDefaultGrpcAddress = "127.0.0.1:50051";

// --addr, --token_file, --tls, --tls_ca, --tls_cert, --tls_key.
std::vector<FlagSpec> GrpcFlags();
// Their --help lines.
std::string GrpcFlagsUsage();

// OK when `address` is HOST:PORT (IPv6 in brackets, port 1 to 65535);
// INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status CheckHostPort(absl::string_view address);

// The subscriber token: the first line of --token_file, else
// $SWITCHBOARD_TOKEN; "" when neither is given.
absl::StatusOr<std::string> LoadToken(const CommandLine& line);
// Adds "authorization: Bearer TOKEN" to every call, when there is a token.
std::function<void(grpc::ClientContext&)> TokenDecorator(const std::string& token);

// TLS credentials when --tls, --tls_ca or --tls_cert asks for them; nullptr
// for plaintext.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> LoadTls(const CommandLine& line);

// "call.*, sms.received" as patterns.
std::vector<std::string> SplitTypes(absl::string_view types);

// One line for stderr about a reconnect.
std::string DescribeRetry(const client::RetryInfo& retry);

// What to check when the server cannot be reached at `address`.
std::string UnreachableHint(absl::string_view address, bool tls);

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_GRPC_FLAGS_H_
