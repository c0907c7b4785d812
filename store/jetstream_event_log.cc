#include "store/jetstream_event_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "store/received_since.h"

namespace switchboard {
namespace {

// Events read from the stream per Read() older than the cache.
constexpr uint64_t kStreamReadBatch = 128;
// Ranges at most this long are read message by message (no consumer).
constexpr uint64_t kDirectReadMax = 2;
// Heartbeats of the tail consumer: a tail that misses two is re-created by
// the client library (e.g. after the server holding it died).
constexpr absl::Duration kTailHeartbeat = absl::Seconds(1);
// How long the destructor waits for the tail subscription to close.
constexpr absl::Duration kTailCloseTimeout = absl::Seconds(5);

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }
int64_t Nanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

// The text of the calling thread's last cnats error (without the library's
// "(file.c:123): " prefix), or of `status`.
std::string NatsErrorText(natsStatus status) {
  absl::string_view text = nats_GetLastError(nullptr) != nullptr ? nats_GetLastError(nullptr) : "";
  if (absl::StartsWith(text, "(")) {
    if (const size_t end = text.find("): "); end != absl::string_view::npos) {
      text.remove_prefix(end + 3);
    }
  }
  return text.empty() ? std::string(natsStatus_GetText(status)) : std::string(text);
}

// A token of a NATS subject: letters, digits, '-' and '_' (the event type
// grammar allows exactly these between dots); anything else becomes '_'.
std::string SubjectFor(const std::string& prefix, const std::string& type) {
  std::string subject = prefix;
  for (absl::string_view token : absl::StrSplit(type, '.')) {
    subject.push_back('.');
    if (token.empty()) subject.push_back('_');
    for (char c : token) {
      subject.push_back(absl::ascii_isalnum(c) || c == '-' || c == '_' ? c : '_');
    }
  }
  return subject;
}

// Event ids are at most 256 bytes without control characters, but may hold
// spaces or UTF-8, which a NATS header value must not start or end with.
// Percent-encodes every byte outside '!'..'~' and '%' itself: injective, so
// distinct ids stay distinct, and the same on every instance.
std::string HeaderSafeId(const std::string& id) {
  std::string out;
  out.reserve(id.size());
  for (unsigned char c : id) {
    if (c > ' ' && c < 0x7f && c != '%') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

// A stream or token name JetStream accepts.
bool IsValidName(absl::string_view name, bool allow_dots) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == 0x7f || c == '*' || c == '>' || c == '/' || c == '\\') return false;
    if (c == '.' && !allow_dots) return false;
  }
  if (allow_dots) {
    for (absl::string_view token : absl::StrSplit(name, '.')) {
      if (token.empty()) return false;
    }
  }
  return true;
}

// The servers for messages, without passwords or tokens ("nats://***@host:4222").
std::string RedactedServers(const std::vector<std::string>& servers) {
  std::vector<std::string> redacted;
  for (const std::string& server : servers) {
    const size_t scheme = server.find("://");
    const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const size_t at = server.find('@', start);
    redacted.push_back(at == std::string::npos
                           ? server
                           : absl::StrCat(server.substr(0, start), "***", server.substr(at)));
  }
  return absl::StrJoin(redacted, ",");
}

std::string FormatBytes(int64_t bytes) {
  if (bytes <= 0) return "none";
  if (bytes % (1ll << 30) == 0) return absl::StrCat(bytes >> 30, "GiB");
  if (bytes % (1ll << 20) == 0) return absl::StrCat(bytes >> 20, "MiB");
  return absl::StrCat(bytes, "B");
}

std::string FormatAge(int64_t nanos) {
  return nanos <= 0 ? "none" : absl::FormatDuration(absl::Nanoseconds(nanos));
}

// The stream's duplicate window: JetStream wants it no longer than the max age.
absl::Duration DuplicateWindow(absl::Duration dedup_window, absl::Duration max_age) {
  return max_age > absl::ZeroDuration() ? std::min(dedup_window, max_age) : dedup_window;
}

// Logs cnats' asynchronous errors (slow consumer, permissions). Touches no
// log object: the library may call it after one is gone.
void OnAsyncError(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsStatus error,
                  void* /*closure*/) {
  LogWarning("NATS: %s", natsStatus_GetText(error));
}

const char* ConnectionStatusName(natsConnStatus status) {
  switch (status) {
    case NATS_CONN_STATUS_DISCONNECTED:
      return "disconnected";
    case NATS_CONN_STATUS_CONNECTING:
      return "connecting";
    case NATS_CONN_STATUS_CONNECTED:
      return "connected";
    case NATS_CONN_STATUS_CLOSED:
      return "closed";
    case NATS_CONN_STATUS_RECONNECTING:
      return "reconnecting";
    case NATS_CONN_STATUS_DRAINING_SUBS:
      return "draining subscriptions";
    case NATS_CONN_STATUS_DRAINING_PUBS:
      return "draining publishers";
  }
  return "unknown";
}

}  // namespace

