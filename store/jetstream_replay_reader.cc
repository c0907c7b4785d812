#include "store/jetstream_replay_reader.h"

#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/logging.h"
#include "store/stored_event.h"

namespace switchboard {
namespace {

// The event type of a stream message that is not a switchboard.v1.Event.
constexpr char kUndecodableType[] = "switchboard.undecodable";

// A cursor's subscription buffers what the server pushes ahead of the reader;
// JetStream's flow control keeps that to about a window. Beyond these limits
// the library drops messages and the ordered consumer starts over from the
// last one delivered: slower, never wrong.
constexpr int kPendingMessages = 65536;
constexpr int kPendingBytes = 64 << 20;

}  // namespace

bool ParseJetStreamReply(const char* reply, uint64_t* stream_sequence, uint64_t* delivered,
                         absl::string_view* consumer) {
  if (reply == nullptr) return false;
  const absl::string_view subject(reply);
  if (!absl::StartsWith(subject, "$JS.ACK.")) return false;
  absl::string_view tokens[12];
  size_t count = 0;
  for (absl::string_view token : absl::StrSplit(subject, '.')) {
    if (count == 12) return false;
    tokens[count++] = token;
  }
  // 9 tokens: $JS.ACK.stream.consumer.delivered.sseq.cseq.ts.pending;
  // 11 or 12: $JS.ACK.domain.account.stream.consumer.delivered.sseq...
  const size_t first = count == 9 ? 4 : count >= 11 ? 6 : 0;
  if (first == 0 || !absl::SimpleAtoi(tokens[first], delivered) ||
      !absl::SimpleAtoi(tokens[first + 1], stream_sequence)) {
    return false;
  }
  if (consumer != nullptr) {
    *consumer = subject.substr(0, tokens[first - 1].data() + tokens[first - 1].size() - reply);
  }
  return true;
}

EventPtr DecodeStreamEvent(const char* data, int size, uint64_t sequence,
                           const std::string& stream) {
  // The message's bytes as they are (not parsed), with the stream sequence.
  absl::StatusOr<EventPtr> event = StoredEvent::FromBytes(std::string(data, size), sequence);
  if (event.ok()) return *std::move(event);
  LogWarning(
      "stream %s: message %d is not a switchboard.v1.Event (was it published by "
      "something else?); streaming it as type %s",
      stream, sequence, kUndecodableType);
  v1::Event undecodable;
  undecodable.set_sequence(sequence);
  undecodable.set_id(absl::StrCat("nats:", stream, ":", sequence));
  undecodable.set_type(kUndecodableType);
  return MakeStoredEvent(std::move(undecodable));
}

// An ordered consumer whose messages the library's delivery thread decodes
// into `ready_`, at most kBuffered ahead of the reader.
class JetStreamReplayReader::Cursor {
 public:
  static absl::StatusOr<CursorPtr> Open(jsCtx* js, const std::string& stream,
                                        const std::string& subject_filter, uint64_t from) {
    CursorPtr cursor(new Cursor(stream, from));
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream.c_str();
    options.Ordered = true;
    options.Config.DeliverPolicy = js_DeliverByStartSequence;
    options.Config.OptStartSeq = from;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_Subscribe(&cursor->sub_, js, subject_filter.c_str(), &Cursor::OnMessage,
                                cursor.get(), nullptr, &options, &code);
    if (s != NATS_OK) {
      cursor->sub_ = nullptr;
      return absl::UnavailableError(absl::StrCat(
          "reading stream ", stream, " from sequence ", from, ": ", natsStatus_GetText(s),
          code != 0 ? absl::StrCat(" (JetStream error ", code, ")") : std::string()));
    }
    natsSubscription_SetOnCompleteCB(cursor->sub_, &Cursor::OnClosed, cursor.get());
    natsSubscription_SetPendingLimits(cursor->sub_, kPendingMessages, kPendingBytes);
    return cursor;
  }

  ~Cursor() {
    if (sub_ == nullptr) return;
    {
      MutexLock lock(&mu_);
      closing_ = true;  // releases a delivery thread waiting for room
    }
    natsSubscription_Unsubscribe(sub_);  // also deletes its consumer
    // The handler uses `this`: wait until it has returned for good.
    closed_.WaitForNotificationWithTimeout(absl::Seconds(5));
    natsSubscription_Destroy(sub_);
  }

  uint64_t next() const { return next_; }
  absl::Time used() const { return used_; }

