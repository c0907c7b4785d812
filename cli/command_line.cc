#include "cli/command_line.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace switchboard::cli {
namespace {

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, absl::string_view name) {
  auto it = std::find_if(flags.begin(), flags.end(),
                         [name](const FlagSpec& flag) { return flag.name == name; });
  return it == flags.end() ? nullptr : &*it;
}

}  // namespace

void PrintCommandError(absl::string_view command, absl::string_view message) {
  std::fprintf(stderr, "switchboard-cli %.*s: %.*s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(message.size()), message.data());
}

int CommandUsageError(absl::string_view command, absl::string_view message) {
  PrintCommandError(command, message);
  std::fprintf(stderr, "Run 'switchboard-cli %.*s --help' for usage.\n",
               static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

absl::StatusOr<CommandLine> CommandLine::Parse(const std::vector<std::string>& args,
                                               const std::vector<FlagSpec>& flags) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      line.positional_.insert(line.positional_.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      line.help_ = true;
      continue;
    }
    // "-" alone is a positional argument (stdin); "-x" and "--x" are flags.
    if (arg.size() < 2 || arg[0] != '-') {
      line.positional_.push_back(arg);
      continue;
    }
    absl::string_view body = absl::StripPrefix(absl::StripPrefix(arg, "-"), "-");
    absl::string_view name = body;
    absl::string_view value;
    const size_t eq = body.find('=');
    const bool has_value = eq != absl::string_view::npos;
    if (has_value) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    }
    const FlagSpec* spec = FindFlag(flags, name);
    if (spec == nullptr && !has_value && absl::StartsWith(name, "no")) {
      // --noflag and --no-flag
      const FlagSpec* negated =
          FindFlag(flags, name.substr(absl::StartsWith(name, "no-") ? 3 : 2));
      if (negated != nullptr && negated->is_bool) {
        line.values_[negated->name] = "false";
        continue;
      }
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    if (spec->is_bool) {
      if (has_value && value != "true" && value != "false") {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " takes no value (or =true / =false), got ", arg));
      }
      line.values_[spec->name] = has_value ? std::string(value) : "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = args[++i];
    }
    line.values_[spec->name] = std::string(value);
  }
  return line;
}

std::string CommandLine::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string(fallback) : it->second;
}

bool CommandLine::GetBool(absl::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second == "true";
}

absl::StatusOr<uint64_t> CommandLine::GetPositive(absl::string_view name, uint64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return 0;
  uint64_t value = 0;
  if (absl::StartsWith(it->second, "-") || !absl::SimpleAtoi(it->second, &value) || value == 0 ||
      value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --", name, " \"", it->second, "\": expected a positive number"));
  }
  return value;
}

}  // namespace switchboard::cli