// ---------------------------------------------------------------------------
// Opening: connect, create or check the stream, start tailing.
// ---------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<JetStreamEventLog>> JetStreamEventLog::Open(Options options) {
  if (options.servers.empty()) {
    return absl::InvalidArgumentError("no NATS server given (--nats_url=nats://HOST:PORT[,...])");
  }
  if (!IsValidName(options.stream, /*allow_dots=*/false)) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream name \"", options.stream,
                     "\" is not valid for JetStream (no spaces, '.', '*', '>', '/' or '\\')"));
  }
  if (!IsValidName(options.subject_prefix, /*allow_dots=*/true)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject prefix \"", options.subject_prefix,
        "\" is not a NATS subject (dot-separated non-empty tokens, no spaces or wildcards)"));
  }
  if (options.replicas < 1 || options.replicas > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream replicas must be 1 to 5 (JetStream's limit), not ", options.replicas));
  }
  if (options.ack_timeout < absl::Milliseconds(1) || options.api_timeout < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("the NATS acknowledgement and API timeouts must be positive");
  }
  options.cache_events = std::max<size_t>(options.cache_events, 1);

  std::unique_ptr<JetStreamEventLog> log(new JetStreamEventLog(std::move(options)));
  RETURN_IF_ERROR(log->Connect());
  RETURN_IF_ERROR(log->EnsureStream());
  JetStreamReplayReader::Options replay;
  replay.wait = log->options_.api_timeout;
  log->replay_ = std::make_unique<JetStreamReplayReader>(log->js_, log->options_.stream,
                                                         log->subject_filter_, replay);
  RETURN_IF_ERROR(log->PollStream(log->options_.api_timeout));
  uint64_t last;
  {
    MutexLock lock(&log->mu_);
    last = log->stream_last_;
    log->last_ = last;
    log->cache_first_ = last + 1;
  }
  // Continue received_at from the newest stored event (best effort: it may
  // have expired).
  if (last > 0) {
    if (absl::StatusOr<EventPtr> newest = log->ReadOne(last); newest.ok()) {
      MutexLock lock(&log->mu_);
      log->seen_floor_ = (*newest)->event().received_at();
    }
  }
  RETURN_IF_ERROR(log->StartTail(last + 1));
  const std::string elections =
      absl::StrCat("$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.", log->options_.stream);
  if (natsConnection_Subscribe(&log->elections_, log->nc_, elections.c_str(),
                               &JetStreamEventLog::OnLeaderElected, log.get()) != NATS_OK ||
      natsSubscription_SetOnCompleteCB(log->elections_, &JetStreamEventLog::OnTailClosed,
                                       &log->elections_closed_) != NATS_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot subscribe to ", elections, ": ", NatsErrorText(NATS_ERR)));
  }
  log->health_thread_ = std::thread([log = log.get()] { log->HealthLoop(); });
  return log;
}

JetStreamEventLog::JetStreamEventLog(Options options)
    : options_(std::move(options)),
      subject_filter_(absl::StrCat(options_.subject_prefix, ".>")),
      servers_(RedactedServers(options_.servers)) {}

struct JetStreamEventLog::NatsDeleters {
  void operator()(natsOptions* p) const { natsOptions_Destroy(p); }
  void operator()(jsStreamInfo* p) const { jsStreamInfo_Destroy(p); }
  void operator()(natsMsg* p) const { natsMsg_Destroy(p); }
};

absl::Status JetStreamEventLog::Connect() {
  natsOptions* raw = nullptr;
  if (natsOptions_Create(&raw) != NATS_OK) return absl::InternalError("natsOptions_Create failed");
  std::unique_ptr<natsOptions, NatsDeleters> opts(raw);
  const std::string& urls = servers_;
  std::vector<const char*> servers;
  for (const std::string& server : options_.servers) servers.push_back(server.c_str());
  natsStatus s =
      natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
  if (s != NATS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("--nats_url=", urls, " is not a list of NATS URLs: ", NatsErrorText(s)));
  }
  natsOptions_SetName(opts.get(), options_.connection_name.c_str());
  natsOptions_SetTimeout(opts.get(), Millis(options_.connect_timeout));
  natsOptions_SetAllowReconnect(opts.get(), true);
  natsOptions_SetMaxReconnect(opts.get(), -1);  // forever: the log recovers by itself
  natsOptions_SetReconnectWait(opts.get(), Millis(options_.reconnect_wait));
  natsOptions_SetReconnectJitter(opts.get(), 100, 1000);
  natsOptions_SetPingInterval(opts.get(), 2000);  // notice a dead server within seconds
  natsOptions_SetMaxPingsOut(opts.get(), 3);
  natsOptions_SetRetryOnFailedConnect(opts.get(), false, nullptr, nullptr);  // fail fast
  natsOptions_SetErrorHandler(opts.get(), &OnAsyncError, nullptr);
  natsOptions_SetDisconnectedCB(opts.get(), &JetStreamEventLog::OnDisconnected, this);
  natsOptions_SetReconnectedCB(opts.get(), &JetStreamEventLog::OnReconnected, this);
  // Publish at once rather than from the library's flusher thread: a quarter of
  // the POST-to-subscriber latency at the same throughput (README).
  natsOptions_SetSendAsap(opts.get(), true);
  if (!options_.creds_file.empty()) {
    s = natsOptions_SetUserCredentialsFromFiles(opts.get(), options_.creds_file.c_str(), nullptr);
    if (s != NATS_OK) {
      return absl::InvalidArgumentError(absl::StrCat("cannot use NATS credentials file ",
                                                     options_.creds_file, ": ", NatsErrorText(s)));
    }
  }
  if (!options_.tls_ca_file.empty()) {
    natsOptions_SetSecure(opts.get(), true);
    s = natsOptions_LoadCATrustedCertificates(opts.get(), options_.tls_ca_file.c_str());
    if (s != NATS_OK) {
      return absl::InvalidArgumentError(absl::StrCat("cannot load the NATS CA certificates ",
                                                     options_.tls_ca_file, ": ", NatsErrorText(s)));
    }
  }
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return absl::InvalidArgumentError(
          "a NATS client certificate needs both --nats_tls_cert and "
          "--nats_tls_key");
    }
    natsOptions_SetSecure(opts.get(), true);
    s = natsOptions_LoadCertificatesChain(opts.get(), options_.tls_cert_file.c_str(),
                                          options_.tls_key_file.c_str());
    if (s != NATS_OK) {
      return absl::InvalidArgumentError(absl::StrCat("cannot load the NATS client certificate ",
                                                     options_.tls_cert_file, ": ",
                                                     NatsErrorText(s)));
    }
  }

  s = natsConnection_Connect(&nc_, opts.get());
  if (s != NATS_OK) {
    nc_ = nullptr;
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot connect to NATS at ", urls, ": ", NatsErrorText(s),
        ". Check --nats_url, that nats-server is running and reachable, and the credentials and "
        "TLS flags (--nats_creds, --nats_tls_ca, --nats_tls_cert, --nats_tls_key)"));
  }

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = Millis(options_.api_timeout);
  js_options.PublishAsync.AckHandler = &JetStreamEventLog::OnPublishAck;
  js_options.PublishAsync.AckHandlerClosure = this;
  js_options.PublishAsync.MaxPending = 0;  // Append() bounds it, without ever blocking
  s = natsConnection_JetStream(&js_, nc_, &js_options);
  if (s != NATS_OK) {
    js_ = nullptr;
    return absl::InternalError(
        absl::StrCat("cannot create a JetStream context: ", NatsErrorText(s)));
  }
  return absl::OkStatus();
}

