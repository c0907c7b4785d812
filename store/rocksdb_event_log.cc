#include "store/rocksdb_event_log.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/time_util.h"
#include "store/received_since.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace switchboard {
namespace {

// Layout (docs/STORAGE.md). Bump kFormat when it changes incompatibly.
constexpr char kFormat[] = "1";
constexpr char kEventsFamily[] = "events";
constexpr char kIdsFamily[] = "ids";
constexpr char kGroupsFamily[] = "groups";  // consumer groups (rocksdb_group_store.h)
constexpr char kFormatKey[] = "format";
constexpr char kFirstKey[] = "first_sequence";
constexpr char kLastKey[] = "last_sequence";
// Byte counts of event records (key plus value): ever appended (written only
// by the writer thread) and ever deleted by retention (only by retention).
// Their difference is the size retention limits.
constexpr char kAppendedBytesKey[] = "appended_bytes";
constexpr char kDeletedBytesKey[] = "deleted_bytes";
constexpr char kProbeKey[] = "probe";

// How often free space is checked and, while unwritable, recovery attempted.
constexpr absl::Duration kHealthInterval = absl::Milliseconds(500);

void PutFixed64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t GetFixed64(const char* p) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

// Big-endian, so that keys sort in sequence order.
constexpr size_t kKeyBytes = 8;
std::string SequenceKey(uint64_t sequence) {
  std::string key;
  PutFixed64(sequence, &key);
  return key;
}

// ids value: sequence, then received_at in microseconds since the epoch.
std::string IdValue(uint64_t sequence, absl::Time received_at) {
  std::string value;
  PutFixed64(sequence, &value);
  PutFixed64(static_cast<uint64_t>(absl::ToUnixMicros(received_at)), &value);
  return value;
}

absl::Status ToAbsl(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(what, ": ", status.ToString()));
}

absl::StatusOr<uint64_t> ReadSequence(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                      const char* key, uint64_t missing) {
  std::string value;
  rocksdb::Status status = db->Get(rocksdb::ReadOptions(), family, key, &value);
  if (status.IsNotFound()) return missing;
  if (!status.ok()) return ToAbsl(status, absl::StrCat("reading ", key));
  if (value.size() != 8) {
    return absl::DataLossError(absl::StrCat("corrupt ", key, ": ", value.size(), " bytes"));
  }
  return GetFixed64(value.data());
}

// Drops ids older than the de-duplication window when RocksDB compacts them.
class ExpiredIdFilter : public rocksdb::CompactionFilter {
 public:
  explicit ExpiredIdFilter(absl::Duration window) : window_(window) {}
  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    if (value.size() != 16) return false;
    const absl::Time received_at =
        absl::FromUnixMicros(static_cast<int64_t>(GetFixed64(value.data() + 8)));
    return absl::Now() - received_at > window_;
  }
  const char* Name() const override { return "switchboard.ExpiredIdFilter"; }

 private:
  const absl::Duration window_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbEventLog>> RocksDbEventLog::Open(Options options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;
  db_options.recycle_log_file_num = 0;

  rocksdb::ColumnFamilyOptions events_options;
  events_options.OptimizeLevelStyleCompaction(64 << 20);
  rocksdb::ColumnFamilyOptions ids_options;
  // Every append looks its id up, and almost every lookup misses: Bloom
  // filters in the memtable and in each table file answer a miss without
  // searching them.
  rocksdb::BlockBasedTableOptions ids_table;
  ids_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  ids_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(ids_table));
  ids_options.memtable_prefix_bloom_size_ratio = 0.1;
  ids_options.memtable_whole_key_filtering = true;
  auto id_filter = std::make_unique<ExpiredIdFilter>(options.dedup_window);
  ids_options.compaction_filter = id_filter.get();
  // Compact every file at least daily so expired ids are dropped even when
  // little is written.
  ids_options.periodic_compaction_seconds = 24 * 60 * 60;

  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kEventsFamily, events_options},
      {kIdsFamily, ids_options},
      {kGroupsFamily, rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, options.dir, families, &handles, &raw);
  if (!status.ok()) {
    if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", options.dir, " is in use by another process (", status.ToString(),
          "); stop it, or pass a different --data_dir"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open the event store in ", options.dir, ": ", status.ToString(),
        "; check that the directory is writable, or pass a different --data_dir"));
  }
  std::unique_ptr<RocksDbEventLog> log(new RocksDbEventLog(
      std::move(options), std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
      std::move(id_filter)));
  if (absl::Status loaded = log->Load(); !loaded.ok()) return loaded;
  log->groups_ = std::make_unique<RocksDbGroupStore>(log->db_.get(), log->handles_[3],
                                                     log->options_.sync);
  log->writer_ = std::thread([log = log.get()] { log->WriterLoop(); });
  log->maintenance_ = std::thread([log = log.get()] { log->MaintenanceLoop(); });
  return log;
}

