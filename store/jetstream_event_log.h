#ifndef SWITCHBOARD_STORE_JETSTREAM_EVENT_LOG_H_
#define SWITCHBOARD_STORE_JETSTREAM_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "nats/nats.h"
#include "store/event_log.h"
#include "store/jetstream_replay_reader.h"
#include "store/nats_util.h"

namespace switchboard {

// The distributed EventLog: a NATS JetStream stream, shared by any number of
// Switchboard instances. README.md ("Running on NATS JetStream") is the
// operator's view; this is how it works.
//
// Appends: the event (serialized, without its sequence) is published
// asynchronously to `<subject_prefix>.<type>` with the header Nats-Msg-Id set
// to the event id, and the callback runs on the acknowledgement: the event's
// sequence is the stream sequence JetStream assigned; an acknowledgement
// marked duplicate (the id was stored within the stream's duplicate window, by
// any instance) answers the original sequence. No acknowledgement within
// `ack_timeout`, a lost connection or an error from JetStream fail the append
// with UNAVAILABLE; the caller never blocks on the network.
//
// Reads: one ordered push consumer per instance tails the stream into a cache
// of the newest `cache_events` events, which is what live subscribers read;
// the instance's own acknowledged appends enter the cache directly when they
// continue it. Older events (a replay, a subscriber catching up) are read
// from the stream in bulk (JetStreamReplayReader: an ordered consumer per
// replay in progress). A background thread polls the stream
// state (oldest and newest sequence, so retention is seen) and re-creates the
// tail if it is lost.
//
// Leader elections (a node of the cluster died): publishes get no answer
// until JetStream has elected a new stream leader. An append that timed out,
// or found no responder, marks the log unhealthy: further webhooks get 503 at
// once rather than waiting for their own timeout. The log is healthy again
// as soon as a new leader is known: from JetStream's leader-elected advisory,
// or from a stream-state probe every 100 ms while unhealthy. An append whose
// publish failed before the election ended, and whose failure arrives after
// it, is published again (same Nats-Msg-Id, so never stored twice) instead of
// being refused, as is one sent within a second after the election (the new
// leader may drop it while it settles); one that found no responder waits for
// the election, up to ack_timeout after it was published.
//
// Ordering and time: sequences are JetStream's (gap-free: retention removes
// from the front, nothing is deleted individually). `received_at` is
// non-decreasing among one instance's appends and never earlier than the
// newest event it has seen, so with one instance it is non-decreasing in
// sequence order, as the interface says. Instances appending concurrently can
// interleave received_at values a few milliseconds out of order (their
// clocks, and publishes racing); FirstSequenceReceivedSince() is then exact
// to within that window.
//
// The code is split by job: jetstream_event_log.cc (connecting, the stream's
// configuration, shutdown), _append.cc (publishes and their acknowledgements),
// _read.cc (the tail and reads), _health.cc (health, reconnects, elections).
class JetStreamEventLog : public EventLog {
 public:
  struct Options {
    // nats://HOST:PORT (or tls://), any number; the client also learns the
    // other servers of a cluster from the one it reaches.
    std::vector<std::string> servers;
    std::string stream = "SWITCHBOARD";
    std::string subject_prefix = "switchboard.events";  // stream subjects: `<prefix>.>`
    int replicas = 1;                                   // when creating the stream
    absl::Duration max_age = absl::Hours(24 * 7);       // zero: no age limit
    uint64_t max_bytes = 10ull << 30;                   // zero: no size limit
    // JetStream's duplicate window; at most max_age (JetStream's rule).
    absl::Duration dedup_window = absl::Hours(24);
    // Credentials and TLS (empty: not used).
    std::string creds_file;     // NATS .creds file (JWT and NKey seed)
    std::string tls_ca_file;    // CA certificates to verify the servers with; implies TLS
    std::string tls_cert_file;  // client certificate chain (mutual TLS), with tls_key_file
    std::string tls_key_file;
    std::string connection_name = "switchboard";
    absl::Duration connect_timeout = absl::Seconds(2);
    absl::Duration ack_timeout = absl::Seconds(5);  // then the append fails UNAVAILABLE
    absl::Duration api_timeout = absl::Seconds(5);  // JetStream API requests
    absl::Duration reconnect_wait = absl::Milliseconds(250);
    absl::Duration health_interval = absl::Seconds(1);  // stream state polls
    // How long a read waits for the tail to bring events the stream already
    // has before it fetches them itself.
    absl::Duration tail_grace = absl::Milliseconds(200);
    size_t max_pending = 16384;  // unacknowledged appends beyond this get UNAVAILABLE
    size_t cache_events = 8192;  // newest events kept in memory for live readers
  };