namespace {

// What a failed JetStream API call means, for an operator.
absl::Status JetStreamApiError(natsStatus s, jsErrCode code, absl::string_view what,
                               absl::string_view urls, absl::Duration timeout) {
  if (s == NATS_NO_RESPONDERS || code == JSNotEnabledErr || code == JSNotEnabledForAccountErr) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": JetStream is not enabled on the NATS server(s) at ", urls,
        ". Start nats-server with -js (in a cluster: on every node), or enable JetStream for "
        "this account"));
  }
  if (s == NATS_TIMEOUT) {
    return absl::UnavailableError(absl::StrCat(
        what, ": the JetStream API did not answer within ", absl::FormatDuration(timeout),
        " (in a cluster, a majority of the servers must be up for JetStream to answer)"));
  }
  if (code == JSClusterNotAvailErr) {
    return absl::UnavailableError(absl::StrCat(
        what,
        ": the JetStream cluster is not available yet (no metadata leader: are a majority of "
        "its servers up?)"));
  }
  return absl::UnavailableError(
      absl::StrCat(what, ": ", NatsErrorText(s),
                   code != 0 ? absl::StrCat(" (JetStream error ", code, ")") : std::string()));
}

}  // namespace

absl::Status JetStreamEventLog::EnsureStream() {
  const std::string& urls = servers_;
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js_, options_.stream.c_str(), nullptr, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleters> info(raw);
  if (s == NATS_OK) return CheckStream(*info);
  if (code != JSStreamNotFoundErr) {
    absl::Status error = JetStreamApiError(
        s, code, absl::StrCat("looking up stream ", options_.stream), urls, options_.api_timeout);
    return absl::FailedPreconditionError(error.message());
  }
  return CreateStream();
}

absl::Status JetStreamEventLog::CreateStream() {
  const std::string& urls = servers_;
  const absl::Duration dedup = DuplicateWindow(options_.dedup_window, options_.max_age);
  if (dedup != options_.dedup_window) {
    LogWarning(
        "the duplicate window (%s) is longer than the retention age (%s); JetStream "
        "needs it no longer: using %s",
        absl::FormatDuration(options_.dedup_window), absl::FormatDuration(options_.max_age),
        absl::FormatDuration(dedup));
  }
  const char* subjects[] = {subject_filter_.c_str()};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = options_.stream.c_str();
  config.Description =
      "Switchboard events (JustCall webhooks); the stream sequence is the event "
      "sequence";
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Retention = js_LimitsPolicy;
  config.Discard = js_DiscardOld;
  config.Storage = js_FileStorage;
  config.Replicas = options_.replicas;
  config.MaxAge = options_.max_age > absl::ZeroDuration() ? Nanos(options_.max_age) : 0;
  config.MaxBytes = options_.max_bytes > 0 ? static_cast<int64_t>(options_.max_bytes) : -1;
  config.Duplicates = Nanos(dedup);
  config.DenyDelete = true;  // sequences stay gap-free: only retention removes, from the front

  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&raw, js_, &config, nullptr, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleters> info(raw);
  if (s == NATS_OK) {
    LogInfo("created JetStream stream %s", options_.stream);
    return CheckStream(*info);
  }
  if (code == JSStreamNameExistErr) {  // another instance created it meanwhile
    raw = nullptr;
    s = js_GetStreamInfo(&raw, js_, options_.stream.c_str(), nullptr, &code);
    info.reset(raw);
    if (s == NATS_OK) return CheckStream(*info);
  }
  if (code == JSStreamSubjectOverlapErr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create stream ", options_.stream, ": its subjects ", subject_filter_,
        " overlap with another stream's. Use that stream (--nats_stream) if it is Switchboard's, "
        "or choose another --nats_subject_prefix"));
  }
  if (code == JSStreamReplicasNotSupportedErr) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create stream ", options_.stream,
                                                      " with ", options_.replicas,
                                                      " replicas: the NATS server at ", urls,
                                                      " is not part of a JetStream cluster (use "
                                                      "--nats_replicas=1, or run a cluster)"));
  }
  if (code == JSClusterNoPeersErr || code == JSInsufficientResourcesErr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create stream ", options_.stream, " with ", options_.replicas,
                     " replicas: ", NatsErrorText(s), " (are ", options_.replicas,
                     " JetStream servers up and in the cluster?)"));
  }
  if (code == JSStorageResourcesExceededErr || code == JSAccountResourcesExceededErr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create stream ", options_.stream, ": ", NatsErrorText(s),
        ". JetStream reserves the stream's size limit (--retention_max_bytes=", options_.max_bytes,
        ") on every replica up front; lower it, or give the servers (or "
        "the account) more JetStream storage"));
  }
  absl::Status error = JetStreamApiError(s, code, absl::StrCat("creating stream ", options_.stream),
                                         urls, options_.api_timeout);
  return absl::FailedPreconditionError(error.message());
}

