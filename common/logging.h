#ifndef SWITCHBOARD_COMMON_LOGGING_H_
#define SWITCHBOARD_COMMON_LOGGING_H_

// Minimal leveled logging to stderr (Abseil 20220623 has no absl/log).
// One line per call, prefixed with level and UTC time. Thread-safe.

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace switchboard {

enum class LogLevel { kInfo, kWarning, kError };

void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void LogInfo(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kInfo, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogWarning(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kWarning, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogError(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kError, absl::StrFormat(format, args...));
}

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_LOGGING_H_
