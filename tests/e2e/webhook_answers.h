#ifndef SWITCHBOARD_TESTS_E2E_WEBHOOK_ANSWERS_H_
#define SWITCHBOARD_TESTS_E2E_WEBHOOK_ANSWERS_H_

// What the gateway answered to a webhook, for the durability and JetStream
// end-to-end suites.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "switchboard_process.h"

namespace switchboard::e2e {

// A call.completed webhook with `request_id` as its id.
inline std::string CallCompletedWebhook(absl::string_view request_id, int duration = 1) {
  return absl::StrCat(R"({"request_id":")", request_id,
                      R"(","type":"call.completed","data":{"call_id":"c-)", request_id,
                      R"(","direction":"inbound","duration":)", duration, "}}");
}

struct AcceptedWebhook {
  std::string id;
  uint64_t sequence = 0;
  bool duplicate = false;
};

// A 200 answer {"id","sequence"[,"duplicate"]}, or nullopt.
inline std::optional<AcceptedWebhook> ParseAcceptedWebhook(const HttpResponse& response) {
  if (response.status != 200) return std::nullopt;
  google::protobuf::Struct json;
  if (!google::protobuf::util::JsonStringToMessage(response.body, &json).ok()) return std::nullopt;
  const auto& fields = json.fields();
  if (!fields.contains("id") || !fields.contains("sequence")) return std::nullopt;
  AcceptedWebhook accepted;
  accepted.id = fields.at("id").string_value();
  accepted.sequence = static_cast<uint64_t>(fields.at("sequence").number_value());
  accepted.duplicate = fields.contains("duplicate") && fields.at("duplicate").bool_value();
  return accepted;
}

// "STATUS BODY", or the transport error.
inline std::string DescribeAnswer(const HttpResponse& response) {
  return response.status == 0 ? response.error : absl::StrCat(response.status, " ", response.body);
}

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_WEBHOOK_ANSWERS_H_