absl::Status JetStreamEventLog::CheckStream(const jsStreamInfo& info) {
  const jsStreamConfig& config = *info.Config;
  std::vector<std::string> subjects;
  for (int i = 0; i < config.SubjectsLen; ++i) subjects.push_back(config.Subjects[i]);
  const std::string what = absl::StrCat("stream ", options_.stream);
  if (subjects.size() != 1 || subjects[0] != subject_filter_) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " has subjects [", absl::StrJoin(subjects, ", "), "] but Switchboard needs exactly [",
        subject_filter_,
        "]: the stream sequence is the event sequence, so the stream must hold "
        "Switchboard's events only. Pass the matching --nats_subject_prefix, or another "
        "--nats_stream"));
  }
  if (config.Retention != js_LimitsPolicy) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " has ", config.Retention == js_InterestPolicy ? "interest" : "work-queue",
        " retention but Switchboard needs limits retention (events stay until the age or size "
        "limit), as it creates streams. Use another --nats_stream"));
  }
  if (config.Mirror != nullptr || config.SourcesLen > 0 || config.Sealed) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " is ", config.Sealed ? "sealed" : "a mirror or sources other streams",
                     ": Switchboard must publish to it. Use another --nats_stream"));
  }
  std::vector<std::string> differences;
  if (config.Replicas != options_.replicas) {
    differences.push_back(
        absl::StrCat("replicas ", config.Replicas, " (flag: ", options_.replicas, ")"));
  }
  const int64_t want_age = options_.max_age > absl::ZeroDuration() ? Nanos(options_.max_age) : 0;
  if (config.MaxAge != want_age) {
    differences.push_back(
        absl::StrCat("max age ", FormatAge(config.MaxAge), " (flag: ", FormatAge(want_age), ")"));
  }
  const int64_t want_bytes = options_.max_bytes > 0 ? static_cast<int64_t>(options_.max_bytes) : -1;
  if (config.MaxBytes != want_bytes) {
    differences.push_back(absl::StrCat("max bytes ", FormatBytes(config.MaxBytes),
                                       " (flag: ", FormatBytes(want_bytes), ")"));
  }
  if (config.Duplicates < Nanos(DuplicateWindow(options_.dedup_window, options_.max_age))) {
    differences.push_back(absl::StrCat("duplicate window ", FormatAge(config.Duplicates),
                                       " (flag: ", absl::FormatDuration(options_.dedup_window),
                                       ")"));
  }
  if (!differences.empty()) {
    LogWarning(
        "%s keeps its own settings, which differ from the flags: %s. Switchboard does not "
        "change an existing stream; edit it (e.g. `nats stream edit %s`) to change them",
        what, absl::StrJoin(differences, ", "), options_.stream);
  }
  replicas_ = static_cast<int>(config.Replicas);
  applied_ = absl::StrFormat(
      "stream %s (subjects %s, R%d, %s storage, max age %s, max bytes %s, duplicate window %s) "
      "via %s",
      options_.stream, subject_filter_, config.Replicas,
      config.Storage == js_MemoryStorage ? "memory" : "file", FormatAge(config.MaxAge),
      FormatBytes(config.MaxBytes), FormatAge(config.Duplicates), servers_);
  return absl::OkStatus();
}

std::string JetStreamEventLog::Describe() const { return applied_; }

