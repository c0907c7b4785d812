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
//     MEMBERS against a plain Subscribe replay of it; memory per member.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"
#include "bench/group_load.h"
#include "bench/load_common.h"

ABSL_FLAG(std::string, mode, "latency", "latency, fanout, replay or group");
ABSL_FLAG(int, rate, 2000, "latency: webhooks/s offered");
ABSL_FLAG(double, seconds, 5, "latency: how long to offer the rate");
ABSL_FLAG(int, subscribers, 10, "latency, fanout: concurrent Subscribe streams");
ABSL_FLAG(int, count, 20000, "fanout, replay: webhooks to send");
ABSL_FLAG(int, replays, 1,
          "replay: how many times a fresh subscriber reads everything (the figures are the "
          "last pass's; every pass's rate is listed)");
ABSL_FLAG(int, server_pid, 0, "fanout: switchboard's pid, for its RSS");
ABSL_FLAG(int, slow_subscribers, 1,
          "fanout: deliberately slow subscribers in the second run (0: no second run)");
ABSL_FLAG(double, slow_rate, 100,
          "fanout: events/s a slow subscriber reads at most (0: reads one, then stops reading)");
ABSL_FLAG(std::string, label, "", "copied into the JSON output");
ABSL_FLAG(std::string, dump_latencies, "",
          "latency: write 1000 quantiles (\"quantile microseconds\" lines) to this file");

namespace {

namespace v1 = switchboard::v1;
using switchboard::bench::Clock;
using switchboard::bench::kTypes;
using switchboard::bench::NowNs;
using switchboard::bench::RssKiB;
using switchboard::bench::RunId;
using switchboard::bench::Send;
using switchboard::bench::SendResult;
using switchboard::bench::WaitFor;

bool Matches(const std::string& pattern, const std::string& type) {
  if (pattern == "*") return true;
  if (absl::EndsWith(pattern, ".*"))
    return absl::StartsWith(type, pattern.substr(0, pattern.size() - 1));
  return pattern == type;
}

// One Subscribe stream on gRPC's callback API (no thread per subscriber).
class Subscriber : public grpc::ClientReadReactor<v1::Event> {
 public:
  Subscriber(v1::EventStream::Stub* stub, v1::SubscribeRequest request, std::string run_prefix,
             std::string warm_prefix, size_t slots)
      : stub_(stub),
        request_(std::move(request)),
        run_prefix_(std::move(run_prefix)),
        warm_prefix_(std::move(warm_prefix)),
        received_ns_(slots, 0) {}

  void Start() {
    stub_->async()->Subscribe(&context_, &request_, this);
    StartRead(&event_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const int64_t now = NowNs();
    const std::string& id = event_.id();
    if (absl::StartsWith(id, run_prefix_)) {
      uint64_t n = 0;
      if (absl::SimpleAtoi(absl::string_view(id).substr(run_prefix_.size()), &n) &&
          n < received_ns_.size() && received_ns_[n] == 0)
        received_ns_[n] = now;
      last_ns_.store(now, std::memory_order_relaxed);
      received_.fetch_add(1, std::memory_order_release);
    } else if (absl::StartsWith(id, warm_prefix_)) {
      warm_.fetch_add(1, std::memory_order_release);
    }
    const uint64_t seq = event_.sequence();
    total_.fetch_add(1, std::memory_order_relaxed);
    last_sequence_.store(seq, std::memory_order_release);
    if (stop_sequence_ != 0 && seq >= stop_sequence_ && reached_ns_.load() == 0)
      reached_ns_.store(now);
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED)
      std::fprintf(stderr, "subscriber ended: %d %s\n", status.error_code(),
                   status.error_message().c_str());
    done_.store(true, std::memory_order_release);
  }

  void Cancel() { context_.TryCancel(); }
  void set_stop_sequence(uint64_t seq) { stop_sequence_ = seq; }
  int64_t received() const { return received_.load(std::memory_order_acquire); }
  int64_t warm() const { return warm_.load(std::memory_order_acquire); }
  int64_t total() const { return total_.load(std::memory_order_relaxed); }
  int64_t last_ns() const { return last_ns_.load(std::memory_order_relaxed); }
  int64_t reached_ns() const { return reached_ns_.load(); }
  bool done() const { return done_.load(std::memory_order_acquire); }
  const std::vector<int64_t>& received_ns() const { return received_ns_; }

