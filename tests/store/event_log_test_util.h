#ifndef SWITCHBOARD_TESTS_STORE_EVENT_LOG_TEST_UTIL_H_
#define SWITCHBOARD_TESTS_STORE_EVENT_LOG_TEST_UTIL_H_

// Helpers shared by the EventLog backends' tests.

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "gtest/gtest.h"
#include "store/event_log.h"

namespace switchboard::event_log_test {

// Appends and waits (at most `timeout`) for the asynchronous callback. The
// callback's state is shared, so a late callback after a timeout is harmless.
inline absl::StatusOr<AppendResult> AppendAndWait(EventLog& log, v1::Event event,
                                                  absl::Duration timeout = absl::Seconds(30)) {
  auto done = std::make_shared<Notification>();
  auto result =
      std::make_shared<absl::StatusOr<AppendResult>>(absl::UnknownError("callback not run"));
  log.Append(std::move(event), [done, result](absl::StatusOr<AppendResult> appended) {
    *result = std::move(appended);
    done->Notify();
  });
  if (!done->WaitForNotificationWithTimeout(timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("append not completed in ", absl::FormatDuration(timeout)));
  }
  return *result;
}

// Appends an event that must be new; returns its sequence (0 on failure).
inline uint64_t AppendNew(EventLog& log, v1::Event event) {
  absl::StatusOr<AppendResult> result = AppendAndWait(log, std::move(event));
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result.ok() && result->duplicate);
  return result.ok() ? result->sequence : 0;
}

// Every event after `after`, read 100 at a time.
inline std::vector<EventPtr> ReadAll(EventLog& log, uint64_t after = 0) {
  std::vector<EventPtr> out;
  for (;;) {
    const size_t before = out.size();
    absl::Status status = log.Read(out.empty() ? after : out.back()->sequence(), 100, &out);
    EXPECT_TRUE(status.ok()) << status;
    if (!status.ok() || out.size() == before) return out;
  }
}

}  // namespace switchboard::event_log_test

#endif  // SWITCHBOARD_TESTS_STORE_EVENT_LOG_TEST_UTIL_H_
