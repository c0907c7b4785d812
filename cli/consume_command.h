#ifndef SWITCHBOARD_CLI_CONSUME_COMMAND_H_
#define SWITCHBOARD_CLI_CONSUME_COMMAND_H_

#include <string>
#include <vector>

namespace switchboard::cli {

// `switchboard-cli consume --group NAME ...`: joins a consumer group
// (switchboard::client::Consumer), prints each event delivered to it and acks
// it (or, with --no-ack, leaves it to come back after its deadline), until
// SIGINT or SIGTERM. Returns the process exit status. Handles SIGINT and
// SIGTERM itself, so call it before starting any thread.
int RunConsume(const std::vector<std::string>& args);

// The --help text of `consume`.
std::string ConsumeUsage();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_CONSUME_COMMAND_H_