  // Connects, creates the stream when it is missing or checks it, and starts
  // tailing it. Fails fast (FAILED_PRECONDITION, saying what to do) when NATS
  // is unreachable, JetStream is off, or the stream does not fit; options
  // that cannot work are INVALID_ARGUMENT.
  static absl::StatusOr<std::unique_ptr<JetStreamEventLog>> Open(Options options);

  // Waits (at most about ack_timeout) for appends in flight, failing those
  // still unacknowledged, stops the tail and closes the connection.
  ~JetStreamEventLog() override;

  // EventLog
  void Append(v1::Event event, AppendCallback done) override;
  absl::Status Read(uint64_t after, size_t max_events, std::vector<EventPtr>* out) override;
  uint64_t FirstSequence() const override;
  uint64_t LastSequence() const override;
  uint64_t WaitForNewer(uint64_t after, absl::Duration timeout) override;
  // A binary search over received_at (cached events, else js_GetMsg).
  absl::StatusOr<uint64_t> FirstSequenceReceivedSince(absl::Time time) override;
  // UNAVAILABLE while the connection is down, while the stream does not
  // answer, or after an append timed out until the stream answers again.
  absl::Status Writable() const override;
  bool ReadsWaitOnNetwork() const override { return true; }

  // "stream NAME (subjects P.>, R3, ...)" for the start-up log line.
  std::string Describe() const;

  // For the consumer groups on this stream (server/jetstream_group_backend.h):
  // a connection of their own to the same servers, with the same credentials
  // and TLS, that buffers what it sends (the log's sends each message at once:
  // low latency for webhooks, one system call per ack for a group). `purpose`
  // goes into the connection's name.
  absl::StatusOr<std::unique_ptr<natsConnection, NatsDeleter>> ConnectBuffered(
      absl::string_view purpose) const;
  const Options& options() const { return options_; }
  // The stream's replicas (as it exists, whatever the flag said).
  int replicas() const { return replicas_; }

 private:
  struct Pending {
    std::unique_ptr<v1::Event> event;  // as published: received_at set, no sequence
    AppendCallback done;
    absl::Time published_at;
    bool retried = false;  // published a second time after a leader election
  };
  // How long closing waits for a subscription's handlers to return for good.
  static constexpr absl::Duration kCloseTimeout = absl::Seconds(5);

  explicit JetStreamEventLog(Options options);
  absl::Status Connect();
  // The options every connection of the log has: servers, name, timeouts,
  // reconnects, credentials, TLS.
  absl::StatusOr<std::unique_ptr<natsOptions, NatsDeleter>> ConnectionOptions(
      absl::string_view name) const;
  absl::Status EnsureStream();
  absl::Status CheckStream(const jsStreamInfo& info);
  absl::Status CreateStream();
  absl::Status StartTail(uint64_t from);
  void StopTail();
  // Refreshes the oldest and newest sequence from the stream's state,
  // waiting at most `timeout` for the answer.
  absl::Status PollStream(absl::Duration timeout);

