#include "common/metrics.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace switchboard::metrics {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(MetricsTest, ContentTypeIsTextFormat004) {
  EXPECT_STREQ(kContentType, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(MetricsTest, CounterWithLabelsRendersChildrenInLabelOrder) {
  Registry registry;
  Family<Counter>& requests = registry.AddCounter(
      "switchboard_http_requests_total", "HTTP requests by route and code.", {"route", "code"});
  requests.WithLabels({"/webhook", "500"}).Increment();
  requests.WithLabels({"/webhook", "200"}).Increment(3);
  requests.WithLabels({"/healthz", "200"}).Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP switchboard_http_requests_total HTTP requests by route and code.\n"
            "# TYPE switchboard_http_requests_total counter\n"
            "switchboard_http_requests_total{route=\"/healthz\",code=\"200\"} 1\n"
            "switchboard_http_requests_total{route=\"/webhook\",code=\"200\"} 3\n"
            "switchboard_http_requests_total{route=\"/webhook\",code=\"500\"} 1\n");
}

TEST(MetricsTest, UnlabeledMetricsRenderZeroBeforeFirstUpdate) {
  Registry registry;
  registry.AddCounter("events_total", "Events.");
  registry.AddGauge("subscribers", "Subscribers.");
  registry.AddCounter("labeled_total", "Labeled.", {"type"});  // no child yet: header only
  EXPECT_EQ(registry.Render(),
            "# HELP events_total Events.\n# TYPE events_total counter\nevents_total 0\n"
            "# HELP subscribers Subscribers.\n# TYPE subscribers gauge\nsubscribers 0\n"
            "# HELP labeled_total Labeled.\n# TYPE labeled_total counter\n");
}

TEST(MetricsTest, WithLabelsReturnsTheSameStableChild) {
  Registry registry;
  Family<Counter>& family = registry.AddCounter("c_total", "C.", {"a"});
  Counter& first = family.WithLabels({"x"});
  EXPECT_EQ(&first, &family.WithLabels(std::vector<std::string>{"x"}));
  for (int i = 0; i < 1000; ++i) family.WithLabels({absl::StrCat(i)});  // grow the map
  first.Increment(7);
  EXPECT_EQ(&first, &family.WithLabels({"x"}));
  EXPECT_EQ(family.WithLabels({"x"}).Value(), 7u);
}

TEST(MetricsTest, GaugeSetAndAddRenderSignedIntegers) {
  Registry registry;
  Gauge& gauge = registry.AddGauge("queue_depth", "Queued events.", {"stream"}).WithLabels({"s1"});
  gauge.Set(10);
  gauge.Add(-25);
  EXPECT_EQ(gauge.Value(), -15);
  EXPECT_EQ(registry.Render(),
            "# HELP queue_depth Queued events.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth{stream=\"s1\"} -15\n");
}

TEST(MetricsTest, CounterRendersFullUint64WithoutExponent) {
  Registry registry;
  registry.AddCounter("big_total", "")
      .WithLabels({})
      .Increment(std::numeric_limits<uint64_t>::max());
  // No HELP line for empty help.
  EXPECT_EQ(registry.Render(), "# TYPE big_total counter\nbig_total 18446744073709551615\n");
}

TEST(MetricsTest, HistogramRendersCumulativeBucketsInfSumAndCount) {
  Registry registry;
  Family<Histogram>& latency =
      registry.AddHistogram("request_seconds", "Request latency.", {"route"}, {0.25, 0.5, 1, 2.5});
  Histogram& webhook = latency.WithLabels({"/webhook"});
  for (double v : {0.125, 0.5, 0.75, 4.0}) webhook.Observe(v);
  latency.WithLabels({"/healthz"}).Observe(0.25);
  EXPECT_EQ(registry.Render(),
            "# HELP request_seconds Request latency.\n"
            "# TYPE request_seconds histogram\n"
            "request_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 1\n"
            "request_seconds_bucket{route=\"/healthz\",le=\"0.5\"} 1\n"
            "request_seconds_bucket{route=\"/healthz\",le=\"1\"} 1\n"
            "request_seconds_bucket{route=\"/healthz\",le=\"2.5\"} 1\n"
            "request_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1\n"
            "request_seconds_sum{route=\"/healthz\"} 0.25\n"
            "request_seconds_count{route=\"/healthz\"} 1\n"
            "request_seconds_bucket{route=\"/webhook\",le=\"0.25\"} 1\n"
            "request_seconds_bucket{route=\"/webhook\",le=\"0.5\"} 2\n"
            "request_seconds_bucket{route=\"/webhook\",le=\"1\"} 3\n"
            "request_seconds_bucket{route=\"/webhook\",le=\"2.5\"} 3\n"
            "request_seconds_bucket{route=\"/webhook\",le=\"+Inf\"} 4\n"
            "request_seconds_sum{route=\"/webhook\"} 5.375\n"
            "request_seconds_count{route=\"/webhook\"} 4\n");
}

