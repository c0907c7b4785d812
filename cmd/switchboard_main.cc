// switchboard: receives JustCall webhooks over HTTP, stores them in the event
// log, and streams them to gRPC subscribers. See docs/ARCHITECTURE.md.

#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "admin/admin_auth.h"
#include "admin/admin_server.h"
#include "admin/grpc_status_sources.h"
#include "common/logging.h"
#include "common/service_metrics.h"
#include "gateway/http_handler.h"
#include "gateway/http_server.h"
#include "gateway/webhook_verifier.h"
#include "server/grpc_server.h"
#include "server/jetstream_group_backend.h"
#include "server/subscriber_auth.h"
#include "store/jetstream_event_log.h"
#include "store/memory_event_log.h"
#include "store/rocksdb_event_log.h"

ABSL_FLAG(std::string, http_addr, "127.0.0.1:8080",
          "HTTP gateway listen address, HOST:PORT (port 0 picks a free port). Use 0.0.0.0:PORT "
          "to accept webhooks from other machines.");
ABSL_FLAG(std::string, grpc_addr, "127.0.0.1:50051",
          "gRPC listen address for subscribers, HOST:PORT (port 0 picks a free port).");
ABSL_FLAG(std::string, admin_addr, "127.0.0.1:8081",
          "The operator console and its JSON API, plus /metrics, /healthz and /readyz, "
          "HOST:PORT (port 0 picks a free port; empty: no console). Never the webhook port. "
          "Open on loopback; anywhere else every request needs a --grpc_token_file token "
          "with the `admin` grant (README, Console).");
ABSL_FLAG(bool, admin_require_token, false,
          "Require an admin token on the console even when --admin_addr is loopback (a "
          "machine shared with people who should not read the events).");
ABSL_FLAG(uint64_t, admin_max_viewers, 16, "Console viewers following the live tail at most.");
ABSL_FLAG(std::string, store, "rocksdb",
          "Event log backend: \"rocksdb\" (durable, in --data_dir), \"jetstream\" (a NATS "
          "JetStream stream shared by several instances; see --nats_url) or \"memory\" (events "
          "are lost on restart; for tests and demos).");
ABSL_FLAG(std::string, data_dir, "./data",
          "--store=rocksdb: directory of the event store (created when missing).");
ABSL_FLAG(bool, sync, true,
          "--store=rocksdb: fsync each group commit before answering 200. --nosync is faster, "
          "but webhooks acknowledged in the last moments before a machine crash (not a process "
          "crash) can be lost.");
ABSL_FLAG(absl::Duration, retention_max_age, absl::Hours(24 * 7),
          "--store=rocksdb and jetstream: delete events older than this (0 keeps them regardless "
          "of age). JetStream: applied when Switchboard creates the stream.");
ABSL_FLAG(uint64_t, retention_max_bytes, 10ull << 30,
          "--store=rocksdb and jetstream: delete the oldest events while the store holds more "
          "than this many bytes (0: no limit). JetStream: applied when Switchboard creates the "
          "stream.");
ABSL_FLAG(uint64_t, min_free_disk_bytes, 256ull << 20,
          "--store=rocksdb: below this much free space on the data directory's disk, webhooks "
          "get 503 (the sender retries) and /readyz fails, until space is freed.");
ABSL_FLAG(absl::Duration, retention_interval, absl::Seconds(10),
          "--store=rocksdb: how often retention is enforced, in the background.");
ABSL_FLAG(absl::Duration, dedup_window, absl::Hours(24),
          "A webhook whose id (request_id, or a digest of its content) was stored this recently "
          "is answered 200 with the original sequence and \"duplicate\":true, and not stored "
          "again. --store=jetstream: the stream's duplicate window (at most "
          "--retention_max_age), applied when Switchboard creates the stream.");
ABSL_FLAG(std::string, nats_url, "nats://127.0.0.1:4222",
          "--store=jetstream: NATS servers, nats://[USER:PASSWORD@]HOST:PORT or tls://..., "
          "comma-separated (one is enough: the client learns the rest of the cluster).");
ABSL_FLAG(std::string, nats_stream, "SWITCHBOARD",
          "--store=jetstream: the JetStream stream holding the events; created when missing. Its "
          "sequence is the event sequence, so it holds Switchboard's events only.");