  // Publishes `pending` (Append's work after the checks); on failure
  // `pending` still owns its callback.
  absl::Status PublishLocked(Pending& pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(publish_mu_);
  // Publishes again an append that failed for want of a stream leader.
  void Republish(Pending pending);

  static void OnPublishAck(jsCtx* js, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error,
                           void* closure);
  static void OnDisconnected(natsConnection* nc, void* closure);
  static void OnReconnected(natsConnection* nc, void* closure);
  static void OnClosed(natsConnection* nc, void* closure);
  static void OnLeaderElected(natsConnection* nc, natsSubscription* sub, natsMsg* msg,
                              void* closure);
  // A new stream leader is known: webhooks are taken again at once, and
  // appends that failed for want of one are published again.
  void LeaderElected(absl::string_view how);
  static void OnTailMessage(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  static void OnTailClosed(void* closure);
  void HandleAck(natsMsg* msg, const jsPubAck* ack, const jsPubAckErr* error);
  void HandleTailMessage(natsMsg* msg);
  // Adds a stored event to the cache when it continues it; notes its sequence.
  void Stored(EventPtr event, bool from_tail);

  // One event, from the cache or the stream; NOT_FOUND when the stream no
  // longer has it.
  absl::StatusOr<EventPtr> ReadOne(uint64_t sequence);
  // Reads [from, to] from the stream itself: a range through the replay
  // reader, one or two events by direct gets.
  absl::Status ReadFromStream(uint64_t from, uint64_t to, std::vector<EventPtr>* out);
  absl::Status OutOfRange(uint64_t after) const;

  // Polls the stream state every health_interval, or every 100 ms while
  // unhealthy; re-creates a lost tail; fails appends that waited too long
  // for a leader.
  void HealthLoop();
  void MarkUnhealthy(absl::Status status);
  // Takes back the appends waiting for a leader whose deadline passed.
  std::vector<AppendCallback> ExpiredWaitingLocked(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(pending_mu_);

  const Options options_;
  std::string subject_filter_;  // `<prefix>.>`
  std::string servers_;         // for messages, without passwords

  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::string applied_;  // Describe()
  int replicas_ = 1;     // the stream's

  // Appends between Append() and their acknowledgement. publish_mu_ orders
  // publishing (so one instance's received_at is non-decreasing in sequence
  // order); pending_mu_ guards the map, which the ack handler also uses.
  Mutex publish_mu_;
  bool stopping_ ABSL_GUARDED_BY(publish_mu_) = false;
  google::protobuf::Timestamp published_floor_ ABSL_GUARDED_BY(publish_mu_);
  Mutex pending_mu_;
  absl::flat_hash_map<natsMsg*, Pending> pending_ ABSL_GUARDED_BY(pending_mu_);
  // Appends JetStream had no responder for (no stream leader), published
  // again when a leader is elected, or failed at published_at + ack_timeout.
  std::vector<Pending> waiting_for_leader_ ABSL_GUARDED_BY(pending_mu_);

  // Leader-elected advisories of the stream (`$JS.EVENT.ADVISORY.STREAM.
  // LEADER_ELECTED.<stream>`); closed in the destructor.
  natsSubscription* elections_ = nullptr;
  Notification elections_closed_;
  // Set by the library's last callback for the connection (after any
  // disconnected callback, which uses `this`, has returned).
  Notification connection_closed_;

  std::unique_ptr<JetStreamReplayReader> replay_;  // older events, in bulk

  // The tail subscription: owned by the health thread after Open().
  natsSubscription* tail_ = nullptr;
  Notification* tail_closed_ = nullptr;  // set by the library when tail_ is closed

  // What readers see.
  mutable Mutex mu_;
  uint64_t first_ ABSL_GUARDED_BY(mu_) = 1;        // oldest retained (stream state)
  uint64_t stream_last_ ABSL_GUARDED_BY(mu_) = 0;  // newest known to be stored
  uint64_t cache_first_ ABSL_GUARDED_BY(mu_) = 1;  // cache_ holds [cache_first_, last_]
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;         // newest event tailed or appended here
  std::deque<EventPtr> cache_ ABSL_GUARDED_BY(mu_);
  google::protobuf::Timestamp seen_floor_ ABSL_GUARDED_BY(mu_);  // newest received_at seen
  absl::Status health_ ABSL_GUARDED_BY(mu_);                     // stream polls and append timeouts
  absl::Time leader_elected_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool stop_health_ ABSL_GUARDED_BY(mu_) = false;
  bool poll_now_ ABSL_GUARDED_BY(mu_) = false;  // wakes the health thread

  std::thread health_thread_;
};

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_JETSTREAM_EVENT_LOG_H_
