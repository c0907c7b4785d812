// bench_load: the load generator and subscriber side of the benchmark suite
// (bench/run.sh). Sender and subscribers live in one process, so the send
// and receipt timestamps come from the same steady clock. Prints one JSON
// object with the results on stdout.
//
//   bench_load --mode=latency --http=H:P --grpc=H:P --rate=2000 --seconds=5 --subscribers=10
//     Offers RATE webhooks/s (the nine fixture types in rotation, unique
//     request_ids) over --connections keep-alive connections, each webhook at
//     its scheduled time (open loop); SUBSCRIBERS streams with filter "*"
//     timestamp each receipt. Latency = receipt - the moment the POST was
//     written, over every (webhook, subscriber) pair: p50/p99/p99.9/max.
//   bench_load --mode=fanout --subscribers=1000 --count=20000 --server_pid=PID
//              --slow_subscribers=1 --slow_rate=100
//     Two runs one after the other against the same server, each with fresh
//     subscribers and COUNT webhooks sent as fast as the connections allow:
//     (a) SUBSCRIBERS streams with mixed filters ("*", "call.*", "sms.*",
//         exact types); RSS of PID before and after they connect (per
//         subscriber);
//     (b) the same SUBSCRIBERS plus SLOW_SUBSCRIBERS deliberately slow ones
//         (filter "*", each on its own connection, reading at most SLOW_RATE
//         events/s; 0: one event, then nothing until the end).
//     For each run: the normal subscribers' events delivered per second in
//     total (first send to last receipt), missing deliveries, and the median
//     and minimum of their own rates (a subscriber's events over the time
//     from the first send to its last receipt; the sending itself is over in
//     a fraction of that). For (b) also each slow subscriber's count and how
//     it ended (still subscribed, or ended by the server, e.g.
//     RESOURCE_EXHAUSTED once retention overtakes it: reported, not an
//     error). The ratio of the medians, (b) / (a), is what the slow
//     subscribers cost the others (1.0: nothing). --slow_subscribers=0
//     skips (b).
//   bench_load --mode=replay --count=100000 [--replays=3]
//     Stores COUNT webhooks, then one subscriber reads from the oldest up to
//     the last one stored: events/s (REPLAYS times, a fresh subscriber each).
//   bench_load --mode=group --count=100000 --members=3 --server_pid=PID
//     Consumer groups (bench/group_load.h): a backlog drained by a group of
//     MEMBERS against a plain Subscribe replay of it, with the CPU per event
//     of the server, the broker (--broker_pid) and the client; memory per
//     member.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "bench/fanout_load.h"
#include "bench/group_load.h"
#include "bench/load_common.h"
#include "bench/subscriber.h"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

ABSL_FLAG(std::string, mode, "latency", "latency, fanout, replay or group");
ABSL_FLAG(int, rate, 2000, "latency: webhooks/s offered");
ABSL_FLAG(double, seconds, 5, "latency: how long to offer the rate");
ABSL_FLAG(int, subscribers, 10, "latency, fanout: concurrent Subscribe streams");
ABSL_FLAG(int, count, 20000, "fanout, replay: webhooks to send");
ABSL_FLAG(int, replays, 1,
          "replay: how many times a fresh subscriber reads everything (the figures are the "
          "last pass's; every pass's rate is listed)");
ABSL_FLAG(int, server_pid, 0, "fanout, group: switchboard's pid, for its RSS");
ABSL_FLAG(std::string, label, "", "copied into the JSON output");
ABSL_FLAG(std::string, dump_latencies, "",
          "latency: write 1000 quantiles (\"quantile microseconds\" lines) to this file");

