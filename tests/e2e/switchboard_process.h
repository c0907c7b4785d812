#ifndef SWITCHBOARD_TESTS_E2E_SWITCHBOARD_PROCESS_H_
#define SWITCHBOARD_TESTS_E2E_SWITCHBOARD_PROCESS_H_

// Test helpers for the end-to-end suite: the real `switchboard` binary run as
// a child process, and a small blocking HTTP/1.1 client.

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"
#include "boost/beast/http/verb.hpp"
#include "gtest/gtest.h"

namespace switchboard::e2e {

// For the child of a fork(): reads stdin from `stdin_fd`, writes stdout and
// stderr to `stdout_fd` and `stderr_fd`, resets every signal to its default
// with an empty mask (gRPC in the test process may have ignored SIGPIPE or
// blocked signals, and both survive exec), dies with `parent` (the test
// process, from getpid() before the fork), and execs `argv` (null-terminated).
// Exits 127 when that fails. Async-signal-safe.
[[noreturn]] void ExecChild(int stdin_fd, int stdout_fd, int stderr_fd, pid_t parent,
                            char* const* argv);

// Runs the real binary with `--http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0
// --admin_addr=127.0.0.1:0`
// plus extra flags. Its stderr (and stdout) is drained on a thread into a
// buffer, so the child never blocks on a full pipe; the buffer is printed to
// the test's stderr when the test has failed. The destructor kills the child
// (SIGKILL) if it is still running and reaps it. If the test process dies,
// the kernel kills the child too (PR_SET_PDEATHSIG).
class SwitchboardProcess {
 public:
  SwitchboardProcess() = default;
  ~SwitchboardProcess();

  SwitchboardProcess(const SwitchboardProcess&) = delete;
  SwitchboardProcess& operator=(const SwitchboardProcess&) = delete;

  // Starts the binary and waits (at most `timeout`) until it has logged both
  // "listening on" lines and "ready". Call once.
  ::testing::AssertionResult Start(const std::vector<std::string>& extra_flags = {},
                                   absl::Duration timeout = absl::Seconds(15));

  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }
  // The console's port (--admin_addr, 127.0.0.1:0 unless a flag says
  // otherwise); 0 when it is off.
  int admin_port() const { return admin_port_; }
  // "127.0.0.1:PORT", for grpc::CreateChannel.
  std::string grpc_address() const;
  pid_t pid() const { return pid_; }

  // Sends `signal` to the child. False if it has already been reaped.
  bool Signal(int signal);

  // Waits at most `timeout` for the child to exit and reaps it. Returns the
  // raw wait status (see WIFEXITED), or nullopt if it is still running.
  std::optional<int> WaitForExit(absl::Duration timeout);

  // Everything the child wrote to stderr/stdout so far.
  std::string output() const;

  // Waits at most `timeout` until the output contains `text`.
  bool WaitForOutput(absl::string_view text, absl::Duration timeout) const;

 private:
  void ReadOutput(int fd);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = 0;
  int http_port_ = 0;
  int grpc_port_ = 0;
  int admin_port_ = 0;
  std::thread reader_;

  mutable std::mutex mu_;
  mutable std::condition_variable output_changed_;
  std::string output_;         // guarded by mu_
  bool output_eof_ = false;    // guarded by mu_
  bool stop_reading_ = false;  // guarded by mu_
};

// Renders a wait status for messages: "exited with 0", "killed by signal 9".
std::string DescribeWaitStatus(int wait_status);

// ---------------------------------------------------------------------------
// HTTP/1.1 client. Blocking for the caller; every operation is bounded by a
// timeout (the I/O runs on a private io_context for at most that long).
// ---------------------------------------------------------------------------

struct HttpResponse {
  // 0 when the request failed at the transport level; `error` says why.
  int status = 0;
  std::string body;
  std::string content_type;
  // The value of the `Allow` header, if any.
  std::string allow;
  // False when the server asked to close the connection.
  bool keep_alive = false;
  std::string error;
};

// One TCP connection to 127.0.0.1:`port`, reused for every request
// (HTTP/1.1 keep-alive). Never reconnects silently: once the server closes
// it, further requests fail.
class HttpConnection {
 public:
  explicit HttpConnection(absl::Duration timeout = absl::Seconds(10));
  ~HttpConnection();

  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects; returns an error message, or "" on success.
  std::string Connect(int port);

  using Headers = std::vector<std::pair<std::string, std::string>>;
  HttpResponse Request(boost::beast::http::verb method, absl::string_view target,
                       absl::string_view body = "", absl::string_view content_type = "",
                       const Headers& headers = {});
  HttpResponse Post(absl::string_view target, absl::string_view body,
                    absl::string_view content_type = "application/json") {
    return Request(boost::beast::http::verb::post, target, body, content_type);
  }
  HttpResponse Get(absl::string_view target) {
    return Request(boost::beast::http::verb::get, target);
  }

 private:
  // Runs the io_context until the pending operation completes or the
  // stream's timeout cancels it.
  void Run();

  const absl::Duration timeout_;
  int port_ = 0;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool open_ = false;
};

// One request on a fresh connection.
HttpResponse HttpPost(int port, absl::string_view target, absl::string_view body,
                      absl::string_view content_type = "application/json");
HttpResponse HttpGet(int port, absl::string_view target);

// True when a TCP connection to 127.0.0.1:`port` is accepted.
bool CanConnect(int port);

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_SWITCHBOARD_PROCESS_H_
