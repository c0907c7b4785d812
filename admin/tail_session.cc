#include "admin/tail_session.h"

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin/event_json.h"
#include "admin/tail_command.h"
#include "boost/asio/bind_executor.hpp"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/post.hpp"
#include "boost/beast/core/bind_handler.hpp"
#include "boost/beast/core/buffers_to_string.hpp"
#include "boost/beast/websocket.hpp"
#include "common/logging.h"

namespace switchboard::admin {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;

// Control messages (replies, errors) waiting behind the frame in flight; a
// viewer that makes more of them than this without reading is closed.
constexpr size_t kMaxOutbox = 16;

}  // namespace

TailSession::TailSession(beast::tcp_stream stream, EventLog* log, WorkerPool* reads,
                         const Options& options, std::shared_ptr<ViewerRegistry> registry)
    : ws_(std::move(stream)),
      log_(log),
      reads_(reads),
      options_(options),
      registry_(std::move(registry)),
      poll_timer_(ws_.get_executor()),
      stall_timer_(ws_.get_executor()) {
  beast::error_code ec;
  const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  info_.peer = ec ? "?" : absl::StrCat(remote.address().to_string(), ":", remote.port());
  info_.filter = "*";
  absl::MutexLock lock(&registry_->mu);
  registry_->sessions.insert(this);
}

TailSession::~TailSession() {
  absl::MutexLock lock(&registry_->mu);
  registry_->sessions.erase(this);
}

ViewerInfo TailSession::Info() const {
  absl::MutexLock lock(&info_mu_);
  return info_;
}

void TailSession::UpdateInfo() {
  absl::MutexLock lock(&info_mu_);
  info_.filter = filter_.Describe();
  info_.text = text_;
  info_.following = following_;
  info_.cursor = cursor_;
  size_t buffered = writing_frame_.capacity();
  for (const std::string& message : outbox_) buffered += message.capacity();
  info_.buffered_bytes = buffered;
}

void TailSession::Start(gateway::HttpRequest upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the WebSocket has its own timeouts
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(10);
  timeout.idle_timeout = absl::ToChronoSeconds(options_.idle_timeout);
  timeout.keep_alive_pings = true;  // a live browser answers them
  ws_.set_option(timeout);
  ws_.read_message_max(options_.max_message_bytes);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "switchboard-console");
  }));
  ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    self->ReadCommand();
  });
}

void TailSession::Close() {
  // Called under the registry's lock, which a session being destroyed waits
  // for: a weak pointer, which then does not lock.
  net::post(ws_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->CloseWith(websocket::close_code::going_away, "server shutting down");
    }
  });
}

void TailSession::CloseWith(websocket::close_code code, absl::string_view reason) {
  if (closed_) return;
  closed_ = true;
  poll_timer_.cancel();
  ws_.async_close(websocket::close_reason(code, std::string(reason.substr(0, 120))),
                  [self = shared_from_this()](beast::error_code) {
                    self->stall_timer_.cancel();
                    beast::error_code ignored;
                    beast::get_lowest_layer(self->ws_).socket().close(ignored);
                  });
}

void TailSession::ReadCommand() {
  ws_.async_read(in_, beast::bind_front_handler(&TailSession::OnCommand, shared_from_this()));
}

void TailSession::OnCommand(beast::error_code ec, size_t) {
  if (ec) {  // closed, timed out, too big (Beast answers 1009), malformed (1002)
    closed_ = true;
    poll_timer_.cancel();
    stall_timer_.cancel();
    return;
  }
  if (closed_) return;
  const std::string text = beast::buffers_to_string(in_.data());
  in_.consume(in_.size());
  if (!ws_.got_text()) {
    return CloseWith(websocket::close_code::unknown_data,
                     "binary frames are not understood: send JSON commands as text");
  }
  const absl::Time now = absl::Now();
  if (now - window_start_ >= absl::Seconds(1)) {
    window_start_ = now;
    commands_in_window_ = 0;
  }
  if (++commands_in_window_ > options_.max_commands_per_second) {
    return CloseWith(websocket::close_code::policy_error,
                     absl::StrCat("more than ", options_.max_commands_per_second,
                                  " commands per second"));
  }
  Queue(Apply(text));
  ReadCommand();
}

std::string TailSession::Apply(absl::string_view text) {
  std::variant<TailCommand, TailCommandError> parsed =
      ParseTailCommand(parser_, text, log_->LastSequence());
  if (auto* error = std::get_if<TailCommandError>(&parsed)) return TailErrorJson(*error);
  TailCommand& command = std::get<TailCommand>(parsed);
  ++generation_;
  if (command.kind == TailCommand::kPause) {
    following_ = false;
    poll_timer_.cancel();
    UpdateInfo();
    return absl::StrCat("{\"kind\":\"paused\",\"after\":", cursor_, "}");
  }
  filter_ = std::move(command.filter);
  text_ = std::move(command.text);
  cursor_ = command.after;
  following_ = true;
  UpdateInfo();
  SchedulePoll(absl::ZeroDuration());
  return absl::StrCat("{\"kind\":\"following\",\"after\":", cursor_, "}");
}

