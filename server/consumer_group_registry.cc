#include "server/consumer_group_registry.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/time_util.h"

namespace switchboard::server {
namespace {

constexpr absl::Duration kDefaultAckDeadline = absl::Seconds(30);
constexpr uint32_t kDefaultMaxDeliveryAttempts = 5;

std::string Describe(const std::vector<std::string>& types) {
  return types.empty() ? "every type" : absl::StrCat("[", absl::StrJoin(types, ", "), "]");
}

}  // namespace

GroupSettings NewGroupSettings(const GroupBackend::JoinSpec& spec, absl::Time now) {
  GroupSettings settings;
  settings.name = spec.group;
  settings.event_types = spec.event_types;
  settings.ack_deadline =
      spec.ack_deadline == absl::ZeroDuration() ? kDefaultAckDeadline : spec.ack_deadline;
  settings.max_delivery_attempts = spec.max_delivery_attempts == 0 ? kDefaultMaxDeliveryAttempts
                                                                   : spec.max_delivery_attempts;
  settings.created_at = now;
  return settings;
}

absl::Status CheckJoin(const GroupBackend::JoinSpec& spec, const GroupSettings& have) {
  if (spec.event_types_given && spec.event_types != have.event_types) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "group \"%s\" consumes %s, not %s: join with the same event_types (or none), or use "
        "another group name",
        spec.group, Describe(have.event_types), Describe(spec.event_types)));
  }
  if (spec.ack_deadline != absl::ZeroDuration() && spec.ack_deadline != have.ack_deadline) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "group \"%s\" has ack_deadline %s, not %s: leave it unset to use the group's", spec.group,
        absl::FormatDuration(have.ack_deadline), absl::FormatDuration(spec.ack_deadline)));
  }
  if (spec.max_delivery_attempts != 0 && spec.max_delivery_attempts != have.max_delivery_attempts) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "group \"%s\" has max_delivery_attempts %d, not %d: leave it 0 to use the group's",
        spec.group, have.max_delivery_attempts, spec.max_delivery_attempts));
  }
  return absl::OkStatus();
}

GroupSettings SettingsFromConfig(const v1::GroupInfo& config) {
  GroupSettings settings;
  settings.name = config.name();
  settings.event_types.assign(config.event_types().begin(), config.event_types().end());
  settings.ack_deadline = FromDuration(config.ack_deadline());
  settings.max_delivery_attempts = config.max_delivery_attempts();
  settings.created_at = FromTimestamp(config.created_at());
  return settings;
}

v1::GroupInfo ConfigFromSettings(const GroupSettings& settings) {
  v1::GroupInfo config;
  config.set_name(settings.name);
  for (const std::string& type : settings.event_types) config.add_event_types(type);
  ToDuration(settings.ack_deadline, config.mutable_ack_deadline());
  config.set_max_delivery_attempts(settings.max_delivery_attempts);
  ToTimestamp(settings.created_at, config.mutable_created_at());
  return config;
}

void AddRejected(v1::AckResult* result, uint64_t sequence, std::string reason) {
  v1::RejectedSequence* rejected = result->add_rejected();
  rejected->set_sequence(sequence);
  rejected->set_reason(std::move(reason));
}

absl::Status ValidateGroupName(absl::string_view name) {
  bool ok = !name.empty() && name.size() <= 128;
  for (char c : name) ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "invalid group name \"%s\"%s: use 1 to 128 letters, digits, '.', '_' or '-'",
      absl::CHexEscape(name.substr(0, 64)), name.size() > 64 ? "..." : ""));
}

ConsumerGroupRegistry::ConsumerGroupRegistry(EventLog* log, FanoutDispatcher* dispatcher,
                                             GroupStore* store, metrics::Registry* metrics,
                                             Options options)
    : log_(log), dispatcher_(dispatcher), store_(store), options_(options) {
  auto per_group = [this](uint64_t (ConsumerGroup::*value)() const) {
    return [this, value](std::vector<metrics::Sample>* out) {
      for (const auto& group : Groups()) {
        out->push_back({{{"group", group->settings().name}}, static_cast<double>((*group.*value)())});
      }
    };
  };
  metrics->AddCollector("switchboard_group_lag",
                        "Per consumer group: events not yet acked (pending, plus events stored "
                        "after its read position, of any type).",
                        "gauge", per_group(&ConsumerGroup::Lag));
  metrics->AddCollector("switchboard_group_pending",
                        "Per consumer group: events delivered and not yet acked.", "gauge",
                        per_group(&ConsumerGroup::PendingCount));
  metrics->AddCollector("switchboard_group_dead_letters",
                        "Per consumer group: events parked after max_delivery_attempts.", "gauge",
                        per_group(&ConsumerGroup::DeadLetterCount));
  metrics->AddCollector("switchboard_group_redeliveries_total",
                        "Per consumer group: deliveries beyond each event's first, since start.",
                        "counter", per_group(&ConsumerGroup::Redeliveries));
}

