#include "store/group_store.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace switchboard {
namespace {

constexpr uint32_t kPositionFormat = 1;
// More entries than any real group holds: a corrupt count must not make the
// decoder allocate without bound.
constexpr uint64_t kMaxEntries = 1u << 24;

}  // namespace

bool operator==(const GroupPosition& a, const GroupPosition& b) {
  return a.floor == b.floor && a.delivered_through == b.delivered_through && a.done == b.done &&
         a.attempts == b.attempts && a.requeued == b.requeued;
}

std::string EncodeGroupPosition(const GroupPosition& position) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteVarint32(kPositionFormat);
    out.WriteVarint64(position.floor);
    out.WriteVarint64(position.delivered_through);
    // Ranges as (gap from the previous end, length - 1): small numbers.
    out.WriteVarint64(position.done.size());
    uint64_t previous = position.floor;
    for (const auto& [first, last] : position.done) {
      out.WriteVarint64(first - previous);
      out.WriteVarint64(last - first);
      previous = last;
    }
    out.WriteVarint64(position.attempts.size());
    for (const auto& [sequence, attempts] : position.attempts) {
      out.WriteVarint64(sequence);
      out.WriteVarint32(attempts);
    }
    out.WriteVarint64(position.requeued.size());
    for (uint64_t sequence : position.requeued) out.WriteVarint64(sequence);
  }
  return bytes;
}

absl::StatusOr<GroupPosition> DecodeGroupPosition(absl::string_view bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  auto corrupt = [] { return absl::InvalidArgumentError("consumer group position record is corrupt"); };
  uint32_t format = 0;
  if (!in.ReadVarint32(&format)) return corrupt();
  if (format != kPositionFormat) {
    return absl::InvalidArgumentError(
        "consumer group position record of an unknown format (written by a newer switchboard?)");
  }
  GroupPosition position;
  uint64_t count = 0;
  if (!in.ReadVarint64(&position.floor) || !in.ReadVarint64(&position.delivered_through) ||
      !in.ReadVarint64(&count) || count > kMaxEntries) {
    return corrupt();
  }
  uint64_t previous = position.floor;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t gap = 0, length = 0;
    if (!in.ReadVarint64(&gap) || !in.ReadVarint64(&length)) return corrupt();
    position.done.emplace_back(previous + gap, previous + gap + length);
    previous += gap + length;
  }
  if (!in.ReadVarint64(&count) || count > kMaxEntries) return corrupt();
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t sequence = 0;
    uint32_t attempts = 0;
    if (!in.ReadVarint64(&sequence) || !in.ReadVarint32(&attempts)) return corrupt();
    position.attempts.emplace_back(sequence, attempts);
  }
  if (!in.ReadVarint64(&count) || count > kMaxEntries) return corrupt();
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t sequence = 0;
    if (!in.ReadVarint64(&sequence)) return corrupt();
    position.requeued.push_back(sequence);
  }
  if (!in.ExpectAtEnd()) return corrupt();
  return position;
}

}  // namespace switchboard
