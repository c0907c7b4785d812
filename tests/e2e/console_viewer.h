#ifndef SWITCHBOARD_TESTS_E2E_CONSOLE_VIEWER_H_
#define SWITCHBOARD_TESTS_E2E_CONSOLE_VIEWER_H_

// Test helper: a console viewer following the live tail (GET /api/tail, a
// WebSocket) of a real switchboard process, as the console's page does.

#include <chrono>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/websocket.hpp"

namespace switchboard::e2e {

// A WebSocket viewer of /api/tail. Every operation is bounded by a timeout.
class Viewer {
 public:
  // Connects and upgrades; "" on success, else why not.
  // `receive_buffer` > 0 shrinks the socket's receive buffer (a viewer that
  // stops reading then stalls the server's writes sooner).
  std::string Connect(int port, const std::string& origin = "", int receive_buffer = 0) {
    boost::beast::error_code ec;
    if (receive_buffer > 0) {
      auto& socket = boost::beast::get_lowest_layer(ws_).socket();
      socket.open(boost::asio::ip::tcp::v4(), ec);
      socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer), ec);
    }
    boost::beast::get_lowest_layer(ws_).connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) return ec.message();
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [origin](boost::beast::websocket::request_type& request) {
          if (!origin.empty()) request.set(boost::beast::http::field::origin, origin);
        }));
    boost::beast::websocket::response_type response;
    ws_.handshake(response, absl::StrCat("127.0.0.1:", port), "/api/tail", ec);
    if (ec) return absl::StrCat(ec.message(), " (HTTP ", response.result_int(), ")");
    return "";
  }

  void Send(const std::string& text, bool binary = false) {
    ws_.binary(binary);
    boost::beast::error_code ec;
    ws_.write(boost::asio::buffer(text), ec);
  }

  // The next message, or nullopt when the connection closed (close_code()
  // then says how) or nothing came within `timeout`.
  std::optional<std::string> Read(absl::Duration timeout = absl::Seconds(5)) {
    std::optional<std::string> message;
    boost::beast::flat_buffer buffer;
    bool done = false;
    ws_.async_read(buffer, [&](boost::beast::error_code ec, size_t) {
      done = true;
      if (!ec) message = boost::beast::buffers_to_string(buffer.data());
    });
    io_.restart();
    io_.run_for(absl::ToChronoNanoseconds(timeout));
    if (!done) {  // timed out: abandon the read
      boost::beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run_for(std::chrono::seconds(1));
    }
    return message;
  }

  int close_code() const { return ws_.reason().code; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{io_};
};

}  // namespace switchboard::e2e

#endif  // SWITCHBOARD_TESTS_E2E_CONSOLE_VIEWER_H_
