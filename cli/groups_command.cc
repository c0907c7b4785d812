#include "cli/groups_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/grpc_flags.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "switchboard/v1/consumer_group_service.grpc.pb.h"

namespace switchboard::cli {
namespace {

constexpr absl::Duration kCallTimeout = absl::Seconds(15);

void PrintError(absl::string_view message) { PrintCommandError("groups", message); }
int UsageError(absl::string_view message) { return CommandUsageError("groups", message); }

std::string Age(const google::protobuf::Duration& d) {
  if (d.seconds() == 0 && d.nanos() == 0) return "-";
  return absl::FormatDuration(absl::Trunc(absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos()),
                                          absl::Milliseconds(1)));
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string Types(const google::protobuf::RepeatedPtrField<std::string>& types) {
  return types.empty() ? "*" : absl::StrJoin(types, ",");
}

void PrintTable(const v1::ListGroupsResponse& groups) {
  std::printf("%-24s %-28s %7s %8s %8s %10s %6s %12s\n", "GROUP", "TYPES", "MEMBERS", "PENDING",
              "LAG", "OLDEST", "DEAD", "ACKED_THRU");
  for (const v1::GroupInfo& g : groups.groups()) {
    std::printf("%-24s %-28s %7d %8llu %8llu %10s %6llu %12llu\n", g.name().c_str(),
                Types(g.event_types()).c_str(), g.members_size(),
                static_cast<unsigned long long>(g.pending()),
                static_cast<unsigned long long>(g.lag()), Age(g.oldest_unacked_age()).c_str(),
                static_cast<unsigned long long>(g.dead_letters()),
                static_cast<unsigned long long>(g.acked_through()));
  }
}

void PrintGroup(const v1::GroupInfo& g) {
  std::printf("group %s\n  types: %s\n  ack deadline: %s, max delivery attempts: %u\n"
              "  created: %s\n  acked through: %llu\n  pending: %llu, lag: %llu, oldest unacked: "
              "%s\n  dead letters: %llu, redeliveries: %llu\n  members: %d\n",
              g.name().c_str(), Types(g.event_types()).c_str(), Age(g.ack_deadline()).c_str(),
              g.max_delivery_attempts(), Time(g.created_at()).c_str(),
              static_cast<unsigned long long>(g.acked_through()),
              static_cast<unsigned long long>(g.pending()),
              static_cast<unsigned long long>(g.lag()), Age(g.oldest_unacked_age()).c_str(),
              static_cast<unsigned long long>(g.dead_letters()),
              static_cast<unsigned long long>(g.redeliveries()), g.members_size());
  for (const v1::GroupMember& m : g.members()) {
    std::printf("    %s  %s  unacked %u/%u  joined %s\n", m.name().c_str(), m.peer().c_str(),
                m.unacked(), m.max_unacked(), Time(m.joined_at()).c_str());
  }
}

int PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) {
    PrintError("cannot print the answer as JSON");
    return kExitFailure;
  }
  std::fputs(json.c_str(), stdout);
  return kExitOk;
}

// Sequences from positional arguments after the group name.
absl::StatusOr<std::vector<uint64_t>> Sequences(const std::vector<std::string>& args) {
  std::vector<uint64_t> out;
  for (size_t i = 2; i < args.size(); ++i) {
    uint64_t sequence = 0;
    if (!absl::SimpleAtoi(args[i], &sequence) || absl::StartsWith(args[i], "-")) {
      return absl::InvalidArgumentError(absl::StrCat("\"", args[i], "\" is not a sequence"));
    }
    out.push_back(sequence);
  }
  return out;
}

}  // namespace

