// jetstream_consumer_bench: how fast a durable pull consumer drains a large
// stream with and without a subject filter, on the nats-server at hand. It
// decides how consumer groups on JetStream map type filters (docs/PERFORMANCE.md,
// "Consumer groups on JetStream").
//
//   bench/jetstream_consumer_bench --nats_url=nats://127.0.0.1:4222 --events=1000000
//
// Fills a fresh file stream with EVENTS messages of 400 bytes on ten subjects
// (`bench.<type>`, one of them `bench.call.completed`: 10%), then for each
// mode creates a durable pull consumer from the oldest message, fetches
// batches of --batch and acks each message (as a group does), and reports the
// time to create the consumer and to drain it (and its own CPU per message):
//   unfiltered          every message; the client keeps the 10% it wants
//   filtered exact      FilterSubject bench.call.completed
//   filtered wildcard   FilterSubject bench.call.>   (a "call.*" pattern)
// Prints one line per mode and deletes the stream.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "nats/nats.h"

ABSL_FLAG(std::string, nats_url, "nats://127.0.0.1:4222", "the NATS server");
ABSL_FLAG(int, events, 1000000, "messages in the stream");
ABSL_FLAG(int, batch, 256, "messages per fetch");
ABSL_FLAG(std::string, stream, "CONSUMER_BENCH", "stream to create (deleted at the end)");

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

// CPU seconds this process has used (user + system).
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

const char* const kSubjects[] = {
    "bench.call.completed", "bench.sms.received",     "bench.sms.sent",
    "bench.whatsapp.sent",  "bench.call.updated.x",   "bench.contact.updated",
    "bench.sms.delivered",  "bench.appointment.made", "bench.sd.call_completed",
    "bench.jc.contact_status_updated"};

bool Fill(jsCtx* js, int events) {
  const std::string payload(400, 'x');
  jsPubOptions options;
  jsPubOptions_Init(&options);
  const auto start = Clock::now();
  for (int i = 0; i < events; ++i) {
    const char* subject = kSubjects[i % 10];
    if (js_PublishAsync(js, subject, payload.data(), static_cast<int>(payload.size()), nullptr) !=
        NATS_OK) {
      std::fprintf(stderr, "publish %d failed: %s\n", i, nats_GetLastError(nullptr));
      return false;
    }
  }
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 120000;
  if (js_PublishAsyncComplete(js, &wait) != NATS_OK) {
    std::fprintf(stderr, "publishes not acknowledged\n");
    return false;
  }
  std::printf("filled %d messages in %.1f s\n", events, Seconds(start));
  return true;
}

// Drains a new durable consumer with `filter` (null: none) until it has
// fetched `expected` messages (or fetches come back empty).
void Drain(jsCtx* js, const std::string& stream, const char* mode, const char* durable,
           const char* filter, int expected, int batch) {
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = durable;
  config.AckPolicy = js_AckExplicit;
  config.DeliverPolicy = js_DeliverAll;
  config.MaxAckPending = 100000;
  if (filter != nullptr) config.FilterSubject = filter;
  const auto created_at = Clock::now();
  jsErrCode code = static_cast<jsErrCode>(0);
  if (js_AddConsumer(nullptr, js, stream.c_str(), &config, nullptr, &code) != NATS_OK) {
    std::fprintf(stderr, "%s: add consumer failed (%d)\n", mode, code);
    return;
  }
  const double create_s = Seconds(created_at);
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = stream.c_str();
  sub_options.Consumer = durable;
  natsSubscription* sub = nullptr;
  if (js_PullSubscribe(&sub, js, filter != nullptr ? filter : "bench.>", durable, nullptr,
                       &sub_options, &code) != NATS_OK) {
    std::fprintf(stderr, "%s: pull subscribe failed (%d)\n", mode, code);
    return;
  }
  int wanted = 0, fetched = 0, empty_fetches = 0;
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  while (fetched < expected && empty_fetches < 3) {
    natsMsgList list;
    natsStatus s = natsSubscription_Fetch(&list, sub, batch, 2000, nullptr);
    if (s != NATS_OK) {
      ++empty_fetches;
      continue;
    }
    for (int i = 0; i < list.Count; ++i) {
      ++fetched;
      if (std::string(natsMsg_GetSubject(list.Msgs[i])) == kSubjects[0]) ++wanted;
      natsMsg_Ack(list.Msgs[i], nullptr);
    }
    natsMsgList_Destroy(&list);
  }
  const double drain_s = Seconds(start);
  const double cpu_us = (CpuSeconds() - cpu_start) * 1e6 / std::max(fetched, 1);
  std::printf(
      "%-18s filter %-22s create %7.3f s  drain %7.2f s  fetched %8d  wanted %7d  "
      "%9.0f wanted/s  this client's CPU %.2f us/fetched\n",
      mode, filter != nullptr ? filter : "(none)", create_s, drain_s, fetched, wanted,
      wanted / drain_s, cpu_us);
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  js_DeleteConsumer(js, stream.c_str(), durable, nullptr, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string url = absl::GetFlag(FLAGS_nats_url);
  const std::string stream = absl::GetFlag(FLAGS_stream);
  const int events = absl::GetFlag(FLAGS_events);
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) {
    std::fprintf(stderr, "cannot connect to %s\n", url.c_str());
    return 1;
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = 30000;
  js_options.PublishAsync.MaxPending = 20000;
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, &js_options);
  js_DeleteStream(js, stream.c_str(), nullptr, nullptr);
  const char* subjects[] = {"bench.>"};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = stream.c_str();
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  if (js_AddStream(nullptr, js, &config, nullptr, nullptr) != NATS_OK) {
    std::fprintf(stderr, "cannot create stream %s\n", stream.c_str());
    return 1;
  }
  int status = 1;
  if (Fill(js, events)) {
    const int batch = absl::GetFlag(FLAGS_batch);
    const int matching = (events + 9) / 10;
    Drain(js, stream, "unfiltered", "all", nullptr, events, batch);
    Drain(js, stream, "filtered exact", "exact", "bench.call.completed", matching, batch);
    Drain(js, stream, "filtered wildcard", "wild", "bench.call.>", 2 * matching, batch);
    status = 0;
  }
  js_DeleteStream(js, stream.c_str(), nullptr, nullptr);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return status;
}