ABSL_FLAG(std::string, nats_subject_prefix, "switchboard.events",
          "--store=jetstream: events are published to PREFIX.TYPE (e.g. "
          "switchboard.events.call.completed); the stream's only subject is PREFIX.>.");
ABSL_FLAG(int32_t, nats_replicas, 1,
          "--store=jetstream: replicas of the stream when Switchboard creates it (3 for a "
          "3-node cluster: it survives the loss of one node).");
ABSL_FLAG(std::string, nats_creds, "",
          "--store=jetstream: NATS credentials file (.creds: user JWT and NKey seed).");
ABSL_FLAG(std::string, nats_tls_ca, "",
          "--store=jetstream: PEM CA certificates to verify the NATS servers with (TLS).");
ABSL_FLAG(std::string, nats_tls_cert, "",
          "--store=jetstream: PEM client certificate chain for NATS mutual TLS (with "
          "--nats_tls_key).");
ABSL_FLAG(std::string, nats_tls_key, "", "--store=jetstream: PEM private key of --nats_tls_cert.");
ABSL_FLAG(absl::Duration, nats_ack_timeout, absl::Seconds(5),
          "--store=jetstream: a webhook whose publish JetStream has not acknowledged within this "
          "gets 503 (the sender retries; the retry is de-duplicated if it was stored after all).");
ABSL_FLAG(uint64_t, memory_max_events, 100000,
          "--store=memory: events retained at most; the oldest are dropped first.");
ABSL_FLAG(uint64_t, memory_max_bytes, 256ull << 20,
          "--store=memory: serialized bytes of events retained at most.");
ABSL_FLAG(uint64_t, max_body_bytes, 1 << 20,
          "Largest webhook body accepted, in bytes; larger requests get 413.");
ABSL_FLAG(uint64_t, max_header_bytes, 16 << 10,
          "Largest request line plus headers accepted, in bytes; larger requests get 431.");
ABSL_FLAG(int32_t, max_json_depth, 32,
          "Deepest JSON nesting accepted in a webhook body (2 to 48; the envelope is level 1); "
          "deeper bodies get 400.");
ABSL_FLAG(uint64_t, max_connections, 4096, "Open HTTP connections at most; more are refused.");
ABSL_FLAG(absl::Duration, http_idle_timeout, absl::Seconds(60),
          "Close a keep-alive HTTP connection that sends no request for this long.");
ABSL_FLAG(absl::Duration, http_read_timeout, absl::Seconds(15),
          "Time a client has to send a whole request once it started (stops slow senders), "
          "and to read the reply.");
ABSL_FLAG(int32_t, http_threads, 1, "Threads serving HTTP connections.");
ABSL_FLAG(std::string, justcall_secret_file, "",
          "File holding the JustCall API secret (a second line: the next secret, during "
          "rotation). Enables JustCall signature checks (401 without a valid signature). "
          "Without it, $SWITCHBOARD_JUSTCALL_SECRET is used when set.");
ABSL_FLAG(std::string, justcall_webhook_url, "",
          "The webhook URL configured in JustCall for this endpoint (the signature covers it).");
ABSL_FLAG(std::string, hmac_secret_file, "",
          "File holding the secret (two lines during rotation) of a body HMAC-SHA256 signature. "
          "Enables body signature checks. Without it, $SWITCHBOARD_HMAC_SECRET is used when set.");
ABSL_FLAG(std::string, hmac_header, "x-signature-sha256",
          "Header carrying the body HMAC-SHA256, hex or base64 (an optional \"sha256=\" prefix "
          "is allowed).");
ABSL_FLAG(std::string, hmac_timestamp_header, "",
          "Header carrying the Unix time the sender signed at; when set, the signature covers "
          "\"TIMESTAMP.BODY\" and stale timestamps are refused.");
ABSL_FLAG(std::string, grpc_token_file, "",
          "Subscriber tokens (hashed) and what each may read: lines `sha256:<hex> NAME "
          "PATTERN[,PATTERN...]`. When set, Subscribe needs `authorization: Bearer TOKEN`; "
          "health and reflection stay open unless --grpc_auth_all_methods. Hash a token with "
          "`printf %s TOKEN | sha256sum`.");
ABSL_FLAG(bool, grpc_auth_all_methods, false,
          "With --grpc_token_file: require a valid token for health and reflection too, not "
          "only for Subscribe. Needs TLS (--grpc_tls_cert).");
