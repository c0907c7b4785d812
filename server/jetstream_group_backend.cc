#include "server/jetstream_group_backend.h"

#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/named_thread.h"
#include "server/event_filter.h"

namespace switchboard::server {
namespace {

// Snapshot(): refreshed this often while it is asked for at least once per
// kIdleAfter (Prometheus scrapes every 15 to 60 s; the console every few).
constexpr absl::Duration kRefreshEvery = absl::Seconds(1);
constexpr absl::Duration kIdleAfter = absl::Minutes(5);

}  // namespace

JetStreamGroupBackend::JetStreamGroupBackend(JetStreamEventLog* log, metrics::Registry* metrics,
                                             Options options)
    : log_(log), options_(options) {
  // Per group, as JetStream says (every instance reports every group); one
  // snapshot serves the collectors of a scrape.
  auto per_group = [this](uint64_t (v1::GroupInfo::*value)() const) {
    return [this, value](std::vector<metrics::Sample>* out) {
      for (const v1::GroupInfo& info : Snapshot()) {
        out->push_back({{{"group", info.name()}}, static_cast<double>((info.*value)())});
      }
    };
  };
  metrics->AddCollector("switchboard_group_lag",
                        "Per consumer group: events not yet acked (pending, plus events its "
                        "JetStream consumer has not delivered yet).",
                        "gauge", per_group(&v1::GroupInfo::lag));
  metrics->AddCollector("switchboard_group_pending",
                        "Per consumer group: events delivered and not yet acked.", "gauge",
                        per_group(&v1::GroupInfo::pending));
  metrics->AddCollector("switchboard_group_dead_letters",
                        "Per consumer group: events parked after max_delivery_attempts.", "gauge",
                        per_group(&v1::GroupInfo::dead_letters));
  metrics->AddCollector("switchboard_group_redeliveries_total",
                        "Per consumer group: deliveries beyond each event's first, by this "
                        "instance, since it started.",
                        "counter", per_group(&v1::GroupInfo::redeliveries));
}

std::vector<v1::GroupInfo> JetStreamGroupBackend::Snapshot() const {
  MutexLock lock(&snapshot_mu_);
  const absl::Time now = absl::Now();
  if (now - asked_at_ > kIdleAfter) refresh_now_ = true;  // the refresher idled: wake it
  asked_at_ = now;
  return snapshot_;
}

void JetStreamGroupBackend::RefreshLoop() {
  for (;;) {
    {
      MutexLock lock(&snapshot_mu_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(snapshot_mu_) {
        return refresher_stop_ || refresh_now_;
      };
      snapshot_mu_.AwaitWithTimeout(Condition(&wake), kRefreshEvery);
      if (refresher_stop_) return;
      refresh_now_ = false;
      if (absl::Now() - asked_at_ > kIdleAfter) continue;  // nobody looks: ask NATS nothing
    }
    std::vector<v1::GroupInfo> infos;  // JetStream requests
    const absl::Time now = absl::Now();
    for (const auto& group : List()) infos.push_back(group->Info(now));
    MutexLock lock(&snapshot_mu_);
    snapshot_ = std::move(infos);
  }
}

void JetStreamGroupBackend::StopRefresher() {
  {
    MutexLock lock(&snapshot_mu_);
    refresher_stop_ = true;
  }
  if (refresher_.joinable()) refresher_.join();
}

JetStreamGroupBackend::~JetStreamGroupBackend() {
  StopRefresher();  // it uses the store and the groups
  Shutdown(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
  MutexLock lock(&mu_);
  groups_.clear();  // joins the groups' threads; the store, then the connection, go after
}

absl::Status JetStreamGroupBackend::Start() {
  JetStreamGroupStore::Options options;
  options.stream = log_->options().stream;
  options.subject_prefix = log_->options().subject_prefix;
  options.replicas = log_->replicas();
  options.api_timeout = log_->options().api_timeout;
  absl::StatusOr<std::unique_ptr<natsConnection, NatsDeleter>> nc =
      log_->ConnectBuffered("consumer groups");
  if (!nc.ok()) return nc.status();
  nc_ = *std::move(nc);
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = NatsMillis(options.api_timeout);
  jsCtx* js = nullptr;
  if (natsConnection_JetStream(&js, nc_.get(), &js_options) != NATS_OK) {
    return absl::InternalError("consumer groups: cannot create a JetStream context");
  }
  js_.reset(js);
  absl::StatusOr<std::unique_ptr<JetStreamGroupStore>> store =
      JetStreamGroupStore::Open(nc_.get(), js_.get(), options);
  if (!store.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consumer groups on JetStream: ", store.status().message(),
        ". Switchboard needs to create a KV bucket and a stream next to --nats_stream"));
  }
  store_ = *std::move(store);
  refresher_ = NamedThread("sb-group-stats", [this] { RefreshLoop(); });
  return absl::OkStatus();
}

void JetStreamGroupBackend::Shutdown(const grpc::Status& status) {
  std::vector<std::shared_ptr<JetStreamGroup>> groups;
  {
    MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [name, group] : groups_) groups.push_back(group);
  }
  for (auto& group : groups) group->Shutdown(status);
}

