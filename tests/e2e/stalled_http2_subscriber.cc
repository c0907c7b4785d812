#include "stalled_http2_subscriber.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace switchboard::e2e {
namespace {

std::string Uint32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Setting(uint16_t id, uint32_t value) {
  return std::string{static_cast<char>(id >> 8), static_cast<char>(id)} + Uint32(value);
}

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  const size_t n = payload.size();
  std::string frame = {static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n), static_cast<char>(type), static_cast<char>(flags)};
  frame += Uint32(stream);
  frame += payload;
  return frame;
}

// An HPACK string literal without Huffman coding (all ours are short).
std::string HpackString(absl::string_view s) {
  return absl::StrCat(std::string(1, static_cast<char>(s.size())), s);
}

::testing::AssertionResult SendFailure() {
  return ::testing::AssertionFailure() << "send: " << strerror(errno);
}

}  // namespace

StalledHttp2Subscriber::~StalledHttp2Subscriber() {
  if (fd_ >= 0) close(fd_);
}

::testing::AssertionResult StalledHttp2Subscriber::Open(int port,
                                                         const v1::SubscribeRequest& request) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return ::testing::AssertionFailure() << "socket: " << strerror(errno);
  const int small = 4096;  // a small receive window fills fast
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return ::testing::AssertionFailure() << "connect: " << strerror(errno);
  }
  std::string out = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  // SETTINGS: INITIAL_WINDOW_SIZE = 2^31-1, so HTTP/2 flow control never
  // holds the server back; only TCP does.
  out += Frame(0x4, 0, 0, Setting(0x4, 0x7fffffff));
  // Connection window to 2^31-1 as well.
  out += Frame(0x8, 0, 0, Uint32(0x7fffffff - 65535));
  std::string headers;
  headers += '\x83';                                                         // :method POST
  headers += '\x86';                                                         // :scheme http
  headers += '\x04' + HpackString("/switchboard.v1.EventStream/Subscribe");  // :path
  headers += '\x01' + HpackString(absl::StrCat("127.0.0.1:", port));         // :authority
  headers += std::string("\x0f\x10") + HpackString("application/grpc");      // content-type
  headers += '\x00' + HpackString("te") + HpackString("trailers");
  out += Frame(0x1, 0x4 /*END_HEADERS*/, 1, headers);
  const std::string message = request.SerializeAsString();
  std::string grpc_message(1, '\0');
  grpc_message += Uint32(static_cast<uint32_t>(message.size()));
  grpc_message += message;
  out += Frame(0x0, 0x1 /*END_STREAM*/, 1, grpc_message);
  if (!SendAll(out)) return ::testing::AssertionFailure() << "send: " << strerror(errno);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult StalledHttp2Subscriber::WaitForFirstEvent(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string in;
  size_t pos = 0;
  while (true) {
    while (in.size() - pos >= 9) {
      const auto* p = reinterpret_cast<const unsigned char*>(in.data() + pos);
      const size_t length = (size_t{p[0]} << 16) | (size_t{p[1]} << 8) | p[2];
      const int type = p[3];
      const int flags = p[4];
      const uint32_t stream =
          ((uint32_t{p[5]} & 0x7f) << 24) | (uint32_t{p[6]} << 16) | (uint32_t{p[7]} << 8) | p[8];
      if (in.size() - pos < 9 + length) break;
      const std::string payload = in.substr(pos + 9, length);
      pos += 9 + length;
      if (type == 0x4 && !(flags & 0x1)) {
        if (!SendAll(Frame(0x4, 0x1, 0, ""))) return SendFailure();
      } else if (type == 0x6 && !(flags & 0x1)) {
        if (!SendAll(Frame(0x6, 0x1, 0, payload))) return SendFailure();
      } else if (type == 0x7) {
        return ::testing::AssertionFailure() << "server sent GOAWAY";
      } else if (type == 0x3 && stream == 1) {
        return ::testing::AssertionFailure() << "server reset the Subscribe stream";
      } else if (type == 0x1 && stream == 1 && (flags & 0x1)) {
        return ::testing::AssertionFailure()
               << "server ended the Subscribe stream without sending an event";
      } else if (type == 0x0 && stream == 1 && length > 0) {
        return ::testing::AssertionSuccess();
      }
    }
    const int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left_ms <= 0) {
      return ::testing::AssertionFailure()
             << "no event on the raw HTTP/2 Subscribe stream within "
             << absl::FormatDuration(timeout);
    }
    pollfd pfd = {fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left_ms, 100))) <= 0) continue;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n == 0) return ::testing::AssertionFailure() << "server closed the connection";
    if (n < 0 && errno != EINTR && errno != EAGAIN) {
      return ::testing::AssertionFailure() << "recv: " << strerror(errno);
    }
    if (n > 0) in.append(buffer, static_cast<size_t>(n));
  }
}

bool StalledHttp2Subscriber::SendAll(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace switchboard::e2e
