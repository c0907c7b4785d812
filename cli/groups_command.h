#ifndef SWITCHBOARD_CLI_GROUPS_COMMAND_H_
#define SWITCHBOARD_CLI_GROUPS_COMMAND_H_

#include <string>
#include <vector>

namespace switchboard::cli {

// `switchboard-cli groups ACTION ...`: operates consumer groups through
// ConsumerGroupService (list, show, seek, dead-letters, requeue, drop,
// delete). Returns the process exit status.
int RunGroups(const std::vector<std::string>& args);

// The --help text of `groups`.
std::string GroupsUsage();

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_GROUPS_COMMAND_H_
