#ifndef SWITCHBOARD_STORE_MEMORY_GROUP_STORE_H_
#define SWITCHBOARD_STORE_MEMORY_GROUP_STORE_H_

#include <utility>
#include <vector>

#include "store/group_store.h"

namespace switchboard {

// The consumer groups of the memory store: their state lives in the groups
// themselves and, like the events, is lost on restart. Writes succeed at once.
class MemoryGroupStore : public GroupStore {
 public:
  absl::StatusOr<std::vector<StoredGroup>> LoadAll() override { return std::vector<StoredGroup>(); }
  void Write(GroupWrite, WriteCallback done) override { std::move(done)(absl::OkStatus()); }
  bool durable() const override { return false; }
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_MEMORY_GROUP_STORE_H_