absl::Status JetStreamEventLog::PollStream(absl::Duration timeout) {
  uint64_t known_last;
  {
    MutexLock lock(&mu_);
    known_last = stream_last_;  // acknowledged or tailed before the request: stored
  }
  jsOptions wait;
  jsOptions_Init(&wait);
  wait.Wait = Millis(timeout);
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js_, options_.stream.c_str(), &wait, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleters> info(raw);
  if (s != NATS_OK) {
    if (code == JSStreamNotFoundErr) {
      return absl::UnavailableError(absl::StrCat(
          "stream ", options_.stream, " no longer exists; restart switchboard to recreate it"));
    }
    return JetStreamApiError(s, code, absl::StrCat("reading the state of stream ", options_.stream),
                             servers_, timeout);
  }
  const jsStreamState& state = info->State;
  if (state.LastSeq < known_last) {
    return absl::UnavailableError(absl::StrFormat(
        "the newest sequence of stream %s went back from %d to %d: was the stream deleted and "
        "recreated? Restart switchboard (subscribers must resubscribe)",
        options_.stream, known_last, state.LastSeq));
  }
  const uint64_t first =
      state.Msgs == 0 ? state.LastSeq + 1 : std::max<uint64_t>(state.FirstSeq, 1);
  MutexLock lock(&mu_);
  first_ = std::max(first_, first);
  stream_last_ = std::max(stream_last_, state.LastSeq);
  // Retention removed these from the stream: readers no longer see them.
  while (!cache_.empty() && cache_first_ < first_) {
    cache_.pop_front();
    ++cache_first_;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Appends
// ---------------------------------------------------------------------------

void JetStreamEventLog::Append(v1::Event event, AppendCallback done) {
  if (absl::Status writable = Writable(); !writable.ok()) return std::move(done)(writable);
  absl::Status failed;
  {
    MutexLock publish_lock(&publish_mu_);
    if (stopping_) {
      failed = absl::UnavailableError("the event store is shutting down; retry");
    } else {
      MutexLock pending_lock(&pending_mu_);
      if (pending_.size() + waiting_for_leader_.size() >= options_.max_pending) {
        failed = absl::UnavailableError(
            "the event store is saturated (too many webhooks waiting for JetStream); retry");
      }
    }
    if (failed.ok()) {
      // received_at: never before an event this instance published or saw.
      google::protobuf::Timestamp floor = published_floor_;
      {
        MutexLock lock(&mu_);
        ClampReceivedAt(seen_floor_, &floor);
      }
      ClampReceivedAt(floor, event.mutable_received_at());
      published_floor_ = event.received_at();
      event.clear_sequence();  // the stream sequence is the sequence
      Pending pending{std::make_unique<v1::Event>(std::move(event)), std::move(done), absl::Now()};
      failed = PublishLocked(pending);
      if (!failed.ok()) done = std::move(pending.done);
    }
  }
  if (!failed.ok()) std::move(done)(failed);
}

absl::Status JetStreamEventLog::PublishLocked(Pending& pending) {
  const v1::Event& event = *pending.event;
  const std::string subject = SubjectFor(options_.subject_prefix, event.type());
  const std::string msg_id = HeaderSafeId(event.id());
  const std::string data = event.SerializeAsString();
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  if (s != NATS_OK) return absl::UnavailableError(absl::StrCat("event not stored: ", NatsErrorText(s)));
  jsPubOptions publish;
  jsPubOptions_Init(&publish);
  if (!msg_id.empty()) publish.MsgId = msg_id.c_str();
  publish.ExpectStream = options_.stream.c_str();
  publish.MaxWait = Millis(options_.ack_timeout);
  {
    MutexLock pending_lock(&pending_mu_);
    pending_.emplace(msg, std::move(pending));
  }
  // The acknowledgement may arrive (on a library thread) before this
  // returns: the pending entry is in place first.
  natsMsg* publishing = msg;
  s = js_PublishMsgAsync(js_, &publishing, &publish);
  if (s == NATS_OK) return absl::OkStatus();
  // Not taken by the library: no acknowledgement will come.
  {
    MutexLock pending_lock(&pending_mu_);
    pending = std::move(pending_.extract(msg).mapped());
  }
  natsMsg_Destroy(msg);
  return absl::UnavailableError(
      absl::StrCat("event not stored: publishing to NATS failed: ", NatsErrorText(s), "; retry"));
}

void JetStreamEventLog::Republish(Pending pending) {
  pending.retried = true;
  absl::Status failed;
  {
    MutexLock publish_lock(&publish_mu_);
    failed = stopping_ ? absl::UnavailableError("the event store is shutting down; retry")
                       : PublishLocked(pending);
  }
  if (!failed.ok()) std::move(pending.done)(failed);
}

void JetStreamEventLog::OnPublishAck(jsCtx* /*js*/, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error,
                                     void* closure) {
  static_cast<JetStreamEventLog*>(closure)->HandleAck(msg, ack, error);
}

void JetStreamEventLog::HandleAck(natsMsg* msg, const jsPubAck* ack, const jsPubAckErr* error) {
  Pending pending;
  {
    MutexLock lock(&pending_mu_);
    auto it = pending_.find(msg);
    if (it == pending_.end()) {  // already failed (shutting down)
      natsMsg_Destroy(msg);
      return;
    }
    pending = std::move(it->second);
    pending_.erase(it);
  }
  natsMsg_Destroy(msg);
  if (ack != nullptr) {
    if (ack->Duplicate) {
      MutexLock lock(&mu_);
      stream_last_ = std::max(stream_last_, ack->Sequence);
    } else {
      pending.event->set_sequence(ack->Sequence);
      Stored(MakeStoredEvent(std::move(*pending.event)), /*from_tail=*/false);
    }
    return std::move(pending.done)(AppendResult{ack->Sequence, ack->Duplicate});
  }
  absl::Status status;
  const natsStatus err = error != nullptr ? error->Err : NATS_ERR;
  if ((err == NATS_TIMEOUT || err == NATS_NO_RESPONDERS) && !pending.retried) {
    absl::Time elected;
    {
      MutexLock lock(&mu_);
      elected = leader_elected_at_;
    }
    // Lost in a leader election that is over by now: publish it again
    // rather than answer 503 (a duplicate of a stored one is recognised).
    if (elected > pending.published_at) return Republish(std::move(pending));
    if (err == NATS_NO_RESPONDERS) {
      // No leader yet: wait for one (LeaderElected publishes it again).
      {
        MutexLock pending_lock(&pending_mu_);
        waiting_for_leader_.push_back(std::move(pending));
      }
      MarkUnhealthy(absl::UnavailableError(absl::StrCat(
          "no JetStream stream answered on its subject (stream ", options_.stream,
          " has no leader: an election is under way, or the stream was deleted)")));
      return;
    }
  }
  if (err == NATS_TIMEOUT) {
    status = absl::UnavailableError(
        absl::StrCat("event not stored: JetStream did not acknowledge it within ",
                     absl::FormatDuration(options_.ack_timeout),
                     " (is a majority of the NATS cluster up?); "
                     "retry"));
    MarkUnhealthy(status);
  } else if (err == NATS_NO_RESPONDERS) {
    status = absl::UnavailableError(
        absl::StrCat("event not stored: no JetStream stream answered on its subject (stream ",
                     options_.stream, " deleted, or no leader); retry"));
    MarkUnhealthy(status);
  } else {
    status = absl::UnavailableError(absl::StrCat(
        "event not stored: JetStream refused it: ",
        error != nullptr && error->ErrText != nullptr ? error->ErrText : natsStatus_GetText(err),
        error != nullptr && error->ErrCode != 0
            ? absl::StrCat(" (JetStream error ", error->ErrCode, ")")
            : std::string(),
        "; retry"));
  }
  std::move(pending.done)(status);
}

void JetStreamEventLog::Stored(EventPtr event, bool from_tail) {
  MutexLock lock(&mu_);
  const uint64_t sequence = event->sequence();
  stream_last_ = std::max(stream_last_, sequence);
  if (sequence <= last_) return;  // already here (the tail, or our own acknowledgement)
  if (sequence != last_ + 1) {
    // Our own append ahead of the tail: the tail brings it, in order.
    if (!from_tail) return;
    // The tail skipped events (retention removed them before it read them):
    // the cache restarts here; older reads go to the stream.
    cache_.clear();
    cache_first_ = sequence;
  }
  ClampReceivedAt(event->event().received_at(), &seen_floor_);  // seen_floor_ = max(both)
  cache_.push_back(std::move(event));
  last_ = sequence;
  while (cache_.size() > options_.cache_events) {
    cache_.pop_front();
    ++cache_first_;
  }
}

// ---------------------------------------------------------------------------
// The tail: one ordered consumer from the newest sequence on.
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::StartTail(uint64_t from) {
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options_.stream.c_str();
  sub_options.Ordered = true;
  sub_options.Config.DeliverPolicy = js_DeliverByStartSequence;
  sub_options.Config.OptStartSeq = std::max<uint64_t>(from, 1);
  sub_options.Config.Heartbeat = Nanos(kTailHeartbeat);
  natsSubscription* sub = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_Subscribe(&sub, js_, subject_filter_.c_str(), &JetStreamEventLog::OnTailMessage,
                              this, nullptr, &sub_options, &code);
  if (s != NATS_OK) {
    absl::Status error = JetStreamApiError(
        s, code, absl::StrCat("tailing stream ", options_.stream), servers_, options_.api_timeout);
    return absl::FailedPreconditionError(error.message());
  }
  auto closed = std::make_unique<Notification>();
  if (natsSubscription_SetOnCompleteCB(sub, &JetStreamEventLog::OnTailClosed, closed.get()) !=
      NATS_OK) {
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    return absl::UnavailableError("the tail subscription closed as it was created; retrying");
  }
  // Generous local limits: the consumer's flow control bounds what is in flight.
  natsSubscription_SetPendingLimits(sub, 1 << 20, 256 << 20);
  tail_ = sub;
  tail_closed_ = closed.release();
  return absl::OkStatus();
}

void JetStreamEventLog::OnTailClosed(void* closure) {
  static_cast<Notification*>(closure)->Notify();
}

void JetStreamEventLog::StopTail() {
  if (tail_ == nullptr) return;
  natsSubscription_Unsubscribe(tail_);  // also deletes its consumer
  // The message handler uses `this`: wait until it has returned for good.
  if (tail_closed_->WaitForNotificationWithTimeout(kTailCloseTimeout)) {
    delete tail_closed_;
  } else {
    LogWarning("the tail subscription of stream %s did not close within %s", options_.stream,
               absl::FormatDuration(kTailCloseTimeout));  // the notification is leaked on purpose
  }
  natsSubscription_Destroy(tail_);
  tail_ = nullptr;
  tail_closed_ = nullptr;
}

void JetStreamEventLog::OnTailMessage(natsConnection* /*nc*/, natsSubscription* /*sub*/,
                                      natsMsg* msg, void* closure) {
  static_cast<JetStreamEventLog*>(closure)->HandleTailMessage(msg);
}

void JetStreamEventLog::HandleTailMessage(natsMsg* raw) {
  std::unique_ptr<natsMsg, NatsDeleters> msg(raw);
  uint64_t sequence = 0, delivered = 0;
  if (!ParseJetStreamReply(natsMsg_GetReply(msg.get()), &sequence, &delivered)) return;
  Stored(DecodeStreamEvent(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()), sequence,
                           options_.stream),
         /*from_tail=*/true);
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::OutOfRange(uint64_t after) const {
  return absl::OutOfRangeError(absl::StrFormat(
      "events after sequence %d are no longer retained; the oldest retained sequence is %d", after,
      FirstSequence()));
}

absl::Status JetStreamEventLog::Read(uint64_t after, size_t max_events,
                                     std::vector<EventPtr>* out) {
  const uint64_t want = after + 1;
  uint64_t from, to;
  {
    MutexLock lock(&mu_);
    if (after >= stream_last_ || max_events == 0) return absl::OkStatus();
    if (want < first_) {
      return absl::OutOfRangeError(absl::StrFormat(
          "events after sequence %d are no longer retained; the oldest retained sequence is %d",
          after, first_));
    }
    if (want > last_) {
      // Stored (acknowledged, or seen in the stream state) but not tailed
      // yet: the tail normally brings it within milliseconds.
      auto tailed = [this, want]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return last_ >= want || stop_health_;
      };
      mu_.AwaitWithTimeout(Condition(&tailed), options_.tail_grace);
    }
    if (want >= cache_first_ && want <= last_) {
      const size_t begin = want - cache_first_;
      const size_t end = begin + std::min<uint64_t>(max_events, last_ - after);
      for (size_t i = begin; i < end; ++i) out->push_back(cache_[i]);
      return absl::OkStatus();
    }
    from = want;
    to = after + std::min<uint64_t>(
                     {static_cast<uint64_t>(max_events), stream_last_ - after, kStreamReadBatch});
    if (want < cache_first_) to = std::min(to, cache_first_ - 1);
  }
  return ReadFromStream(from, to, out);
}

absl::StatusOr<EventPtr> JetStreamEventLog::ReadOne(uint64_t sequence) {
  {
    MutexLock lock(&mu_);
    if (sequence >= cache_first_ && sequence <= last_) return cache_[sequence - cache_first_];
  }
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetMsg(&raw, js_, options_.stream.c_str(), sequence, nullptr, &code);
  std::unique_ptr<natsMsg, NatsDeleters> msg(raw);
  if (s == NATS_OK) {
    return DecodeStreamEvent(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()), sequence,
                       options_.stream);
  }
  if (code == JSNoMessageFoundErr) {
    return absl::NotFoundError(
        absl::StrCat("stream ", options_.stream, " has no message ", sequence));
  }
  return JetStreamApiError(
      s, code, absl::StrCat("reading event ", sequence, " from stream ", options_.stream), servers_,
      options_.api_timeout);
}

