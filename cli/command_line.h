#ifndef SWITCHBOARD_CLI_COMMAND_LINE_H_
#define SWITCHBOARD_CLI_COMMAND_LINE_H_

// The arguments of one switchboard-cli subcommand: `--name=value`,
// `--name value`, boolean `--name` / `--noname` / `--no-name`, `-h`/`--help`, positional
// arguments, and `--` ending the flags. Hand-parsed rather than with Abseil
// flags so that each subcommand has its own flags, its own --help, and usage
// errors exit with status 2.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace switchboard::cli {

// Exit statuses of switchboard-cli.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,  // the command ran and failed (server down, rejected, non-2xx)
  kExitUsage = 2,    // bad arguments
};

// "switchboard-cli COMMAND: MESSAGE" on stderr.
void PrintCommandError(absl::string_view command, absl::string_view message);
// The same, then where to find the command's usage; returns kExitUsage.
int CommandUsageError(absl::string_view command, absl::string_view message);

struct FlagSpec {
  std::string name;  // without dashes, e.g. "addr"
  bool is_bool = false;
};

class CommandLine {
 public:
  // Parses `args` (the arguments after the subcommand). INVALID_ARGUMENT
  // naming the offending argument for an unknown flag, a missing value, or a
  // value given to a boolean flag.
  static absl::StatusOr<CommandLine> Parse(const std::vector<std::string>& args,
                                           const std::vector<FlagSpec>& flags);

  bool help() const { return help_; }
  bool Has(absl::string_view name) const { return values_.contains(name); }
  // The flag's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  // A boolean flag: true for `--name`, false for `--noname` or when absent.
  bool GetBool(absl::string_view name) const;
  // A positive number flag: 0 when absent; INVALID_ARGUMENT naming the flag
  // when it is not a number from 1 to `max`.
  absl::StatusOr<uint64_t> GetPositive(absl::string_view name,
                                       uint64_t max = UINT64_MAX) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  bool help_ = false;
  absl::flat_hash_map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_COMMAND_LINE_H_
