#ifndef SWITCHBOARD_COMMON_STATUS_MACROS_H_
#define SWITCHBOARD_COMMON_STATUS_MACROS_H_

// Abseil 20220623 (Debian 12) ships no status macros; these are the usual two.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SB_STATUS_CONCAT_INNER_(a, b) a##b
#define SB_STATUS_CONCAT_(a, b) SB_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::absl::Status sb_status_ = (expr);               \
    if (!sb_status_.ok()) return sb_status_;          \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: assigns the value of an absl::StatusOr or
// returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  SB_ASSIGN_OR_RETURN_IMPL_(SB_STATUS_CONCAT_(sb_statusor_, __LINE__), lhs, expr)
#define SB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = *std::move(tmp)

#endif  // SWITCHBOARD_COMMON_STATUS_MACROS_H_