 private:
  v1::EventStream::Stub* stub_;
  grpc::ClientContext context_;
  v1::SubscribeRequest request_;
  v1::Event event_;
  const std::string run_prefix_, warm_prefix_;
  std::vector<int64_t> received_ns_;
  std::atomic<int64_t> received_{0}, warm_{0}, total_{0}, last_ns_{0}, reached_ns_{0};
  std::atomic<uint64_t> last_sequence_{0};
  uint64_t stop_sequence_ = 0;
  std::atomic<bool> done_{false};
};

// A deliberately slow subscriber: filter "*", on the synchronous API in a
// thread of its own, reading one event and then sleeping, so it reads at
// most `rate` events/s (rate 0: it reads one event, then nothing until
// Stop()). The server cannot write faster than it reads (gRPC flow control).
class SlowSubscriber {
 public:
  SlowSubscriber(v1::EventStream::Stub* stub, std::string run_prefix, std::string warm_prefix,
                 double rate)
      : stub_(stub),
        run_prefix_(std::move(run_prefix)),
        warm_prefix_(std::move(warm_prefix)),
        rate_(rate) {}
  ~SlowSubscriber() {
    if (thread_.joinable()) Stop();
  }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  // Cancels the stream unless the server has ended it, and waits for the
  // thread; status() and friends are then final.
  void Stop() {
    stop_.store(true, std::memory_order_release);
    context_.TryCancel();
    thread_.join();
  }

  int64_t received() const { return received_.load(std::memory_order_acquire); }
  int64_t warm() const { return warm_.load(std::memory_order_acquire); }
  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }
  // After Stop(): whether the server ended the stream (before Stop), how, when.
  bool ended_by_server() const { return ended_by_server_; }
  const grpc::Status& status() const { return status_; }
  int64_t ended_ns() const { return ended_ns_; }

 private:
  void Run() {
    v1::SubscribeRequest request;
    request.add_event_types("*");
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader = stub_->Subscribe(&context_, request);
    v1::Event event;
    while (reader->Read(&event)) {
      if (absl::StartsWith(event.id(), run_prefix_))
        received_.fetch_add(1, std::memory_order_release);
      else if (absl::StartsWith(event.id(), warm_prefix_))
        warm_.fetch_add(1, std::memory_order_release);
      last_sequence_.store(event.sequence(), std::memory_order_release);
      if (rate_ > 0) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate_)));
      } else {
        while (!stop_.load(std::memory_order_acquire))
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    ended_ns_ = NowNs();
    ended_by_server_ = !stop_.load(std::memory_order_acquire);
    status_ = reader->Finish();
  }

  v1::EventStream::Stub* stub_;
  grpc::ClientContext context_;
  const std::string run_prefix_, warm_prefix_;
  const double rate_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> received_{0}, warm_{0};
  std::atomic<uint64_t> last_sequence_{0};
  // Written by the thread before it ends, read after Stop() joined it.
  bool ended_by_server_ = false;
  grpc::Status status_;
  int64_t ended_ns_ = 0;
};

// Channels of at most `per_channel` streams each, on separate connections.
class Channels {
 public:
  explicit Channels(int subscribers, int per_channel = 50) {
    const int n = std::max(1, (subscribers + per_channel - 1) / per_channel);
    for (int i = 0; i < n; ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt("switchboard.bench.channel", i);
      auto channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_grpc),
                                               grpc::InsecureChannelCredentials(), args);
      if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
        std::fprintf(stderr, "cannot connect to gRPC at %s\n", absl::GetFlag(FLAGS_grpc).c_str());
        std::exit(1);
      }
      stubs_.push_back(v1::EventStream::NewStub(channel));
    }
  }
  v1::EventStream::Stub* stub(int i) { return stubs_[i % stubs_.size()].get(); }

 private:
  std::vector<std::unique_ptr<v1::EventStream::Stub>> stubs_;
};

// Sends warm-up webhooks (all types in turn) until every subscriber has seen
// one (`all_warm`): then every stream is registered on the server.
bool WarmUp(const std::string& warm_prefix, const std::function<bool()>& all_warm) {
  for (int round = 0; round < 50; ++round) {
    Send(absl::StrCat(warm_prefix, round, "-"), kTypes.size(), 0, 1, nullptr);
    if (WaitFor(all_warm, 0.2)) return true;
  }
  return false;
}

