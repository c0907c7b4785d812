#ifndef SWITCHBOARD_BENCH_SUBSCRIBER_H_
#define SWITCHBOARD_BENCH_SUBSCRIBER_H_

// The plain Subscribe streams of bench_load's latency, fan-out and replay
// modes, the channels they share, and the warm-up that makes sure each one
// is registered on the server before the measured webhooks leave.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "bench/load_common.h"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

namespace switchboard::bench {

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
  uint64_t stop_sequence_ = 0;
  std::atomic<bool> done_{false};
};

// Channels of at most `per_channel` streams each, on separate connections.
class Channels {
 public:
  explicit Channels(int subscribers, int per_channel = 50);
  v1::EventStream::Stub* stub(int i) { return stubs_[i % stubs_.size()].get(); }

 private:
  std::vector<std::unique_ptr<v1::EventStream::Stub>> stubs_;
};

// Sends warm-up webhooks (all types in turn) until every subscriber has seen
// one (`all_warm`): then every stream is registered on the server.
bool WarmUp(const std::string& warm_prefix, const std::function<bool()>& all_warm);

// True once every one of `subs` has seen a warm-up webhook.
template <typename S>
bool AllWarm(const std::vector<std::unique_ptr<S>>& subs) {
  for (auto& s : subs)
    if (s->warm() == 0) return false;
  return true;
}

// Cancels every stream and waits (up to 10 s) until they ended.
void StopAll(std::vector<std::unique_ptr<Subscriber>>& subs);

}  // namespace switchboard::bench

#endif  // SWITCHBOARD_BENCH_SUBSCRIBER_H_