ABSL_FLAG(uint64_t, max_subscribers, 10000, "Open Subscribe streams at most, in total.");
ABSL_FLAG(uint64_t, max_subscribers_per_token, 1000,
          "Open Subscribe streams at most per token (with --grpc_token_file).");
ABSL_FLAG(uint64_t, max_patterns, 64, "event_types patterns at most per Subscribe request.");
ABSL_FLAG(std::string, http_tls_cert, "",
          "PEM certificate chain: serve the webhook gateway over HTTPS only (with "
          "--http_tls_key).");
ABSL_FLAG(std::string, http_tls_key, "", "PEM private key of --http_tls_cert.");
ABSL_FLAG(std::string, grpc_tls_cert, "",
          "PEM certificate chain: serve gRPC over TLS only (with --grpc_tls_key).");
ABSL_FLAG(std::string, grpc_tls_key, "", "PEM private key of --grpc_tls_cert.");
ABSL_FLAG(std::string, grpc_tls_client_ca, "",
          "PEM CA certificates: require subscribers to present a client certificate it signed "
          "(mTLS).");
ABSL_FLAG(absl::Duration, signature_max_skew, absl::Minutes(5),
          "Signed webhooks whose timestamp is further than this from our clock are refused.");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long requests in flight may take to finish; the process "
          "exits at most about a second later, whatever is still running.");