std::string GroupsUsage() {
  return absl::StrCat(R"(Usage: switchboard-cli groups ACTION [FLAGS] [ARGS]

Operates consumer groups (switchboard-cli consume joins one).

Actions:
  list                          every group: filter, members, pending, lag, oldest
                                unacked event, dead letters
  show NAME                     one group and its members
  seek NAME --after SEQ         deliver events after SEQ next (0: the oldest
                                retained); everything up to it counts as acked
  seek NAME --since TIME        ... events received at or after TIME (RFC 3339)
  seek NAME --latest            ... only events stored from now on
  dead-letters NAME             parked events, oldest first (--after SEQ, --limit N)
  requeue NAME (--all | SEQ...) deliver dead letters again, with fresh attempts
  drop NAME (--all | SEQ...)    forget dead letters (the events stay in the log)
  delete NAME                   delete the group; its members' streams end

Flags:
)",
                      GrpcFlagsUsage(), R"(  --json             print the server's answer as protobuf JSON
  -h, --help         this help

Exit status: 0 on success; 1 when the server cannot be reached or refuses
(no such group: NOT_FOUND); 2 for bad arguments.
)");
}

int RunGroups(const std::vector<std::string>& args) {
  std::vector<FlagSpec> specs = GrpcFlags();
  specs.insert(specs.end(), {{"json", true}, {"after"}, {"since"}, {"latest", true},
                             {"limit"}, {"all", true}});
  absl::StatusOr<CommandLine> line = CommandLine::Parse(args, specs);
  if (!line.ok()) return UsageError(line.status().message());
  if (line->help()) {
    std::fputs(GroupsUsage().c_str(), stdout);
    return kExitOk;
  }
  const std::vector<std::string>& words = line->positional();
  if (words.empty()) return UsageError("say what to do: list, show, seek, dead-letters, requeue, drop or delete");
  const std::string& action = words[0];
  const bool needs_group = action != "list";
  if (needs_group && words.size() < 2) return UsageError(absl::StrCat(action, " needs a group NAME"));
  const std::string group = needs_group ? words[1] : "";
  const std::string address = line->Get("addr", kDefaultGrpcAddress);
  if (absl::Status ok = CheckHostPort(address); !ok.ok()) return UsageError(ok.message());
  absl::StatusOr<std::string> token = LoadToken(*line);
  if (!token.ok()) return UsageError(token.status().message());
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls = LoadTls(*line);
  if (!tls.ok()) return UsageError(tls.status().message());
  const bool secure = *tls != nullptr;
  auto stub = v1::ConsumerGroupService::NewStub(
      grpc::CreateChannel(address, secure ? *tls : grpc::InsecureChannelCredentials()));
  auto decorate = TokenDecorator(*token);
  auto context = [&] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
    if (decorate) decorate(*c);
    return c;
  };
  auto failed = [&](const grpc::Status& status) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      PrintError(absl::StrCat(status.error_message(), ": ", UnreachableHint(address, secure)));
    } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      PrintError("this server has no consumer groups (its store runs none; see README)");
    } else {
      PrintError(absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(
                                  status.error_code())),
                              ": ", status.error_message()));
    }
    return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? kExitUsage : kExitFailure;
  };
  const bool json = line->GetBool("json");

  if (action == "list") {
    v1::ListGroupsResponse response;
    grpc::Status status = stub->ListGroups(context().get(), v1::ListGroupsRequest(), &response);
    if (!status.ok()) return failed(status);
    if (json) return PrintJson(response);
    PrintTable(response);
    return kExitOk;
  }
  if (action == "show") {
    v1::GetGroupRequest request;
    request.set_group(group);
    v1::GetGroupResponse response;
    grpc::Status status = stub->GetGroup(context().get(), request, &response);
    if (!status.ok()) return failed(status);
    if (json) return PrintJson(response);
    PrintGroup(response.group());
    return kExitOk;
  }
  if (action == "seek") {
    v1::SeekGroupRequest request;
    request.set_group(group);
    const int targets = line->Has("after") + line->Has("since") + line->GetBool("latest");
    if (targets != 1) return UsageError("seek needs one of --after SEQ, --since TIME, --latest");
    if (line->Has("after")) {
      uint64_t after = 0;
      if (!absl::SimpleAtoi(line->Get("after"), &after) || absl::StartsWith(line->Get("after"), "-")) {
        return UsageError(absl::StrCat("bad --after \"", line->Get("after"), "\""));
      }
      request.set_after_sequence(after);
    } else if (line->Has("since")) {
      absl::Time since;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, line->Get("since"), &since, &error)) {
        return UsageError(absl::StrCat("bad --since \"", line->Get("since"),
                                       "\": expected RFC 3339, e.g. 2026-03-12T14:30:00Z"));
      }
      request.mutable_received_since()->set_seconds(absl::ToUnixSeconds(since));
    } else {
      request.set_to_latest(true);
    }
    v1::SeekGroupResponse response;
    grpc::Status status = stub->SeekGroup(context().get(), request, &response);
    if (!status.ok()) return failed(status);
    if (json) return PrintJson(response);
    std::printf("group %s: acked through %llu; events after it are delivered next\n",
                group.c_str(), static_cast<unsigned long long>(response.group().acked_through()));
    return kExitOk;
  }
  if (action == "dead-letters") {
    v1::ListDeadLettersRequest request;
    request.set_group(group);
    uint64_t after = 0;
    uint32_t limit = 0;
    if (line->Has("after") && !absl::SimpleAtoi(line->Get("after"), &after)) {
      return UsageError(absl::StrCat("bad --after \"", line->Get("after"), "\""));
    }
    if (line->Has("limit") && !absl::SimpleAtoi(line->Get("limit"), &limit)) {
      return UsageError(absl::StrCat("bad --limit \"", line->Get("limit"), "\""));
    }
    request.set_after_sequence(after);
    request.set_limit(limit);
    v1::ListDeadLettersResponse response;
    grpc::Status status = stub->ListDeadLetters(context().get(), request, &response);
    if (!status.ok()) return failed(status);
    if (json) return PrintJson(response);
    std::printf("%-12s %-32s %8s %s\n", "SEQUENCE", "TYPE", "ATTEMPTS", "PARKED");
    for (const v1::DeadLetter& d : response.dead_letters()) {
      std::printf("%-12llu %-32s %8u %s\n", static_cast<unsigned long long>(d.sequence()),
                  d.type().c_str(), d.delivery_attempts(), Time(d.parked_at()).c_str());
    }
    std::printf("%d shown of %llu\n", response.dead_letters_size(),
                static_cast<unsigned long long>(response.total()));
    return kExitOk;
  }
  if (action == "requeue" || action == "drop") {
    absl::StatusOr<std::vector<uint64_t>> sequences = Sequences(words);
    if (!sequences.ok()) return UsageError(sequences.status().message());
    const bool all = line->GetBool("all");
    if (sequences->empty() == !all) return UsageError(absl::StrCat(action, " needs --all or sequences, not both"));
    grpc::Status status;
    uint64_t count = 0;
    if (action == "requeue") {
      v1::RequeueDeadLettersRequest request;
      request.set_group(group);
      request.set_all(all);
      for (uint64_t s : *sequences) request.add_sequences(s);
      v1::RequeueDeadLettersResponse response;
      status = stub->RequeueDeadLetters(context().get(), request, &response);
      count = response.requeued();
    } else {
      v1::DropDeadLettersRequest request;
      request.set_group(group);
      request.set_all(all);
      for (uint64_t s : *sequences) request.add_sequences(s);
      v1::DropDeadLettersResponse response;
      status = stub->DropDeadLetters(context().get(), request, &response);
      count = response.dropped();
    }
    if (!status.ok()) return failed(status);
    std::printf("group %s: %llu dead letter(s) %s\n", group.c_str(),
                static_cast<unsigned long long>(count), action == "requeue" ? "re-queued" : "dropped");
    return kExitOk;
  }
  if (action == "delete") {
    v1::DeleteGroupRequest request;
    request.set_group(group);
    v1::DeleteGroupResponse response;
    grpc::Status status = stub->DeleteGroup(context().get(), request, &response);
    if (!status.ok()) return failed(status);
    std::printf("group %s deleted\n", group.c_str());
    return kExitOk;
  }
  return UsageError(absl::StrCat("unknown action \"", action, "\""));
}

}  // namespace switchboard::cli
