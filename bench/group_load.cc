#include "bench/group_load.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/load_common.h"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

ABSL_FLAG(std::string, members, "1,3,10", "group: member counts to measure, comma-separated");
ABSL_FLAG(int, broker_pid, 0, "group: nats-server's pid, for its CPU per event");
ABSL_DECLARE_FLAG(int, count);
ABSL_DECLARE_FLAG(int, server_pid);
ABSL_DECLARE_FLAG(std::string, label);

namespace switchboard::bench {
namespace {

constexpr uint32_t kMaxUnacked = 1000;
// Memory per member: the server's RSS grows by this many idle members, each
// on its own connection, joined after kWarmMembers already are.
constexpr int kWarmMembers = 50;
constexpr int kIdleMembers = 200;

std::shared_ptr<grpc::Channel> NewChannel(int i) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("switchboard.bench.channel", i);  // a connection of its own
  return grpc::CreateCustomChannel(absl::GetFlag(FLAGS_grpc), grpc::InsecureChannelCredentials(),
                                   args);
}

// One member on the synchronous API in a thread of its own: acks each batch
// of deliveries as soon as it is read, counts the acks the server confirms.
class Member {
 public:
  Member(int index, std::string group, uint64_t after, std::atomic<int64_t>* acked, bool idle)
      : stub_(v1::EventStream::NewStub(NewChannel(index))),
        group_(std::move(group)),
        after_(after),
        acked_(acked),
        idle_(idle) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Member() {
    context_.TryCancel();
    thread_.join();
  }
  bool joined() const { return joined_.load(std::memory_order_acquire); }

 private:
  void Run() {
    context_.set_wait_for_ready(true);  // a refused connect is retried, not a lost member
    auto stream = stub_->Consume(&context_);
    v1::ConsumeRequest join;
    join.mutable_join()->set_group(group_);
    join.mutable_join()->set_after_sequence(after_);
    join.mutable_join()->set_max_unacked(idle_ ? 1 : kMaxUnacked);
    if (!stream->Write(join)) return;
    v1::ConsumeResponse response;
    while (stream->Read(&response)) {
      if (response.has_joined()) joined_.store(true, std::memory_order_release);
      if (response.has_result()) acked_->fetch_add(response.result().acked_size());
      if (!response.has_deliveries() || idle_) continue;
      v1::ConsumeRequest ack;
      for (const v1::GroupDelivery& d : response.deliveries().deliveries()) {
        ack.mutable_ack()->add_sequences(d.event().sequence());
      }
      if (!stream->Write(ack)) break;
    }
    stream->Finish();
  }

  std::unique_ptr<v1::EventStream::Stub> stub_;
  grpc::ClientContext context_;
  const std::string group_;
  const uint64_t after_;
  std::atomic<int64_t>* const acked_;
  const bool idle_;
  std::atomic<bool> joined_{false};
  std::thread thread_;
};

// Events/s of one plain Subscribe reading (after, last].
double SubscribeRate(uint64_t after, uint64_t last) {
  auto stub = v1::EventStream::NewStub(NewChannel(1000));
  grpc::ClientContext context;
  context.set_wait_for_ready(true);
  v1::SubscribeRequest request;
  request.set_after_sequence(after);
  const int64_t start = NowNs();
  auto reader = stub->Subscribe(&context, request);
  v1::Event event;
  int64_t read = 0;
  while (reader->Read(&event)) {
    ++read;
    if (event.sequence() >= last) break;
  }
  const double seconds = (NowNs() - start) / 1e9;
  context.TryCancel();
  reader->Finish();
  return read / std::max(seconds, 1e-9);
}

// Prints the server's memory per group member: the growth of its RSS from
// kWarmMembers idle members (they hold nothing) to kWarmMembers +
// kIdleMembers. Measured on the fresh server, before any backlog: after a
// drain, the allocator reuses what the drain freed and the growth hides.
// The warm-up members carry the one-time costs (threads, first buffers).
void MemoryPerMember(int pid, const std::string& run) {
  std::atomic<int64_t> unused{0};
  std::vector<std::unique_ptr<Member>> idle;
  auto join = [&](int n) {
    for (int i = 0; i < n; ++i) {
      idle.push_back(std::make_unique<Member>(2000 + static_cast<int>(idle.size()),
                                              absl::StrCat("idle-", run), 0, &unused, true));
    }
    return WaitFor(
        [&] {
          for (auto& m : idle) {
            if (!m->joined()) return false;
          }
          return true;
        },
        30);
  };
  if (!join(kWarmMembers)) {
    std::fprintf(stderr, "memory per member: the %d warm-up members did not all join\n",
                 kWarmMembers);
    return;
  }
  const int64_t before = RssKiB(pid);
  if (!join(kIdleMembers)) {
    std::fprintf(stderr, "memory per member: the %d members did not all join\n", kIdleMembers);
    return;
  }
  const int64_t after = RssKiB(pid);
  std::printf("{\"scenario\":\"group_memory\",\"label\":\"%s\",\"members\":%d,"
              "\"rss_before_kib\":%lld,\"rss_after_kib\":%lld,\"rss_per_member_kib\":%.1f}\n",
              absl::GetFlag(FLAGS_label).c_str(), kIdleMembers, static_cast<long long>(before),
              static_cast<long long>(after), static_cast<double>(after - before) / kIdleMembers);
  std::fflush(stdout);
}

// CPU seconds of the server (--server_pid), the broker (--broker_pid) and
// this process; Since() gives what each used since, in µs per event.
struct CpuSplit {
  double server = CpuSeconds(absl::GetFlag(FLAGS_server_pid));
  double broker = CpuSeconds(absl::GetFlag(FLAGS_broker_pid));
  double client = CpuSeconds(getpid());

