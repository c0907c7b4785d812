#include "gateway/http_handler.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/event_types.h"
#include "common/status_util.h"
#include "gateway/payload_filler.h"
#include "simdjson.h"

namespace switchboard::gateway {
namespace {

constexpr absl::string_view kWebhookPath = "/webhooks/justcall";

HttpResponse JsonResponse(http::status status, std::string body, unsigned version, bool keep_alive) {
  HttpResponse response(status, version);
  response.set(http::field::content_type, "application/json");
  response.keep_alive(keep_alive);
  response.body() = std::move(body);
  response.body().push_back('\n');
  response.prepare_payload();
  return response;
}

absl::string_view PathOf(const HttpRequest& request) {
  absl::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

bool IsJsonContentType(const HttpRequest& request) {
  auto it = request.find(http::field::content_type);
  if (it == request.end()) return false;
  absl::string_view value(it->value().data(), it->value().size());
  value = absl::StripAsciiWhitespace(value.substr(0, value.find(';')));
  return absl::EqualsIgnoreCase(value, "application/json") ||
         (absl::StartsWithIgnoreCase(value, "application/") && absl::EndsWithIgnoreCase(value, "+json"));
}

}  // namespace

std::string JsonQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  // JSON text is UTF-8 (RFC 8259); what is quoted may not be (a header, a
  // refused body, a cut message), and strict parsers reject the whole answer
  // for one bad byte. The common case is valid: checked at once.
  const bool valid = simdjson::validate_utf8(text.data(), text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", byte);
        } else if (byte < 0x80 || valid) {
          out.push_back(c);
        } else {
          // A sequence of the length its lead byte announces, when it is
          // valid UTF-8; otherwise one byte as U+FFFD.
          const size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
          if (length > 1 && i + length <= text.size() &&
              simdjson::validate_utf8(text.data() + i, length)) {
            out.append(text.data() + i, length);
            i += length - 1;
          } else {
            out += "\\ufffd";
          }
        }
    }
  }
  out.push_back('"');
  return out;
}

HttpResponse MakeErrorResponse(http::status status, absl::string_view message,
                               absl::string_view field, unsigned version, bool keep_alive) {
  std::string body = absl::StrCat("{\"error\":{\"status\":", static_cast<int>(status),
                                  ",\"message\":", JsonQuote(message));
  if (!field.empty()) absl::StrAppend(&body, ",\"field\":", JsonQuote(field));
  body += "}}";
  HttpResponse response = JsonResponse(status, std::move(body), version, keep_alive);
  if (status == http::status::service_unavailable) response.set(http::field::retry_after, "1");
  return response;
}

HttpResponse ToHttpResponse(const absl::Status& status, unsigned version, bool keep_alive) {
  http::status code = http::status::internal_server_error;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: code = http::status::bad_request; break;
    case absl::StatusCode::kUnavailable: code = http::status::service_unavailable; break;
    case absl::StatusCode::kResourceExhausted: code = http::status::too_many_requests; break;
    case absl::StatusCode::kUnauthenticated: code = http::status::unauthorized; break;
    default: break;
  }
  return MakeErrorResponse(code, status.message(), FieldOf(status), version, keep_alive);
}

HttpHandler::HttpHandler(EventLog* log, ServiceMetrics* metrics, const WebhookVerifier* verifier,
                         WebhookTranslator::Options translator_options, RefusalRing* refusals)
    : log_(log),
      metrics_(metrics),
      verifier_(verifier),
      translator_(translator_options),
      refusals_(refusals) {
  for (const std::string& type : EventTypes::Known()) {
    stored_by_type_[type] = &metrics_->webhooks.WithLabels({type, "200"});
  }
}

void HttpHandler::CountWebhook(absl::string_view type, unsigned status) {
  if (status == 200) {
    if (auto it = stored_by_type_.find(type); it != stored_by_type_.end()) {
      return it->second->Increment();
    }
  }
  metrics_->webhooks.WithLabels({type, absl::StrCat(status)}).Increment();
}

void HttpHandler::RecordRefusal(absl::string_view type, const HttpResponse& response) {
  if (refusals_ == nullptr || response.result_int() < 400) return;
  refusals_->Add(absl::Now(), response.result_int(), type, response.body());
}

