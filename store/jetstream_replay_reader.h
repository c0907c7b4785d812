#ifndef SWITCHBOARD_STORE_JETSTREAM_REPLAY_READER_H_
#define SWITCHBOARD_STORE_JETSTREAM_REPLAY_READER_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mutex.h"
#include "nats/nats.h"
#include "store/event_log.h"

namespace switchboard {

// Reads ranges of older events from a JetStream stream in bulk, for
// JetStreamEventLog::Read() beyond its cache (replays, subscribers and
// consumer groups catching up).
//
// One message per request (js_GetMsg) took a round trip per event: 4.1k
// events/s. Here a range is read through a cursor: an ordered consumer
// (ephemeral, server-pushed with flow control, no acks) started at its first
// sequence, whose messages the library's delivery thread turns into events
// (their bytes, unparsed) in a bounded buffer ahead of the reader. A Read()
// takes what is buffered, so the reader's thread (a gRPC one) rarely waits
// and receiving runs beside sending. After a Read() the cursor is kept, and the next Read() from where
// it stopped continues it. At most `max_cursors` are kept (the least
// recently used is closed first) and one unused for `idle` is closed by
// CloseIdle(). docs/PERFORMANCE.md has the figures.
//
// Thread-safe; a cursor serves one Read() at a time. Read() blocks on the
// network (at most about `wait` without progress).
class JetStreamReplayReader {
 public:
  struct Options {
    size_t max_cursors = 8;
    absl::Duration idle = absl::Seconds(5);
    absl::Duration wait = absl::Seconds(5);  // for the next message of a range
  };

  // `js` must outlive the reader; `stream` holds events on `subject_filter`.
  JetStreamReplayReader(jsCtx* js, std::string stream, std::string subject_filter,
                        Options options);
  ~JetStreamReplayReader();  // closes every cursor

  JetStreamReplayReader(const JetStreamReplayReader&) = delete;
  JetStreamReplayReader& operator=(const JetStreamReplayReader&) = delete;

  // Appends the stream's events with sequences in [from, to] to `out`, in
  // order; events the stream no longer has are absent. Returns early (OK)
  // when the stream sends nothing for `wait` after at least one event;
  // UNAVAILABLE when it sends nothing at all.
  absl::Status Read(uint64_t from, uint64_t to, std::vector<EventPtr>* out);

  // Closes cursors unused since `now - idle`.
  void CloseIdle(absl::Time now);

 private:
  class Cursor;
  using CursorPtr = std::unique_ptr<Cursor>;

  // The cursor continuing at `from`, or a new one starting there.
  absl::StatusOr<CursorPtr> Take(uint64_t from);
  // Keeps `cursor` for a later Read() (closing the oldest beyond max_cursors).
  void Return(CursorPtr cursor);

  jsCtx* const js_;
  const std::string stream_;
  const std::string subject_filter_;
  const Options options_;

  Mutex mu_;
  std::list<CursorPtr> idle_ ABSL_GUARDED_BY(mu_);  // most recently used first
};

// What a message delivered by a JetStream consumer says of itself: its
// stream sequence and how many times it was delivered, read from its reply
// subject (`$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>...`, or
// the longer form with a domain and an account hash) without allocating.
// With `consumer`, also the part of the subject that names the consumer
// (`$JS.ACK.<stream>.<consumer>`, or its longer form): acks of one consumer
// share it. False for a message that is not from a consumer.
bool ParseJetStreamReply(const char* reply, uint64_t* stream_sequence, uint64_t* delivered,
                         absl::string_view* consumer = nullptr);

// A stored message as an event with `sequence`, its bytes kept unparsed (one
// that does not frame as an Event becomes one of type
// "switchboard.undecodable").
EventPtr DecodeStreamEvent(const char* data, int size, uint64_t sequence,
                           const std::string& stream);

}  // namespace switchboard

#endif  // SWITCHBOARD_STORE_JETSTREAM_REPLAY_READER_H_