  CpuSplit Since(int64_t events) const {
    const CpuSplit now;
    const double per = 1e6 / static_cast<double>(events);
    return {(now.server - server) * per, (now.broker - broker) * per,
            (now.client - client) * per};
  }
};

}  // namespace

int Groups() {
  const int64_t count = absl::GetFlag(FLAGS_count);
  const std::string run = RunId();
  if (const int pid = absl::GetFlag(FLAGS_server_pid); pid != 0) MemoryPerMember(pid, run);
  // The backlog: where it starts is the sequence before its first event.
  const SendResult first = Send(absl::StrCat("grp-", run, "-first-"), 1, 0, 1, nullptr);
  const SendResult sent =
      Send(absl::StrCat("grp-", run, "-"), count, 0, absl::GetFlag(FLAGS_connections), nullptr);
  if (first.ok != 1 || sent.ok != count) {
    std::fprintf(stderr, "the backlog was not stored (%lld of %lld)\n",
                 static_cast<long long>(sent.ok), static_cast<long long>(count));
    return 1;
  }
  const uint64_t after = first.max_sequence, last = sent.max_sequence;
  const double subscribe_rate = SubscribeRate(after, last);
  int status = 0;
  for (absl::string_view piece : absl::StrSplit(absl::GetFlag(FLAGS_members), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(piece, &n) || n < 1) continue;
    std::atomic<int64_t> acked{0};
    CpuSplit cpu;
    const int64_t start = NowNs();
    std::vector<std::unique_ptr<Member>> members;
    for (int i = 0; i < n; ++i) {
      members.push_back(std::make_unique<Member>(i, absl::StrCat("bench-", run, "-", n), after,
                                                 &acked, false));
    }
    const bool complete = WaitFor([&] { return acked.load() >= count; }, 300);
    const double seconds = (NowNs() - start) / 1e9;
    const CpuSplit used = cpu.Since(std::max<int64_t>(acked.load(), 1));
    members.clear();
    if (!complete) status = 1;
    const double rate = acked.load() / std::max(seconds, 1e-9);
    std::printf("{\"scenario\":\"group\",\"label\":\"%s\",\"members\":%d,\"backlog\":%lld,"
                "\"acked\":%lld,\"complete\":%s,\"seconds\":%.3f,\"acked_per_s\":%.0f,"
                "\"subscribe_per_s\":%.0f,\"vs_subscribe\":%.2f,\"cpu_us_per_event\":{\"server\":%.2f,"
                "\"broker\":%.2f,\"client\":%.2f}}\n",
                absl::GetFlag(FLAGS_label).c_str(), n, static_cast<long long>(count),
                static_cast<long long>(acked.load()), complete ? "true" : "false", seconds, rate,
                subscribe_rate, rate / std::max(subscribe_rate, 1e-9), used.server, used.broker,
                used.client);
    std::fflush(stdout);
  }
  return status;
}

}  // namespace switchboard::bench
