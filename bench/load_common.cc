#include "bench/load_common.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

ABSL_FLAG(std::string, http, "127.0.0.1:8080", "switchboard HTTP address");
ABSL_FLAG(std::string, grpc, "127.0.0.1:50051", "switchboard gRPC address");
ABSL_FLAG(std::string, fixtures, "tests/fixtures/justcall", "folder of the nine fixtures");
ABSL_FLAG(int, connections, 8, "HTTP keep-alive connections of the sender");

namespace switchboard::bench {

namespace beast = boost::beast;
namespace http = beast::http;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Same order as bench/webhook_mix.lua.
const std::vector<std::string> kTypes = {
    "call.completed", "call.missed",        "call.answered",   "sms.received",   "sms.sent",
    "sms.delivered",  "voicemail.received", "contact.created", "contact.updated"};

namespace {

// Each fixture without its leading "{", so a request_id can go in front.
std::vector<std::string> LoadBodies(const std::string& dir) {
  std::vector<std::string> bodies;
  for (const auto& type : kTypes) {
    std::ifstream in(dir + "/" + type + ".json", std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read fixture %s/%s.json\n", dir.c_str(), type.c_str());
      std::exit(1);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string body = ss.str();
    const size_t brace = body.find('{');
    bodies.push_back(body.substr(brace + 1));
  }
  return bodies;
}

std::pair<std::string, std::string> SplitHostPort(const std::string& addr) {
  const size_t colon = addr.rfind(':');
  return {addr.substr(0, colon), addr.substr(colon + 1)};
}

}  // namespace

SendResult Send(const std::string& prefix, int64_t total, double rate, int connections,
                std::vector<int64_t>* sent_ns) {
  static const std::vector<std::string> bodies = LoadBodies(absl::GetFlag(FLAGS_fixtures));
  const std::pair<std::string, std::string> hp = SplitHostPort(absl::GetFlag(FLAGS_http));
  const std::string host = hp.first, port = hp.second;
  std::vector<SendResult> results(connections);
  const int64_t start = NowNs() + 10'000'000;  // 10 ms to connect
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      SendResult& r = results[c];
      try {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::resolver resolver(ioc);
        const auto endpoints = resolver.resolve(host, port);
        auto stream = std::make_unique<beast::tcp_stream>(ioc);
        stream->connect(endpoints);
        stream->socket().set_option(boost::asio::ip::tcp::no_delay(true));
        beast::flat_buffer buffer;
        http::request<http::string_body> req(http::verb::post, "/webhooks/justcall", 11);
        req.set(http::field::host, host);
        req.set(http::field::content_type, "application/json");
        for (int64_t n = c; n < total; n += connections) {
          int64_t scheduled = 0;
          if (rate > 0) {
            scheduled = start + static_cast<int64_t>(n * 1e9 / rate);
            std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(scheduled)));
          }
          req.body() =
              absl::StrCat("{\"request_id\":\"", prefix, n, "\",", bodies[n % bodies.size()]);
          req.prepare_payload();
          const int64_t now = NowNs();
          if (sent_ns) (*sent_ns)[n] = now;
          if (rate > 0 && now - scheduled > 1'000'000) ++r.late;
          try {
            http::write(*stream, req);
            http::response<http::string_body> res;
            http::read(*stream, buffer, res);
            if (res.result() != http::status::ok) {
              if (r.errors++ == 0)
                std::fprintf(stderr, "POST answered %d %s\n", res.result_int(), res.body().c_str());
              continue;
            }
            ++r.ok;
            const size_t at = res.body().find("\"sequence\":");
            uint64_t seq = 0;
            if (at != std::string::npos) {
              size_t end = at + 11;
              while (end < res.body().size() && isdigit(res.body()[end])) ++end;
              if (absl::SimpleAtoi(res.body().substr(at + 11, end - at - 11), &seq))
                r.max_sequence = std::max(r.max_sequence, seq);
            }
          } catch (const std::exception& e) {
            if (r.errors++ == 0) std::fprintf(stderr, "POST failed: %s\n", e.what());
            buffer.clear();
            stream = std::make_unique<beast::tcp_stream>(ioc);
            try {
              stream->connect(endpoints);
            } catch (...) {
            }
          }
        }
      } catch (const std::exception& e) {  // cannot connect at all
        ++r.errors;
        std::fprintf(stderr, "sender connection %d: %s\n", c, e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  SendResult total_result;
  for (const auto& r : results) {
    total_result.ok += r.ok;
    total_result.errors += r.errors;
    total_result.late += r.late;
    total_result.max_sequence = std::max(total_result.max_sequence, r.max_sequence);
  }
  total_result.seconds = (NowNs() - start) / 1e9;
  return total_result;
}

int64_t RssKiB(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line))
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kib = 0;
      std::istringstream(line.substr(6)) >> kib;
      return kib;
    }
  return 0;
}

double CpuSeconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command's closing parenthesis: state is the 3rd field
  // of stat(5), utime and stime the 14th and 15th.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  int64_t user = 0, system = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &user) ||
      !absl::SimpleAtoi(fields[12], &system)) {
    return 0;
  }
  return static_cast<double>(user + system) / sysconf(_SC_CLK_TCK);
}

std::string RunId() { return absl::StrCat(absl::ToUnixNanos(absl::Now())); }

}  // namespace switchboard::bench
