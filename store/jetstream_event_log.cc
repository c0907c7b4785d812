#include "store/jetstream_event_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging.h"
#include "store/nats_util.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace switchboard {
namespace {

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

absl::StatusOr<std::unique_ptr<natsOptions, NatsDeleter>> JetStreamEventLog::ConnectionOptions(
    absl::string_view name) const {
  natsOptions* raw = nullptr;
  if (natsOptions_Create(&raw) != NATS_OK) return absl::InternalError("natsOptions_Create failed");
  std::unique_ptr<natsOptions, NatsDeleter> opts(raw);
  const std::string& urls = servers_;
  std::vector<const char*> servers;
  for (const std::string& server : options_.servers) servers.push_back(server.c_str());
  natsStatus s =
      natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
  if (s != NATS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("--nats_url=", urls, " is not a list of NATS URLs: ", NatsErrorText(s)));
  }
  natsOptions_SetName(opts.get(), std::string(name).c_str());
  natsOptions_SetTimeout(opts.get(), NatsMillis(options_.connect_timeout));
  natsOptions_SetAllowReconnect(opts.get(), true);
  natsOptions_SetMaxReconnect(opts.get(), -1);  // forever: the log recovers by itself
  natsOptions_SetReconnectWait(opts.get(), NatsMillis(options_.reconnect_wait));
  natsOptions_SetReconnectJitter(opts.get(), 100, 1000);
  natsOptions_SetPingInterval(opts.get(), 2000);  // notice a dead server within seconds
  natsOptions_SetMaxPingsOut(opts.get(), 3);
  natsOptions_SetRetryOnFailedConnect(opts.get(), false, nullptr, nullptr);  // fail fast
  natsOptions_SetErrorHandler(opts.get(), &OnAsyncError, nullptr);
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
  return opts;
}

absl::Status JetStreamEventLog::Connect() {
  absl::StatusOr<std::unique_ptr<natsOptions, NatsDeleter>> opts =
      ConnectionOptions(options_.connection_name);
  if (!opts.ok()) return opts.status();
  natsOptions_SetDisconnectedCB(opts->get(), &JetStreamEventLog::OnDisconnected, this);
  natsOptions_SetReconnectedCB(opts->get(), &JetStreamEventLog::OnReconnected, this);
  natsOptions_SetClosedCB(opts->get(), &JetStreamEventLog::OnClosed, this);
  // Publish at once rather than from the library's flusher thread: a quarter of
  // the POST-to-subscriber latency at the same throughput (README).
  natsOptions_SetSendAsap(opts->get(), true);
  natsStatus s = natsConnection_Connect(&nc_, opts->get());
  if (s != NATS_OK) {
    nc_ = nullptr;
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot connect to NATS at ", servers_, ": ", NatsErrorText(s),
        ". Check --nats_url, that nats-server is running and reachable, and the credentials and "
        "TLS flags (--nats_creds, --nats_tls_ca, --nats_tls_cert, --nats_tls_key)"));
  }

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = NatsMillis(options_.api_timeout);
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

absl::StatusOr<std::unique_ptr<natsConnection, NatsDeleter>> JetStreamEventLog::ConnectBuffered(
    absl::string_view purpose) const {
  absl::StatusOr<std::unique_ptr<natsOptions, NatsDeleter>> opts =
      ConnectionOptions(absl::StrCat(options_.connection_name, " (", purpose, ")"));
  if (!opts.ok()) return opts.status();
  natsConnection* nc = nullptr;
  if (natsStatus s = natsConnection_Connect(&nc, opts->get()); s != NATS_OK) {
    return absl::UnavailableError(absl::StrCat("cannot connect to NATS at ", servers_, " for ",
                                               purpose, ": ", NatsErrorText(s)));
  }
  return std::unique_ptr<natsConnection, NatsDeleter>(nc);
}

absl::Status JetStreamEventLog::EnsureStream() {
  const std::string& urls = servers_;
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js_, options_.stream.c_str(), nullptr, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleter> info(raw);
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
  config.MaxAge = options_.max_age > absl::ZeroDuration() ? NatsNanos(options_.max_age) : 0;
  config.MaxBytes = options_.max_bytes > 0 ? static_cast<int64_t>(options_.max_bytes) : -1;
  config.Duplicates = NatsNanos(dedup);
  config.DenyDelete = true;  // sequences stay gap-free: only retention removes, from the front

  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&raw, js_, &config, nullptr, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleter> info(raw);
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
  const int64_t want_age = options_.max_age > absl::ZeroDuration() ? NatsNanos(options_.max_age) : 0;
  if (config.MaxAge != want_age) {
    differences.push_back(
        absl::StrCat("max age ", FormatAge(config.MaxAge), " (flag: ", FormatAge(want_age), ")"));
  }
  const int64_t want_bytes = options_.max_bytes > 0 ? static_cast<int64_t>(options_.max_bytes) : -1;
  if (config.MaxBytes != want_bytes) {
    differences.push_back(absl::StrCat("max bytes ", FormatBytes(config.MaxBytes),
                                       " (flag: ", FormatBytes(want_bytes), ")"));
  }
  if (config.Duplicates < NatsNanos(DuplicateWindow(options_.dedup_window, options_.max_age))) {
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
  wait.Wait = NatsMillis(timeout);
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js_, options_.stream.c_str(), &wait, &code);
  std::unique_ptr<jsStreamInfo, NatsDeleter> info(raw);
  if (s != NATS_OK) {
    if (code == JSStreamNotFoundErr) {
      return absl::UnavailableError(absl::StrCat(
          "stream ", options_.stream, " no longer exists; restart switchboard to recreate it"));
    }
    return JetStreamApiError(s, code, absl::StrCat("reading the state of stream ", options_.stream),
                             servers_, timeout);
  }
  if (const jsClusterInfo* cluster = info->Cluster;
      cluster != nullptr && cluster->Name != nullptr && cluster->Name[0] != '\0' &&
      (cluster->Leader == nullptr || cluster->Leader[0] == '\0')) {
    // A stream without a leader lets a replica answer with its own state;
    // publishes still find no stream.
    return absl::UnavailableError(absl::StrCat(
        "stream ", options_.stream, " has no leader (an election is under way; is a majority of "
        "its NATS nodes up and connected?)"));
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
    elections_closed_.WaitForNotificationWithTimeout(kCloseTimeout);
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
    wait.MaxWait = NatsMillis(options_.ack_timeout) + 1000;
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
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    // The connection's callbacks use `this`: wait until the last has run.
    connection_closed_.WaitForNotificationWithTimeout(kCloseTimeout);
  }
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (nc_ != nullptr) natsConnection_Destroy(nc_);
}

}  // namespace switchboard
