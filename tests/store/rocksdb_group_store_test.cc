// Consumer group state in the RocksDB store: written with the events, read
// back after the store is closed and opened again, deleted with its group.

#include "store/rocksdb_group_store.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/rocksdb_event_log.h"

namespace switchboard {
namespace {

class RocksDbGroupStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/rocksdb_group_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<RocksDbEventLog> Open() {
    RocksDbEventLog::Options options;
    options.dir = dir_;
    absl::StatusOr<std::unique_ptr<RocksDbEventLog>> log = RocksDbEventLog::Open(options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  static absl::Status Write(GroupStore* store, GroupWrite write) {
    absl::Notification done;
    absl::Status status;
    store->Write(std::move(write), [&](absl::Status s) {
      status = s;
      done.Notify();
    });
    done.WaitForNotification();
    return status;
  }

  static GroupWrite Created(const std::string& name) {
    GroupWrite write;
    write.group = name;
    write.config.emplace();
    write.config->set_name(name);
    write.config->add_event_types("call.*");
    write.config->set_max_delivery_attempts(4);
    write.position = GroupPosition{7, 9, {{9, 9}}, {{8, 3}}, {}};
    return write;
  }

  std::string dir_;
};

TEST_F(RocksDbGroupStoreTest, StateSurvivesClosingAndOpeningTheStore) {
  {
    auto log = Open();
    ASSERT_NE(log, nullptr);
    GroupStore* store = log->group_store();
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->durable());
    ASSERT_TRUE(Write(store, Created("billing")).ok());
    ASSERT_TRUE(Write(store, Created("crm.sync-2")).ok());
    GroupWrite dead;
    dead.group = "billing";
    dead.position = GroupPosition{8, 12, {{10, 12}}, {}, {3}};
    for (uint64_t sequence : {8, 2, 300}) {
      v1::DeadLetter& d = dead.put_dead_letters.emplace_back();
      d.set_sequence(sequence);
      d.set_type("call.missed");
      d.set_delivery_attempts(4);
    }
    dead.delete_dead_letters = {2};
    ASSERT_TRUE(Write(store, std::move(dead)).ok());
  }
  auto log = Open();
  ASSERT_NE(log, nullptr);
  absl::StatusOr<std::vector<StoredGroup>> groups = log->group_store()->LoadAll();
  ASSERT_TRUE(groups.ok()) << groups.status();
  ASSERT_EQ(groups->size(), 2u);
  const StoredGroup& billing = (*groups)[0];
  EXPECT_EQ(billing.config.name(), "billing");
  EXPECT_EQ(billing.config.event_types(0), "call.*");
  EXPECT_EQ(billing.config.max_delivery_attempts(), 4u);
  EXPECT_TRUE(billing.position == (GroupPosition{8, 12, {{10, 12}}, {}, {3}}));
  ASSERT_EQ(billing.dead_letters.size(), 2u) << "dead letter 2 was deleted";
  EXPECT_EQ(billing.dead_letters[0].sequence(), 8u);
  EXPECT_EQ(billing.dead_letters[1].sequence(), 300u) << "in sequence order";
  EXPECT_EQ((*groups)[1].config.name(), "crm.sync-2");
  EXPECT_TRUE((*groups)[1].position == (GroupPosition{7, 9, {{9, 9}}, {{8, 3}}, {}}));
}

TEST_F(RocksDbGroupStoreTest, DeletingAGroupRemovesAllItsRecordsAndNoOthers) {
  auto log = Open();
  ASSERT_NE(log, nullptr);
  GroupStore* store = log->group_store();
  ASSERT_TRUE(Write(store, Created("a")).ok());
  ASSERT_TRUE(Write(store, Created("ab")).ok());  // a name that starts like the other
  GroupWrite dead;
  dead.group = "a";
  dead.put_dead_letters.emplace_back().set_sequence(5);
  ASSERT_TRUE(Write(store, std::move(dead)).ok());
  GroupWrite dead_ab;
  dead_ab.group = "ab";
  dead_ab.put_dead_letters.emplace_back().set_sequence(6);
  ASSERT_TRUE(Write(store, std::move(dead_ab)).ok());
  GroupWrite remove;
  remove.group = "a";
  remove.delete_group = true;
  ASSERT_TRUE(Write(store, std::move(remove)).ok());
  absl::StatusOr<std::vector<StoredGroup>> groups = store->LoadAll();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].config.name(), "ab");
  ASSERT_EQ((*groups)[0].dead_letters.size(), 1u);
  EXPECT_EQ((*groups)[0].dead_letters[0].sequence(), 6u);
}

}  // namespace
}  // namespace switchboard
