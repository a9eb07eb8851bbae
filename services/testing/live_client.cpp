#include "live_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace okada::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct LiveClient::Impl {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  std::thread thread;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> frames;
  std::deque<std::string> outbox;
  bool writing = false;
  bool closed = false;

  void ReadLoop() {
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      std::lock_guard lock(mu);
      if (ec) {
        closed = true;
        cv.notify_all();
        return;
      }
      frames.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      cv.notify_all();
      ReadLoopLocked();
    });
  }
  void ReadLoopLocked() {
    asio::post(ioc, [this] { ReadLoop(); });
  }
  void WriteNext() {
    if (writing || outbox.empty() || closed) return;
    writing = true;
    auto msg = std::make_shared<std::string>(std::move(outbox.front()));
    outbox.pop_front();
    ws.text(true);
    ws.async_write(asio::buffer(*msg), [this, msg](beast::error_code, std::size_t) {
      writing = false;
      WriteNext();
    });
  }
};

LiveClient::LiveClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<LiveClient> LiveClient::Connect(std::uint16_t port, const std::string& target,
                                                const std::string& origin, int* status) {
  auto impl = std::make_unique<Impl>();
  if (status) *status = 0;
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  impl->ws.next_layer().connect(ep, ec);
  if (ec) return nullptr;
  impl->ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (!origin.empty()) req.set(beast::http::field::origin, origin);
  }));
  websocket::response_type res;
  impl->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  if (status) *status = res.result_int();
  if (ec) return nullptr;
  impl->ReadLoop();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<LiveClient>(new LiveClient(std::move(impl)));
}

LiveClient::~LiveClient() {
  asio::post(impl_->ioc, [i = impl_.get()] {
    beast::error_code ec;
    i->ws.next_layer().close(ec);
  });
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void LiveClient::Send(const std::string& text) {
  asio::post(impl_->ioc, [i = impl_.get(), text] {
    i->outbox.push_back(text);
    i->WriteNext();
  });
}

std::optional<std::string> LiveClient::Next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, timeout, [&] { return !impl_->frames.empty() || impl_->closed; });
  if (impl_->frames.empty()) return std::nullopt;
  std::string f = std::move(impl_->frames.front());
  impl_->frames.pop_front();
  return f;
}

std::optional<json::object> LiveClient::WaitFor(const std::function<bool(const json::object&)>& pred,
                                                std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    std::optional<std::string> f = Next(left);
    if (!f) return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(*f, ec);
    if (ec || !v.is_object()) continue;
    if (pred(v.get_object())) return v.get_object();
  }
}

json::object LiveClient::Subscribe(const std::string& channel, const std::string& after) {
  json::object op{{"op", "subscribe"}, {"channel", channel}};
  if (!after.empty()) op["after"] = after;
  Send(json::serialize(op));
  auto reply = WaitFor(
      [&](const json::object& o) {
        const json::value* t = o.if_contains("type");
        const json::value* c = o.if_contains("channel");
        return t && c && c->is_string() && c->get_string() == channel &&
               (t->as_string() == "subscribed" || t->as_string() == "error");
      },
      std::chrono::seconds(10));
  return reply.value_or(json::object{{"type", "timeout"}});
}

bool LiveClient::closed() const {
  std::lock_guard lock(impl_->mu);
  return impl_->closed;
}

}  // namespace okada::test
