#include "switchboard_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "boost/asio/ip/address_v4.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core/error.hpp"
#include "boost/beast/http/field.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/write.hpp"

#ifndef SWITCHBOARD_BINARY
#error "SWITCHBOARD_BINARY must be defined to the path of the switchboard binary"
#endif

namespace switchboard::e2e {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr absl::string_view kHttpListening = "http gateway listening on ";
constexpr absl::string_view kGrpcListening = "grpc server listening on ";
constexpr absl::string_view kAdminListening = "admin console listening on ";
constexpr absl::string_view kReady = "switchboard: ready";
// At most this much of the child's output is echoed when a test fails.
constexpr size_t kMaxEchoedOutput = 64 * 1024;

std::chrono::nanoseconds ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

// The complete lines of `output` (a trailing partial line is left out).
std::vector<absl::string_view> CompleteLines(absl::string_view output) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  for (size_t nl = output.find('\n'); nl != absl::string_view::npos;
       nl = output.find('\n', start)) {
    lines.push_back(output.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// Parses the port from "...listening on 127.0.0.1:43123" (anything after
// the address, such as " (POST /webhooks/justcall)", is ignored). 0 if
// malformed or, unless `any_host`, not bound to 127.0.0.1.
int ParseListeningPort(absl::string_view line, absl::string_view marker, bool any_host = false) {
  const size_t at = line.find(marker);
  if (at == absl::string_view::npos) return 0;
  absl::string_view address = line.substr(at + marker.size());
  address = address.substr(0, address.find_first_of(" \t\r"));
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || (!any_host && address.substr(0, colon) != "127.0.0.1")) {
    return 0;
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 || port > 65535) return 0;
  return port;
}

}  // namespace

void ExecChild(int stdin_fd, int stdout_fd, int stderr_fd, pid_t parent, char* const* argv) {
  // dup2() clears O_CLOEXEC on the new descriptors.
  dup2(stdin_fd, STDIN_FILENO);
  dup2(stdout_fd, STDOUT_FILENO);
  dup2(stderr_fd, STDERR_FILENO);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  execv(argv[0], argv);
  static const char kMessage[] = "e2e: execv failed: ";
  (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)!write(STDERR_FILENO, argv[0], std::strlen(argv[0]));
  (void)!write(STDERR_FILENO, "\n", 1);
  _exit(127);
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(wait_status), " (",
                        strsignal(WTERMSIG(wait_status)), ")");
  }
  return absl::StrCat("wait status ", wait_status);
}

SwitchboardProcess::~SwitchboardProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_reading_ = true;
  }
  if (reader_.joinable()) reader_.join();
  if (pid_ > 0 && ::testing::Test::HasFailure()) {
    std::string out = output();
    if (out.size() > kMaxEchoedOutput) {
      out = absl::StrCat("[... ", out.size() - kMaxEchoedOutput, " bytes elided ...]\n",
                         out.substr(out.size() - kMaxEchoedOutput));
    }
    std::fprintf(stderr, "----- switchboard (pid %d) output -----\n%s----- end of output -----\n",
                 static_cast<int>(pid_), out.c_str());
  }
}

::testing::AssertionResult SwitchboardProcess::Start(const std::vector<std::string>& extra_flags,
                                                     absl::Duration timeout) {
  if (pid_ > 0) return ::testing::AssertionFailure() << "Start() called twice";

  // The console on a free port too (a later --admin_addr in extra_flags wins).
  std::vector<std::string> args = {SWITCHBOARD_BINARY, "--http_addr=127.0.0.1:0",
                                   "--grpc_addr=127.0.0.1:0", "--admin_addr=127.0.0.1:0"};
  bool has_store = false;
  for (const std::string& flag : extra_flags) {
    if (absl::StartsWith(flag, "--store=")) has_store = true;
  }
  // Hermetic by default: nothing on disk, nothing shared between tests.
  if (!has_store) args.push_back("--store=memory");
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return ::testing::AssertionFailure() << "pipe2: " << std::strerror(errno);
  }
  const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return ::testing::AssertionFailure() << "open /dev/null: " << std::strerror(errno);
  }

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(dev_null);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) ExecChild(dev_null, pipe_fds[1], pipe_fds[1], parent, argv.data());

  pid_ = pid;
  close(pipe_fds[1]);
  close(dev_null);
  reader_ = std::thread([this, fd = pipe_fds[0]] { ReadOutput(fd); });

  const absl::Time deadline = absl::Now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    int http_port = 0;
    int grpc_port = 0;
    bool ready = false;
    for (absl::string_view line : CompleteLines(output_)) {
      if (absl::StrContains(line, kHttpListening))
        http_port = ParseListeningPort(line, kHttpListening);
      if (absl::StrContains(line, kGrpcListening))
        grpc_port = ParseListeningPort(line, kGrpcListening);
      if (absl::EndsWith(line, kReady)) ready = true;
    }
    if (http_port != 0 && grpc_port != 0 && ready) {
      http_port_ = http_port;
      grpc_port_ = grpc_port;
      for (absl::string_view line : CompleteLines(output_)) {
        if (absl::StrContains(line, kAdminListening)) {
          admin_port_ = ParseListeningPort(line, kAdminListening, /*any_host=*/true);
        }
      }
      return ::testing::AssertionSuccess();
    }
    if (output_eof_) {
      lock.unlock();
      std::string how = "closed its output";
      if (std::optional<int> status = WaitForExit(absl::Seconds(2))) {
        how = DescribeWaitStatus(*status);
      }
      return ::testing::AssertionFailure()
             << SWITCHBOARD_BINARY << " " << how << " before it was ready; output:\n"
             << output();
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return ::testing::AssertionFailure()
             << SWITCHBOARD_BINARY << " did not log both \"listening on 127.0.0.1:PORT\" lines "
             << "and \"ready\" within " << absl::FormatDuration(timeout) << "; output so far:\n"
             << output_;
    }
    output_changed_.wait_for(lock, ToChrono(left));
  }
}

