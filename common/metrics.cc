#include "common/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <set>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace switchboard::metrics {
namespace {

// Label pairs of one sample line, in output order.
using Labels = std::vector<std::pair<absl::string_view, absl::string_view>>;

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidName(absl::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!IsAlpha(c) && !(allow_colon && c == ':') && !(i > 0 && IsDigit(c))) return false;
  }
  return true;
}

bool ValidMetricName(absl::string_view name) { return ValidName(name, /*allow_colon=*/true); }

// "__" prefixes are reserved for Prometheus' own labels.
bool ValidLabelName(absl::string_view name) {
  return ValidName(name, /*allow_colon=*/false) && !absl::StartsWith(name, "__");
}

bool ValidLabelNames(const std::vector<std::string>& names, bool histogram) {
  std::set<absl::string_view> seen;
  for (const std::string& name : names) {
    if (!ValidLabelName(name) || !seen.insert(name).second) return false;
    if (histogram && name == "le") return false;  // the bucket label
  }
  return true;
}

// Finite, strictly ascending bounds.
std::vector<double> CheckedBounds(std::vector<double> bounds) {
  const auto not_finite = [](double b) { return !std::isfinite(b); };
  assert(std::none_of(bounds.begin(), bounds.end(), not_finite) && "histogram bound not finite");
  assert(std::adjacent_find(bounds.begin(), bounds.end(), std::greater_equal<double>()) ==
             bounds.end() &&
         "histogram bounds not strictly ascending");
  bounds.erase(std::remove_if(bounds.begin(), bounds.end(), not_finite), bounds.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

// Prometheus parses numbers with Go's strconv.ParseFloat. Integral values are
// printed without an exponent; others in the shortest form that round-trips.
std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) return absl::StrFormat("%.0f", value);
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// Label values escape backslash, double quote and newline; HELP text only
// backslash and newline.
void AppendEscaped(std::string* out, absl::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && escape_quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

void AppendHeader(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type) {
  if (!help.empty()) {
    absl::StrAppend(out, "# HELP ", name, " ");
    AppendEscaped(out, help, /*escape_quote=*/false);
    out->push_back('\n');
  }
  absl::StrAppend(out, "# TYPE ", name, " ", type, "\n");
}

void AppendSample(std::string* out, absl::string_view name, absl::string_view suffix,
                  const Labels& labels, absl::string_view value) {
  absl::StrAppend(out, name, suffix);
  if (!labels.empty()) {
    out->push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      absl::StrAppend(out, i == 0 ? "" : ",", labels[i].first, "=\"");
      AppendEscaped(out, labels[i].second, /*escape_quote=*/true);
      out->push_back('"');
    }
    out->push_back('}');
  }
  absl::StrAppend(out, " ", value, "\n");
}

Labels Zip(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  Labels labels;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    labels.emplace_back(names[i], values[i]);
  }
  return labels;
}

const char* TypeName(const Counter*) { return "counter"; }
const char* TypeName(const Gauge*) { return "gauge"; }
const char* TypeName(const Histogram*) { return "histogram"; }

void AppendChild(std::string* out, absl::string_view name, const Labels& labels,
                 const Counter& counter) {
  AppendSample(out, name, "", labels, absl::StrCat(counter.Value()));
}

void AppendChild(std::string* out, absl::string_view name, const Labels& labels,
                 const Gauge& gauge) {
  AppendSample(out, name, "", labels, absl::StrCat(gauge.Value()));
}

void AppendChild(std::string* out, absl::string_view name, Labels labels,
                 const Histogram& histogram) {
  const HistogramSnapshot snapshot = histogram.Snapshot();
  labels.emplace_back("le", "");
  for (size_t i = 0; i < snapshot.buckets.size(); ++i) {
    const std::string le = i < snapshot.bounds.size() ? FormatDouble(snapshot.bounds[i]) : "+Inf";
    labels.back().second = le;
    AppendSample(out, name, "_bucket", labels, absl::StrCat(snapshot.buckets[i]));
  }
  labels.pop_back();
  AppendSample(out, name, "_sum", labels, FormatDouble(snapshot.sum));
  AppendSample(out, name, "_count", labels, absl::StrCat(snapshot.count));
}

// A metric whose samples come from a callback at each scrape.
class Collector : public internal::Exported {
 public:
  Collector(std::string name, std::string help, std::string type,
            std::function<void(std::vector<Sample>*)> collect)
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(std::move(type)),
        collect_(std::move(collect)) {}