namespace switchboard {
namespace {

// How long past --shutdown_grace the process waits before it exits anyway.
constexpr absl::Duration kShutdownSlack = absl::Seconds(1);

absl::StatusOr<std::unique_ptr<EventLog>> OpenStore() {
  const std::string store = absl::GetFlag(FLAGS_store);
  if (store == "memory") {
    MemoryEventLog::Options options;
    options.max_events = static_cast<size_t>(absl::GetFlag(FLAGS_memory_max_events));
    options.max_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_memory_max_bytes));
    options.dedup_window = absl::GetFlag(FLAGS_dedup_window);
    return std::make_unique<MemoryEventLog>(options);
  }
  if (store == "rocksdb") {
    RocksDbEventLog::Options options;
    options.dir = absl::GetFlag(FLAGS_data_dir);
    options.sync = absl::GetFlag(FLAGS_sync);
    options.max_age = absl::GetFlag(FLAGS_retention_max_age);
    options.max_bytes = absl::GetFlag(FLAGS_retention_max_bytes);
    options.maintenance_interval = absl::GetFlag(FLAGS_retention_interval);
    options.min_free_bytes = absl::GetFlag(FLAGS_min_free_disk_bytes);
    options.dedup_window = absl::GetFlag(FLAGS_dedup_window);
    if (options.maintenance_interval <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--retention_interval must be positive");
    }
    absl::StatusOr<std::unique_ptr<RocksDbEventLog>> log = RocksDbEventLog::Open(options);
    if (!log.ok()) return log.status();
    LogInfo("event store: %s (rocksdb, oldest sequence %d, newest %d, %s)", options.dir,
            (*log)->FirstSequence(), (*log)->LastSequence(),
            options.sync ? "fsync per group commit" : "NO fsync (--nosync)");
    return std::unique_ptr<EventLog>(*std::move(log));
  }
  if (store == "jetstream") {
    JetStreamEventLog::Options options;
    for (absl::string_view url :
         absl::StrSplit(absl::GetFlag(FLAGS_nats_url), ',', absl::SkipWhitespace())) {
      options.servers.emplace_back(absl::StripAsciiWhitespace(url));
    }
    options.stream = absl::GetFlag(FLAGS_nats_stream);
    options.subject_prefix = absl::GetFlag(FLAGS_nats_subject_prefix);
    options.replicas = absl::GetFlag(FLAGS_nats_replicas);
    options.max_age = absl::GetFlag(FLAGS_retention_max_age);
    options.max_bytes = absl::GetFlag(FLAGS_retention_max_bytes);
    options.dedup_window = absl::GetFlag(FLAGS_dedup_window);
    options.creds_file = absl::GetFlag(FLAGS_nats_creds);
    options.tls_ca_file = absl::GetFlag(FLAGS_nats_tls_ca);
    options.tls_cert_file = absl::GetFlag(FLAGS_nats_tls_cert);
    options.tls_key_file = absl::GetFlag(FLAGS_nats_tls_key);
    options.ack_timeout = absl::GetFlag(FLAGS_nats_ack_timeout);
    if (options.ack_timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--nats_ack_timeout must be positive");
    }
    absl::StatusOr<std::unique_ptr<JetStreamEventLog>> log = JetStreamEventLog::Open(options);
    if (!log.ok()) return log.status();
    LogInfo("event store: NATS JetStream %s (oldest sequence %d, newest %d)", (*log)->Describe(),
            (*log)->FirstSequence(), (*log)->LastSequence());
    return std::unique_ptr<EventLog>(*std::move(log));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown --store=", store, "; use rocksdb (durable), jetstream (NATS) or memory"));
}

void AddStoreCollectors(EventLog* log, metrics::Registry* registry) {
  registry->AddCollector("switchboard_store_oldest_sequence",
                         "Sequence of the oldest retained event (newest + 1 when empty).",
                         "gauge", [log](std::vector<metrics::Sample>* out) {
                           out->push_back({{}, static_cast<double>(log->FirstSequence())});
                         });
  registry->AddCollector("switchboard_store_newest_sequence",
                         "Sequence of the newest stored event (0 when none).", "gauge",
                         [log](std::vector<metrics::Sample>* out) {
                           out->push_back({{}, static_cast<double>(log->LastSequence())});
                         });
  registry->AddCollector("switchboard_store_events", "Events retained in the store.", "gauge",
                         [log](std::vector<metrics::Sample>* out) {
                           const uint64_t first = log->FirstSequence();
                           const uint64_t last = log->LastSequence();
                           out->push_back({{}, static_cast<double>(last + 1 - first)});
                         });
  registry->AddCollector("switchboard_store_writable",
                         "1 while the store can take events, 0 while webhooks get 503.", "gauge",
                         [log](std::vector<metrics::Sample>* out) {
                           out->push_back({{}, log->Writable().ok() ? 1.0 : 0.0});
                         });
}

// Recent refused webhooks kept for the console.
constexpr size_t kRefusalsKept = 200;

admin::StoreInfo StoreInfoFromFlags() {
  admin::StoreInfo info;
  info.kind = absl::GetFlag(FLAGS_store);
  if (info.kind == "memory") {
    info.max_events = absl::GetFlag(FLAGS_memory_max_events);
    info.max_bytes = absl::GetFlag(FLAGS_memory_max_bytes);
  } else {
    info.max_age = absl::GetFlag(FLAGS_retention_max_age);
    info.max_bytes = absl::GetFlag(FLAGS_retention_max_bytes);
  }
  return info;
}

// Whether `address` (HOST:PORT) is a loopback address.
bool IsLoopbackAddress(const std::string& address) {
  return admin::IsLoopbackHost(address) &&
         !absl::StartsWithIgnoreCase(address, "localhost");  // a name may resolve elsewhere
}

absl::StatusOr<gateway::WebhookVerifier> MakeVerifier() {
  gateway::WebhookVerifier::Options options;
  absl::StatusOr<std::vector<std::string>> justcall = gateway::LoadSecrets(
      absl::GetFlag(FLAGS_justcall_secret_file), "SWITCHBOARD_JUSTCALL_SECRET");
  if (!justcall.ok()) return justcall.status();
  absl::StatusOr<std::vector<std::string>> hmac =
      gateway::LoadSecrets(absl::GetFlag(FLAGS_hmac_secret_file), "SWITCHBOARD_HMAC_SECRET");
  if (!hmac.ok()) return hmac.status();
  options.justcall_secrets = *std::move(justcall);
  options.justcall_webhook_url = absl::GetFlag(FLAGS_justcall_webhook_url);
  options.hmac_secrets = *std::move(hmac);
  options.hmac_header = absl::GetFlag(FLAGS_hmac_header);
  options.hmac_timestamp_header = absl::GetFlag(FLAGS_hmac_timestamp_header);
  options.max_skew = absl::GetFlag(FLAGS_signature_max_skew);
  return gateway::WebhookVerifier::Create(std::move(options));
}

int Run() {
  if (const int depth = absl::GetFlag(FLAGS_max_json_depth);
      depth < 2 || depth > gateway::WebhookTranslator::kMaxDepthLimit) {
    LogError("--max_json_depth must be between 2 (the envelope and its data object) and %d "
             "(protobuf decoders' recursion limit)", gateway::WebhookTranslator::kMaxDepthLimit);
    return 2;
  }

  // Handle SIGTERM/SIGINT on this thread only: block them before any other
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<EventLog>> opened = OpenStore();
  if (!opened.ok()) {
    LogError("%s", opened.status().message());
    return absl::IsInvalidArgument(opened.status()) ? 2 : 1;
  }
  EventLog& log = **opened;

  ServiceMetrics metrics;
  AddStoreCollectors(&log, &metrics.registry);
  std::optional<server::SubscriberAuth> auth;
  if (const std::string path = absl::GetFlag(FLAGS_grpc_token_file); !path.empty()) {
    absl::StatusOr<server::SubscriberAuth> loaded = server::SubscriberAuth::FromFile(path);
    if (!loaded.ok()) {
      LogError("%s", loaded.status().message());
      return 2;
    }
    auth = *std::move(loaded);
    LogInfo("subscribers need a token: %d tokens in %s", auth->size(), path);
  } else {
    LogWarning("subscribers are NOT authenticated: anyone who can reach the gRPC port can read "
               "every event (configure --grpc_token_file)");
  }
  server::GrpcServer::Options grpc_options;
  grpc_options.stream.auth = auth ? &*auth : nullptr;
  grpc_options.stream.max_subscribers = absl::GetFlag(FLAGS_max_subscribers);
  grpc_options.stream.max_subscribers_per_token = absl::GetFlag(FLAGS_max_subscribers_per_token);
  grpc_options.stream.max_patterns = absl::GetFlag(FLAGS_max_patterns);
  grpc_options.tls_cert_file = absl::GetFlag(FLAGS_grpc_tls_cert);
  grpc_options.tls_key_file = absl::GetFlag(FLAGS_grpc_tls_key);
  grpc_options.tls_client_ca_file = absl::GetFlag(FLAGS_grpc_tls_client_ca);
  grpc_options.auth_all_methods = absl::GetFlag(FLAGS_grpc_auth_all_methods);
  if (auto* jetstream = dynamic_cast<JetStreamEventLog*>(&log)) {
    // Consumer groups live in JetStream, shared by every instance.
    grpc_options.groups = [jetstream](server::FanoutDispatcher*, metrics::Registry* registry) {
      return std::make_unique<server::JetStreamGroupBackend>(
          jetstream, registry, server::JetStreamGroupBackend::Options());
    };
  }
  server::GrpcServer grpc_server(&log, &metrics, std::move(grpc_options));
  if (absl::Status status = grpc_server.Start(absl::GetFlag(FLAGS_grpc_addr)); !status.ok()) {
    LogError("%s", status.message());
    return 1;
  }
  LogInfo("grpc server listening on %s%s", grpc_server.bound_address(),
          absl::GetFlag(FLAGS_grpc_tls_cert).empty()
              ? " (plaintext)"
              : absl::GetFlag(FLAGS_grpc_tls_client_ca).empty() ? " (TLS)" : " (mTLS)");

  absl::StatusOr<gateway::WebhookVerifier> verifier = MakeVerifier();
  if (!verifier.ok()) {
    LogError("%s", verifier.status().message());
    grpc_server.Shutdown(absl::ZeroDuration());
    return 2;
  }
  if (!verifier->enabled()) {
    LogWarning("webhook signatures are NOT verified: anyone who can reach the HTTP port can inject "
               "events (configure --justcall_secret_file or --hmac_secret_file)");
  }
  gateway::RefusalRing refusals(kRefusalsKept);
  gateway::HttpHandler handler(&log, &metrics, &*verifier, {absl::GetFlag(FLAGS_max_json_depth)},
                               &refusals);
  gateway::HttpServer::Options http_options;
  http_options.address = absl::GetFlag(FLAGS_http_addr);
  http_options.io_threads = absl::GetFlag(FLAGS_http_threads);
  http_options.max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  http_options.max_header_bytes = absl::GetFlag(FLAGS_max_header_bytes);
  http_options.max_connections = absl::GetFlag(FLAGS_max_connections);
  http_options.idle_timeout = absl::GetFlag(FLAGS_http_idle_timeout);
  http_options.read_timeout = absl::GetFlag(FLAGS_http_read_timeout);
  http_options.tls_cert_file = absl::GetFlag(FLAGS_http_tls_cert);
  http_options.tls_key_file = absl::GetFlag(FLAGS_http_tls_key);
  gateway::HttpServer http_server(http_options, &handler);
  if (absl::Status status = http_server.Start(); !status.ok()) {
    LogError("%s", status.message());
    grpc_server.Shutdown(absl::ZeroDuration());
    return 1;
  }
  LogInfo("http gateway listening on %s (POST /webhooks/justcall, %s)", http_server.bound_address(),
          http_options.tls_cert_file.empty() ? "plaintext" : "HTTPS");
  if (absl::GetFlag(FLAGS_store) == "memory") {
    LogWarning("store is in memory: events are lost on restart");
  }

  // The operator console, on its own listener (admin/).
  admin::GrpcStatusSources grpc_status(&grpc_server);
  std::optional<admin::AdminAuth> admin_auth;
  std::unique_ptr<admin::AdminServer> admin_server;
  if (const std::string address = absl::GetFlag(FLAGS_admin_addr); !address.empty()) {
    absl::StatusOr<admin::AdminAuth> created = admin::AdminAuth::Create(
        {IsLoopbackAddress(address), absl::GetFlag(FLAGS_admin_require_token),
         auth ? &*auth : nullptr});
    if (!created.ok()) {
      LogError("%s", created.status().message());
      http_server.Shutdown(absl::ZeroDuration());
      grpc_server.Shutdown(absl::ZeroDuration());
      return 2;
    }
    admin_auth = *std::move(created);
    admin::AdminServer::Options admin_options;
    admin_options.address = address;
    admin_options.max_viewers = absl::GetFlag(FLAGS_admin_max_viewers);
    admin::AdminServer::Dependencies deps;
    deps.auth = &*admin_auth;
    deps.probes = &handler;
    deps.api = {&log, &metrics, nullptr, &refusals, &grpc_status, StoreInfoFromFlags(), {}};
    admin_server = std::make_unique<admin::AdminServer>(admin_options, std::move(deps));
    if (absl::Status status = admin_server->Start(); !status.ok()) {
      LogError("%s", status.message());
      http_server.Shutdown(absl::ZeroDuration());
      grpc_server.Shutdown(absl::ZeroDuration());
      return absl::IsInvalidArgument(status) ? 2 : 1;
    }
    LogInfo("admin console listening on %s (%s)", admin_server->bound_address(),
            admin_auth->open() ? "loopback: open to this machine"
                               : "needs an admin token");
  }
  if (admin_server != nullptr) {
    LogInfo("console: http://%s/", admin_server->bound_address());
  }
  LogInfo("ready");

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  LogInfo("received %s; shutting down (grace %s)", signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
          absl::FormatDuration(absl::GetFlag(FLAGS_shutdown_grace)));

  const absl::Duration grace = absl::GetFlag(FLAGS_shutdown_grace);
  const absl::Time deadline = absl::Now() + grace;
  // gRPC completes a write to a subscriber that stopped reading only when its
  // connection closes, so its stream can outlive any deadline. Every
  // acknowledged webhook is in the log by now; do not let it hold the exit.
  absl::Notification stopped;
  std::thread watchdog([&stopped, deadline] {
    if (stopped.WaitForNotificationWithDeadline(deadline + kShutdownSlack)) return;
    LogWarning("shutdown still not finished %s after the grace period (a subscriber that "
               "stopped reading?); exiting now", absl::FormatDuration(kShutdownSlack));
    std::_Exit(0);
  });
  handler.set_ready(false);       // new webhooks: 503, the sender retries elsewhere/later
  if (admin_server != nullptr) admin_server->Shutdown();  // viewers resume elsewhere/later
  http_server.Shutdown(grace);    // finish requests in flight, close connections
  grpc_server.Shutdown(std::max(deadline - absl::Now(), absl::ZeroDuration()));  // end streams
  stopped.Notify();
  watchdog.join();
  LogInfo("stopped");
  return 0;
}

}  // namespace
}  // namespace switchboard

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Receives JustCall webhooks on HTTP and streams them as typed protobuf events over gRPC.\n"
      "  switchboard --http_addr=127.0.0.1:8080 --grpc_addr=127.0.0.1:50051\n"
      "Flags (see --help for all):");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil is built with Mutex deadlock detection on: a lock-order
  // graph update on every lock, 7% of the server's time when streaming
  // (perf, docs/PERFORMANCE.md). The unit tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return switchboard::Run();
}
