// e2e_latency: measures POST -> subscriber receipt against a running
// switchboard. One process holds both the HTTP sender and the gRPC
// subscriber, so both timestamps come from the same steady clock.
//
//   e2e_latency --http=127.0.0.1:8080 --grpc=127.0.0.1:50051 --count=2000
//
// Sends webhooks one at a time over one keep-alive connection (each waits
// for the previous one to be received), and prints p50/p90/p99/max.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "grpcpp/grpcpp.h"
#include "switchboard/v1/event_stream.grpc.pb.h"

ABSL_FLAG(std::string, http, "127.0.0.1:8080", "switchboard HTTP address");
ABSL_FLAG(std::string, grpc, "127.0.0.1:50051", "switchboard gRPC address");
ABSL_FLAG(int, count, 2000, "webhooks to send");

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

constexpr char kBody[] =
    R"({"event":"call.completed","timestamp":"2026-03-12T14:30:00Z","data":{"call_id":"c1",)"
    R"("direction":"inbound","from":"+14155559876","to":"+14155551234","agent_id":42,)"
    R"("agent_name":"Jordan Lee","duration":185,"status":"completed"}})";

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int count = absl::GetFlag(FLAGS_count);

  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_grpc), grpc::InsecureChannelCredentials());
  auto stub = switchboard::v1::EventStream::NewStub(channel);
  grpc::ClientContext context;
  switchboard::v1::SubscribeRequest request;
  request.add_event_types("call.*");
  auto reader = stub->Subscribe(&context, request);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
    std::fprintf(stderr, "cannot connect to gRPC at %s\n", absl::GetFlag(FLAGS_grpc).c_str());
    return 1;
  }

  absl::Mutex mu;
  int received = 0;
  Clock::time_point received_at;
  std::thread subscriber([&] {
    switchboard::v1::Event event;
    while (reader->Read(&event)) {
      absl::MutexLock lock(&mu);
      received_at = Clock::now();
      ++received;
    }
  });

  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  const std::string addr = absl::GetFlag(FLAGS_http);
  const size_t colon = addr.rfind(':');
  boost::asio::ip::tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve(addr.substr(0, colon), addr.substr(colon + 1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the stream register

  std::vector<double> micros;
  micros.reserve(count);
  beast::flat_buffer buffer;
  const int64_t run = absl::ToUnixNanos(absl::Now());
  for (int i = 0; i < count; ++i) {
    http::request<http::string_body> req(http::verb::post, "/webhooks/justcall", 11);
    req.set(http::field::host, addr);
    req.set(http::field::content_type, "application/json");
    // A fresh request_id each time: identical webhooks are de-duplicated.
    req.body() = absl::StrCat(R"({"request_id":"latency-)", run, "-", i, "\",", kBody + 1);
    req.prepare_payload();
    const Clock::time_point sent = Clock::now();
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    if (res.result() != http::status::ok) {
      std::fprintf(stderr, "POST failed: %d %s\n", res.result_int(), res.body().c_str());
      return 1;
    }
    absl::MutexLock lock(&mu);
    auto got = [&]() { return received == i + 1; };
    if (!mu.AwaitWithTimeout(absl::Condition(&got), absl::Seconds(5))) {
      std::fprintf(stderr, "event %d not received within 5 s\n", i + 1);
      return 1;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(received_at - sent).count());
  }
  context.TryCancel();
  subscriber.join();

  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[std::min(micros.size() - 1, size_t(p * micros.size()))]; };
  std::printf("POST -> subscriber receipt over %d webhooks (one at a time, loopback):\n", count);
  std::printf("  p50 %.0f us   p90 %.0f us   p99 %.0f us   max %.0f us\n", pct(0.5), pct(0.9),
              pct(0.99), micros.back());
  return 0;
}