template <typename S>
bool AllWarm(const std::vector<std::unique_ptr<S>>& subs) {
  for (auto& s : subs)
    if (s->warm() == 0) return false;
  return true;
}

void StopAll(std::vector<std::unique_ptr<Subscriber>>& subs) {
  for (auto& s : subs) s->Cancel();
  WaitFor(
      [&] {
        for (auto& s : subs)
          if (!s->done()) return false;
        return true;
      },
      10);
}

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

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    default:
      return absl::StrCat("code ", static_cast<int>(code));
  }
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One run of --mode=fanout (see the top of this file).
struct FanoutRun {
  bool started = false;   // every subscriber registered (warm-up seen)
  bool complete = false;  // every normal delivery arrived
  SendResult sent;
  int64_t delivered = 0, expected = 0;
  double seconds = 0;  // first send to the normal subscribers' last receipt
  // Normal subscribers' own rates: events / (their last receipt - first send).
  double rate_median = 0, rate_min = 0;
  int64_t rss_before = 0, rss_subscribed = 0, rss_loaded = 0;
  std::string slow_json;  // JSON array, one object per slow subscriber

  // The figures both runs have, as JSON members.
  std::string Json() const {
    return absl::StrFormat(
        "\"webhooks\":%d,\"ingest_rate\":%.0f,\"delivered\":%d,\"expected\":%d,\"missing\":%d,"
        "\"seconds\":%.3f,\"delivered_per_s\":%.0f,\"rate_median\":%.1f,\"rate_min\":%.1f",
        sent.ok, sent.ok / std::max(sent.seconds, 1e-9), delivered, expected, expected - delivered,
        seconds, delivered / std::max(seconds, 1e-9), rate_median, rate_min);
  }
};

FanoutRun RunFanout(int nsubs, int nslow, double slow_rate, int64_t count, int pid) {
  FanoutRun result;
  const std::string run = RunId(), prefix = "fan-" + run + "-", warm = "warm-" + run + "-";
  // Mixed filters: all, a prefix, exact types, several patterns.
  const std::vector<std::vector<std::string>> filters = {{"*"},
                                                         {"call.*"},
                                                         {"sms.*"},
                                                         {"call.completed"},
                                                         {"contact.*", "voicemail.received"},
                                                         {"sms.received", "call.missed"}};
  result.rss_before = pid ? RssKiB(pid) : 0;
  Channels channels(nsubs);
  // Each slow subscriber on a connection of its own.
  std::unique_ptr<Channels> slow_channels =
      nslow > 0 ? std::make_unique<Channels>(nslow, 1) : nullptr;
  std::vector<std::unique_ptr<Subscriber>> subs;
  std::vector<int64_t> expected(nsubs, 0);
  for (int i = 0; i < nsubs; ++i) {
    v1::SubscribeRequest request;
    const auto& f = filters[i % filters.size()];
    for (const auto& p : f) request.add_event_types(p);
    for (int64_t n = 0; n < count; ++n) {
      const std::string& type = kTypes[n % kTypes.size()];
      for (const auto& p : f)
        if (Matches(p, type)) {
          ++expected[i];
          break;
        }
    }
    subs.push_back(std::make_unique<Subscriber>(channels.stub(i), request, prefix, warm, 0));
    subs.back()->Start();
  }
  std::vector<std::unique_ptr<SlowSubscriber>> slow;
  for (int i = 0; i < nslow; ++i) {
    slow.push_back(
        std::make_unique<SlowSubscriber>(slow_channels->stub(i), prefix, warm, slow_rate));
    slow.back()->Start();
  }
  if (!WarmUp(warm, [&] { return AllWarm(subs) && AllWarm(slow); })) {
    std::fprintf(stderr, "subscribers did not receive the warm-up webhooks\n");
    StopAll(subs);
    return result;
  }
  result.started = true;
  result.rss_subscribed = pid ? RssKiB(pid) : 0;

  const int64_t start = NowNs();
  result.sent = Send(prefix, count, 0, absl::GetFlag(FLAGS_connections), nullptr);
  result.complete = WaitFor(
      [&] {
        for (int i = 0; i < nsubs; ++i)
          if (subs[i]->received() < expected[i]) return false;
        return true;
      },
      60);
  const int64_t end = NowNs();
  int64_t last = start;
  std::vector<double> rates;
  for (int i = 0; i < nsubs; ++i) {
    const int64_t received = subs[i]->received();
    result.delivered += received;
    result.expected += expected[i];
    last = std::max(last, subs[i]->last_ns());
    // A subscriber's rate: its events over the time it took to receive them
    // all (until the wait gave up, if some are missing).
    const int64_t done = received >= expected[i] ? subs[i]->last_ns() : end;
    rates.push_back(received / std::max((done - start) / 1e9, 1e-9));
  }
  result.seconds = (last - start) / 1e9;
  std::sort(rates.begin(), rates.end());
  if (!rates.empty()) {
    const size_t mid = rates.size() / 2;
    result.rate_median = rates.size() % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    result.rate_min = rates.front();
  }
  result.rss_loaded = pid ? RssKiB(pid) : 0;

  result.slow_json = "[";
  for (size_t i = 0; i < slow.size(); ++i) {
    SlowSubscriber& s = *slow[i];
    s.Stop();
    const uint64_t last_seq = s.last_sequence();
    const uint64_t behind =
        result.sent.max_sequence > last_seq ? result.sent.max_sequence - last_seq : 0;
    absl::StrAppend(&result.slow_json, i ? "," : "",
                    absl::StrFormat("{\"delivered\":%d,\"last_sequence\":%d,\"behind\":%d,",
                                    s.received(), last_seq, behind));
    if (s.ended_by_server()) {
      absl::StrAppend(
          &result.slow_json,
          absl::StrFormat("\"ended\":\"by the server\",\"ended_after_s\":%.3f,"
                          "\"status\":\"%s\",\"message\":%s}",
                          (s.ended_ns() - start) / 1e9, CodeName(s.status().error_code()),
                          JsonString(s.status().error_message())));
    } else {
      absl::StrAppend(&result.slow_json, "\"ended\":\"still subscribed at the end\"}");
    }
  }
  result.slow_json += "]";
  StopAll(subs);
  return result;
}

