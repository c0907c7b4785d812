#ifndef SWITCHBOARD_SERVER_SEQUENCE_SET_H_
#define SWITCHBOARD_SERVER_SEQUENCE_SET_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"

namespace switchboard::server {

// A set of sequences kept as disjoint, non-adjacent ranges [first, last], so
// that long runs (everything a consumer group acked or skipped) cost one
// entry. Not thread-safe.
class SequenceSet {
 public:
  void Insert(uint64_t sequence) { InsertRange(sequence, sequence); }

  // Adds [first, last] (first <= last), merging with touching ranges.
  void InsertRange(uint64_t first, uint64_t last) {
    auto next = ranges_.upper_bound(first);
    if (next != ranges_.begin()) {
      auto previous = std::prev(next);
      if (previous->second + 1 >= first) {  // overlaps or touches on the left
        if (previous->second >= last) return;
        first = previous->first;
        next = ranges_.erase(previous);
      }
    }
    while (next != ranges_.end() && next->first <= last + 1) {  // swallows on the right
      if (next->second > last) last = next->second;
      next = ranges_.erase(next);
    }
    ranges_.emplace(first, last);
  }

  bool Contains(uint64_t sequence) const {
    auto next = ranges_.upper_bound(sequence);
    return next != ranges_.begin() && std::prev(next)->second >= sequence;
  }

  // The last sequence of the run that starts exactly at `sequence`, if any.
  std::optional<uint64_t> RunFrom(uint64_t sequence) const {
    auto it = ranges_.find(sequence);
    if (it == ranges_.end()) return std::nullopt;
    return it->second;
  }

  // Removes every sequence <= `through`.
  void EraseThrough(uint64_t through) {
    while (!ranges_.empty() && ranges_.begin()->first <= through) {
      auto first = ranges_.begin();
      const uint64_t last = first->second;
      ranges_.erase(first);
      if (last > through) {
        ranges_.emplace(through + 1, last);
        return;
      }
    }
  }

  void Clear() { ranges_.clear(); }
  bool empty() const { return ranges_.empty(); }
  size_t range_count() const { return ranges_.size(); }

  // The ranges, in order.
  std::vector<std::pair<uint64_t, uint64_t>> Ranges() const {
    return std::vector<std::pair<uint64_t, uint64_t>>(ranges_.begin(), ranges_.end());
  }

 private:
  absl::btree_map<uint64_t, uint64_t> ranges_;  // first -> last
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_SEQUENCE_SET_H_