RocksDbEventLog::RocksDbEventLog(Options options, std::unique_ptr<rocksdb::DB> db,
                                 std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                 std::unique_ptr<rocksdb::CompactionFilter> id_filter)
    : options_(std::move(options)),
      id_filter_(std::move(id_filter)),
      db_(std::move(db)),
      meta_(handles[0]),
      events_(handles[1]),
      ids_(handles[2]),
      handles_(std::move(handles)) {}

absl::Status RocksDbEventLog::Load() {
  std::string format;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), meta_, kFormatKey, &format);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write;
    write.sync = true;
    status = db_->Put(write, meta_, kFormatKey, kFormat);
    format = kFormat;
  }
  if (!status.ok()) return ToAbsl(status, "reading the store format");
  if (format != kFormat) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", options_.dir, " holds store format ", format, "; this build reads ",
        "format ", kFormat, ". Use the matching switchboard version or a new --data_dir"));
  }
  absl::StatusOr<uint64_t> first = ReadSequence(db_.get(), meta_, kFirstKey, 1);
  if (!first.ok()) return first.status();
  absl::StatusOr<uint64_t> last = ReadSequence(db_.get(), meta_, kLastKey, 0);
  if (!last.ok()) return last.status();
  absl::StatusOr<uint64_t> appended = ReadSequence(db_.get(), meta_, kAppendedBytesKey, 0);
  if (!appended.ok()) return appended.status();
  absl::StatusOr<uint64_t> deleted = ReadSequence(db_.get(), meta_, kDeletedBytesKey, 0);
  if (!deleted.ok()) return deleted.status();
  appended_bytes_ = *appended;
  {
    MutexLock lock(&retention_mu_);
    deleted_bytes_ = *deleted;
  }
  if (*last > 0) {
    absl::StatusOr<EventPtr> newest = ReadOne(*last);
    if (!newest.ok()) {
      return absl::DataLossError(absl::StrCat("the newest event (sequence ", *last,
                                              ") cannot be read: ", newest.status().message()));
    }
    last_received_at_ = (*newest)->event().received_at();
  }
  MutexLock lock(&mu_);
  first_ = *first;
  last_ = *last;
  next_sequence_ = *last + 1;
  return absl::OkStatus();
}

RocksDbEventLog::~RocksDbEventLog() {
  {
    MutexLock lock(&queue_mu_);
    stopping_ = true;
  }
  if (writer_.joinable()) writer_.join();
  {
    MutexLock lock(&mu_);
    stop_maintenance_ = true;
  }
  if (maintenance_.joinable()) maintenance_.join();
  groups_.reset();  // applies queued group writes first
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close().PermitUncheckedError();
}

void RocksDbEventLog::Append(v1::Event event, AppendCallback done) {
  if (absl::Status writable = Writable(); !writable.ok()) {
    return std::move(done)(writable);
  }
  {
    MutexLock lock(&queue_mu_);
    if (queue_.size() < options_.max_pending && !stopping_) {
      queue_.push_back({std::move(event), std::move(done)});
      return;
    }
  }
  std::move(done)(absl::UnavailableError(
      "the event store is saturated (too many appends waiting for the disk); retry"));
}