void HttpHandler::Handle(HttpRequest request, Respond respond) {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  const absl::string_view path = PathOf(request);
  const bool is_get = request.method() == http::verb::get || request.method() == http::verb::head;

  if (path == kWebhookPath) {
    if (request.method() != http::verb::post) {
      HttpResponse response = MakeErrorResponse(
          http::status::method_not_allowed,
          absl::StrCat("use POST for ", kWebhookPath), "", version, keep_alive);
      response.set(http::field::allow, "POST");
      return std::move(respond)(std::move(response));
    }
    return HandleWebhook(std::move(request), std::move(respond));
  }
  if (path == "/metrics") {
    if (!is_get) {
      HttpResponse response = MakeErrorResponse(http::status::method_not_allowed,
                                                "use GET for /metrics", "", version, keep_alive);
      response.set(http::field::allow, "GET, HEAD");
      return std::move(respond)(std::move(response));
    }
    HttpResponse response(http::status::ok, version);
    response.set(http::field::content_type, metrics::kContentType);
    response.keep_alive(keep_alive);
    response.body() = metrics_->registry.Render();
    response.prepare_payload();
    return std::move(respond)(std::move(response));
  }
  if (path == "/healthz" || path == "/readyz") {
    if (!is_get) {
      HttpResponse response = MakeErrorResponse(http::status::method_not_allowed,
                                                absl::StrCat("use GET for ", path), "", version,
                                                keep_alive);
      response.set(http::field::allow, "GET, HEAD");
      return std::move(respond)(std::move(response));
    }
    if (path == "/readyz") {
      absl::Status writable = ready_ ? log_->Writable() : absl::UnavailableError("shutting down");
      if (!writable.ok()) {
        return std::move(respond)(MakeErrorResponse(
            http::status::service_unavailable,
            absl::StrCat("not ready: ", writable.message()), "", version, keep_alive));
      }
    }
    return std::move(respond)(JsonResponse(
        http::status::ok, path == "/healthz" ? "{\"status\":\"ok\"}" : "{\"status\":\"ready\"}",
        version, keep_alive));
  }
  std::move(respond)(MakeErrorResponse(
      http::status::not_found,
      absl::StrCat("no such path; webhooks go to POST ", kWebhookPath), "", version, keep_alive));
}

void HttpHandler::HandleWebhook(HttpRequest request, Respond respond) {
  const unsigned version = request.version();
  const bool keep_alive = request.keep_alive();
  const absl::Time start = absl::Now();
  // Counts the answer by type and status, then sends it.
  auto answer = [this, start, respond = std::move(respond)](
                    absl::string_view type, HttpResponse response) mutable {
    CountWebhook(type, response.result_int());
    RecordRefusal(type, response);
    metrics_->webhook_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    std::move(respond)(std::move(response));
  };
  if (!IsJsonContentType(request)) {
    return answer("invalid", MakeErrorResponse(
        http::status::unsupported_media_type,
        "Content-Type must be application/json (with curl: -H 'Content-Type: application/json')",
        "", version, keep_alive));
  }
  if (!ready_) {
    return answer("invalid", MakeErrorResponse(http::status::service_unavailable,
                                               "not accepting webhooks: shutting down; retry",
                                               "", version, keep_alive));
  }
  WebhookVerifier::Request signed_request{request.body(), "", [&request](absl::string_view name) {
    const auto value = request[boost::beast::string_view(name.data(), name.size())];
    return absl::string_view(value.data(), value.size());
  }};
  auto unauthenticated = [&](absl::string_view scheme, const absl::Status& status) {
    metrics_->auth_failures.WithLabels({scheme}).Increment();
    return answer("invalid", ToHttpResponse(status, version, keep_alive));
  };
  if (absl::Status verified = verifier_->VerifyBody(signed_request, start); !verified.ok()) {
    return unauthenticated("hmac", verified);
  }
  // The JustCall signature covers the type: it is checked once the type is
  // read and before any field is, so an unsigned request learns nothing
  // about the schema.
  bool justcall_failed = false;
  absl::StatusOr<v1::Event> event = translator_.Translate(
      request.body(), start, [&](absl::string_view type) {
        signed_request.event_type = type;
        absl::Status verified = verifier_->VerifyJustCall(signed_request, start);
        justcall_failed = !verified.ok();
        return verified;
      });
  if (!event.ok()) {
    if (justcall_failed) return unauthenticated("justcall", event.status());
    return answer("invalid", ToHttpResponse(event.status(), version, keep_alive));
  }

  if (verifier_->justcall_enabled()) event->add_verified_by("justcall");
  if (verifier_->hmac_enabled()) event->add_verified_by("hmac");

  // Label by known type only: the type string comes from the sender.
  const absl::string_view type =
      EventTypes::PayloadField(event->type()) != nullptr ? absl::string_view(event->type()) : "other";
  for (const v1::SchemaMismatch& mismatch : event->schema_mismatches()) {
    metrics_->schema_mismatches.WithLabels({type, MismatchPattern(mismatch.path())}).Increment();
  }
  std::string id = event->id();
  log_->Append(*std::move(event), [this, type = std::string(type), answer = std::move(answer),
                                   id = std::move(id), version, keep_alive,
                                   appended_at = absl::Now()](
                                      absl::StatusOr<AppendResult> result) mutable {
    metrics_->append_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - appended_at));
    if (!result.ok()) {
      absl::Status status = result.status();
      if (status.code() != absl::StatusCode::kUnavailable) {
        // Whatever the store says, the sender should retry: 503, never a 4xx.
        status = absl::UnavailableError(absl::StrCat("event not stored: ", status.message()));
      }
      return answer(type, ToHttpResponse(status, version, keep_alive));
    }
    if (result->duplicate) metrics_->duplicates.Increment();
    answer(type, JsonResponse(
        http::status::ok,
        absl::StrCat("{\"id\":", JsonQuote(id), ",\"sequence\":", result->sequence,
                     result->duplicate ? ",\"duplicate\":true}" : "}"),
        version, keep_alive));
  });
}

}  // namespace switchboard::gateway