absl::Status JetStreamEventLog::ReadFromStream(uint64_t from, uint64_t to,
                                               std::vector<EventPtr>* out) {
  const size_t had = out->size();
  absl::Status status;
  if (to - from < kDirectReadMax) {
    for (uint64_t sequence = from; sequence <= to; ++sequence) {
      absl::StatusOr<EventPtr> event = ReadOne(sequence);
      if (event.ok()) {
        out->push_back(*std::move(event));
      } else if (!absl::IsNotFound(event.status())) {
        status = event.status();
        break;
      }
    }
  } else {
    status = replay_->Read(from, to, out);
  }
  if (out->size() > had && out->at(had)->sequence() == from) return absl::OkStatus();
  if (!status.ok()) return status;
  // `from` is missing: retention removed it (the stream denies deleting
  // single messages). What follows it is returned only once the caller has
  // heard OUT_OF_RANGE, as with the other stores.
  PollStream(options_.api_timeout).IgnoreError();  // learn the oldest retained sequence
  if (from < FirstSequence()) {
    out->resize(had);
    return OutOfRange(from - 1);
  }
  if (out->size() > had) {
    LogWarning("stream %s has no message %d although it retains older ones; skipping it",
               options_.stream, from);
  }
  return absl::OkStatus();
}

uint64_t JetStreamEventLog::FirstSequence() const {
  MutexLock lock(&mu_);
  return first_;
}

