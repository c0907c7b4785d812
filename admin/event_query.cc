#include "admin/event_query.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "admin/event_json.h"
#include "common/status_util.h"

namespace switchboard::admin {
namespace {

constexpr size_t kMaxTextBytes = 256;
constexpr size_t kReadChunk = 256;

absl::Status Bad(absl::string_view name, absl::string_view why) {
  return WithField(absl::InvalidArgumentError(absl::StrCat("query parameter `", name, "`: ", why)),
                   absl::StrCat("query.", name));
}

absl::StatusOr<uint64_t> ParseSequence(absl::string_view name, absl::string_view value) {
  uint64_t sequence = 0;
  if (value.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(value[0])) ||
      !absl::SimpleAtoi(value, &sequence)) {
    return Bad(name, "expected a sequence number (a non-negative integer below 2^64)");
  }
  return sequence;
}

absl::StatusOr<absl::Time> ParseTimeParam(absl::string_view name, const std::string& value) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &time, &error)) {
    return Bad(name, "expected an RFC 3339 time such as 2026-12-01T23:31:11Z");
  }
  return time;
}

bool Matches(const EventQuery& query, const v1::Event& event) {
  if (!query.id.empty()) return event.id() == query.id;
  return query.types.Matches(event.type()) && (query.text.empty() || MatchesText(event, query.text));
}

// Reads events [from, to] (inclusive, from >= 1) into `out`. OUT_OF_RANGE
// when `from` left retention meanwhile.
absl::Status ReadRange(EventLog* log, uint64_t from, uint64_t to, std::vector<EventPtr>* out) {
  out->clear();
  absl::Status status = log->Read(from - 1, to - from + 1, out);
  if (!status.ok() && !absl::IsOutOfRange(status)) {
    return absl::UnavailableError(absl::StrCat("the event store could not be read: ",
                                               status.message()));
  }
  return status;
}

}  // namespace

