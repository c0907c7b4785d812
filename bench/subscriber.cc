#include "bench/subscriber.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

namespace switchboard::bench {

Channels::Channels(int subscribers, int per_channel) {
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

bool WarmUp(const std::string& warm_prefix, const std::function<bool()>& all_warm) {
  for (int round = 0; round < 50; ++round) {
    Send(absl::StrCat(warm_prefix, round, "-"), kTypes.size(), 0, 1, nullptr);
    if (WaitFor(all_warm, 0.2)) return true;
  }
  return false;
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

}  // namespace switchboard::bench
