#ifndef SWITCHBOARD_SERVER_CONSUMER_GROUP_REGISTRY_H_
#define SWITCHBOARD_SERVER_CONSUMER_GROUP_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "common/mutex.h"
#include "server/consumer_group.h"
#include "server/fanout_dispatcher.h"
#include "server/group_backend.h"
#include "store/event_log.h"
#include "store/group_store.h"

namespace switchboard::server {

// The GroupBackend of local event logs (memory, RocksDB):
// restores them from the GroupStore at start-up, creates one on its first
// join, deletes them, runs their ack deadlines on a timer thread and exports
// their metrics. Thread-safe.
class ConsumerGroupRegistry : public GroupBackend {
 public:
  struct Options {
    size_t max_groups = 1000;
    size_t max_members_per_group = 1000;
    absl::Duration tick = absl::Milliseconds(100);  // ack deadline resolution
  };

  // `log`, `dispatcher`, `store` and `metrics` must outlive the registry.
  ConsumerGroupRegistry(EventLog* log, FanoutDispatcher* dispatcher, GroupStore* store,
                        metrics::Registry* metrics, Options options);
  ~ConsumerGroupRegistry();

  ConsumerGroupRegistry(const ConsumerGroupRegistry&) = delete;
  ConsumerGroupRegistry& operator=(const ConsumerGroupRegistry&) = delete;

  // GroupBackend
  absl::Status Start() override;
  void Shutdown(const grpc::Status& status) override;
  absl::StatusOr<std::pair<std::shared_ptr<GroupHandle>, bool>> JoinOrCreate(
      const JoinSpec& spec) override;
  std::shared_ptr<GroupHandle> Find(absl::string_view name) const override;
  std::vector<std::shared_ptr<GroupHandle>> List() const override;
  std::vector<v1::GroupInfo> Snapshot() const override;
  absl::Status Delete(absl::string_view name) override;
  size_t max_members_per_group() const override { return options_.max_members_per_group; }

 private:
  void TimerLoop();
  // The groups, as themselves (List() hands out their GroupHandle side).
  std::vector<std::shared_ptr<ConsumerGroup>> Groups() const;

  EventLog* const log_;
  FanoutDispatcher* const dispatcher_;
  GroupStore* const store_;
  const Options options_;

  mutable Mutex mu_;
  absl::btree_map<std::string, std::shared_ptr<ConsumerGroup>> groups_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread timer_;
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_CONSUMER_GROUP_REGISTRY_H_
