#ifndef SWITCHBOARD_GATEWAY_CONTENT_ID_H_
#define SWITCHBOARD_GATEWAY_CONTENT_ID_H_

#include <string>

#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace switchboard::gateway {

// The id of a webhook that carries no request_id: a name-based UUID (RFC 9562
// version 8, 36-character text form) from SHA-256 over a canonical form of
// the whole envelope: keys sorted, no whitespace, numbers in one spelling.
// A retried webhook gets the same id whatever its formatting or key order,
// which is what de-duplication (and JetStream's Nats-Msg-Id) keys on; two
// webhooks that differ in any value, typed or not, get different ids.
// `body_if_quoted` is the body as sent when json_text.h had to quote numbers
// for the parser ("" otherwise), so that such a number and a string of the
// same digits differ. Thread-safe.
std::string ContentId(const simdjson::dom::element& envelope, absl::string_view body_if_quoted);

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_CONTENT_ID_H_