void TailSession::SchedulePoll(absl::Duration delay) {
  if (closed_ || !following_) return;
  if (delay == absl::ZeroDuration()) {
    // Posted, so a viewer far behind still lets other handlers run between
    // its batches.
    if (poll_scheduled_) poll_timer_.cancel();
    poll_scheduled_ = false;
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->Poll(); });
    return;
  }
  if (poll_scheduled_) return;
  poll_scheduled_ = true;
  poll_timer_.expires_after(absl::ToChronoNanoseconds(delay));
  poll_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->poll_scheduled_ = false;
    if (!ec) self->Poll();
  });
}

void TailSession::Poll() {
  // OnWrite, or the read's end, polls next.
  if (closed_ || !following_ || writing_ || reading_ || !outbox_.empty()) return;
  reading_ = true;
  reads_->Run([self = shared_from_this(), from = cursor_, generation = generation_] {
    auto batch = std::make_shared<std::vector<EventPtr>>();
    absl::Status status = self->log_->Read(from, self->options_.read_batch, batch.get());
    net::post(self->ws_.get_executor(), [self, from, generation, status, batch] {
      self->reading_ = false;
      if (self->closed_) return;
      // A follow or pause came meanwhile: that batch is not what it wants.
      if (generation != self->generation_) return self->SchedulePoll(absl::ZeroDuration());
      self->OnBatch(from, status, *batch);
    });
  });
}

void TailSession::OnBatch(uint64_t from, const absl::Status& status,
                          const std::vector<EventPtr>& batch) {
  if (absl::IsOutOfRange(status)) {
    const uint64_t oldest = log_->FirstSequence();
    cursor_ = oldest - 1;
    Queue(absl::StrCat("{\"kind\":\"gap\",\"after\":", from, ",\"oldest\":", oldest, "}"));
    return;
  }
  if (!status.ok()) {
    LogWarning("console viewer: the event store could not be read: %s", status.ToString());
    return SchedulePoll(absl::Seconds(1));
  }
  std::string frame;
  size_t matched = 0;
  for (const EventPtr& event : batch) {
    cursor_ = event->sequence();
    if (filter_.Matches(event->type()) && (text_.empty() || MatchesText(event->event(), text_))) {
      frame.push_back(matched++ == 0 ? '[' : ',');
      AppendEventSummaryJson(event->event(), &frame);
      if (frame.size() >= options_.max_frame_bytes) break;
    }
  }
  UpdateInfo();
  if (matched > 0) {
    absl::MutexLock lock(&info_mu_);
    info_.sent += matched;
  }
  if (matched > 0) {
    return Queue(absl::StrCat("{\"kind\":\"events\",\"last\":", cursor_, ",\"events\":", frame,
                              "]}"));
  }
  // Nothing for this viewer: read on at once while the log holds more,
  // otherwise wait for new events.
  SchedulePoll(batch.size() == options_.read_batch ? absl::ZeroDuration()
                                                   : options_.poll_interval);
}

void TailSession::Queue(std::string message) {
  if (closed_) return;
  if (outbox_.size() >= kMaxOutbox) {
    return CloseWith(websocket::close_code::policy_error,
                     "too many commands without reading the answers");
  }
  outbox_.push_back(std::move(message));
  UpdateInfo();
  WriteNext();
}

void TailSession::WriteNext() {
  if (writing_ || closed_ || outbox_.empty()) return;
  writing_ = true;
  writing_frame_ = std::move(outbox_.front());
  outbox_.pop_front();
  ws_.text(true);
  // A viewer that takes no frame for write_stall is gone or stuck: close it,
  // it resumes by sequence when it reconnects.
  stall_timer_.expires_after(absl::ToChronoNanoseconds(options_.write_stall));
  stall_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->writing_) return;
    LogWarning("console viewer %s took no data for %s; closing it", self->Info().peer,
               absl::FormatDuration(self->options_.write_stall));
    self->closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
  ws_.async_write(net::buffer(writing_frame_),
                  beast::bind_front_handler(&TailSession::OnWrite, shared_from_this()));
}

void TailSession::OnWrite(beast::error_code ec, size_t) {
  writing_ = false;
  stall_timer_.cancel();
  std::string().swap(writing_frame_);  // release the frame's memory
  UpdateInfo();
  if (ec) {
    closed_ = true;
    poll_timer_.cancel();
    return;
  }
  if (!outbox_.empty()) return WriteNext();
  SchedulePoll(absl::ZeroDuration());
}

}  // namespace switchboard::admin