void SwitchboardProcess::ReadOutput(int fd) {
  char buffer[4096];
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_reading_) break;
    }
    pollfd pfd = {fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, /*timeout_ms=*/100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(mu_);
    output_.append(buffer, static_cast<size_t>(n));
    output_changed_.notify_all();
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  output_eof_ = true;
  output_changed_.notify_all();
}

std::string SwitchboardProcess::grpc_address() const {
  return absl::StrCat("127.0.0.1:", grpc_port_);
}

bool SwitchboardProcess::Signal(int signal) {
  if (pid_ <= 0 || reaped_) return false;
  return kill(pid_, signal) == 0;
}

std::optional<int> SwitchboardProcess::WaitForExit(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  if (reaped_) return exit_status_;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t got = waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
      reaped_ = true;
      exit_status_ = status;
      return status;
    }
    if (got < 0 && errno != EINTR) return std::nullopt;
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string SwitchboardProcess::output() const {
  std::lock_guard<std::mutex> lock(mu_);
  return output_;
}

bool SwitchboardProcess::WaitForOutput(absl::string_view text, absl::Duration timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return output_changed_.wait_for(lock, ToChrono(timeout),
                                  [&] { return absl::StrContains(output_, text); });
}

// ---------------------------------------------------------------------------
// HttpConnection
// ---------------------------------------------------------------------------

HttpConnection::HttpConnection(absl::Duration timeout) : timeout_(timeout), stream_(io_) {}

HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpConnection::Run() {
  io_.restart();
  io_.run();
}

std::string HttpConnection::Connect(int port) {
  port_ = port;
  beast::error_code result;
  stream_.expires_after(ToChrono(timeout_));
  stream_.async_connect(
      tcp::endpoint(boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port)),
      [&](beast::error_code ec) { result = ec; });
  Run();
  if (result) return absl::StrCat("connect to 127.0.0.1:", port, ": ", result.message());
  open_ = true;
  return "";
}

HttpResponse HttpConnection::Request(http::verb method, absl::string_view target,
                                     absl::string_view body, absl::string_view content_type,
                                     const Headers& headers) {
  HttpResponse response;
  if (!open_) {
    response.error = "connection is not open (the server closed it, or Connect failed)";
    return response;
  }
  http::request<http::string_body> request(method, beast::string_view(target.data(), target.size()),
                                           11);
  request.set(http::field::host, absl::StrCat("127.0.0.1:", port_));
  request.set(http::field::user_agent, "switchboard-e2e-test");
  if (!content_type.empty()) {
    request.set(http::field::content_type,
                beast::string_view(content_type.data(), content_type.size()));
  }
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body().assign(body.data(), body.size());
  request.keep_alive(true);
  if (method != http::verb::get || !body.empty()) request.prepare_payload();

  beast::error_code write_error;
  stream_.expires_after(ToChrono(timeout_));
  http::async_write(stream_, request, [&](beast::error_code ec, size_t) { write_error = ec; });
  Run();

  // Read even when the write failed: a server may answer (e.g. 413) and
  // close before it has consumed the whole body.
  beast::error_code read_error;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  stream_.expires_after(ToChrono(timeout_));
  http::async_read(stream_, buffer_, parser,
                   [&](beast::error_code ec, size_t) { read_error = ec; });
  Run();

  if (read_error) {
    open_ = false;
    response.error = absl::StrCat(
        "reading the response: ", read_error.message(),
        write_error
            ? absl::StrCat(" (writing the request failed first: ", write_error.message(), ")")
            : std::string());
    return response;
  }
  http::response<http::string_body>& message = parser.get();
  response.status = static_cast<int>(message.result_int());
  response.body = std::move(message.body());
  response.content_type = std::string(message[http::field::content_type]);
  response.allow = std::string(message[http::field::allow]);
  response.keep_alive = message.keep_alive();
  if (!response.keep_alive || write_error) open_ = false;
  return response;
}

HttpResponse HttpPost(int port, absl::string_view target, absl::string_view body,
                      absl::string_view content_type) {
  HttpConnection connection;
  if (std::string error = connection.Connect(port); !error.empty()) {
    HttpResponse response;
    response.error = std::move(error);
    return response;
  }
  return connection.Post(target, body, content_type);
}

HttpResponse HttpGet(int port, absl::string_view target) {
  HttpConnection connection;
  if (std::string error = connection.Connect(port); !error.empty()) {
    HttpResponse response;
    response.error = std::move(error);
    return response;
  }
  return connection.Get(target);
}

bool CanConnect(int port) {
  HttpConnection connection(absl::Seconds(2));
  return connection.Connect(port).empty();
}

}  // namespace switchboard::e2e