TEST(MetricsTest, HistogramUpperBoundsAreInclusive) {
  Histogram histogram({0.1, 0.5, 1});
  histogram.Observe(0.1);                       // == bound: in le="0.1"
  histogram.Observe(std::nextafter(0.1, 1.0));  // just above: le="0.5"
  histogram.Observe(1);                         // == last bound: le="1"
  histogram.Observe(std::nextafter(1.0, 2.0));  // just above: +Inf only
  histogram.Observe(-3);                        // below everything: first
  HistogramSnapshot snapshot = histogram.Snapshot();
  EXPECT_THAT(snapshot.bounds, ElementsAre(0.1, 0.5, 1));
  EXPECT_THAT(snapshot.buckets, ElementsAre(2u, 3u, 4u, 5u));
  EXPECT_EQ(snapshot.count, 5u);

  histogram.Observe(std::numeric_limits<double>::quiet_NaN());  // +Inf only
  snapshot = histogram.Snapshot();
  EXPECT_THAT(snapshot.buckets, ElementsAre(2u, 3u, 4u, 6u));
  EXPECT_EQ(snapshot.count, 6u);
  EXPECT_TRUE(std::isnan(snapshot.sum));
}

TEST(MetricsTest, ExponentialBucketsRenderShortestDecimals) {
  EXPECT_THAT(ExponentialBuckets(1, 2, 4), ElementsAre(1, 2, 4, 8));
  const std::vector<double> bounds = ExponentialBuckets(0.001, 10, 3);
  EXPECT_THAT(bounds, ElementsAre(DoubleEq(0.001), DoubleEq(0.01), DoubleEq(0.1)));
  Registry registry;
  registry.AddHistogram("h", "H.", {}, {1e-7, 0.001, 0.0025, 1e6}).WithLabels({}).Observe(0.1);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"1e-07\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("h_bucket{le=\"1000000\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("h_sum 0.1\nh_count 1\n"));
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.AddCounter("c_total", "Path C:\\tmp \"quoted\"\nsecond line", {"v"})
      .WithLabels({"a\\b\"c\nd"})
      .Increment();
  EXPECT_EQ(registry.Render(),
            "# HELP c_total Path C:\\\\tmp \"quoted\"\\nsecond line\n"
            "# TYPE c_total counter\n"
            "c_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsTest, CollectorRunsAtEachRenderWithSortedSamples) {
  Registry registry;
  double lag_a = 3;
  registry.AddCollector("stream_lag_events", "Unsent events per stream.", "gauge",
                        [&](std::vector<Sample>* out) {
                          out->push_back(Sample{{{"stream", "b\""}}, 0.5});
                          out->push_back(Sample{{{"stream", "a"}}, lag_a});
                        });
  registry.AddCollector("store_last_sequence", "Newest sequence.", "counter",
                        [](std::vector<Sample>* out) {
                          out->push_back(Sample{{}, 1e12});
                        });
  const std::string expected_tail =
      "# HELP store_last_sequence Newest sequence.\n"
      "# TYPE store_last_sequence counter\n"
      "store_last_sequence 1000000000000\n";
  EXPECT_EQ(registry.Render(),
            "# HELP stream_lag_events Unsent events per stream.\n"
            "# TYPE stream_lag_events gauge\n"
            "stream_lag_events{stream=\"a\"} 3\n"
            "stream_lag_events{stream=\"b\\\"\"} 0.5\n" +
                expected_tail);
  lag_a = 1.0 / 3;
  EXPECT_THAT(registry.Render(), HasSubstr("stream_lag_events{stream=\"a\"} 0.3333333333333333\n"));
}

TEST(MetricsTest, CollectorFormatsSpecialValues) {
  Registry registry;
  registry.AddCollector("special", "S.", "gauge", [](std::vector<Sample>* out) {
    out->push_back(Sample{{{"k", "1"}}, std::numeric_limits<double>::infinity()});
    out->push_back(Sample{{{"k", "2"}}, -std::numeric_limits<double>::infinity()});
    out->push_back(Sample{{{"k", "3"}}, std::numeric_limits<double>::quiet_NaN()});
    out->push_back(Sample{{{"k", "4"}}, -2.5e-9});
    out->push_back(Sample{{{"k", "5"}}, 1e300});
  });
  EXPECT_EQ(registry.Render(),
            "# HELP special S.\n# TYPE special gauge\n"
            "special{k=\"1\"} +Inf\n"
            "special{k=\"2\"} -Inf\n"
            "special{k=\"3\"} NaN\n"
            "special{k=\"4\"} -2.5e-09\n"
            "special{k=\"5\"} 1e+300\n");
}

TEST(MetricsTest, FamiliesRenderInRegistrationOrder) {
  Registry registry;
  registry.AddGauge("zeta", "Z.");
  registry.AddCollector("alpha", "A.", "gauge", [](std::vector<Sample>*) {});
  registry.AddCounter("mid_total", "M.");
  EXPECT_EQ(registry.Render(),
            "# HELP zeta Z.\n# TYPE zeta gauge\nzeta 0\n"
            "# HELP alpha A.\n# TYPE alpha gauge\n"
            "# HELP mid_total M.\n# TYPE mid_total counter\nmid_total 0\n");
}

TEST(MetricsTest, ConcurrentUpdatesSumExactly) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  Registry registry;
  Family<Counter>& counters = registry.AddCounter("ops_total", "Ops.", {"kind"});
  Family<Gauge>& gauges = registry.AddGauge("inflight", "In flight.");
  Family<Histogram>& histograms = registry.AddHistogram("op_seconds", "Op.", {}, {0.5, 1});
  absl::Notification done;
  std::thread scraper([&] {  // renders concurrently with the updates
    while (!done.HasBeenNotified()) EXPECT_THAT(registry.Render(), HasSubstr("ops_total"));
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& shared = counters.WithLabels({"shared"});  // first lookups race
      Counter& own = counters.WithLabels({absl::StrCat("t", t)});
      for (int i = 0; i < kPerThread; ++i) {
        shared.Increment();
        own.Increment(2);
        gauges.WithLabels({}).Add(i % 2 == 0 ? 3 : -1);
        histograms.WithLabels({}).Observe(i % 2 == 0 ? 0.5 : 2);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  done.Notify();
  scraper.join();

  EXPECT_EQ(counters.WithLabels({"shared"}).Value(), uint64_t{kThreads} * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(counters.WithLabels({absl::StrCat("t", t)}).Value(), 2u * kPerThread);
  }
  EXPECT_EQ(gauges.WithLabels({}).Value(), int64_t{kThreads} * kPerThread);
  const HistogramSnapshot snapshot = histograms.WithLabels({}).Snapshot();
  constexpr uint64_t kTotal = uint64_t{kThreads} * kPerThread;
  EXPECT_THAT(snapshot.buckets, ElementsAre(kTotal / 2, kTotal / 2, kTotal));
  EXPECT_EQ(snapshot.sum, kThreads * kPerThread / 2 * 2.5);  // exact in a double
  EXPECT_THAT(registry.Render(), HasSubstr("ops_total{kind=\"shared\"} 800000\n"));
}

// Programming errors assert in debug builds and degrade safely in release.
#ifdef NDEBUG
TEST(MetricsTest, ReleaseBuildsPadOrTruncateWrongLabelCounts) {
  Registry registry;
  Family<Counter>& family = registry.AddCounter("c_total", "C.", {"a", "b"});
  family.WithLabels({"x"}).Increment();
  family.WithLabels({"x", "", "extra"}).Increment();
  EXPECT_EQ(&family.WithLabels({"x"}), &family.WithLabels({"x", ""}));
  EXPECT_THAT(registry.Render(), HasSubstr("c_total{a=\"x\",b=\"\"} 2\n"));
}

TEST(MetricsTest, ReleaseBuildsLeaveBadRegistrationsOutOfRender) {
  Registry registry;
  registry.AddCounter("ok_total", "First.").WithLabels({}).Increment();
  registry.AddGauge("ok_total", "Duplicate.").WithLabels({}).Set(5);  // usable, not exported
  registry.AddCounter("bad-name", "B.").WithLabels({}).Increment();
  registry.AddCounter("bad_label_total", "B.", {"a:b"});
  registry.AddCounter("reserved_total", "B.", {"__name"});
  registry.AddCounter("dup_label_total", "B.", {"a", "a"});
  registry.AddHistogram("h", "B.", {"le"}, {1});
  registry.AddCollector("9starts_with_digit", "B.", "gauge", [](std::vector<Sample>*) {});
  registry.AddCollector("bad_type", "T.", "summary", [](std::vector<Sample>* out) {
    out->push_back(Sample{{{"bad-label", "x"}}, 1});  // left out
  });
  EXPECT_EQ(registry.Render(),
            "# HELP ok_total First.\n# TYPE ok_total counter\nok_total 1\n"
            "# HELP bad_type T.\n# TYPE bad_type untyped\n");
}

TEST(MetricsTest, ReleaseBuildsSortAndDeduplicateBounds) {
  Histogram histogram({1, std::numeric_limits<double>::infinity(), 0.5, 1});
  EXPECT_THAT(histogram.Snapshot().bounds, ElementsAre(0.5, 1));
}
#else
TEST(MetricsDeathTest, ProgrammingErrorsAssert) {
  Registry registry;
  Family<Counter>& family = registry.AddCounter("c_total", "C.", {"a", "b"});
  EXPECT_DEATH(family.WithLabels({"x"}), "wrong number of label values");
  EXPECT_DEATH(registry.AddCounter("c_total", "Duplicate."), "duplicate metric");
  EXPECT_DEATH(registry.AddCounter("bad-name", "B."), "invalid");
  EXPECT_DEATH(registry.AddGauge("g", "G.", {"a:b"}), "invalid");
  EXPECT_DEATH(registry.AddHistogram("h", "H.", {"le"}, {1}), "invalid");
  EXPECT_DEATH(registry.AddHistogram("h", "H.", {}, {1, 1}), "strictly ascending");
  EXPECT_DEATH(registry.AddCollector("t", "T.", "summary", nullptr), "collector type");
}
#endif

}  // namespace
}  // namespace switchboard::metrics