  // internal::Exported
  void Render(std::string* out) const override {
    std::vector<Sample> samples;
    collect_(&samples);
    std::stable_sort(samples.begin(), samples.end(),
                     [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
    AppendHeader(out, name_, help_, type_);
    for (const Sample& sample : samples) {
      Labels labels;
      for (const auto& [name, value] : sample.labels) labels.emplace_back(name, value);
      const bool valid = std::all_of(labels.begin(), labels.end(),
                                     [](const auto& label) { return ValidLabelName(label.first); });
      assert(valid && "collector sample with an invalid label name");
      if (valid) AppendSample(out, name_, "", labels, FormatDouble(sample.value));
    }
  }

 private:
  const std::string name_;
  const std::string help_;
  const std::string type_;
  const std::function<void(std::vector<Sample>*)> collect_;
};

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(CheckedBounds(std::move(bounds))),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  // lower_bound finds the first bound >= value: `le` is inclusive. NaN compares
  // false with everything, so it is sent to +Inf explicitly.
  const size_t bucket =
      std::isnan(value) ? bounds_.size()
                        : std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  // std::atomic<double>::fetch_add is C++20.
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.buckets.resize(bounds_.size() + 1);
  for (size_t i = 0; i < snapshot.buckets.size(); ++i) {
    snapshot.count += counts_[i].load(std::memory_order_relaxed);
    snapshot.buckets[i] = snapshot.count;
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  assert(start > 0 && factor > 1 && count >= 1 && "invalid exponential buckets");
  std::vector<double> bounds;
  for (double bound = start; static_cast<int>(bounds.size()) < count; bound *= factor) {
    bounds.push_back(bound);
  }
  return bounds;
}

template <typename T>
Family<T>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                  std::function<std::unique_ptr<T>()> make_child)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      make_child_(std::move(make_child)) {
  if (label_names_.empty()) Child({});
}

template <typename T>
T& Family<T>::WithLabels(std::initializer_list<absl::string_view> values) {
  std::vector<std::string> key;
  key.reserve(values.size());
  for (const absl::string_view value : values) key.emplace_back(value.data(), value.size());
  return Child(std::move(key));
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  return Child(values);
}

template <typename T>
T& Family<T>::Child(std::vector<std::string> values) {
  assert(values.size() == label_names_.size() && "wrong number of label values");
  // Release builds: one value per label name, so every child renders validly.
  values.resize(label_names_.size());
  absl::MutexLock lock(&mu_);
  std::unique_ptr<T>& child = children_[std::move(values)];
  if (child == nullptr) child = make_child_();
  return *child;
}

template <typename T>
void Family<T>::ForEachChild(
    const std::function<void(const std::vector<std::string>&, const T&)>& fn) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [values, child] : children_) fn(values, *child);
}

template <typename T>
void Family<T>::Render(std::string* out) const {
  AppendHeader(out, name_, help_, TypeName(static_cast<const T*>(nullptr)));
  absl::MutexLock lock(&mu_);
  for (const auto& [values, child] : children_) {
    AppendChild(out, name_, Zip(label_names_, values), *child);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename T>
Family<T>& Registry::AddFamily(std::string name, std::string help,
                               std::vector<std::string> label_names,
                               std::function<std::unique_ptr<T>()> make_child) {
  const bool valid =
      ValidMetricName(name) && ValidLabelNames(label_names, std::is_same_v<T, Histogram>);
  auto* family =
      new Family<T>(name, std::move(help), std::move(label_names), std::move(make_child));
  Add(std::unique_ptr<internal::Exported>(family), name, valid);
  return *family;
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  return AddFamily<Counter>(std::move(name), std::move(help), std::move(label_names),
                            [] { return std::make_unique<Counter>(); });
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  return AddFamily<Gauge>(std::move(name), std::move(help), std::move(label_names),
                          [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  return AddFamily<Histogram>(
      std::move(name), std::move(help), std::move(label_names),
      [bounds = CheckedBounds(std::move(bounds))] { return std::make_unique<Histogram>(bounds); });
}

void Registry::AddCollector(std::string name, std::string help, std::string type,
                            std::function<void(std::vector<Sample>*)> collect) {
  const bool valid_type = type == "gauge" || type == "counter";
  assert(valid_type && "collector type must be \"gauge\" or \"counter\"");
  const bool valid = ValidMetricName(name);
  Add(std::make_unique<Collector>(name, std::move(help), valid_type ? std::move(type) : "untyped",
                                  std::move(collect)),
      name, valid);
}

void Registry::Add(std::unique_ptr<internal::Exported> metric, const std::string& name,
                   bool valid) {
  absl::MutexLock lock(&mu_);
  const bool exported = valid && names_.insert(name).second;
  assert(exported && "invalid or duplicate metric or label name");
  if (exported) exported_.push_back(metric.get());
  owned_.push_back(std::move(metric));
}

std::string Registry::Render() const {
  std::vector<const internal::Exported*> metrics;
  {
    absl::MutexLock lock(&mu_);
    metrics = exported_;
  }
  // Families are never removed, so the pointers outlive the lock; rendering
  // outside it lets collectors run without blocking registration.
  std::string out;
  for (const internal::Exported* metric : metrics) metric->Render(&out);
  return out;
}

}  // namespace switchboard::metrics
