#include "bench/fanout_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/load_common.h"
#include "bench/subscriber.h"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

ABSL_FLAG(int, slow_subscribers, 1,
          "fanout: deliberately slow subscribers in the second run (0: no second run)");
ABSL_FLAG(double, slow_rate, 100,
          "fanout: events/s a slow subscriber reads at most (0: reads one, then stops reading)");
ABSL_DECLARE_FLAG(int, subscribers);
ABSL_DECLARE_FLAG(int, count);
ABSL_DECLARE_FLAG(int, server_pid);
ABSL_DECLARE_FLAG(std::string, label);

namespace switchboard::bench {
namespace {

bool Matches(const std::string& pattern, const std::string& type) {
  if (pattern == "*") return true;
  if (absl::EndsWith(pattern, ".*"))
    return absl::StartsWith(type, pattern.substr(0, pattern.size() - 1));
  return pattern == type;
}

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

}  // namespace

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

}  // namespace switchboard::bench
