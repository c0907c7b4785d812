#ifndef SWITCHBOARD_ADMIN_EVENT_QUERY_H_
#define SWITCHBOARD_ADMIN_EVENT_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/event_filter.h"
#include "store/event_log.h"

namespace switchboard::admin {

// Which events a page of the console (or a script) asks for:
// GET /api/events?types=call.*,sms.received&q=text&before=SEQ|after=SEQ
//                &since=RFC3339&until=RFC3339&limit=N  or  ?id=ID
struct EventQuery {
  server::EventFilter types;  // `types`: patterns as in Subscribe; all by default
  std::string text;           // `q`, lower case: MatchesText(); "" matches all
  // `before`: events with a smaller sequence, newest first (the default is
  // the newest events). `after`: the oldest events with a larger sequence
  // (the next page towards the newest), also returned newest first.
  std::optional<uint64_t> before;
  std::optional<uint64_t> after;
  std::optional<absl::Time> since;  // received at or after
  std::optional<absl::Time> until;  // received before
  size_t limit = 50;                // 1..kMaxLimit
  std::string id;                   // `id`: find the event with this id

  static constexpr size_t kMaxLimit = 1000;
};

// Parses a URL query string ("a=1&b=x%20y"). INVALID_ARGUMENT, with the
// offending parameter as the field ("query.before"), for an unknown or
// repeated parameter, a malformed value or escape, or a value out of range.
absl::StatusOr<EventQuery> ParseEventQuery(absl::string_view query_string);

// A page of events, newest first, and where to continue.
struct EventPage {
  std::vector<EventPtr> events;
  // The next page: events older than `next_before` / newer than `next_after`;
  // 0 when the scan reached the end of the range on that side.
  uint64_t next_before = 0;
  uint64_t next_after = 0;
  uint64_t scanned = 0;  // events examined (at most kMaxScan)
  // False when the scan stopped at kMaxScan before filling the page: the
  // range beyond next_before / next_after was not searched yet.
  bool complete = true;
};

// Examines at most this many stored events per request, whatever the filter,
// so a narrow filter over a long retention costs a bounded time per page.
inline constexpr uint64_t kMaxScan = 20000;
// For `id`: the newest this many events are searched.
inline constexpr uint64_t kMaxIdScan = 1000000;

// Runs `query` against `log`. Blocks on the log's reads (durable backends
// read from disk): call it off the webhook thread. UNAVAILABLE when the
// store cannot be read.
absl::StatusOr<EventPage> RunEventQuery(EventLog* log, const EventQuery& query);

// The value of a URL query component ("%41+b" -> "A b"), or nullopt when an
// escape is malformed.
std::optional<std::string> UrlDecode(absl::string_view text);

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_EVENT_QUERY_H_