uint64_t JetStreamEventLog::LastSequence() const {
  MutexLock lock(&mu_);
  return stream_last_;
}

uint64_t JetStreamEventLog::WaitForNewer(uint64_t after, absl::Duration timeout) {
  MutexLock lock(&mu_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stream_last_ > after; };
  mu_.AwaitWithTimeout(Condition(&newer), timeout);
  return stream_last_;
}

absl::StatusOr<uint64_t> JetStreamEventLog::FirstSequenceReceivedSince(absl::Time time) {
  uint64_t first, end;
  {
    MutexLock lock(&mu_);
    first = first_;
    end = stream_last_ + 1;
  }
  // Exact for one instance, approximate across instances (class comment).
  return switchboard::FirstSequenceReceivedSince(
      first, end, time, [this](uint64_t sequence) { return ReadOne(sequence); });
}

// ---------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------

absl::Status JetStreamEventLog::Writable() const {
  const natsConnStatus status = natsConnection_Status(nc_);
  if (status != NATS_CONN_STATUS_CONNECTED) {
    return absl::UnavailableError(absl::StrCat("not connected to NATS (",
                                               ConnectionStatusName(status), "; servers ", servers_,
                                               "); retry"));
  }
  MutexLock lock(&mu_);
  return health_;
}

void JetStreamEventLog::MarkUnhealthy(absl::Status status) {
  MutexLock lock(&mu_);
  if (!health_.ok()) return;
  LogError("%s; answering 503 until the stream answers again", status.message());
  health_ = std::move(status);
  poll_now_ = true;  // probe at once, then every 100 ms
}

void JetStreamEventLog::OnDisconnected(natsConnection* /*nc*/, void* closure) {
  auto* self = static_cast<JetStreamEventLog*>(closure);
  {
    MutexLock lock(&self->mu_);
    if (self->stop_health_) return;  // closing it ourselves
  }
  LogWarning("lost the connection to NATS (servers %s); webhooks get 503 until it is back; "
             "reconnecting",
             self->servers_);
}

void JetStreamEventLog::OnReconnected(natsConnection* nc, void* closure) {
  auto* self = static_cast<JetStreamEventLog*>(closure);
  char url[256] = {0};
  natsConnection_GetConnectedUrl(nc, url, sizeof(url));
  LogInfo("reconnected to NATS at %s", url);
  MutexLock lock(&self->mu_);
  self->poll_now_ = true;
}