std::optional<std::string> UrlDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const char hi = text[i + 1];
      const char lo = text[i + 2];
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(hi)) ||
          !absl::ascii_isxdigit(static_cast<unsigned char>(lo))) {
        return std::nullopt;
      }
      auto nibble = [](char c) { return absl::ascii_isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; };
      out.push_back(static_cast<char>(nibble(hi) * 16 + nibble(lo)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

absl::StatusOr<EventQuery> ParseEventQuery(absl::string_view query_string) {
  EventQuery query;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view part : absl::StrSplit(query_string, '&', absl::SkipEmpty())) {
    const size_t eq = part.find('=');
    std::optional<std::string> name = UrlDecode(part.substr(0, eq));
    std::optional<std::string> value =
        UrlDecode(eq == absl::string_view::npos ? "" : part.substr(eq + 1));
    if (!name || !value) {
      return WithField(absl::InvalidArgumentError(
                           "malformed query string: a %-escape is not two hex digits"),
                       "query");
    }
    const std::string& key = *name;
    if (key != "types" && key != "q" && key != "before" && key != "after" && key != "since" &&
        key != "until" && key != "limit" && key != "id") {
      return WithField(
          absl::InvalidArgumentError(absl::StrCat(
              "unknown query parameter `", key.substr(0, 64),
              "`; known: types, q, before, after, since, until, limit, id")),
          "query");
    }
    if (!seen.insert(key).second) return Bad(key, "given twice");
    if (value->size() > kMaxTextBytes && key != "types") {
      return Bad(key, absl::StrCat("longer than ", kMaxTextBytes, " bytes"));
    }
    if (key == "types") {
      std::vector<std::string> patterns = absl::StrSplit(*value, ',', absl::SkipEmpty());
      if (patterns.size() > 64) return Bad(key, "more than 64 patterns");
      google::protobuf::RepeatedPtrField<std::string> list(patterns.begin(), patterns.end());
      absl::StatusOr<server::EventFilter> filter = server::EventFilter::Parse(list);
      if (!filter.ok()) return Bad(key, filter.status().message());
      query.types = *std::move(filter);
    } else if (key == "q") {
      query.text = absl::AsciiStrToLower(*value);
    } else if (key == "before" || key == "after") {
      absl::StatusOr<uint64_t> sequence = ParseSequence(key, *value);
      if (!sequence.ok()) return sequence.status();
      (key == "before" ? query.before : query.after) = *sequence;
    } else if (key == "since" || key == "until") {
      absl::StatusOr<absl::Time> time = ParseTimeParam(key, *value);
      if (!time.ok()) return time.status();
      (key == "since" ? query.since : query.until) = *time;
    } else if (key == "limit") {
      int limit = 0;
      if (!absl::SimpleAtoi(*value, &limit) || limit < 1 ||
          limit > static_cast<int>(EventQuery::kMaxLimit)) {
        return Bad(key, absl::StrCat("expected an integer from 1 to ", EventQuery::kMaxLimit));
      }
      query.limit = static_cast<size_t>(limit);
    } else if (key == "id") {
      if (value->empty()) return Bad(key, "empty");
      query.id = *value;
    }
  }
  if (query.before && query.after) return Bad("after", "give `before` or `after`, not both");
  return query;
}

absl::StatusOr<EventPage> RunEventQuery(EventLog* log, const EventQuery& query) {
  EventPage page;
  uint64_t lo = log->FirstSequence();
  uint64_t hi = log->LastSequence();
  if (query.since) {
    absl::StatusOr<uint64_t> since = log->FirstSequenceReceivedSince(*query.since);
    if (!since.ok()) return absl::UnavailableError(since.status().message());
    lo = std::max(lo, *since);
  }
  if (query.until) {
    absl::StatusOr<uint64_t> until = log->FirstSequenceReceivedSince(*query.until);
    if (!until.ok()) return absl::UnavailableError(until.status().message());
    hi = std::min(hi, *until - 1);
  }
  const size_t limit = query.id.empty() ? query.limit : 1;
  const uint64_t budget = query.id.empty() ? kMaxScan : kMaxIdScan;
  std::vector<EventPtr> batch;

  if (query.after) {  // towards the newest, from just after `after`
    uint64_t next = std::max(lo, *query.after + 1);
    const uint64_t bottom = next;
    while (next <= hi && page.events.size() < limit && page.scanned < budget) {
      const uint64_t to = std::min({hi, next + kReadChunk - 1, next + (budget - page.scanned) - 1});
      absl::Status status = ReadRange(log, next, to, &batch);
      if (absl::IsOutOfRange(status)) {  // retention moved past `next`
        next = std::max(next + 1, log->FirstSequence());
        continue;
      }
      if (!status.ok()) return status;
      if (batch.empty()) break;
      for (const EventPtr& event : batch) {
        next = event->sequence() + 1;
        ++page.scanned;
        if (Matches(query, event->event())) page.events.push_back(event);
        if (page.events.size() == limit) break;
      }
    }
    std::reverse(page.events.begin(), page.events.end());
    page.next_after = next <= hi ? next - 1 : 0;
    page.next_before = bottom > lo ? bottom : 0;
    page.complete = next > hi || page.events.size() == limit;
    return page;
  }

  // Towards the oldest, from just before `before` (or the newest).
  const uint64_t top = query.before ? std::min(hi, *query.before - (*query.before > 0)) : hi;
  if (query.before && *query.before == 0) return page;
  uint64_t next = top;  // the next sequence to examine, going down
  while (next >= lo && next > 0 && page.events.size() < limit && page.scanned < budget) {
    const uint64_t count = std::min({next - lo + 1, uint64_t{kReadChunk}, budget - page.scanned});
    const uint64_t from = next - count + 1;
    absl::Status status = ReadRange(log, from, next, &batch);
    if (absl::IsOutOfRange(status)) {  // retention moved: start at the new oldest
      lo = std::max(lo, log->FirstSequence());
      continue;
    }
    if (!status.ok()) return status;
    if (batch.empty()) break;
    uint64_t examined = next + 1;
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
      if ((*it)->sequence() > next) continue;
      examined = (*it)->sequence();
      ++page.scanned;
      if (Matches(query, (*it)->event())) page.events.push_back(*it);
      if (page.events.size() == limit) break;
    }
    next = examined - 1;
  }
  page.next_before = next >= lo && next > 0 ? next + 1 : 0;
  page.next_after = top < log->LastSequence() ? top : 0;
  page.complete = page.next_before == 0 || page.events.size() == limit;
  return page;
}

}  // namespace switchboard::admin
