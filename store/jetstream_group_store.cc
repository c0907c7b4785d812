#include "store/jetstream_group_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "store/jetstream_replay_reader.h"
#include "store/nats_util.h"

namespace switchboard {
namespace {

constexpr char kConfig[] = "config.";
constexpr char kPosition[] = "position.";
constexpr char kDead[] = "dead.";

// "what: text (JetStream error N)" as UNAVAILABLE, the calling thread's cnats
// error text when there is one.
absl::Status NatsError(absl::string_view what, natsStatus s, jsErrCode code = jsErrCode(0)) {
  const std::string text = NatsErrorText(s);
  if (s == NATS_NOT_FOUND) return absl::NotFoundError(absl::StrCat(what, ": ", text));
  return absl::UnavailableError(absl::StrCat(
      what, ": ", text, code != 0 ? absl::StrCat(" (JetStream error ", code, ")") : std::string(),
      s == NATS_TIMEOUT ? "; is a majority of the NATS cluster up?" : ""));
}

std::string UnescapeGroupName(absl::string_view escaped) {
  std::string name;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '_' && i + 1 < escaped.size()) {
      name.push_back(escaped[++i] == 'd' ? '.' : '_');
    } else {
      name.push_back(escaped[i]);
    }
  }
  return name;
}

// A bucket or stream name from the event stream's: KV bucket names allow
// letters, digits, '_' and '-' only.
std::string DerivedName(absl::string_view stream, absl::string_view suffix) {
  std::string name;
  for (char c : stream) name.push_back(absl::ascii_isalnum(c) || c == '-' ? c : '_');
  return absl::StrCat(name, suffix);
}

std::string ConsumerName(absl::string_view group) {
  return absl::StrCat("group_", EscapeGroupName(group));
}

}  // namespace