void JetStreamEventLog::OnLeaderElected(natsConnection* /*nc*/, natsSubscription* /*sub*/,
                                        natsMsg* msg, void* closure) {
  // {"type":"io.nats.jetstream.advisory.v1.stream_leader_elected",...,"leader":"n1",...}
  const absl::string_view body(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  std::string leader = "?";
  if (size_t at = body.find("\"leader\":\""); at != absl::string_view::npos) {
    at += 10;
    leader = std::string(body.substr(at, body.find('"', at) - at));
  }
  natsMsg_Destroy(msg);
  static_cast<JetStreamEventLog*>(closure)->LeaderElected(
      absl::StrCat("JetStream elected ", leader, " to lead it"));
}

void JetStreamEventLog::LeaderElected(absl::string_view how) {
  {
    MutexLock lock(&mu_);
    leader_elected_at_ = absl::Now();
    if (!health_.ok()) {
      LogInfo("stream %s has a leader again (%s); taking webhooks", options_.stream, how);
      health_ = absl::OkStatus();
    }
  }
  std::vector<Pending> waiting;
  {
    MutexLock pending_lock(&pending_mu_);
    waiting.swap(waiting_for_leader_);
  }
  for (Pending& pending : waiting) Republish(std::move(pending));
}

std::vector<EventLog::AppendCallback> JetStreamEventLog::ExpiredWaitingLocked(absl::Time now) {
  std::vector<AppendCallback> expired;
  std::vector<Pending> waiting;
  for (Pending& pending : waiting_for_leader_) {
    if (pending.published_at + options_.ack_timeout <= now) {
      expired.push_back(std::move(pending.done));
    } else {
      waiting.push_back(std::move(pending));
    }
  }
  waiting_for_leader_.swap(waiting);
  return expired;
}

void JetStreamEventLog::HealthLoop() {
  // While unhealthy the stream is probed often, each probe waiting briefly:
  // the first answer after an election ends the 503s.
  constexpr absl::Duration kProbeInterval = absl::Milliseconds(100);
  const absl::Duration probe_timeout = std::min(options_.api_timeout, absl::Milliseconds(500));
  for (;;) {
    bool healthy;
    {
      MutexLock lock(&mu_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_health_ || poll_now_; };
      mu_.AwaitWithTimeout(Condition(&wake),
                           health_.ok() ? options_.health_interval : kProbeInterval);
      if (stop_health_) return;
      poll_now_ = false;
      healthy = health_.ok();
    }
    std::vector<AppendCallback> expired;
    {
      MutexLock pending_lock(&pending_mu_);
      expired = ExpiredWaitingLocked(absl::Now());
    }
    for (AppendCallback& done : expired) {
      std::move(done)(absl::UnavailableError(absl::StrCat(
          "event not stored: stream ", options_.stream, " had no leader for ",
          absl::FormatDuration(options_.ack_timeout), " (is a majority of the NATS cluster up?); retry")));
    }
    replay_->CloseIdle(absl::Now());
    if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) continue;  // the callbacks log it
    const absl::Time asked = absl::Now();
    absl::Status polled = PollStream(healthy ? options_.api_timeout : probe_timeout);
    if (polled.ok() && !healthy) {
      LeaderElected("its state answers");
    } else if (!polled.ok()) {
      MutexLock lock(&mu_);
      // A request lost in an election that is over since says nothing now.
      if (health_.ok() && leader_elected_at_ < asked) {
        LogError("%s; answering 503 until it answers again", polled.message());
        health_ = polled;
      }
    }
    if (tail_ == nullptr || !natsSubscription_IsValid(tail_)) {
      StopTail();
      uint64_t from;
      {
        MutexLock lock(&mu_);
        from = last_ + 1;
      }
      if (absl::Status started = StartTail(from); started.ok()) {
        LogInfo("tailing stream %s again from sequence %d", options_.stream, from);
      } else {
        LogWarning("%s", started.message());
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Shutdown
// ---------------------------------------------------------------------------

JetStreamEventLog::~JetStreamEventLog() {
  {
    MutexLock lock(&publish_mu_);
    stopping_ = true;
  }
  {
    MutexLock lock(&mu_);
    stop_health_ = true;
  }
  if (health_thread_.joinable()) health_thread_.join();
  if (elections_ != nullptr) {
    natsSubscription_Unsubscribe(elections_);
    // Its handler uses `this`: wait until it has returned for good.
    elections_closed_.WaitForNotificationWithTimeout(kTailCloseTimeout);
    natsSubscription_Destroy(elections_);
  }
  {
    std::vector<Pending> waiting;
    {
      MutexLock pending_lock(&pending_mu_);
      waiting.swap(waiting_for_leader_);
    }
    for (Pending& pending : waiting) {
      std::move(pending.done)(absl::UnavailableError(
          "event not stored: shutting down before JetStream acknowledged it; retry"));
    }
  }
  if (js_ != nullptr) {
    // Appends in flight: every one has a deadline (ack_timeout).
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = Millis(options_.ack_timeout) + 1000;
    if (js_PublishAsyncComplete(js_, &wait) != NATS_OK) {
      natsMsgList unacknowledged;
      if (js_PublishAsyncGetPendingList(&unacknowledged, js_) == NATS_OK) {
        std::vector<AppendCallback> failed;
        {
          MutexLock lock(&pending_mu_);
          for (int i = 0; i < unacknowledged.Count; ++i) {
            if (auto node = pending_.extract(unacknowledged.Msgs[i])) {
              failed.push_back(std::move(node.mapped().done));
            }
          }
        }
        natsMsgList_Destroy(&unacknowledged);
        for (AppendCallback& done : failed) {
          std::move(done)(absl::UnavailableError(
              "event not stored: shutting down before JetStream acknowledged it; retry"));
        }
      }
      wait.MaxWait = 2000;  // acknowledgement handlers already running
      js_PublishAsyncComplete(js_, &wait);
    }
  }
  StopTail();
  replay_.reset();
  if (nc_ != nullptr) natsConnection_Close(nc_);
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (nc_ != nullptr) natsConnection_Destroy(nc_);
}

}  // namespace switchboard
