#ifndef SWITCHBOARD_COMMON_METRICS_H_
#define SWITCHBOARD_COMMON_METRICS_H_

// A small Prometheus metrics library: counters, gauges and histograms, with
// or without labels, collected in a Registry that renders the text exposition
// format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Thread-safety: every class here is safe to use from any thread. Updating a
// Counter, Gauge or Histogram is lock-free (relaxed atomics) and never blocks;
// Family::WithLabels and Registry::Add* take a mutex, so look a child up once
// and cache the reference on hot paths.
//
// Ownership: the Registry owns every family and every child; the references it
// hands out stay valid for the Registry's lifetime.
//
// Programming errors (an invalid or duplicate metric or label name, a wrong
// number of label values, unsorted histogram bounds) assert in debug builds.
// In release builds they never crash and never make Render() unparsable: see
// each function for what happens instead.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace switchboard::metrics {

// The Content-Type of Registry::Render() output.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A monotonically increasing count.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// A point-in-time copy of a Histogram.
struct HistogramSnapshot {
  std::vector<double> bounds;     // upper bounds, ascending, without +Inf
  std::vector<uint64_t> buckets;  // cumulative; size bounds.size() + 1, the last is +Inf
  double sum = 0;
  uint64_t count = 0;  // always == buckets.back()
};

// Counts observations into buckets with inclusive upper bounds (Prometheus
// `le`): a value equal to a bound counts in that bound's bucket.
class Histogram {
 public:
  // `bounds` must be finite and strictly ascending (asserts). In release
  // builds non-finite bounds are dropped and the rest sorted and de-duplicated.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Lock-free. NaN counts in the +Inf bucket only (and makes the sum NaN).
  void Observe(double value);

  // Each field is read atomically, but an Observe() running concurrently may
  // be reflected in the buckets and not yet in the sum. The count is derived
  // from the buckets, so `count == buckets.back()` always holds.
  HistogramSnapshot Snapshot() const;

 private:
  const std::vector<double> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

// `count` bounds: start, start*factor, start*factor^2, ... (start > 0, factor > 1).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// A value computed at scrape time by a collector (see Registry::AddCollector).
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;  // name, value
  double value = 0;
};

namespace internal {

// Something Registry::Render() can print.
class Exported {
 public:
  virtual ~Exported() = default;
  // Appends the `# HELP`, `# TYPE` and sample lines of this metric to `out`.
  virtual void Render(std::string* out) const = 0;
};

}  // namespace internal

// All children of one metric, one per distinct set of label values. T is
// Counter, Gauge or Histogram.
template <typename T>
class Family : public internal::Exported {
 public:
  // The child for these label values (one per label name, in registration
  // order), created at zero on first use. The reference stays valid for the
  // Registry's lifetime. Takes a mutex: cache the result on hot paths.
  // A wrong number of values asserts; release builds pad with "" or truncate.
  T& WithLabels(std::initializer_list<absl::string_view> values);
  T& WithLabels(const std::vector<std::string>& values);

  // Calls `fn` with each child's label values and the child, in label order,
  // under the family's mutex (`fn` must not call back into the family).
  void ForEachChild(
      const std::function<void(const std::vector<std::string>&, const T&)>& fn) const;

  // internal::Exported
  void Render(std::string* out) const override;

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<T>()> make_child);

  T& Child(std::vector<std::string> values);

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<T>()> make_child_;
  mutable absl::Mutex mu_;
  // A node-based map keeps children in label order and their addresses stable.
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_ ABSL_GUARDED_BY(mu_);
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// Owns metric families and renders them, in registration order.
//
// Names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
// (not starting with "__", no duplicates, and not "le" on a histogram), and
// metric names must be unique in the Registry. A registration that breaks this
// asserts; in release builds it returns a working family that Render() leaves
// out, so that one bad metric cannot make the whole scrape fail to parse.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // A family without labels has its single child, WithLabels({}), from the
  // start, so it renders 0 before its first update.
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  // `bounds` as for Histogram.
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  // A metric whose samples `collect` appends at each Render() call, for values
  // that already live elsewhere (a stream's lag, a store's sequences). `type` is
  // "gauge" or "counter" (asserts; release builds render "untyped"). Samples are
  // sorted by labels; one with an invalid label name is left out (asserts).
  // `collect` runs on the thread calling Render(), without any Registry lock
  // held, possibly concurrently with itself; it must not block for long.
  void AddCollector(std::string name, std::string help, std::string type,
                    std::function<void(std::vector<Sample>*)> collect);

  // The text exposition format 0.0.4 of every metric (see kContentType).
  // Thread-safe; takes the Registry's and each family's mutex briefly.
  std::string Render() const;

 private:
  template <typename T>
  Family<T>& AddFamily(std::string name, std::string help, std::vector<std::string> label_names,
                       std::function<std::unique_ptr<T>()> make_child);
  // Takes ownership of `metric`, exporting it if `name` is valid and new.
  void Add(std::unique_ptr<internal::Exported> metric, const std::string& name, bool valid);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<internal::Exported>> owned_ ABSL_GUARDED_BY(mu_);
  std::vector<const internal::Exported*> exported_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace switchboard::metrics

#endif  // SWITCHBOARD_COMMON_METRICS_H_
