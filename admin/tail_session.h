#ifndef SWITCHBOARD_ADMIN_TAIL_SESSION_H_
#define SWITCHBOARD_ADMIN_TAIL_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "admin/admin_api.h"
#include "boost/asio/steady_timer.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/websocket/stream.hpp"
#include "common/worker_pool.h"
#include "gateway/http_handler.h"
#include "server/event_filter.h"
#include "simdjson.h"
#include "store/event_log.h"

namespace switchboard::admin {

class TailSession;

// The open live-tail sessions, shared by the admin server and the sessions
// (for the health view and shutdown). Thread-safe.
struct ViewerRegistry {
  absl::Mutex mu;
  absl::flat_hash_set<TailSession*> sessions ABSL_GUARDED_BY(mu);
};

// One console viewer following the event log over a WebSocket (GET /api/tail).
//
// Protocol (text frames of JSON):
//   viewer -> server  {"op":"follow","after":SEQ,"types":"call.*,sms.*","q":"text"}
//                       (after absent: from the newest event on; resuming
//                       after a pause or a reconnect passes the last sequence
//                       seen, and nothing in between is lost)
//                     {"op":"pause"}
//   server -> viewer  {"kind":"following","after":SEQ}
//                     {"kind":"events","last":SEQ,"events":[summary…]}  (oldest first)
//                     {"kind":"paused","after":SEQ}
//                     {"kind":"gap","after":SEQ,"oldest":SEQ}  (events left retention unread)
//                     {"kind":"error","message":"…","field":"…"}
// A binary frame closes with 1003, a message over max_message_bytes with 1009,
// a malformed frame with 1002, more than max_commands_per_second with 1008.
//
// The session has a cursor in the log, like a gRPC subscriber, and reads the
// log itself: when the viewer has taken the previous frame it reads the next
// batch after the cursor (or, caught up, polls every poll_interval), on
// `reads` (a read may wait on the network: JetStream), then goes on on its
// strand. So at most one frame is buffered per viewer and the log is
// the buffer: a slow or stalled browser costs only its own frame and never
// touches the gateway or the subscribers. A frame not taken within
// write_stall closes the connection; the console then reconnects and resumes
// after the last sequence it has.
//
// Owned by shared_ptrs held by its pending operations. Info() and Close() are
// thread-safe; everything else runs on the connection's strand.
class TailSession : public std::enable_shared_from_this<TailSession> {
 public:
  struct Options {
    size_t max_message_bytes = 4096;
    int max_commands_per_second = 20;
    size_t read_batch = 256;
    size_t max_frame_bytes = 256 << 10;
    absl::Duration poll_interval = absl::Milliseconds(200);
    absl::Duration write_stall = absl::Seconds(30);
    absl::Duration idle_timeout = absl::Seconds(60);  // no pong/frame from the viewer
  };

  // `log` and `reads` must outlive the session.
  TailSession(boost::beast::tcp_stream stream, EventLog* log, WorkerPool* reads,
              const Options& options, std::shared_ptr<ViewerRegistry> registry);
  ~TailSession();

  // Completes the WebSocket handshake of `upgrade` and starts reading commands.
  void Start(gateway::HttpRequest upgrade);

  // Closes the connection soon, on its strand (shutdown).
  void Close();

  ViewerInfo Info() const;

 private:
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void ReadCommand();
  void OnCommand(boost::beast::error_code ec, size_t bytes);
  // Applies one command; returns the reply to queue.
  std::string Apply(absl::string_view text);
  // Reads the next batch after the cursor on `reads_`; OnBatch() goes on.
  void Poll();
  // Queues what matches in `batch` (read after `from`) as a frame.
  void OnBatch(uint64_t from, const absl::Status& status, const std::vector<EventPtr>& batch);
  void SchedulePoll(absl::Duration delay);
  void Queue(std::string message);
  void WriteNext();
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void CloseWith(boost::beast::websocket::close_code code, absl::string_view reason);
  void UpdateInfo();

  WebSocket ws_;
  EventLog* const log_;
  WorkerPool* const reads_;
  const Options options_;
  std::shared_ptr<ViewerRegistry> registry_;
  boost::beast::flat_buffer in_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer stall_timer_;
  simdjson::dom::parser parser_;

  // Strand-only state.
  std::deque<std::string> outbox_;
  std::string writing_frame_;  // the frame in flight
  bool writing_ = false;
  bool poll_scheduled_ = false;
  bool reading_ = false;     // a read is under way on reads_
  uint64_t generation_ = 0;  // counts commands: a read from before one is stale
  bool closed_ = false;
  bool following_ = false;
  uint64_t cursor_ = 0;
  server::EventFilter filter_;
  std::string text_;  // lower case
  absl::Time window_start_ = absl::InfinitePast();
  int commands_in_window_ = 0;

  mutable absl::Mutex info_mu_;
  ViewerInfo info_ ABSL_GUARDED_BY(info_mu_);
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_TAIL_SESSION_H_