ConsumerGroupRegistry::~ConsumerGroupRegistry() {
  Shutdown(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
}

absl::Status ConsumerGroupRegistry::Start() {
  absl::StatusOr<std::vector<StoredGroup>> stored = store_->LoadAll();
  if (!stored.ok()) return stored.status();
  std::vector<std::shared_ptr<ConsumerGroup>> restored;
  for (const StoredGroup& s : *stored) {
    GroupSettings settings = SettingsFromConfig(s.config);
    google::protobuf::RepeatedPtrField<std::string> patterns(s.config.event_types().begin(),
                                                              s.config.event_types().end());
    absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
    if (!filter.ok()) {
      return absl::DataLossError(absl::StrCat("stored consumer group \"", settings.name,
                                              "\" has a filter this build refuses: ",
                                              filter.status().message()));
    }
    auto group = std::make_shared<ConsumerGroup>(std::move(settings), *std::move(filter), log_,
                                                 dispatcher_, store_);
    group->Restore(s);
    restored.push_back(std::move(group));
  }
  {
    MutexLock lock(&mu_);
    for (auto& group : restored) {
      group->Start();
      groups_[group->settings().name] = group;
    }
  }
  if (!restored.empty()) LogInfo("consumer groups restored: %d", restored.size());
  timer_ = std::thread([this] { TimerLoop(); });
  return absl::OkStatus();
}

void ConsumerGroupRegistry::Shutdown(const grpc::Status& status) {
  std::vector<std::shared_ptr<ConsumerGroup>> groups;
  {
    MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [name, group] : groups_) groups.push_back(group);
  }
  if (timer_.joinable()) timer_.join();
  for (auto& group : groups) group->Shutdown(status);
}

void ConsumerGroupRegistry::TimerLoop() {
  for (;;) {
    {
      MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(Condition(&stopping), options_.tick)) return;
    }
    const absl::Time now = absl::Now();
    for (const auto& group : Groups()) group->Expire(now);
  }
}

absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> ConsumerGroupRegistry::JoinOrCreate(
    const JoinSpec& spec) {
  std::shared_ptr<ConsumerGroup> group;
  {
    MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("server shutting down; join another instance");
    auto it = groups_.find(spec.group);
    if (it != groups_.end()) {
      if (absl::Status differs = CheckJoin(spec, it->second->settings()); !differs.ok()) {
        return differs;
      }
      return std::make_pair(std::shared_ptr<GroupHandle>(it->second), false);
    }
    if (groups_.size() >= options_.max_groups) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "%d consumer groups exist, the most this server keeps; delete unused ones "
          "(switchboard-cli groups delete NAME)",
          groups_.size()));
    }
    GroupSettings settings = NewGroupSettings(spec, absl::Now());
    google::protobuf::RepeatedPtrField<std::string> patterns(spec.event_types.begin(),
                                                              spec.event_types.end());
    absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
    if (!filter.ok()) return filter.status();
    group = std::make_shared<ConsumerGroup>(std::move(settings), *std::move(filter), log_,
                                            dispatcher_, store_);
    groups_[spec.group] = group;
  }
  group->Create(spec.start_after);
  group->Start();
  LogInfo("consumer group %s created: %s, after sequence %d", spec.group,
          Describe(spec.event_types), spec.start_after);
  return std::make_pair(std::shared_ptr<GroupHandle>(group), true);
}

std::shared_ptr<GroupHandle> ConsumerGroupRegistry::Find(absl::string_view name) const {
  MutexLock lock(&mu_);
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second;
}

std::vector<v1::GroupInfo> ConsumerGroupRegistry::Snapshot() const {
  std::vector<v1::GroupInfo> infos;
  const absl::Time now = absl::Now();
  for (const auto& group : Groups()) infos.push_back(group->Info(now));  // in memory
  return infos;
}

std::vector<std::shared_ptr<GroupHandle>> ConsumerGroupRegistry::List() const {
  MutexLock lock(&mu_);
  std::vector<std::shared_ptr<GroupHandle>> out;
  out.reserve(groups_.size());
  for (const auto& [name, group] : groups_) out.push_back(group);
  return out;
}

std::vector<std::shared_ptr<ConsumerGroup>> ConsumerGroupRegistry::Groups() const {
  MutexLock lock(&mu_);
  std::vector<std::shared_ptr<ConsumerGroup>> out;
  out.reserve(groups_.size());
  for (const auto& [name, group] : groups_) out.push_back(group);
  return out;
}

absl::Status ConsumerGroupRegistry::Delete(absl::string_view name) {
  std::shared_ptr<ConsumerGroup> group;
  {
    MutexLock lock(&mu_);
    auto it = groups_.find(name);
    if (it == groups_.end()) {
      return absl::NotFoundError(absl::StrCat("no consumer group \"", name, "\""));
    }
    group = std::move(it->second);
    groups_.erase(it);
  }
  group->Shutdown(grpc::Status(grpc::StatusCode::ABORTED,
                               absl::StrCat("consumer group \"", name, "\" was deleted")));
  GroupWrite write;
  write.group = std::string(name);
  write.delete_group = true;
  Notification stored;
  absl::Status status;
  store_->Write(std::move(write), [&](absl::Status s) {
    status = std::move(s);
    stored.Notify();
  });
  stored.WaitForNotification();
  if (status.ok()) LogInfo("consumer group %s deleted", name);
  return status;
}

}  // namespace switchboard::server
