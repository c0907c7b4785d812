// libFuzzer target: any bytes as what a browser or script sends to the admin
// listener (--admin_addr). They go through Beast's request parser with the
// listener's limits, then AdminAuth (once as an open loopback listener, once
// requiring a token), then AdminApi for the /api/ paths, over an in-memory log
// holding a few webhooks. Every answer must carry a valid status and a JSON
// body (error messages quote the query back: their escaping is under test),
// an open listener never asks for a token, and nothing may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "admin/admin_api.h"
#include "admin/admin_auth.h"
#include "admin/metrics_sampler.h"
#include "admin/status_sources.h"
#include "boost/beast/http.hpp"
#include "common/service_metrics.h"
#include "fuzz/pipelined_requests.h"
#include "gateway/http_handler.h"
#include "gateway/refusal_ring.h"
#include "gateway/webhook_translator.h"
#include "server/subscriber_auth.h"
#include "simdjson.h"
#include "store/memory_event_log.h"

namespace http = boost::beast::http;
using switchboard::admin::AdminApi;
using switchboard::admin::AdminAuth;

namespace {

// Token "test" (sha256 below) with the admin grant; "sub" without it.
constexpr char kTokens[] =
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 ops * admin\n"
    "sha256:ddc6e2b224d0fd821669202258386936fc9ce2899e215eec6322b95f8dd96d6a billing call.*\n";

class OneGroup : public switchboard::admin::StatusSources {
 public:
  std::vector<switchboard::server::SubscriberInfo> Subscribers() override { return {}; }
  std::vector<switchboard::admin::ConsumerGroupInfo> ConsumerGroups() override {
    switchboard::admin::ConsumerGroupInfo group;
    group.name = "billing \"eu\"";
    group.filter = "call.*";
    group.members = 2;
    return {group};
  }
};

struct World {
  World() {
    switchboard::gateway::WebhookTranslator translator({});
    const char* bodies[] = {
        R"({"event":"call.completed","timestamp":"2026-01-02T03:04:05Z","data":{"call_id":"c-1","agent":"Zoë \"Z\" \u00e9"}})",
        R"({"request_id":"r-2","webhook_url":"https://x","url_id":7,"type":"sms.received","data":{"id":9,"text":"a\nb\\c\u0001","contact":{"name":"<script>"}}})",
        R"({"request_id":"r-3","type":"call.answered","data":{"call_sid":"CA1","unknown":{"deep":[1,2,{"x":null}]}}})",
    };
    for (const char* body : bodies) {
      absl::StatusOr<switchboard::v1::Event> event = translator.Translate(body, absl::Now());
      if (!event.ok()) std::abort();  // the seeds must translate
      log.Append(*std::move(event), [](absl::StatusOr<switchboard::AppendResult>) {});
    }
    refusals.Add(absl::Now(), 400, "call.completed", "not json \"\n");
  }

  switchboard::MemoryEventLog log{switchboard::MemoryEventLog::Options{}};
  switchboard::ServiceMetrics metrics;
  switchboard::admin::MetricsSampler sampler{&metrics};
  switchboard::gateway::RefusalRing refusals{4};
  OneGroup status;
  AdminApi api{{&log, &metrics, &sampler, &refusals, &status, {"memory"}, {}}};
  switchboard::server::SubscriberAuth tokens =
      *switchboard::server::SubscriberAuth::FromText(kTokens, "fuzz");
  AdminAuth open = *AdminAuth::Create({true, false, nullptr});
  AdminAuth closed = *AdminAuth::Create({false, true, &tokens});
};

void CheckAnswer(const switchboard::gateway::HttpResponse& response) {
  const int status = response.result_int();
  if (status < 200 || status > 599) std::abort();
  static simdjson::dom::parser* json = new simdjson::dom::parser();
  if (json->parse(response.body()).error() != simdjson::SUCCESS) std::abort();
}

// One request through both listeners' auth and, when let in, the API.
void Check(const World& world, const switchboard::gateway::HttpRequest& request) {
  const auto target = request.target();
  const std::string path(target.substr(0, target.find('?')));

  const absl::Status open = world.open.Check(request, /*needs_token=*/true);
  if (absl::IsUnauthenticated(open)) std::abort();  // loopback asks for no token
  const absl::Status closed = world.closed.Check(request, /*needs_token=*/true);
  if (!closed.ok() && !absl::IsUnauthenticated(closed) && !absl::IsPermissionDenied(closed)) {
    std::abort();
  }
  if (closed.ok() && AdminAuth::TokenOf(request).empty()) std::abort();
  for (const absl::Status& refusal : {open, closed}) {
    if (refusal.ok()) continue;
    CheckAnswer(switchboard::gateway::MakeErrorResponse(
        absl::IsUnauthenticated(refusal) ? http::status::unauthorized : http::status::forbidden,
        refusal.message(), "", request.version(), request.keep_alive()));
  }
  if ((open.ok() || closed.ok()) && AdminApi::Handles(path)) {
    CheckAnswer(world.api.Handle(request));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  switchboard::fuzz::ForEachRequest(data, size, {8, 8 << 10, 4096},  // as admin/admin_server.cc
                                    [](const switchboard::gateway::HttpRequest& request) {
                                      Check(*world, request);
                                    });
  return 0;
}
