#ifndef SWITCHBOARD_CLI_SEND_COMMAND_H_
#define SWITCHBOARD_CLI_SEND_COMMAND_H_

#include <string>
#include <vector>

namespace switchboard::cli {

// `switchboard-cli send ARGS...`: POSTs built-in sample webhooks or files to
// the HTTP gateway and prints each answer. Returns the process exit status
// (see ExitCode). Blocks.
int RunSend(const std::vector<std::string>& args);

// The --help text of `send`.
std::string SendUsage();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_SEND_COMMAND_H_
