#include "store/nats_util.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace switchboard {

std::string NatsErrorText(natsStatus status) {
  absl::string_view text = nats_GetLastError(nullptr) != nullptr ? nats_GetLastError(nullptr) : "";
  if (absl::StartsWith(text, "(")) {
    if (const size_t end = text.find("): "); end != absl::string_view::npos) {
      text.remove_prefix(end + 3);
    }
  }
  return text.empty() ? std::string(natsStatus_GetText(status)) : std::string(text);
}

std::string RedactedServers(const std::vector<std::string>& servers) {
  std::vector<std::string> redacted;
  for (const std::string& server : servers) {
    const size_t scheme = server.find("://");
    const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const size_t at = server.find('@', start);
    redacted.push_back(at == std::string::npos
                           ? server
                           : absl::StrCat(server.substr(0, start), "***", server.substr(at)));
  }
  return absl::StrJoin(redacted, ",");
}

const char* ConnectionStatusName(natsConnStatus status) {
  switch (status) {
    case NATS_CONN_STATUS_DISCONNECTED:
      return "disconnected";
    case NATS_CONN_STATUS_CONNECTING:
      return "connecting";
    case NATS_CONN_STATUS_CONNECTED:
      return "connected";
    case NATS_CONN_STATUS_CLOSED:
      return "closed";
    case NATS_CONN_STATUS_RECONNECTING:
      return "reconnecting";
    case NATS_CONN_STATUS_DRAINING_SUBS:
      return "draining subscriptions";
    case NATS_CONN_STATUS_DRAINING_PUBS:
      return "draining publishers";
  }
  return "unknown";
}

absl::Status JetStreamApiError(natsStatus s, jsErrCode code, absl::string_view what,
                               absl::string_view urls, absl::Duration timeout) {
  if (s == NATS_NO_RESPONDERS || code == JSNotEnabledErr || code == JSNotEnabledForAccountErr) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": JetStream is not enabled on the NATS server(s) at ", urls,
        ". Start nats-server with -js (in a cluster: on every node), or enable JetStream for "
        "this account"));
  }
  if (s == NATS_TIMEOUT) {
    return absl::UnavailableError(absl::StrCat(
        what, ": the JetStream API did not answer within ", absl::FormatDuration(timeout),
        " (in a cluster, a majority of the servers must be up for JetStream to answer)"));
  }
  if (code == JSClusterNotAvailErr) {
    return absl::UnavailableError(absl::StrCat(
        what,
        ": the JetStream cluster is not available yet (no metadata leader: are a majority of "
        "its servers up?)"));
  }
  return absl::UnavailableError(
      absl::StrCat(what, ": ", NatsErrorText(s),
                   code != 0 ? absl::StrCat(" (JetStream error ", code, ")") : std::string()));
}

}  // namespace switchboard