void RocksDbEventLog::WriterLoop() {
  for (;;) {
    std::vector<Pending> batch;
    {
      MutexLock lock(&queue_mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
        return !queue_.empty() || stopping_;
      };
      queue_mu_.Await(Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything is committed
      batch.swap(queue_);
    }
    CommitBatch(std::move(batch));
  }
}

absl::StatusOr<uint64_t> RocksDbEventLog::StoredSequenceOf(const std::string& id,
                                                           absl::Time received_at) {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), ids_, id, &value);
  if (status.IsNotFound()) return 0;
  if (!status.ok()) return ToAbsl(status, "looking up the event id");
  if (value.size() != 16) return 0;
  const absl::Time stored_at = absl::FromUnixMicros(static_cast<int64_t>(GetFixed64(value.data() + 8)));
  if (received_at - stored_at > options_.dedup_window) return 0;
  return GetFixed64(value.data());
}

void RocksDbEventLog::CommitBatch(std::vector<Pending> batch) {
  rocksdb::WriteBatch write_batch;
  std::vector<absl::StatusOr<AppendResult>> results(batch.size());
  std::vector<EventPtr> stored;
  absl::flat_hash_map<std::string, uint64_t> batch_ids;  // ids new in this batch
  uint64_t next = next_sequence_;
  uint64_t appended_bytes = appended_bytes_;
  google::protobuf::Timestamp received_floor = last_received_at_;
  for (size_t i = 0; i < batch.size(); ++i) {
    v1::Event& event = batch[i].event;
    if (auto it = batch_ids.find(event.id()); it != batch_ids.end()) {
      results[i] = AppendResult{it->second, /*duplicate=*/true};
      continue;
    }
    absl::StatusOr<uint64_t> original =
        StoredSequenceOf(event.id(), FromTimestamp(event.received_at()));
    if (!original.ok()) {
      results[i] = original.status();
      continue;
    }
    if (*original != 0) {
      results[i] = AppendResult{*original, /*duplicate=*/true};
      continue;
    }
    const uint64_t sequence = next++;
    event.set_sequence(sequence);
    ClampReceivedAt(received_floor, event.mutable_received_at());
    received_floor = event.received_at();
    std::string value;  // kept: what subscribers are sent
    event.SerializeToString(&value);
    write_batch.Put(events_, SequenceKey(sequence), value);
    appended_bytes += kKeyBytes + value.size();
    write_batch.Put(ids_, event.id(), IdValue(sequence, FromTimestamp(event.received_at())));
    batch_ids.emplace(event.id(), sequence);
    results[i] = AppendResult{sequence, /*duplicate=*/false};
    stored.push_back(std::make_shared<const StoredEvent>(std::move(event), std::move(value)));
  }

  if (!stored.empty()) {
    write_batch.Put(meta_, kLastKey, SequenceKey(next - 1));
    write_batch.Put(meta_, kAppendedBytesKey, SequenceKey(appended_bytes));
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync;
    absl::Status status = CheckFreeSpace();
    if (status.ok()) status = ToAbsl(db_->Write(write_options, &write_batch), "write failed");
    if (!status.ok()) {
      MarkUnwritable(status);
      const absl::Status failed = absl::UnavailableError(
          absl::StrCat("event not stored: ", status.message(), "; retry later"));
      // The batch is not stored: its sequences are reused. Its events, and
      // duplicates of them within the batch, fail; duplicates of events
      // stored earlier keep their answer.
      for (size_t i = 0; i < batch.size(); ++i) {
        if (results[i].ok() && results[i]->sequence >= next_sequence_) results[i] = failed;
      }
      stored.clear();
    } else {
      next_sequence_ = next;
      appended_bytes_ = appended_bytes;
      last_received_at_ = received_floor;
      MutexLock lock(&mu_);
      last_ = next - 1;
      for (EventPtr& event : stored) cache_.push_back(std::move(event));
      while (cache_.size() > options_.cache_events) cache_.pop_front();
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) std::move(batch[i].done)(std::move(results[i]));
}

absl::Status RocksDbEventLog::CheckFreeSpace() const {
  if (options_.min_free_bytes == 0) return absl::OkStatus();
  struct statvfs fs;
  if (statvfs(options_.dir.c_str(), &fs) != 0) return absl::OkStatus();  // let RocksDB tell
  const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes >= options_.min_free_bytes) return absl::OkStatus();
  return absl::UnavailableError(absl::StrFormat(
      "disk almost full: %d bytes free in %s, below --min_free_disk_bytes=%d; free some space "
      "or lower the retention limits",
      free_bytes, options_.dir, options_.min_free_bytes));
}

