#include "admin/admin_api.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "admin/event_json.h"
#include "admin/event_query.h"

namespace switchboard::admin {
namespace {

using gateway::HttpRequest;
using gateway::HttpResponse;
using gateway::JsonQuote;
namespace http = boost::beast::http;

constexpr absl::string_view kEventsPath = "/api/events";

HttpResponse Json(std::string body, unsigned version, bool keep_alive) {
  HttpResponse response(http::status::ok, version);
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(keep_alive);
  response.body() = std::move(body);
  response.body().push_back('\n');
  response.prepare_payload();
  return response;
}

std::string QuotedTime(absl::Time time) {
  return JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone()));
}

}  // namespace

bool AdminApi::Handles(absl::string_view path) {
  return absl::StartsWith(path, "/api/") && path != "/api/tail" && path != "/api/session";
}

HttpResponse AdminApi::Handle(const HttpRequest& request) const {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  const absl::string_view target(request.target().data(), request.target().size());
  const size_t question = target.find('?');
  const absl::string_view path = target.substr(0, question);
  const absl::string_view query =
      question == absl::string_view::npos ? "" : target.substr(question + 1);
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    HttpResponse response = gateway::MakeErrorResponse(
        http::status::method_not_allowed,
        absl::StrCat("the console's API is read-only: use GET for ", path.substr(0, 200)), "",
        version, keep_alive);
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  if (path == kEventsPath) return Events(query, version, keep_alive);
  if (absl::string_view rest = path; absl::ConsumePrefix(&rest, kEventsPath) &&
                                     absl::ConsumePrefix(&rest, "/")) {
    return Event(rest, version, keep_alive);
  }
  if (!query.empty() && (path == "/api/overview" || path == "/api/series" ||
                         path == "/api/refusals")) {
    return gateway::MakeErrorResponse(http::status::bad_request,
                                      absl::StrCat(path, " takes no query parameters"), "query",
                                      version, keep_alive);
  }
  if (path == "/api/overview") return Json(OverviewJson(), version, keep_alive);
  if (path == "/api/series") return Json(sources_.sampler->SeriesJson(), version, keep_alive);
  if (path == "/api/refusals") return Json(RefusalsJson(), version, keep_alive);
  return gateway::MakeErrorResponse(
      http::status::not_found,
      "no such API path; see the README's Console section: /api/events, /api/events/SEQ, "
      "/api/overview, /api/series, /api/refusals, /api/tail (WebSocket)",
      "", version, keep_alive);
}

HttpResponse AdminApi::Events(absl::string_view query_string, unsigned version,
                              bool keep_alive) const {
  absl::StatusOr<EventQuery> query = ParseEventQuery(query_string);
  if (!query.ok()) return gateway::ToHttpResponse(query.status(), version, keep_alive);
  absl::StatusOr<EventPage> page = RunEventQuery(sources_.log, *query);
  if (!page.ok()) return gateway::ToHttpResponse(page.status(), version, keep_alive);
  std::string body = absl::StrCat(
      "{\"oldest\":", sources_.log->FirstSequence(), ",\"newest\":", sources_.log->LastSequence(),
      ",\"next_before\":", page->next_before, ",\"next_after\":", page->next_after,
      ",\"scanned\":", page->scanned, ",\"complete\":", page->complete ? "true" : "false",
      ",\"events\":[");
  for (size_t i = 0; i < page->events.size(); ++i) {
    if (i > 0) body.push_back(',');
    AppendEventSummaryJson(page->events[i]->event(), &body);
  }
  body += "]}";
  return Json(std::move(body), version, keep_alive);
}

HttpResponse AdminApi::Event(absl::string_view text, unsigned version, bool keep_alive) const {
  uint64_t sequence = 0;
  if (!absl::SimpleAtoi(text, &sequence) || text.empty() || text[0] == '+' || text[0] == '-' ||
      sequence == 0) {
    return gateway::MakeErrorResponse(
        http::status::bad_request,
        "expected /api/events/SEQ with SEQ a sequence number (1 or more); find an event by id "
        "with /api/events?id=ID",
        "path", version, keep_alive);
  }
  std::vector<EventPtr> events;
  absl::Status status = sources_.log->Read(sequence - 1, 1, &events);
  if (!status.ok() && !absl::IsOutOfRange(status)) {
    return gateway::ToHttpResponse(absl::UnavailableError(status.message()), version, keep_alive);
  }
  if (events.empty() || events[0]->sequence() != sequence) {
    return gateway::MakeErrorResponse(
        http::status::not_found,
        absl::StrCat("no event ", sequence, " in the store: it holds ",
                     sources_.log->FirstSequence(), " to ", sources_.log->LastSequence()),
        "", version, keep_alive);
  }
  absl::StatusOr<std::string> detail = EventDetailJson(events[0]->event());
  if (!detail.ok()) return gateway::ToHttpResponse(detail.status(), version, keep_alive);
  return Json(*std::move(detail), version, keep_alive);
}

