#ifndef SWITCHBOARD_STORE_ROCKSDB_GROUP_STORE_H_
#define SWITCHBOARD_STORE_ROCKSDB_GROUP_STORE_H_

#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/mutex.h"
#include "rocksdb/db.h"
#include "store/group_store.h"

namespace switchboard {

// Consumer groups' state in the `groups` column family of the RocksDB event
// store (layout: docs/STORAGE.md), next to the events they point at.
//
// Group commit, as for events: Write() queues; one writer thread applies
// everything queued in one WriteBatch with one fsync (when `sync`), then runs
// the callbacks. An ack therefore reports a write on disk. Owned by the
// RocksDbEventLog that owns the database; destroyed before it closes.
class RocksDbGroupStore : public GroupStore {
 public:
  // `db` and `family` must outlive the store.
  RocksDbGroupStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, bool sync);
  // Applies what is queued, then stops the writer thread.
  ~RocksDbGroupStore() override;

  RocksDbGroupStore(const RocksDbGroupStore&) = delete;
  RocksDbGroupStore& operator=(const RocksDbGroupStore&) = delete;

  // GroupStore
  absl::StatusOr<std::vector<StoredGroup>> LoadAll() override;
  void Write(GroupWrite write, WriteCallback done) override;
  bool durable() const override { return true; }

 private:
  void WriterLoop();

  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const family_;
  const bool sync_;

  Mutex mu_;
  std::vector<std::pair<GroupWrite, WriteCallback>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_ROCKSDB_GROUP_STORE_H_