void RocksDbEventLog::MarkUnwritable(const absl::Status& status) {
  MutexLock lock(&mu_);
  if (!writable_.ok()) return;
  writable_ = absl::UnavailableError(
      absl::StrCat("the event store in ", options_.dir, " cannot write: ", status.message()));
  LogError("%s; answering 503 until a write succeeds again", writable_.message());
}

absl::Status RocksDbEventLog::Writable() const {
  MutexLock lock(&mu_);
  return writable_;
}

void RocksDbEventLog::TryRecover() {
  if (!CheckFreeSpace().ok()) return;
  rocksdb::Status status = db_->Resume();
  if (status.ok()) {
    rocksdb::WriteOptions write;
    write.sync = true;
    status = db_->Put(write, meta_, kProbeKey, SequenceKey(absl::ToUnixMicros(absl::Now())));
  }
  if (!status.ok()) return;
  MutexLock lock(&mu_);
  writable_ = absl::OkStatus();
  LogInfo("the event store in %s is writable again", options_.dir);
}

void RocksDbEventLog::MaintenanceLoop() {
  absl::Time next_retention = absl::Now() + options_.maintenance_interval;
  for (;;) {
    bool unwritable;
    {
      MutexLock lock(&mu_);
      auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_maintenance_; };
      mu_.AwaitWithTimeout(Condition(&stop),
                           std::min(next_retention - absl::Now(), kHealthInterval));
      if (stop_maintenance_) return;
      unwritable = !writable_.ok();
    }
    if (unwritable) {
      TryRecover();
    } else if (absl::Status space = CheckFreeSpace(); !space.ok()) {
      MarkUnwritable(space);  // readiness turns before a webhook fails
    }
    if (absl::Now() >= next_retention) {
      if (absl::StatusOr<uint64_t> deleted = EnforceRetention(); !deleted.ok()) {
        LogWarning("retention: %s", deleted.status().message());
      }
      next_retention = absl::Now() + options_.maintenance_interval;
    }
  }
}

absl::StatusOr<EventPtr> RocksDbEventLog::ReadOne(uint64_t sequence) {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), events_, SequenceKey(sequence), &value);
  if (status.IsNotFound()) return absl::NotFoundError(absl::StrCat("no event ", sequence));
  if (!status.ok()) return ToAbsl(status, absl::StrCat("reading event ", sequence));
  absl::StatusOr<EventPtr> event = StoredEvent::FromBytes(std::move(value));
  if (!event.ok()) {
    return absl::DataLossError(
        absl::StrCat("event ", sequence, " is corrupt on disk: ", event.status().message()));
  }
  return event;
}

absl::Status RocksDbEventLog::Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) {
  uint64_t last;
  {
    MutexLock lock(&mu_);
    if (after >= last_ || max_events == 0) return absl::OkStatus();
    if (after + 1 < first_) {
      return absl::OutOfRangeError(absl::StrFormat(
          "events after sequence %d are no longer retained; the oldest retained sequence is %d",
          after, first_));
    }
    if (!cache_.empty() && after + 1 >= cache_.front()->sequence()) {
      const size_t begin = after + 1 - cache_.front()->sequence();
      const size_t end = begin + std::min(max_events, cache_.size() - begin);
      for (size_t i = begin; i < end; ++i) out->push_back(cache_[i]);
      return absl::OkStatus();
    }
    last = std::min(last_, after + max_events);
  }
  // Older than the cache: read from disk, at most max_events at a time.
  const std::string upper = SequenceKey(last + 1);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_bound;
  read_options.fill_cache = false;  // a replay should not evict the hot blocks
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, events_));
  uint64_t expected = after + 1;
  for (it->Seek(SequenceKey(expected)); it->Valid(); it->Next(), ++expected) {
    if (it->key().size() != 8 || GetFixed64(it->key().data()) != expected) break;
    // Not parsed: subscribers are sent these bytes as they are.
    absl::StatusOr<EventPtr> event = StoredEvent::FromBytes(it->value().ToString());
    if (!event.ok()) {
      return absl::DataLossError(
          absl::StrCat("event ", expected, " is corrupt on disk: ", event.status().message()));
    }
    out->push_back(*std::move(event));
  }
  if (!it->status().ok()) return ToAbsl(it->status(), "reading events");
  if (expected == after + 1) {
    // Retention deleted the range while we looked.
    return absl::OutOfRangeError(absl::StrFormat(
        "events after sequence %d are no longer retained; the oldest retained sequence is %d",
        after, FirstSequence()));
  }
  return absl::OkStatus();
}