int Fanout() {
  const int nsubs = absl::GetFlag(FLAGS_subscribers);
  const int nslow = std::max(0, absl::GetFlag(FLAGS_slow_subscribers));
  const double slow_rate = absl::GetFlag(FLAGS_slow_rate);
  const int64_t count = absl::GetFlag(FLAGS_count);
  const int pid = absl::GetFlag(FLAGS_server_pid);

  // (a): the normal subscribers alone; its RSS figures are the ones reported.
  const FanoutRun a = RunFanout(nsubs, 0, slow_rate, count, pid);
  if (!a.started) return 1;
  std::string out = absl::StrFormat(
      "{\"scenario\":\"fanout\",\"label\":\"%s\",\"subscribers\":%d,%s,\"rss_before_kib\":%d,"
      "\"rss_subscribed_kib\":%d,\"rss_after_load_kib\":%d,\"rss_per_subscriber_kib\":%.1f,"
      "\"slow_subscribers\":%d,\"slow_rate\":%g",
      absl::GetFlag(FLAGS_label), nsubs, a.Json(), a.rss_before, a.rss_subscribed, a.rss_loaded,
      nsubs ? double(a.rss_subscribed - a.rss_before) / nsubs : 0.0, nslow, slow_rate);
  bool ok = a.complete && a.sent.errors == 0;
  // (b): fresh normal subscribers, the same filters, plus the slow ones.
  if (nslow > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // (a)'s streams wind down
    const FanoutRun b = RunFanout(nsubs, nslow, slow_rate, count, pid);
    if (!b.started) {
      std::printf("%s}\n", out.c_str());  // (a)'s figures; report.py flags (b)'s absence
      return 1;
    }
    absl::StrAppendFormat(&out,
                          ",\"with_slow\":{%s,\"slow\":%s},\"median_ratio\":%.3f,"
                          "\"min_ratio\":%.3f",
                          b.Json(), b.slow_json, b.rate_median / std::max(a.rate_median, 1e-9),
                          b.rate_min / std::max(a.rate_min, 1e-9));
    ok = ok && b.complete && b.sent.errors == 0;
  }
  std::printf("%s}\n", out.c_str());
  return ok ? 0 : 1;
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
  if (mode == "fanout") return Fanout();
  if (mode == "replay") return Replay();
  if (mode == "group") return switchboard::bench::Groups();
  std::fprintf(stderr, "--mode must be latency, fanout, replay or group\n");
  return 2;
}