namespace {

namespace v1 = switchboard::v1;
using switchboard::bench::AllWarm;
using switchboard::bench::Channels;
using switchboard::bench::NowNs;
using switchboard::bench::RunId;
using switchboard::bench::Send;
using switchboard::bench::SendResult;
using switchboard::bench::StopAll;
using switchboard::bench::Subscriber;
using switchboard::bench::WaitFor;
using switchboard::bench::WarmUp;

int Latency() {
  const int rate = absl::GetFlag(FLAGS_rate);
  const int nsubs = absl::GetFlag(FLAGS_subscribers);
  const int64_t total = static_cast<int64_t>(rate * absl::GetFlag(FLAGS_seconds));
  const std::string run = RunId(), prefix = "lat-" + run + "-", warm = "warm-" + run + "-";
  Channels channels(nsubs);
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < nsubs; ++i) {
    v1::SubscribeRequest request;
    request.add_event_types("*");
    subs.push_back(std::make_unique<Subscriber>(channels.stub(i), request, prefix, warm, total));
    subs.back()->Start();
  }
  if (!WarmUp(warm, [&] { return AllWarm(subs); })) {
    std::fprintf(stderr, "subscribers did not receive the warm-up webhooks\n");
    return 1;
  }
  std::vector<int64_t> sent_ns(total, 0);
  const SendResult sent = Send(prefix, total, rate, absl::GetFlag(FLAGS_connections), &sent_ns);
  WaitFor(
      [&] {
        for (auto& s : subs)
          if (s->received() < sent.ok) return false;
        return true;
      },
      10);
  int64_t missing = 0;
  std::vector<double> micros;
  micros.reserve(total * nsubs);
  for (auto& s : subs) {
    const auto& got = s->received_ns();
    for (int64_t n = 0; n < total; ++n) {
      if (got[n] == 0) {
        ++missing;
        continue;
      }
      micros.push_back((got[n] - sent_ns[n]) / 1e3);
    }
  }
  StopAll(subs);
  if (micros.empty()) {
    std::fprintf(stderr, "no event received\n");
    return 1;
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(p * micros.size()))];
  };
  if (const std::string file = absl::GetFlag(FLAGS_dump_latencies); !file.empty()) {
    std::ofstream out(file);
    for (int q = 0; q < 1000; ++q) out << q / 1000.0 << ' ' << pct(q / 1000.0) << '\n';
    out << "1 " << micros.back() << '\n';
  }
  std::printf(
      "{\"scenario\":\"latency\",\"label\":\"%s\",\"rate\":%d,\"subscribers\":%d,"
      "\"connections\":%d,\"sent\":%lld,\"errors\":%lld,\"late_sends\":%lld,"
      "\"achieved_rate\":%.0f,\"samples\":%zu,\"missing\":%lld,\"p50_us\":%.0f,\"p99_us\":%.0f,"
      "\"p999_us\":%.0f,\"max_us\":%.0f}\n",
      absl::GetFlag(FLAGS_label).c_str(), rate, nsubs, absl::GetFlag(FLAGS_connections),
      static_cast<long long>(sent.ok), static_cast<long long>(sent.errors),
      static_cast<long long>(sent.late), sent.ok / sent.seconds, micros.size(),
      static_cast<long long>(missing), pct(0.5), pct(0.99), pct(0.999), micros.back());
  return missing == 0 && sent.errors == 0 ? 0 : 1;
}

int Replay() {
  const int64_t count = absl::GetFlag(FLAGS_count);
  const std::string run = RunId(), prefix = "rep-" + run + "-";
  const SendResult sent = Send(prefix, count, 0, absl::GetFlag(FLAGS_connections), nullptr);
  if (sent.ok == 0) {
    std::fprintf(stderr, "nothing stored\n");
    return 1;
  }
  Channels channels(1);
  v1::SubscribeRequest request;
  request.add_event_types("*");
  request.set_from_oldest(true);
  // Each pass: a fresh subscriber reads everything from the oldest.
  bool complete = false;
  int64_t events = 0;
  double seconds = 0;
  std::string passes;
  for (int pass = 0; pass < std::max(1, absl::GetFlag(FLAGS_replays)); ++pass) {
    std::vector<std::unique_ptr<Subscriber>> subs;
    subs.push_back(std::make_unique<Subscriber>(channels.stub(0), request, prefix, "-", 0));
    subs[0]->set_stop_sequence(sent.max_sequence);
    const int64_t start = NowNs();
    subs[0]->Start();
    complete = WaitFor([&] { return subs[0]->reached_ns() != 0; }, 120);
    const int64_t end = complete ? subs[0]->reached_ns() : NowNs();
    events = subs[0]->total();
    StopAll(subs);
    seconds = (end - start) / 1e9;
    absl::StrAppendFormat(&passes, "%s%.0f", pass ? "," : "", events / std::max(seconds, 1e-9));
    if (!complete) break;
  }
  std::printf(
      "{\"scenario\":\"replay\",\"label\":\"%s\",\"stored\":%lld,\"ingest_rate\":%.0f,"
      "\"last_sequence\":%llu,\"events_read\":%lld,\"seconds\":%.3f,\"events_per_s\":%.0f,"
      "\"passes_events_per_s\":[%s]}\n",
      absl::GetFlag(FLAGS_label).c_str(), static_cast<long long>(sent.ok), sent.ok / sent.seconds,
      static_cast<unsigned long long>(sent.max_sequence), static_cast<long long>(events), seconds,
      events / std::max(seconds, 1e-9), passes.c_str());
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "latency") return Latency();
  if (mode == "fanout") return switchboard::bench::Fanout();
  if (mode == "replay") return Replay();
  if (mode == "group") return switchboard::bench::Groups();
  std::fprintf(stderr, "--mode must be latency, fanout, replay or group\n");
  return 2;
}