uint64_t RocksDbEventLog::FirstSequence() const {
  MutexLock lock(&mu_);
  return first_;
}

uint64_t RocksDbEventLog::LastSequence() const {
  MutexLock lock(&mu_);
  return last_;
}

uint64_t RocksDbEventLog::WaitForNewer(uint64_t after, absl::Duration timeout) {
  MutexLock lock(&mu_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_ > after; };
  mu_.AwaitWithTimeout(Condition(&newer), timeout);
  return last_;
}

absl::StatusOr<uint64_t> RocksDbEventLog::FirstSequenceReceivedSince(absl::Time time) {
  uint64_t first, end;
  {
    MutexLock lock(&mu_);
    first = first_;
    end = last_ + 1;
  }
  return switchboard::FirstSequenceReceivedSince(
      first, end, time, [this](uint64_t sequence) { return ReadOne(sequence); });
}

absl::StatusOr<uint64_t> RocksDbEventLog::EnforceRetention() {
  MutexLock retention_lock(&retention_mu_);
  uint64_t first, last;
  {
    MutexLock lock(&mu_);
    first = first_;
    last = last_;
  }
  if (last <= first) return 0;  // the newest event is always kept
  uint64_t age_cut = first;  // events before it are too old
  if (options_.max_age > absl::ZeroDuration()) {
    absl::StatusOr<uint64_t> young = FirstSequenceReceivedSince(absl::Now() - options_.max_age);
    if (!young.ok()) return young.status();
    age_cut = *young;
  }
  // Walk from the oldest event, deleting while it is too old or the store is
  // over its size limit; never the newest event. Reads only what it deletes.
  uint64_t retained = appended_bytes_.load() - deleted_bytes_;
  uint64_t cut = first;
  uint64_t deleted_bytes = 0;
  const std::string upper = SequenceKey(last);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_bound;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, events_));
  for (it->Seek(SequenceKey(first)); it->Valid(); it->Next()) {
    const bool too_old = cut < age_cut;
    const bool too_big = options_.max_bytes > 0 && retained > options_.max_bytes;
    if (!too_old && !too_big) break;
    const uint64_t bytes = it->key().size() + it->value().size();
    retained -= std::min(retained, bytes);
    deleted_bytes += bytes;
    cut = GetFixed64(it->key().data()) + 1;
  }
  if (!it->status().ok()) return ToAbsl(it->status(), "reading old events");
  it.reset();
  if (cut <= first) return 0;

  rocksdb::WriteBatch batch;
  batch.DeleteRange(events_, SequenceKey(first), SequenceKey(cut));
  batch.Put(meta_, kFirstKey, SequenceKey(cut));
  batch.Put(meta_, kDeletedBytesKey, SequenceKey(deleted_bytes_ + deleted_bytes));
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  if (rocksdb::Status status = db_->Write(write_options, &batch); !status.ok()) {
    absl::Status failed = ToAbsl(status, "deleting old events");
    MarkUnwritable(failed);
    return failed;
  }
  deleted_bytes_ += deleted_bytes;
  {
    MutexLock lock(&mu_);
    first_ = cut;
    while (!cache_.empty() && cache_.front()->sequence() < cut) cache_.pop_front();
  }
  // Reclaim the space now rather than whenever compaction reaches the range.
  const std::string begin_key = SequenceKey(first);
  const std::string end_key = SequenceKey(cut);
  rocksdb::Slice begin(begin_key), end(end_key);
  db_->CompactRange(rocksdb::CompactRangeOptions(), events_, &begin, &end).PermitUncheckedError();
  return cut - first;
}

}  // namespace switchboard
