#ifndef SWITCHBOARD_CLI_TAIL_COMMAND_H_
#define SWITCHBOARD_CLI_TAIL_COMMAND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace switchboard::cli {

// `switchboard-cli tail ARGS...`: prints events as they arrive until SIGINT or
// SIGTERM, reconnecting and resuming by itself (switchboard::client::
// Subscription). Returns the process exit status (see ExitCode). Blocks;
// handles SIGINT and SIGTERM itself, so call it before starting any thread.
int RunTail(const std::vector<std::string>& args);

// The --help text of `tail`.
std::string TailUsage();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_TAIL_COMMAND_H_
