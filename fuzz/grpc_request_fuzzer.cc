// libFuzzer target: any bytes as the request of a Subscribe stream or the
// JoinGroup that opens a Consume stream (the first byte says which; gRPC
// parses the rest as protobuf). The parts Switchboard writes itself then
// check it: the group name, the event-type patterns (EventFilter), a token's
// grant (SubscriberAuth::Authorize) and the start position, against an
// in-memory log of a few events. They must answer with the statuses the API
// documents, never crash or hang, and agree with themselves:
//  - a filter that parses describes itself as patterns that parse to the same
//    filter;
//  - what a grant authorizes never matches a type the grant does not;
//  - a start that resolves lies within the log.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "fuzz/filter_checks.h"
#include "google/protobuf/stubs/logging.h"
#include "server/event_filter.h"
#include "server/group_backend.h"
#include "server/start_position.h"
#include "server/subscriber_auth.h"
#include "store/memory_event_log.h"
#include "switchboard/v1/consumer_group.pb.h"
#include "switchboard/v1/event_stream.pb.h"

using switchboard::server::EventFilter;
using switchboard::server::Grant;
using Patterns = google::protobuf::RepeatedPtrField<std::string>;

namespace {

switchboard::MemoryEventLog* Log() {
  static auto* log = [] {
    auto* memory = new switchboard::MemoryEventLog(switchboard::MemoryEventLog::Options{});
    for (int i = 0; i < 5; ++i) {
      switchboard::v1::Event event;
      event.set_type(i % 2 == 0 ? "call.completed" : "sms.received");
      event.set_id("e" + std::to_string(i));
      event.mutable_received_at()->set_seconds(1767225600 + 60 * i);  // 2026-01-01, a minute apart
      memory->Append(std::move(event), [](absl::StatusOr<switchboard::AppendResult>) {});
    }
    return memory;
  }();
  return log;
}

void CheckFilter(const Patterns& patterns) {
  absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
  if (!filter.ok()) {
    if (!absl::IsInvalidArgument(filter.status())) std::abort();
    return;
  }
  switchboard::fuzz::CheckDescribesItself(*filter);
}

void CheckGrants(const Patterns& requested) {
  static const auto* grants = new std::vector<Grant>{
      {"billing", {"call.*", "sms.received"}, false},
      {"everything", {"*"}, true},
      {"one", {"contact.created"}, false},
  };
  for (const Grant& grant : *grants) {
    absl::StatusOr<Patterns> allowed = switchboard::server::SubscriberAuth::Authorize(grant, requested);
    if (!allowed.ok()) {
      if (!absl::IsPermissionDenied(allowed.status()) && !absl::IsInvalidArgument(allowed.status())) {
        std::abort();
      }
      continue;
    }
    Patterns own(grant.patterns.begin(), grant.patterns.end());
    absl::StatusOr<EventFilter> granted = EventFilter::Parse(own);
    absl::StatusOr<EventFilter> streamed = EventFilter::Parse(*allowed);
    if (!granted.ok()) std::abort();
    if (!streamed.ok()) continue;  // the caller refuses it as INVALID_ARGUMENT
    for (const std::string& type : switchboard::fuzz::ProbeTypes()) {
      if (streamed->Matches(type) && !granted->Matches(type)) std::abort();  // wider than the grant
    }
  }
}

template <typename Request>
void CheckStart(const Request& request) {
  absl::StatusOr<switchboard::server::StartPosition> start =
      switchboard::server::ResolveStart(*Log(), request);
  if (!start.ok()) {
    if (!absl::IsInvalidArgument(start.status()) && !absl::IsOutOfRange(start.status())) {
      std::abort();
    }
    return;
  }
  if (start->cursor > Log()->LastSequence()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Strings that are not UTF-8 fail to parse, as in gRPC; unlogged here.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(
        [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    switchboard::v1::SubscribeRequest request;
    if (!request.ParseFromString(bytes)) return 0;  // gRPC refuses it before us
    CheckFilter(request.event_types());
    CheckGrants(request.event_types());
    CheckStart(request);
  } else {
    switchboard::v1::JoinGroup join;
    if (!join.ParseFromString(bytes)) return 0;
    const absl::Status name = switchboard::server::ValidateGroupName(join.group());
    if (!name.ok() && !absl::IsInvalidArgument(name)) std::abort();
    if (name.ok() && (join.group().empty() || join.group().size() > 128)) std::abort();
    CheckFilter(join.event_types());
    CheckGrants(join.event_types());
    CheckStart(join);
  }
  return 0;
}