std::string JetStreamGroupBackend::FilterSubject(const std::vector<std::string>& event_types) const {
  if (event_types.size() != 1) return "";
  // "call.*" is every type starting "call.": one or more more tokens.
  const std::string& pattern = event_types[0];
  const std::string prefix = log_->options().subject_prefix;
  if (absl::EndsWith(pattern, ".*")) {
    return absl::StrCat(prefix, ".", pattern.substr(0, pattern.size() - 2), ".>");
  }
  // Exact types: only those whose subject is the type itself (see SubjectFor).
  for (char c : pattern) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return "";
  }
  return absl::StrCat(prefix, ".", pattern);
}

std::shared_ptr<JetStreamGroup> JetStreamGroupBackend::Handle(const v1::GroupInfo& config) const {
  MutexLock lock(&mu_);
  auto it = groups_.find(config.name());
  if (it != groups_.end() && !it->second->deleted()) return it->second;
  GroupSettings settings = SettingsFromConfig(config);
  google::protobuf::RepeatedPtrField<std::string> patterns(settings.event_types.begin(),
                                                            settings.event_types.end());
  absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
  if (!filter.ok()) {
    LogWarning("consumer group %s has a filter this build refuses (%s); skipping it",
               config.name(), filter.status().message());
    return nullptr;
  }
  std::string subject = FilterSubject(settings.event_types);
  auto group = std::make_shared<JetStreamGroup>(std::move(settings), *std::move(filter),
                                                std::move(subject), log_, store_.get());
  if (stopping_) group->Shutdown(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
  groups_[config.name()] = group;
  return group;
}

absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> JetStreamGroupBackend::JoinOrCreate(
    const JoinSpec& spec) {
  {
    MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("server shutting down; join another instance");
  }
  absl::StatusOr<std::optional<v1::GroupInfo>> existing = store_->Config(spec.group);
  if (!existing.ok()) return existing.status();
  v1::GroupInfo config;
  bool created = false;
  if (existing->has_value()) {
    config = **existing;
  } else {
    absl::StatusOr<std::vector<std::string>> names = store_->GroupNames();
    if (!names.ok()) return names.status();
    if (names->size() >= options_.max_groups) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "%d consumer groups exist, the most this server keeps; delete unused ones "
          "(ConsumerGroupService.DeleteGroup)",
          names->size()));
    }
    google::protobuf::RepeatedPtrField<std::string> patterns(spec.event_types.begin(),
                                                              spec.event_types.end());
    if (absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns); !filter.ok()) {
      return filter.status();
    }
    // Create-if-absent: when two instances race, both end up with the winner's.
    absl::StatusOr<std::pair<v1::GroupInfo, bool>> stored =
        store_->CreateConfig(ConfigFromSettings(NewGroupSettings(spec, absl::Now())));
    if (!stored.ok()) return stored.status();
    std::tie(config, created) = *std::move(stored);
  }
  const GroupSettings have = SettingsFromConfig(config);
  if (!created) {
    if (absl::Status differs = CheckJoin(spec, have); !differs.ok()) return differs;
  }
  absl::Status consumers = store_->EnsureConsumers(spec.group, have.ack_deadline,
                                                   FilterSubject(have.event_types), spec.start_after);
  if (!consumers.ok()) return consumers;
  std::shared_ptr<JetStreamGroup> group = Handle(config);
  if (group == nullptr) {
    return absl::DataLossError(absl::StrCat("consumer group \"", spec.group,
                                            "\" has a filter this build refuses; delete it"));
  }
  if (created) {
    LogInfo("consumer group %s created on JetStream: after sequence %d", spec.group,
            spec.start_after);
  }
  return std::make_pair(std::shared_ptr<GroupHandle>(std::move(group)), created);
}

std::shared_ptr<GroupHandle> JetStreamGroupBackend::Find(absl::string_view name) const {
  absl::StatusOr<std::optional<v1::GroupInfo>> config = store_->Config(name);
  if (!config.ok()) {
    LogWarning("consumer group %s: %s", name, config.status().message());
    MutexLock lock(&mu_);
    auto it = groups_.find(name);  // what this instance knew
    return it == groups_.end() ? nullptr : it->second;
  }
  if (!config->has_value()) return nullptr;
  return Handle(**config);
}

std::vector<std::shared_ptr<GroupHandle>> JetStreamGroupBackend::List() const {
  std::vector<std::shared_ptr<GroupHandle>> out;
  absl::StatusOr<std::vector<std::string>> names = store_->GroupNames();
  if (!names.ok()) {
    LogWarning("listing consumer groups: %s", names.status().message());
    return out;
  }
  for (const std::string& name : *names) {
    if (std::shared_ptr<GroupHandle> group = Find(name)) out.push_back(std::move(group));
  }
  return out;
}

absl::Status JetStreamGroupBackend::Delete(absl::string_view name) {
  if (absl::Status deleted = store_->Delete(name); !deleted.ok()) return deleted;
  std::shared_ptr<JetStreamGroup> group;
  {
    MutexLock lock(&mu_);
    if (auto it = groups_.find(name); it != groups_.end()) {
      group = std::move(it->second);
      groups_.erase(it);
    }
  }
  if (group != nullptr) {
    group->Shutdown(grpc::Status(grpc::StatusCode::ABORTED,
                                 absl::StrCat("consumer group \"", name, "\" was deleted")));
  }
  LogInfo("consumer group %s deleted", name);
  return absl::OkStatus();
}

}  // namespace switchboard::server
