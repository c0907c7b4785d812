#ifndef SWITCHBOARD_BENCH_LOAD_COMMON_H_
#define SWITCHBOARD_BENCH_LOAD_COMMON_H_

// What bench_load's modes share: the clock, the webhook sender, waiting,
// process memory. The --http, --grpc, --fixtures and --connections flags.

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, http);
ABSL_DECLARE_FLAG(std::string, grpc);
ABSL_DECLARE_FLAG(std::string, fixtures);
ABSL_DECLARE_FLAG(int, connections);

namespace switchboard::bench {

using Clock = std::chrono::steady_clock;

int64_t NowNs();

// The nine fixture types, in bench/webhook_mix.lua's order.
extern const std::vector<std::string> kTypes;

struct SendResult {
  int64_t ok = 0, errors = 0, late = 0;
  uint64_t max_sequence = 0;
  double seconds = 0;
};

// Sends webhooks number 0..total-1 with request_id PREFIX<n>, n over
// `connections` keep-alive connections (connection i sends i, i+C, ...).
// rate > 0: webhook n is written at start + n/rate (a webhook more than 1 ms
// behind its schedule counts as late); rate 0: as fast as the answers come.
// sent_ns (optional, size total) gets the moment each one was written.
SendResult Send(const std::string& prefix, int64_t total, double rate, int connections,
                std::vector<int64_t>* sent_ns);

// Polls `done` every millisecond until it holds or `timeout` passes.
template <typename F>
bool WaitFor(F done, double timeout_seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A process's resident memory (0 when unknown).
int64_t RssKiB(int pid);
// CPU seconds (user + system, all threads) process `pid` has used; 0 when
// it is gone or `pid` is 0.
double CpuSeconds(int pid);

// A unique prefix for this run's request_ids.
std::string RunId();

}  // namespace switchboard::bench

#endif  // SWITCHBOARD_BENCH_LOAD_COMMON_H_