std::string EscapeGroupName(absl::string_view group) {
  std::string out;
  for (char c : group) {
    if (c == '_') {
      out += "__";
    } else if (c == '.') {
      out += "_d";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

JetStreamGroupStore::JetStreamGroupStore(natsConnection* nc, jsCtx* js, Options options)
    : nc_(nc),
      js_(js),
      options_(std::move(options)),
      bucket_(DerivedName(options_.stream, "_GROUPS")),
      requeue_stream_(DerivedName(options_.stream, "_REQUEUE")) {}

JetStreamGroupStore::~JetStreamGroupStore() {
  if (kv_ != nullptr) kvStore_Destroy(kv_);
}

absl::StatusOr<std::unique_ptr<JetStreamGroupStore>> JetStreamGroupStore::Open(
    natsConnection* nc, jsCtx* js, Options options) {
  std::unique_ptr<JetStreamGroupStore> store(new JetStreamGroupStore(nc, js, std::move(options)));
  if (absl::Status status = store->Init(); !status.ok()) return status;
  return store;
}

absl::Status JetStreamGroupStore::Init() {
  if (js_KeyValue(&kv_, js_, bucket_.c_str()) != NATS_OK) {
    kv_ = nullptr;
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = bucket_.c_str();
    config.Description = "Switchboard consumer groups: settings, positions, dead letters";
    config.History = 1;
    config.StorageType = js_FileStorage;
    config.Replicas = options_.replicas;
    if (natsStatus s = js_CreateKeyValue(&kv_, js_, &config); s != NATS_OK) {
      kv_ = nullptr;
      // Another instance may have created it meanwhile.
      if (js_KeyValue(&kv_, js_, bucket_.c_str()) != NATS_OK) {
        kv_ = nullptr;
        return NatsError(absl::StrCat("creating the consumer groups' KV bucket ", bucket_), s);
      }
    }
  }
  jsStreamInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  if (js_GetStreamInfo(&info, js_, requeue_stream_.c_str(), nullptr, &code) == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return absl::OkStatus();
  }
  const std::string subjects = absl::StrCat(options_.subject_prefix, "-requeue.>");
  const char* subject_list[] = {subjects.c_str()};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = requeue_stream_.c_str();
  config.Description = "Switchboard consumer groups: re-queued dead letters (their sequences)";
  config.Subjects = subject_list;
  config.SubjectsLen = 1;
  config.Retention = js_WorkQueuePolicy;
  config.Storage = js_FileStorage;
  config.Replicas = options_.replicas;
  natsStatus s = js_AddStream(nullptr, js_, &config, nullptr, &code);
  if (s != NATS_OK && code != JSStreamNameExistErr) {
    return NatsError(absl::StrCat("creating the consumer groups' stream ", requeue_stream_), s, code);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::GroupInfo>> JetStreamGroupStore::Config(absl::string_view group) {
  kvEntry* raw = nullptr;
  const std::string key = absl::StrCat(kConfig, EscapeGroupName(group));
  natsStatus s = kvStore_Get(&raw, kv_, key.c_str());
  std::unique_ptr<kvEntry, NatsDeleter> entry(raw);
  if (s == NATS_NOT_FOUND) return std::nullopt;
  if (s != NATS_OK) return NatsError(absl::StrCat("reading consumer group \"", group, "\""), s);
  v1::GroupInfo config;
  if (!config.ParseFromArray(kvEntry_Value(entry.get()), kvEntry_ValueLen(entry.get()))) {
    return absl::DataLossError(absl::StrCat("the settings of consumer group \"", group, "\" in ",
                                            bucket_, " do not parse; delete the group"));
  }
  return config;
}

absl::StatusOr<std::pair<v1::GroupInfo, bool>> JetStreamGroupStore::CreateConfig(
    const v1::GroupInfo& config) {
  const std::string key = absl::StrCat(kConfig, EscapeGroupName(config.name()));
  const std::string data = config.SerializeAsString();
  uint64_t revision = 0;
  natsStatus s =
      kvStore_Create(&revision, kv_, key.c_str(), data.data(), static_cast<int>(data.size()));
  if (s == NATS_OK) return std::make_pair(config, true);
  // It exists (another instance created it first), or the request failed.
  absl::StatusOr<std::optional<v1::GroupInfo>> stored = Config(config.name());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return NatsError(absl::StrCat("creating consumer group \"", config.name(), "\""), s);
  }
  return std::make_pair(**stored, false);
}

absl::StatusOr<std::vector<std::string>> JetStreamGroupStore::Keys(const std::string& prefix) {
  kvWatchOptions options;
  kvWatchOptions_Init(&options);
  options.IgnoreDeletes = true;
  options.MetaOnly = true;
  kvWatcher* watcher = nullptr;
  const std::string filter = absl::StrCat(prefix, ">");
  if (natsStatus s = kvStore_Watch(&watcher, kv_, filter.c_str(), &options); s != NATS_OK) {
    return NatsError(absl::StrCat("listing ", filter, " in ", bucket_), s);
  }
  std::vector<std::string> keys;
  absl::Status status;
  for (;;) {
    kvEntry* entry = nullptr;
    natsStatus s = kvWatcher_Next(&entry, watcher, NatsMillis(options_.api_timeout));
    if (s != NATS_OK) {
      status = NatsError(absl::StrCat("listing ", filter, " in ", bucket_), s);
      break;
    }
    if (entry == nullptr) break;  // every current key seen
    if (kvEntry_Operation(entry) == kvOp_Put) keys.emplace_back(kvEntry_Key(entry));
    kvEntry_Destroy(entry);
  }
  kvWatcher_Destroy(watcher);
  if (!status.ok()) return status;
  return keys;
}

absl::StatusOr<std::vector<std::string>> JetStreamGroupStore::GroupNames() {
  absl::StatusOr<std::vector<std::string>> keys = Keys(kConfig);
  if (!keys.ok()) return keys.status();
  std::vector<std::string> names;
  for (const std::string& key : *keys) {
    names.push_back(UnescapeGroupName(absl::string_view(key).substr(sizeof(kConfig) - 1)));
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status JetStreamGroupStore::AddConsumer(absl::string_view group, absl::Duration ack_deadline,
                                              const std::string& filter_subject, uint64_t after) {
  const std::string name = ConsumerName(group);
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = name.c_str();
  config.AckPolicy = js_AckExplicit;
  config.AckWait = absl::ToInt64Nanoseconds(ack_deadline);
  config.MaxDeliver = -1;            // Switchboard parks events itself
  config.MaxAckPending = 1000000;    // members' max_unacked bound it
  if (after == 0) {
    config.DeliverPolicy = js_DeliverAll;
  } else {
    config.DeliverPolicy = js_DeliverByStartSequence;
    config.OptStartSeq = after + 1;
  }
  if (!filter_subject.empty()) config.FilterSubject = filter_subject.c_str();
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_AddConsumer(nullptr, js_, options_.stream.c_str(), &config, nullptr, &code);
  if (s != NATS_OK && code != JSConsumerNameExistErr && !ConsumerExists(options_.stream, name)) {
    return NatsError(absl::StrCat("creating the consumer of group \"", group, "\""), s, code);
  }
  return absl::OkStatus();
}

bool JetStreamGroupStore::ConsumerExists(const std::string& stream, const std::string& name) {
  // Another instance creating the same consumer at the same moment can make
  // this one's request fail in a cluster: what counts is that it exists.
  jsConsumerInfo* info = nullptr;
  if (js_GetConsumerInfo(&info, js_, stream.c_str(), name.c_str(), nullptr, nullptr) != NATS_OK) {
    return false;
  }
  jsConsumerInfo_Destroy(info);
  return true;
}

absl::Status JetStreamGroupStore::EnsureConsumers(absl::string_view group,
                                                  absl::Duration ack_deadline,
                                                  const std::string& filter_subject,
                                                  uint64_t after) {
  const std::string name = ConsumerName(group);
  jsConsumerInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_GetConsumerInfo(&info, js_, options_.stream.c_str(), name.c_str(), nullptr, &code);
  if (s == NATS_OK) {
    jsConsumerInfo_Destroy(info);
  } else if (s == NATS_NOT_FOUND || code == JSConsumerNotFoundErr) {
    // The stored position wins: every instance creates the same consumer.
    const std::string key = absl::StrCat(kPosition, EscapeGroupName(group));
    const std::string text = absl::StrCat(after);
    uint64_t revision = 0;
    if (kvStore_Create(&revision, kv_, key.c_str(), text.data(), static_cast<int>(text.size())) !=
        NATS_OK) {
      kvEntry* raw = nullptr;
      if (natsStatus got = kvStore_Get(&raw, kv_, key.c_str()); got != NATS_OK) {
        return NatsError(absl::StrCat("reading the position of group \"", group, "\""), got);
      }
      std::unique_ptr<kvEntry, NatsDeleter> entry(raw);
      const absl::string_view stored(kvEntry_ValueString(entry.get()));
      if (!absl::SimpleAtoi(stored, &after)) {
        return absl::DataLossError(absl::StrCat(
            "the position of group \"", group, "\" (key ", key, " of bucket ", bucket_,
            ") is not a sequence number: \"", stored.substr(0, 64),
            "\"; `switchboard-cli groups delete ", group, "` removes the group"));
      }
    }
    if (absl::Status added = AddConsumer(group, ack_deadline, filter_subject, after); !added.ok()) {
      return added;
    }
  } else {
    return NatsError(absl::StrCat("looking up the consumer of group \"", group, "\""), s, code);
  }

  const std::string requeue_subject =
      absl::StrCat(options_.subject_prefix, "-requeue.", EscapeGroupName(group));
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = name.c_str();
  config.AckPolicy = js_AckExplicit;
  config.AckWait = absl::ToInt64Nanoseconds(ack_deadline);
  config.MaxDeliver = -1;
  config.DeliverPolicy = js_DeliverAll;
  config.FilterSubject = requeue_subject.c_str();
  s = js_AddConsumer(nullptr, js_, requeue_stream_.c_str(), &config, nullptr, &code);
  if (s != NATS_OK && code != JSConsumerNameExistErr && !ConsumerExists(requeue_stream_, name)) {
    return NatsError(absl::StrCat("creating the requeue consumer of group \"", group, "\""), s, code);
  }
  return absl::OkStatus();
}

absl::Status JetStreamGroupStore::ResetConsumer(absl::string_view group,
                                                absl::Duration ack_deadline,
                                                const std::string& filter_subject,
                                                uint64_t after) {
  const std::string key = absl::StrCat(kPosition, EscapeGroupName(group));
  const std::string text = absl::StrCat(after);
  uint64_t revision = 0;
  if (natsStatus s = kvStore_PutString(&revision, kv_, key.c_str(), text.c_str()); s != NATS_OK) {
    return NatsError(absl::StrCat("storing the position of group \"", group, "\""), s);
  }
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_DeleteConsumer(js_, options_.stream.c_str(), ConsumerName(group).c_str(),
                                   nullptr, &code);
  if (s != NATS_OK && s != NATS_NOT_FOUND && code != JSConsumerNotFoundErr) {
    return NatsError(absl::StrCat("deleting the consumer of group \"", group, "\""), s, code);
  }
  return AddConsumer(group, ack_deadline, filter_subject, after);
}

absl::StatusOr<natsSubscription*> JetStreamGroupStore::Bind(absl::string_view group, bool requeue) {
  const std::string name = ConsumerName(group);
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = requeue ? requeue_stream_.c_str() : options_.stream.c_str();
  options.Consumer = name.c_str();
  // Bound to an existing consumer, the subject only has to fit its filter.
  jsConsumerInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_GetConsumerInfo(&info, js_, options.Stream, name.c_str(), nullptr, &code);
  if (s != NATS_OK) {
    return NatsError(absl::StrCat("looking up the consumer of group \"", group, "\""), s, code);
  }
  std::string subject = info->Config->FilterSubject != nullptr && *info->Config->FilterSubject
                            ? info->Config->FilterSubject
                            : absl::StrCat(options_.subject_prefix, ".>");
  jsConsumerInfo_Destroy(info);
  natsSubscription* sub = nullptr;
  s = js_PullSubscribe(&sub, js_, subject.c_str(), name.c_str(), nullptr, &options, &code);
  if (s != NATS_OK) {
    return NatsError(absl::StrCat("binding to the consumer of group \"", group, "\""), s, code);
  }
  return sub;
}

absl::StatusOr<JetStreamGroupStore::ConsumerState> JetStreamGroupStore::State(
    absl::string_view group) {
  jsConsumerInfo* info = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_GetConsumerInfo(&info, js_, options_.stream.c_str(),
                                    ConsumerName(group).c_str(), nullptr, &code);
  if (s != NATS_OK) {
    return NatsError(absl::StrCat("reading the state of group \"", group, "\""), s, code);
  }
  ConsumerState state;
  state.ack_floor = info->AckFloor.Stream;
  state.delivered = info->Delivered.Stream;
  state.ack_pending = static_cast<uint64_t>(std::max<int64_t>(info->NumAckPending, 0));
  state.pending = info->NumPending;
  state.redelivered = static_cast<uint64_t>(std::max<int64_t>(info->NumRedelivered, 0));
  state.created_ns = info->Created;
  jsConsumerInfo_Destroy(info);
  kvEntry* raw = nullptr;
  const std::string key = absl::StrCat(kPosition, EscapeGroupName(group));
  if (kvStore_Get(&raw, kv_, key.c_str()) == NATS_OK) {
    std::unique_ptr<kvEntry, NatsDeleter> entry(raw);
    if (!absl::SimpleAtoi(absl::string_view(kvEntry_ValueString(entry.get())), &state.position)) {
      state.position = 0;
    }
  }
  return state;
}

absl::Status JetStreamGroupStore::Delete(absl::string_view group) {
  absl::StatusOr<std::optional<v1::GroupInfo>> config = Config(group);
  if (!config.ok()) return config.status();
  if (!config->has_value()) return absl::NotFoundError(absl::StrCat("no consumer group \"", group, "\""));
  const std::string name = ConsumerName(group);
  for (const std::string* stream : {&options_.stream, &requeue_stream_}) {
    jsErrCode code = jsErrCode(0);
    natsStatus s = js_DeleteConsumer(js_, stream->c_str(), name.c_str(), nullptr, &code);
    if (s != NATS_OK && s != NATS_NOT_FOUND && code != JSConsumerNotFoundErr) {
      return NatsError(absl::StrCat("deleting the consumers of group \"", group, "\""), s, code);
    }
  }
  const std::string requeue_subject =
      absl::StrCat(options_.subject_prefix, "-requeue.", EscapeGroupName(group));
  jsOptions purge;
  jsOptions_Init(&purge);
  purge.Stream.Purge.Subject = requeue_subject.c_str();
  js_PurgeStream(js_, requeue_stream_.c_str(), &purge, nullptr);
  absl::StatusOr<std::vector<std::string>> dead = Keys(absl::StrCat(kDead, EscapeGroupName(group), "."));
  if (!dead.ok()) return dead.status();
  for (const std::string& key : *dead) kvStore_Purge(kv_, key.c_str(), nullptr);
  kvStore_Purge(kv_, absl::StrCat(kPosition, EscapeGroupName(group)).c_str(), nullptr);
  if (natsStatus s = kvStore_Purge(kv_, absl::StrCat(kConfig, EscapeGroupName(group)).c_str(), nullptr);
      s != NATS_OK) {
    return NatsError(absl::StrCat("deleting the settings of group \"", group, "\""), s);
  }
  return absl::OkStatus();
}

std::vector<absl::Status> JetStreamGroupStore::AckAll(absl::Span<natsMsg* const> messages,
                                                      absl::string_view verdict) {
  std::vector<absl::Status> results(messages.size());
  // A consumer applies the acks it gets in the order they were sent on one
  // connection, so its answer to the last one confirms them all: only that
  // one asks for an answer. A batch holds messages of at most a few
  // consumers (the group's and its re-queue consumer): a short list.
  struct Consumer {
    absl::string_view name;  // the reply subject's prefix up to the consumer
    size_t last;             // its last message
    absl::Status outcome;
  };
  std::vector<Consumer> consumers;
  std::vector<int> consumer_of(messages.size(), -1);
  for (size_t i = 0; i < messages.size(); ++i) {
    uint64_t sequence = 0, delivered = 0;
    absl::string_view name;
    if (!ParseJetStreamReply(natsMsg_GetReply(messages[i]), &sequence, &delivered, &name)) {
      results[i] = absl::UnavailableError("not a JetStream message");
      continue;
    }
    size_t c = 0;
    while (c < consumers.size() && consumers[c].name != name) ++c;
    if (c == consumers.size()) consumers.push_back({name, i, absl::OkStatus()});
    consumers[c].last = i;
    consumer_of[i] = static_cast<int>(c);
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    if (consumer_of[i] < 0) continue;
    Consumer& consumer = consumers[consumer_of[i]];
    if (consumer.last == i || !consumer.outcome.ok()) continue;
    if (natsConnection_Publish(nc_, natsMsg_GetReply(messages[i]), verdict.data(),
                               static_cast<int>(verdict.size())) != NATS_OK) {
      consumer.outcome = absl::UnavailableError("the ack could not be sent to NATS");
    }
  }
  // The last acks as requests, through the library's one reply subscription
  // of the connection (a subscription per call would cost every NATS node
  // an interest change per batch). They leave after the acks above, on the
  // same connection.
  const absl::Time deadline = absl::Now() + options_.api_timeout;
  for (Consumer& consumer : consumers) {
    if (!consumer.outcome.ok()) continue;  // an ack before it did not leave
    natsMsg* reply = nullptr;
    const natsStatus s = natsConnection_Request(
        &reply, nc_, natsMsg_GetReply(messages[consumer.last]), verdict.data(),
        static_cast<int>(verdict.size()), std::max<int64_t>(NatsMillis(deadline - absl::Now()), 1));
    if (reply != nullptr) natsMsg_Destroy(reply);
    if (s == NATS_NO_RESPONDERS) {
      consumer.outcome = absl::UnavailableError("the group's consumer is gone (sought or deleted)");
    } else if (s != NATS_OK) {
      consumer.outcome =
          absl::UnavailableError(absl::StrCat("JetStream did not confirm the ack: ", NatsErrorText(s)));
    }
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    if (consumer_of[i] >= 0) results[i] = consumers[consumer_of[i]].outcome;
  }
  return results;
}

absl::Status JetStreamGroupStore::PutDeadLetter(absl::string_view group, const v1::DeadLetter& dead) {
  const std::string key = absl::StrCat(kDead, EscapeGroupName(group), ".", dead.sequence());
  const std::string data = dead.SerializeAsString();
  uint64_t revision = 0;
  if (natsStatus s = kvStore_Put(&revision, kv_, key.c_str(), data.data(), static_cast<int>(data.size()));
      s != NATS_OK) {
    return NatsError(absl::StrCat("parking event ", dead.sequence(), " of group \"", group, "\""), s);
  }
  return absl::OkStatus();
}

absl::Status JetStreamGroupStore::DeleteDeadLetter(absl::string_view group, uint64_t sequence) {
  const std::string key = absl::StrCat(kDead, EscapeGroupName(group), ".", sequence);
  if (natsStatus s = kvStore_Purge(kv_, key.c_str(), nullptr); s != NATS_OK) {
    return NatsError(absl::StrCat("removing dead letter ", sequence, " of group \"", group, "\""), s);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::DeadLetter>> JetStreamGroupStore::DeadLetters(absl::string_view group) {
  absl::StatusOr<std::vector<std::string>> keys = Keys(absl::StrCat(kDead, EscapeGroupName(group), "."));
  if (!keys.ok()) return keys.status();
  std::vector<v1::DeadLetter> dead;
  for (const std::string& key : *keys) {
    kvEntry* raw = nullptr;
    if (kvStore_Get(&raw, kv_, key.c_str()) != NATS_OK) continue;  // removed meanwhile
    std::unique_ptr<kvEntry, NatsDeleter> entry(raw);
    v1::DeadLetter letter;
    if (letter.ParseFromArray(kvEntry_Value(entry.get()), kvEntry_ValueLen(entry.get()))) {
      dead.push_back(std::move(letter));
    }
  }
  std::sort(dead.begin(), dead.end(), [](const v1::DeadLetter& a, const v1::DeadLetter& b) {
    return a.sequence() < b.sequence();
  });
  return dead;
}

absl::Status JetStreamGroupStore::Requeue(absl::string_view group, uint64_t sequence) {
  const std::string subject =
      absl::StrCat(options_.subject_prefix, "-requeue.", EscapeGroupName(group));
  const std::string data = absl::StrCat(sequence);
  jsPubAck* ack = nullptr;
  jsErrCode code = jsErrCode(0);
  natsStatus s = js_Publish(&ack, js_, subject.c_str(), data.data(), static_cast<int>(data.size()),
                            nullptr, &code);
  if (ack != nullptr) jsPubAck_Destroy(ack);
  if (s != NATS_OK) {
    return NatsError(absl::StrCat("re-queueing event ", sequence, " of group \"", group, "\""), s, code);
  }
  return absl::OkStatus();
}

}  // namespace switchboard