  // Moves buffered events up to `to` to `out`, waiting at most `wait` for
  // one to be buffered. False when none came.
  bool Read(uint64_t to, absl::Duration wait, std::vector<EventPtr>* out) {
    MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !ready_.empty(); };
    if (!mu_.AwaitWithTimeout(Condition(&ready), wait)) return false;
    while (!ready_.empty() && ready_.front()->sequence() <= to) {
      next_ = ready_.front()->sequence() + 1;
      out->push_back(std::move(ready_.front()));
      ready_.pop_front();
    }
    // Retention removed events here: the cursor goes on after the gap.
    if (!ready_.empty() && ready_.front()->sequence() > next_) next_ = ready_.front()->sequence();
    used_ = absl::Now();
    return true;
  }

 private:
  // Decoded events buffered ahead of the reader, at most.
  static constexpr size_t kBuffered = 2048;

  Cursor(std::string stream, uint64_t from) : stream_(std::move(stream)), next_(from) {}

  static void OnMessage(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    auto* self = static_cast<Cursor*>(closure);
    std::unique_ptr<natsMsg, void (*)(natsMsg*)> msg(raw, &natsMsg_Destroy);
    uint64_t sequence = 0, delivered = 0;
    if (!ParseJetStreamReply(natsMsg_GetReply(msg.get()), &sequence, &delivered)) {
      return;  // not a stream message (the library handles flow control itself)
    }
    EventPtr event = DecodeStreamEvent(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()),
                                       sequence, self->stream_);
    MutexLock lock(&self->mu_);
    auto room = [self]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
      return self->closing_ || self->ready_.size() < kBuffered;
    };
    // Blocks this subscription's delivery only: JetStream's flow control
    // then holds back the server.
    self->mu_.Await(Condition(&room));
    if (self->closing_) return;
    if (!self->ready_.empty() && sequence <= self->ready_.back()->sequence()) return;  // started over
    self->ready_.push_back(std::move(event));
  }
  static void OnClosed(void* closure) { static_cast<Cursor*>(closure)->closed_.Notify(); }

  const std::string stream_;
  natsSubscription* sub_ = nullptr;
  Notification closed_;
  uint64_t next_;    // the sequence the next Read() starts at (the reader's thread)
  absl::Time used_;  // likewise

  Mutex mu_;
  std::deque<EventPtr> ready_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
};

JetStreamReplayReader::JetStreamReplayReader(jsCtx* js, std::string stream,
                                             std::string subject_filter, Options options)
    : js_(js),
      stream_(std::move(stream)),
      subject_filter_(std::move(subject_filter)),
      options_(options) {}

JetStreamReplayReader::~JetStreamReplayReader() {
  std::list<CursorPtr> closing;
  {
    MutexLock lock(&mu_);
    closing.swap(idle_);
  }
}

absl::StatusOr<JetStreamReplayReader::CursorPtr> JetStreamReplayReader::Take(uint64_t from) {
  {
    MutexLock lock(&mu_);
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if ((*it)->next() == from) {
        CursorPtr cursor = std::move(*it);
        idle_.erase(it);
        return cursor;
      }
    }
  }
  return Cursor::Open(js_, stream_, subject_filter_, from);
}

void JetStreamReplayReader::Return(CursorPtr cursor) {
  std::list<CursorPtr> closing;
  {
    MutexLock lock(&mu_);
    idle_.push_front(std::move(cursor));
    while (idle_.size() > options_.max_cursors) {
      closing.push_back(std::move(idle_.back()));
      idle_.pop_back();
    }
  }
  // Closed here, off the lock (closing waits for the delivery thread).
}

void JetStreamReplayReader::CloseIdle(absl::Time now) {
  std::list<CursorPtr> closing;
  {
    MutexLock lock(&mu_);
    while (!idle_.empty() && idle_.back()->used() + options_.idle < now) {
      closing.push_back(std::move(idle_.back()));
      idle_.pop_back();
    }
  }
}

absl::Status JetStreamReplayReader::Read(uint64_t from, uint64_t to, std::vector<EventPtr>* out) {
  absl::StatusOr<CursorPtr> taken = Take(from);
  if (!taken.ok()) return taken.status();
  CursorPtr cursor = *std::move(taken);
  const size_t had = out->size();
  while (cursor->next() <= to) {
    if (!cursor->Read(to, options_.wait, out)) {
      if (out->size() > had) break;  // what arrived; the cursor waits for more
      return absl::UnavailableError(absl::StrCat(
          "stream ", stream_, " sent no event from sequence ", cursor->next(), " within ",
          absl::FormatDuration(options_.wait), "; retry"));  // the cursor is closed
    }
  }
  Return(std::move(cursor));
  return absl::OkStatus();
}

}  // namespace switchboard
