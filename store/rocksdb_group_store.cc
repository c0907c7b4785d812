#include "store/rocksdb_group_store.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "rocksdb/write_batch.h"

namespace switchboard {
namespace {

// Keys (docs/STORAGE.md): 'c' NAME -> settings (switchboard.v1.GroupInfo),
// 'p' NAME -> position (EncodeGroupPosition), 'd' NAME '\0' SEQUENCE (8 bytes
// big-endian) -> switchboard.v1.DeadLetter. Names never hold '\0'.
std::string ConfigKey(absl::string_view group) { return absl::StrCat("c", group); }
std::string PositionKey(absl::string_view group) { return absl::StrCat("p", group); }
std::string DeadLetterPrefix(absl::string_view group) {
  return absl::StrCat("d", group, absl::string_view("\0", 1));
}
std::string DeadLetterKey(absl::string_view group, uint64_t sequence) {
  std::string key = DeadLetterPrefix(group);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(sequence >> shift));
  return key;
}

absl::Status ToAbsl(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(what, ": ", status.ToString()));
}

}  // namespace

RocksDbGroupStore::RocksDbGroupStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                     bool sync)
    : db_(db), family_(family), sync_(sync), writer_([this] { WriterLoop(); }) {}

RocksDbGroupStore::~RocksDbGroupStore() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

absl::StatusOr<std::vector<StoredGroup>> RocksDbGroupStore::LoadAll() {
  std::map<std::string, StoredGroup> groups;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    const absl::string_view value(it->value().data(), it->value().size());
    if (key.empty()) continue;
    const char kind = key[0];
    if (kind == 'c') {
      StoredGroup& group = groups[std::string(key.substr(1))];
      if (!group.config.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return absl::DataLossError(absl::StrCat("consumer group \"", key.substr(1),
                                                "\": its settings record is corrupt"));
      }
    } else if (kind == 'p') {
      absl::StatusOr<GroupPosition> position = DecodeGroupPosition(value);
      if (!position.ok()) {
        return absl::DataLossError(absl::StrCat("consumer group \"", key.substr(1),
                                                "\": ", position.status().message()));
      }
      groups[std::string(key.substr(1))].position = *std::move(position);
    } else if (kind == 'd') {
      const size_t end = key.find('\0');
      if (end == absl::string_view::npos) continue;
      v1::DeadLetter dead;
      if (!dead.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return absl::DataLossError(absl::StrCat("consumer group \"", key.substr(1, end - 1),
                                                "\": a dead letter record is corrupt"));
      }
      groups[std::string(key.substr(1, end - 1))].dead_letters.push_back(std::move(dead));
    }
  }
  if (!it->status().ok()) return ToAbsl(it->status(), "reading the consumer groups");
  std::vector<StoredGroup> out;
  for (auto& [name, group] : groups) {
    if (group.config.name().empty()) {
      LogWarning("consumer group \"%s\" has state but no settings; ignored", name);
      continue;
    }
    out.push_back(std::move(group));
  }
  return out;
}

void RocksDbGroupStore::Write(GroupWrite write, WriteCallback done) {
  MutexLock lock(&mu_);
  queue_.emplace_back(std::move(write), std::move(done));
}

void RocksDbGroupStore::WriterLoop() {
  for (;;) {
    std::vector<std::pair<GroupWrite, WriteCallback>> batch;
    {
      MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything queued is written
      batch.swap(queue_);
    }
    rocksdb::WriteBatch writes;
    rocksdb::Status status;
    for (auto& [write, done] : batch) {
      if (write.delete_group) {
        status = writes.Delete(family_, ConfigKey(write.group));
        if (status.ok()) status = writes.Delete(family_, PositionKey(write.group));
        const std::string prefix = DeadLetterPrefix(write.group);
        std::string end = prefix;
        end.back() = '\x01';
        if (status.ok()) status = writes.DeleteRange(family_, prefix, end);
      }
      if (status.ok() && write.config.has_value()) {
        status = writes.Put(family_, ConfigKey(write.group), write.config->SerializeAsString());
      }
      if (status.ok() && write.position.has_value()) {
        status = writes.Put(family_, PositionKey(write.group), EncodeGroupPosition(*write.position));
      }
      for (const v1::DeadLetter& dead : write.put_dead_letters) {
        if (status.ok()) {
          status = writes.Put(family_, DeadLetterKey(write.group, dead.sequence()),
                              dead.SerializeAsString());
        }
      }
      for (uint64_t sequence : write.delete_dead_letters) {
        if (status.ok()) status = writes.Delete(family_, DeadLetterKey(write.group, sequence));
      }
      if (!status.ok()) break;
    }
    if (status.ok()) {
      rocksdb::WriteOptions options;
      options.sync = sync_;
      status = db_->Write(options, &writes);
    }
    const absl::Status result = ToAbsl(status, "writing consumer group state");
    if (!result.ok()) LogWarning("%s", result.ToString());
    for (auto& [write, done] : batch) std::move(done)(result);
  }
}

}  // namespace switchboard
