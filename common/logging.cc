#include "common/logging.h"

#include <cstdio>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace switchboard {

void LogLine(LogLevel level, absl::string_view message) {
  const char tag = level == LogLevel::kInfo ? 'I' : level == LogLevel::kWarning ? 'W' : 'E';
  std::string line = absl::StrFormat(
      "%c %s switchboard: %s\n", tag,
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), message);
  // One fwrite per line keeps concurrent lines whole (stdio locks the stream).
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace switchboard
