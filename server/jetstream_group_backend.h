#ifndef SWITCHBOARD_SERVER_JETSTREAM_GROUP_BACKEND_H_
#define SWITCHBOARD_SERVER_JETSTREAM_GROUP_BACKEND_H_

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/metrics.h"
#include "common/mutex.h"
#include "server/group_backend.h"
#include "server/jetstream_group.h"
#include "store/jetstream_event_log.h"
#include "store/jetstream_group_store.h"
#include "store/nats_util.h"

namespace switchboard::server {

// The GroupBackend of the JetStream store (--store=jetstream): a group is a
// durable JetStream consumer and its settings live in JetStream
// (JetStreamGroupStore), so members on different instances share one group,
// and a group outlives any instance and, with replicated streams, the loss
// of a NATS node. Each instance keeps a JetStreamGroup per group it has seen
// (its local members, fetching, acks). README, "Consumer groups on
// JetStream", for the guarantees and limits.
//
// Thread-safe. JoinOrCreate, Find, List and Delete make JetStream API
// requests: each blocks for at most about the store's API timeout. Snapshot()
// does not: a thread of its own (sb-group-stats) refreshes it once a second
// while it is asked for, so that neither a Prometheus scrape nor the console
// waits on NATS.
class JetStreamGroupBackend : public GroupBackend {
 public:
  struct Options {
    size_t max_groups = 1000;
    size_t max_members_per_group = 1000;
  };

  // `log` and `metrics` must outlive the backend.
  JetStreamGroupBackend(JetStreamEventLog* log, metrics::Registry* metrics, Options options);
  ~JetStreamGroupBackend() override;

  // GroupBackend
  // Creates (or binds) the KV bucket and the requeue stream.
  absl::Status Start() override;
  void Shutdown(const grpc::Status& status) override;
  absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> JoinOrCreate(
      const JoinSpec& spec) override;
  std::shared_ptr<GroupHandle> Find(absl::string_view name) const override;
  std::vector<std::shared_ptr<GroupHandle>> List() const override;
  // As of the last refresh (at most about a second old while it is called
  // at least every kIdleAfter; the first call after a longer pause returns
  // the old one and refreshes at once).
  std::vector<v1::GroupInfo> Snapshot() const override;
  absl::Status Delete(absl::string_view name) override;
  size_t max_members_per_group() const override { return options_.max_members_per_group; }

 private:
  // This instance's handle on the group `config` describes (made on first use).
  std::shared_ptr<JetStreamGroup> Handle(const v1::GroupInfo& config) const;
  // The consumer's subject filter for a group of `event_types`: one pattern
  // maps onto a subject (measured 2.3x faster than filtering every event
  // here on nats-server 2.9.10, docs/PERFORMANCE.md); several, or none, read
  // every event ("": nats-server 2.9 takes one filter per consumer).
  std::string FilterSubject(const std::vector<std::string>& event_types) const;
  // Refreshes the snapshot while it is asked for, until StopRefresher().
  void RefreshLoop();
  void StopRefresher();

  JetStreamEventLog* const log_;
  const Options options_;
  // The groups' own connection (buffered: a batch of acks leaves in a few
  // writes) and its JetStream context; destroyed after the groups.
  std::unique_ptr<natsConnection, NatsDeleter> nc_;
  std::unique_ptr<jsCtx, NatsDeleter> js_;
  std::unique_ptr<JetStreamGroupStore> store_;

  mutable Mutex mu_;
  mutable absl::btree_map<std::string, std::shared_ptr<JetStreamGroup>> groups_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  mutable Mutex snapshot_mu_;
  std::vector<v1::GroupInfo> snapshot_ ABSL_GUARDED_BY(snapshot_mu_);
  mutable absl::Time asked_at_ ABSL_GUARDED_BY(snapshot_mu_) = absl::InfinitePast();
  mutable bool refresh_now_ ABSL_GUARDED_BY(snapshot_mu_) = false;
  bool refresher_stop_ ABSL_GUARDED_BY(snapshot_mu_) = false;
  std::thread refresher_;
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_JETSTREAM_GROUP_BACKEND_H_
