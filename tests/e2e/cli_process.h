#ifndef SWITCHBOARD_TESTS_E2E_CLI_PROCESS_H_
#define SWITCHBOARD_TESTS_E2E_CLI_PROCESS_H_

// A command-line program (switchboard-cli) run as a child process by the
// end-to-end tests, its stdout and stderr captured separately.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/e2e/switchboard_process.h"

namespace switchboard::e2e {

// switchboard-cli run as a child process, its stdout and stderr captured
// separately. The destructor SIGKILLs it if it is still running.
class CliProcess {
 public:
  // `binary`: the path of the program to run (switchboard-cli).
  explicit CliProcess(std::string binary) : binary_(std::move(binary)) {}
  ~CliProcess() {
    if (pid_ > 0 && !exit_status_.has_value()) {
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    for (std::thread& reader : readers_) reader.join();
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  ::testing::AssertionResult Start(const std::vector<std::string>& args) {
    std::vector<std::string> argv_strings = {binary_};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      return ::testing::AssertionFailure() << "pipe2: " << std::strerror(errno);
    }
    const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0) return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
    if (pid_ == 0) ExecChild(dev_null, out[1], err[1], parent, argv.data());
    close(out[1]);
    close(err[1]);
    close(dev_null);
    readers_.emplace_back([this, fd = out[0]] { Read(fd, &stdout_); });
    readers_.emplace_back([this, fd = err[0]] { Read(fd, &stderr_); });
    return ::testing::AssertionSuccess();
  }

  // Waits at most `timeout` for the exit; the raw wait status, or nullopt.
  std::optional<int> WaitForExit(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!exit_status_.has_value()) {
      int status = 0;
      const pid_t got = waitpid(pid_, &status, WNOHANG);
      if (got == pid_) {
        exit_status_ = status;
        break;
      }
      if (absl::Now() >= deadline) return std::nullopt;
      absl::SleepFor(absl::Milliseconds(5));
    }
    // The output is complete once both pipes reached EOF.
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(5), [this] { return eofs_ == 2; });
    return exit_status_;
  }

  bool Signal(int signal) { return !exit_status_.has_value() && kill(pid_, signal) == 0; }

  // Waits at most `timeout` until stdout holds `count` complete lines.
  std::vector<std::string> WaitForLines(size_t count, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return LinesLocked().size() >= count || eofs_ == 2; });
    return LinesLocked();
  }

  std::string out() {
    std::lock_guard<std::mutex> lock(mu_);
    return stdout_;
  }
  std::string err() {
    std::lock_guard<std::mutex> lock(mu_);
    return stderr_;
  }

 private:
  void Read(int fd, std::string* into) {
    char buffer[4096];
    while (true) {
      const ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(mu_);
      into->append(buffer, static_cast<size_t>(n));
      changed_.notify_all();
    }
    close(fd);
    std::lock_guard<std::mutex> lock(mu_);
    ++eofs_;
    changed_.notify_all();
  }

  std::vector<std::string> LinesLocked() const {
    std::vector<std::string> lines = absl::StrSplit(stdout_, '\n');
    lines.pop_back();  // the partial line after the last '\n' (maybe empty)
    return lines;
  }

  const std::string binary_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::vector<std::thread> readers_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::string stdout_;  // guarded by mu_
  std::string stderr_;  // guarded by mu_
  int eofs_ = 0;        // guarded by mu_
};

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_CLI_PROCESS_H_
