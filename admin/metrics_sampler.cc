#include "admin/metrics_sampler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/http_handler.h"

namespace switchboard::admin {
void MetricsSampler::SampleFamily(const metrics::Family<metrics::Counter>& family,
                                  std::map<std::vector<std::string>, Series>* series) {
  const double seconds = std::max(absl::ToDoubleSeconds(last_interval_), 1e-3);
  family.ForEachChild([&](const std::vector<std::string>& labels, const metrics::Counter& counter) {
    auto [it, inserted] = series->try_emplace(labels);
    Series& s = it->second;
    const uint64_t value = counter.Value();
    if (inserted) {
      // A series that appears now started at zero; earlier points are zero.
      s.points.assign(points_, 0.0);
      s.last = started_ ? 0 : value;
    }
    if (started_) s.points.push_back(static_cast<double>(value - std::min(value, s.last)) / seconds);
    s.last = value;
  });
  for (auto& [labels, s] : *series) {
    while (s.points.size() < points_ + (started_ ? 1 : 0)) s.points.push_back(0.0);
    while (s.points.size() > kPoints) s.points.pop_front();
  }
}

void MetricsSampler::Sample(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (started_) last_interval_ = now - last_sample_;
  SampleFamily(metrics_->webhooks, &webhooks_);
  SampleFamily(metrics_->auth_failures, &auth_failures_);
  if (started_) points_ = std::min(points_ + 1, kPoints);
  started_ = true;
  last_sample_ = now;
  end_ = now;
}

std::string MetricsSampler::SeriesJson() const {
  absl::MutexLock lock(&mu_);
  auto append = [&](const std::map<std::vector<std::string>, Series>& series,
                    const std::vector<std::string>& names, std::string* out) {
    bool first_series = true;
    for (const auto& [labels, s] : series) {
      absl::StrAppend(out, first_series ? "{" : ",{");
      first_series = false;
      for (size_t i = 0; i < names.size() && i < labels.size(); ++i) {
        absl::StrAppend(out, gateway::JsonQuote(names[i]), ":", gateway::JsonQuote(labels[i]), ",");
      }
      *out += "\"per_second\":[";
      for (size_t i = 0; i < s.points.size(); ++i) {
        absl::StrAppend(out, i > 0 ? "," : "", absl::StrFormat("%.3g", s.points[i]));
      }
      *out += "]}";
    }
  };
  std::string out = absl::StrCat(
      "{\"interval_seconds\":", absl::ToInt64Seconds(kInterval), ",\"end\":",
      gateway::JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", end_, absl::UTCTimeZone())),
      ",\"points\":", points_, ",\"webhooks\":[");
  append(webhooks_, {"type", "status"}, &out);
  out += "],\"auth_failures\":[";
  append(auth_failures_, {"scheme"}, &out);
  out += "]}";
  return out;
}

}  // namespace switchboard::admin
