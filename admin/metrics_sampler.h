#ifndef SWITCHBOARD_ADMIN_METRICS_SAMPLER_H_
#define SWITCHBOARD_ADMIN_METRICS_SAMPLER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/service_metrics.h"

namespace switchboard::admin {

// The console's recent history of the service's counters: every kInterval
// the admin server calls Sample(), which keeps the increase of each
// switchboard_webhooks_total{type,status} and
// switchboard_webhook_auth_failures_total{scheme} series over the last
// kPoints intervals (15 minutes). Memory is bounded by the label sets, which
// the schema bounds. Thread-safe.
class MetricsSampler {
 public:
  static constexpr absl::Duration kInterval = absl::Seconds(5);
  static constexpr size_t kPoints = 180;

  // `metrics` must outlive the sampler.
  explicit MetricsSampler(const ServiceMetrics* metrics) : metrics_(metrics) {}

  // Records the counters' increase since the previous call as the newest
  // point (the first call only takes the starting values).
  void Sample(absl::Time now);

  // {"interval_seconds":5,"end":"<time of the newest point>","points":N,
  //  "webhooks":[{"type","status","per_second":[oldest … newest]}],
  //  "auth_failures":[{"scheme","per_second":[…]}]}; every series has N points.
  std::string SeriesJson() const;

 private:
  struct Series {
    uint64_t last = 0;           // the counter at the previous Sample()
    std::deque<double> points;   // increases, oldest first
  };
  // Adds one point to each series of `family` (label values -> series).
  void SampleFamily(const metrics::Family<metrics::Counter>& family,
                    std::map<std::vector<std::string>, Series>* series)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ServiceMetrics* const metrics_;
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  size_t points_ ABSL_GUARDED_BY(mu_) = 0;  // points in every series
  absl::Time end_ ABSL_GUARDED_BY(mu_);
  absl::Duration last_interval_ ABSL_GUARDED_BY(mu_) = kInterval;
  absl::Time last_sample_ ABSL_GUARDED_BY(mu_);
  std::map<std::vector<std::string>, Series> webhooks_ ABSL_GUARDED_BY(mu_);
  std::map<std::vector<std::string>, Series> auth_failures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_METRICS_SAMPLER_H_
