// switchboard-cli: the everyday tool for switchboard. `tail` prints events as
// they arrive over gRPC; `consume` is a consumer group member; `groups`
// operates consumer groups; `send` posts sample webhooks over HTTP.

#include <cstdio>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/consume_command.h"
#include "cli/groups_command.h"
#include "cli/send_command.h"
#include "cli/tail_command.h"

namespace {

constexpr char kUsage[] = R"(Usage: switchboard-cli COMMAND [FLAGS] [ARGS]

Commands:
  tail     print events as they arrive (gRPC Subscribe), one line each; reconnects
           and resumes by itself; Ctrl-C to stop
  consume  join a consumer group and print (and ack) the events it hands this member
  groups   list consumer groups, seek one, list/requeue/drop its dead letters, delete it
  send     post a built-in sample webhook (by type) or a JSON file to the HTTP gateway

Run 'switchboard-cli COMMAND --help' for a command's flags, e.g.
  switchboard-cli tail --addr 127.0.0.1:50051 --types 'call.*,sms.received'
  switchboard-cli consume --group billing --types call.completed
  switchboard-cli groups list
  switchboard-cli send --url http://127.0.0.1:8080/webhooks/justcall call.completed
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace switchboard::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "-h" || command == "--help" || command == "help") {
    if (!args.empty() && args[0] == "tail") return RunTail({"--help"});
    if (!args.empty() && args[0] == "send") return RunSend({"--help"});
    if (!args.empty() && args[0] == "consume") return RunConsume({"--help"});
    if (!args.empty() && args[0] == "groups") return RunGroups({"--help"});
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "tail") return RunTail(args);
  if (command == "send") return RunSend(args);
  if (command == "consume") return RunConsume(args);
  if (command == "groups") return RunGroups(args);
  std::fprintf(stderr, "switchboard-cli: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return kExitUsage;
}
