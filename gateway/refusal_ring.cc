#include "gateway/refusal_ring.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gateway/http_handler.h"

namespace switchboard::gateway {

void RefusalRing::Add(absl::Time time, int status, absl::string_view type,
                      absl::string_view body) {
  body = absl::StripAsciiWhitespace(body);
  Refusal refusal;
  refusal.time = time;
  refusal.status = status;
  refusal.type = std::string(type.substr(0, 128));
  // Every error the gateway writes is a small JSON object; anything else is
  // kept as a string so the console's JSON stays well-formed.
  if (body.size() <= kMaxErrorBytes && absl::StartsWith(body, "{\"error\":") &&
      absl::EndsWith(body, "}")) {
    refusal.error_json = std::string(body);
  } else {
    refusal.error_json = JsonQuote(body.substr(0, kMaxErrorBytes));
  }
  absl::MutexLock lock(&mu_);
  ++total_;
  if (capacity_ == 0) return;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(refusal));
}

std::vector<Refusal> RefusalRing::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return std::vector<Refusal>(entries_.begin(), entries_.end());
}

size_t RefusalRing::total() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

}  // namespace switchboard::gateway
