#ifndef SWITCHBOARD_STORE_ROCKSDB_EVENT_LOG_H_
#define SWITCHBOARD_STORE_ROCKSDB_EVENT_LOG_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "store/event_log.h"
#include "store/rocksdb_group_store.h"

namespace switchboard {

// The durable, embedded EventLog: RocksDB in a local directory. The on-disk
// layout is described in docs/STORAGE.md.
//
// Group commit: Append() queues the event; one writer thread takes everything
// queued, assigns sequences, checks ids for duplicates and writes the events,
// their ids and the new last sequence in one WriteBatch with one fsync (when
// `sync`), then completes every callback of the batch. A callback therefore
// reports an event that is on disk. A failed write fails its whole batch with
// UNAVAILABLE, reuses its sequences (no gap), and marks the store unwritable
// until a background probe write succeeds again. Below `min_free_bytes` of
// free disk space the store stops taking appends before RocksDB runs out.
//
// Retention by age and total size runs on a background thread, deleting the
// oldest events by range; the newest event is always kept so sequences
// continue across restarts. Recently appended events are also kept in memory
// so live subscribers never touch the disk.
class RocksDbEventLog : public EventLog {
 public:
  struct Options {
    std::string dir;                               // created when missing
    bool sync = true;                              // fsync each group commit
    absl::Duration max_age = absl::Hours(24 * 7);  // zero: no age limit
    uint64_t max_bytes = 10ull << 30;              // zero: no size limit
    absl::Duration dedup_window = absl::Hours(24);
    absl::Duration maintenance_interval = absl::Seconds(10);  // retention checks
    size_t max_pending = 16384;  // queued appends beyond this get UNAVAILABLE
    // Appends fail with UNAVAILABLE (503) while the disk has less free space
    // than this, so RocksDB itself never runs out of space mid-write.
    uint64_t min_free_bytes = 256 << 20;
    size_t cache_events = 8192;  // newest events kept in memory for live readers
  };

  // Opens (or creates) the log in `options.dir`. Errors say what to do, e.g.
  // when another process holds the directory.
  static absl::StatusOr<std::unique_ptr<RocksDbEventLog>> Open(Options options);

  // Completes queued appends, stops the background threads, closes the DB.
  ~RocksDbEventLog() override;

  // EventLog
  void Append(v1::Event event, AppendCallback done) override;
  absl::Status Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) override;
  uint64_t FirstSequence() const override;
  uint64_t LastSequence() const override;
  uint64_t WaitForNewer(uint64_t after, absl::Duration timeout) override;
  absl::StatusOr<uint64_t> FirstSequenceReceivedSince(absl::Time time) override;
  absl::Status Writable() const override;

  // The consumer groups' state, in the same database.
  GroupStore* group_store() override { return groups_.get(); }

  // Applies retention now (the background thread does it every
  // maintenance_interval). Returns the number of events deleted.
  // Size is the bytes of event records (key and value) before compression.
  absl::StatusOr<uint64_t> EnforceRetention();

 private:
  struct Pending {
    v1::Event event;
    AppendCallback done;
  };

  RocksDbEventLog(Options options, std::unique_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles,
                  std::unique_ptr<rocksdb::CompactionFilter> id_filter);
  absl::Status Load();

  void WriterLoop();
  void CommitBatch(std::vector<Pending> batch);
  // The stored sequence of `id` when it was received within the window.
  absl::StatusOr<uint64_t> StoredSequenceOf(const std::string& id, absl::Time received_at);
  void MarkUnwritable(const absl::Status& status);
  // UNAVAILABLE when the disk holding the store has less than min_free_bytes.
  absl::Status CheckFreeSpace() const;

  void MaintenanceLoop();
  // Tries to make the store writable again (DB::Resume plus a probe write).
  void TryRecover();
  absl::StatusOr<EventPtr> ReadOne(uint64_t sequence);

  const Options options_;
  std::unique_ptr<rocksdb::CompactionFilter> id_filter_;  // used by db_; outlives it
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;    // default column family
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* ids_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<RocksDbGroupStore> groups_;  // uses db_; reset before it closes

  // Appends waiting for the writer thread.
  Mutex queue_mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;

  // Owned by the writer thread (appended_bytes_ is also read by retention).
  uint64_t next_sequence_ = 1;
  std::atomic<uint64_t> appended_bytes_{0};
  google::protobuf::Timestamp last_received_at_;

  // What readers see.
  mutable Mutex mu_;
  uint64_t first_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<EventPtr> cache_ ABSL_GUARDED_BY(mu_);  // newest events, consecutive
  absl::Status writable_ ABSL_GUARDED_BY(mu_);
  bool stop_maintenance_ ABSL_GUARDED_BY(mu_) = false;

  Mutex retention_mu_;  // one retention pass at a time
  uint64_t deleted_bytes_ ABSL_GUARDED_BY(retention_mu_) = 0;
  std::thread writer_;
  std::thread maintenance_;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_ROCKSDB_EVENT_LOG_H_
