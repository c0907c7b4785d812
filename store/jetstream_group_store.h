#ifndef SWITCHBOARD_STORE_JETSTREAM_GROUP_STORE_H_
#define SWITCHBOARD_STORE_JETSTREAM_GROUP_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "nats/nats.h"
#include "switchboard/v1/consumer_group_service.pb.h"

namespace switchboard {

// Where consumer groups on the JetStream store keep their state, in JetStream
// itself, so every Switchboard instance sees the same groups
// (server/jetstream_group_backend.h runs them):
//
// - a KV bucket `<stream>_GROUPS` (replicated like the stream) with each
//   group's settings (`config.<group>`, a GroupInfo written once with
//   create-if-absent, so instances agree on them), where a group starts when
//   its consumer is (re)created (`position.<group>`), and its dead letters
//   (`dead.<group>.<sequence>`, a DeadLetter each);
// - per group a durable pull consumer `group_<group>` on the event stream
//   (explicit acks, AckWait = the ack deadline, no MaxDeliver: Switchboard
//   parks events itself), which hands each event to one fetcher at a time and
//   redelivers what is not acked in time with its delivery count;
// - a work-queue stream `<stream>_REQUEUE` (subjects `<prefix>-requeue.>`):
//   a re-queued dead letter is a message there naming its sequence, consumed
//   by the group's consumer of that stream like an event.
//
// `<group>` in names is the group name with '_' as "__" and '.' as "_d"
// (consumer names cannot hold dots).
//
// Thread-safe. Every call is a JetStream API request: it blocks for at most
// about `api_timeout` (several of them for the calls that list keys).
class JetStreamGroupStore {
 public:
  struct Options {
    std::string stream;          // the event stream
    std::string subject_prefix;  // its subjects are `<prefix>.>`
    int replicas = 1;            // of the bucket, the requeue stream and the consumers
    absl::Duration api_timeout = absl::Seconds(5);
  };

  // What JetStream says of a group's consumer.
  struct ConsumerState {
    uint64_t ack_floor = 0;       // every event up to it is acked (or terminated)
    uint64_t delivered = 0;       // the consumer's read position (stream sequence)
    uint64_t ack_pending = 0;     // delivered, not acked
    uint64_t pending = 0;         // not delivered yet
    uint64_t redelivered = 0;     // ack pending and delivered more than once
    int64_t created_ns = 0;       // tells a re-created consumer (Seek) from the old one
    uint64_t position = 0;        // where it was (re)created: events up to it count as done
  };

  // Creates (or binds) the bucket and the requeue stream. `nc` and `js` must
  // outlive the store.
  static absl::StatusOr<std::unique_ptr<JetStreamGroupStore>> Open(natsConnection* nc, jsCtx* js,
                                                                   Options options);
  ~JetStreamGroupStore();

  JetStreamGroupStore(const JetStreamGroupStore&) = delete;
  JetStreamGroupStore& operator=(const JetStreamGroupStore&) = delete;

  // The settings of `group`; nullopt when there is no such group.
  absl::StatusOr<std::optional<v1::GroupInfo>> Config(absl::string_view group);
  // Stores `config` unless the group exists; returns the stored settings and
  // true when this call created them.
  absl::StatusOr<std::pair<v1::GroupInfo, bool>> CreateConfig(const v1::GroupInfo& config);
  // Every group's name, sorted.
  absl::StatusOr<std::vector<std::string>> GroupNames();

  // Creates the group's consumers when missing: the event consumer starts
  // after the sequence in `position.<group>` (written with `after` when
  // absent). `filter_subject`: the event consumer's subject filter, "" for
  // none.
  absl::Status EnsureConsumers(absl::string_view group, absl::Duration ack_deadline,
                               const std::string& filter_subject, uint64_t after);
  // Re-creates the event consumer after `after` (Seek): what it had
  // delivered and not acked is forgotten.
  absl::Status ResetConsumer(absl::string_view group, absl::Duration ack_deadline,
                             const std::string& filter_subject, uint64_t after);
  // A pull subscription bound to the group's event consumer (`requeue`:
  // its requeue consumer). The caller owns it.
  absl::StatusOr<natsSubscription*> Bind(absl::string_view group, bool requeue);
  absl::StatusOr<ConsumerState> State(absl::string_view group);
  // Deletes the group: its consumers, re-queued messages, dead letters and
  // settings. NOT_FOUND when it does not exist.
  absl::Status Delete(absl::string_view group);

  // Confirmed acks: sends `verdict` ("+ACK", or "+TERM" to end a message's
  // deliveries) to every message's reply subject at once and waits (at most
  // api_timeout) for JetStream to confirm them: the last one of each consumer
  // asks for an answer, which confirms the ones before it (a consumer applies
  // acks in the order they arrive). One status per message; the messages
  // stay the caller's.
  std::vector<absl::Status> AckAll(absl::Span<natsMsg* const> messages,
                                   absl::string_view verdict = "+ACK");

  absl::Status PutDeadLetter(absl::string_view group, const v1::DeadLetter& dead);
  absl::Status DeleteDeadLetter(absl::string_view group, uint64_t sequence);
  // The group's dead letters, by sequence.
  absl::StatusOr<std::vector<v1::DeadLetter>> DeadLetters(absl::string_view group);
  // Queues `sequence` for delivery to the group again (a requeue message).
  absl::Status Requeue(absl::string_view group, uint64_t sequence);

 private:
  JetStreamGroupStore(natsConnection* nc, jsCtx* js, Options options);
  absl::Status Init();
  // The keys under `prefix` (e.g. "dead.g."), without deleted ones.
  absl::StatusOr<std::vector<std::string>> Keys(const std::string& prefix);
  absl::Status AddConsumer(absl::string_view group, absl::Duration ack_deadline,
                           const std::string& filter_subject, uint64_t after);
  bool ConsumerExists(const std::string& stream, const std::string& name);

  natsConnection* const nc_;
  jsCtx* const js_;
  const Options options_;
  const std::string bucket_;          // <stream>_GROUPS
  const std::string requeue_stream_;  // <stream>_REQUEUE
  kvStore* kv_ = nullptr;
};

// The name of `group` in consumer names and keys ('_' -> "__", '.' -> "_d").
std::string EscapeGroupName(absl::string_view group);

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_JETSTREAM_GROUP_STORE_H_