std::string AdminApi::OverviewJson() const {
  EventLog& log = *sources_.log;
  const uint64_t oldest = log.FirstSequence();
  const uint64_t newest = log.LastSequence();
  std::string out = absl::StrCat("{\"now\":", QuotedTime(absl::Now()), ",\"store\":{\"kind\":",
                                 JsonQuote(sources_.store.kind), ",\"oldest_sequence\":", oldest,
                                 ",\"newest_sequence\":", newest,
                                 ",\"events\":", newest + 1 - oldest);
  // The oldest event's age is the retention actually held.
  std::vector<EventPtr> first;
  if (newest >= oldest && log.Read(oldest - 1, 1, &first).ok() && !first.empty()) {
    absl::StrAppend(&out, ",\"oldest_received_at\":",
                    JsonQuote(FormatTimestamp(first[0]->event().received_at())));
  }
  const absl::Status writable = log.Writable();
  absl::StrAppend(&out, ",\"writable\":", writable.ok() ? "true" : "false");
  if (!writable.ok()) absl::StrAppend(&out, ",\"unwritable_because\":", JsonQuote(writable.message()));
  absl::StrAppend(&out, ",\"retention\":{\"max_age_seconds\":",
                  absl::ToInt64Seconds(sources_.store.max_age),
                  ",\"max_bytes\":", sources_.store.max_bytes,
                  ",\"max_events\":", sources_.store.max_events, "}}");

  out += ",\"subscribers\":[";
  const std::vector<server::SubscriberInfo> subscribers = sources_.status->Subscribers();
  for (size_t i = 0; i < subscribers.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"peer\":", JsonQuote(subscribers[i].peer),
                    ",\"filter\":", JsonQuote(subscribers[i].filter),
                    ",\"lag\":", subscribers[i].lag, "}");
  }
  out += "],\"consumer_groups\":[";
  const std::vector<ConsumerGroupInfo> groups = sources_.status->ConsumerGroups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const ConsumerGroupInfo& g = groups[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"name\":", JsonQuote(g.name),
                    ",\"filter\":", JsonQuote(g.filter), ",\"members\":", g.members,
                    ",\"lag\":", g.lag, ",\"pending\":", g.pending,
                    ",\"oldest_unacked_seconds\":", absl::StrFormat("%.3f", g.oldest_unacked_seconds),
                    ",\"dead_letters\":", g.dead_letters, ",\"redeliveries\":", g.redeliveries,
                    "}");
  }
  out += "],\"viewers\":[";
  const std::vector<ViewerInfo> viewers =
      sources_.viewers ? sources_.viewers() : std::vector<ViewerInfo>();
  for (size_t i = 0; i < viewers.size(); ++i) {
    const ViewerInfo& v = viewers[i];
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"peer\":", JsonQuote(v.peer),
                    ",\"filter\":", JsonQuote(v.filter), ",\"text\":", JsonQuote(v.text),
                    ",\"following\":", v.following ? "true" : "false", ",\"cursor\":", v.cursor,
                    ",\"sent\":", v.sent, ",\"buffered_bytes\":", v.buffered_bytes, "}");
  }
  // Totals since start, from the same counters /metrics exports.
  uint64_t stored = 0;
  uint64_t refused = 0;
  sources_.metrics->webhooks.ForEachChild(
      [&](const std::vector<std::string>& labels, const metrics::Counter& counter) {
        (labels.size() == 2 && labels[1] == "200" ? stored : refused) += counter.Value();
      });
  absl::StrAppend(&out, "],\"webhooks\":{\"answered_200\":", stored, ",\"refused\":", refused,
                  "},\"auth_failures\":{");
  bool first_scheme = true;
  sources_.metrics->auth_failures.ForEachChild(
      [&](const std::vector<std::string>& labels, const metrics::Counter& counter) {
        absl::StrAppend(&out, first_scheme ? "" : ",", JsonQuote(labels.empty() ? "" : labels[0]),
                        ":", counter.Value());
        first_scheme = false;
      });
  out += "}}";
  return out;
}

std::string AdminApi::RefusalsJson() const {
  const std::vector<gateway::Refusal> refusals = sources_.refusals->Snapshot();
  std::string out = absl::StrCat("{\"total\":", sources_.refusals->total(), ",\"refusals\":[");
  for (auto it = refusals.rbegin(); it != refusals.rend(); ++it) {
    absl::StrAppend(&out, it == refusals.rbegin() ? "" : ",", "{\"time\":", QuotedTime(it->time),
                    ",\"status\":", it->status, ",\"type\":", JsonQuote(it->type),
                    ",\"answer\":", it->error_json, "}");
  }
  out += "]}";
  return out;
}

}  // namespace switchboard::admin
