// HTTP/1.1 client over Beast, plain or TLS (https: OpenSSL, the system's trust store plus an optional CA file,
// peer and host name verified, SNI). One Client per shard, so the keep-alive pool needs no locks. Every step of a call
// (resolve, connect, write, read) is bounded by the caller's deadline; errors travel as values inside the
// coroutines and become okada::Error at the edges. Coroutines are free functions taking what they need by value
// or reference (GCC 12 miscompiles capturing coroutine lambdas).

#include "okada/core/http/client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <string_view>
#include <unordered_map>

#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"

namespace okada::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (IEquals(k, name)) return v;
  return {};
}

namespace {

// Providers send large cookies and CSP headers; Beast's default (8 KiB) is too tight for a client.
constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;
constexpr std::size_t kFirstReadBytes = 4096;

// Where a URL points, split into what each step needs.
struct Target {
  bool tls = false;  ///< https
  std::string host;  ///< resolver input: decoded host name (empty when `numeric`)
  bool numeric = false;
  asio::ip::address address;  ///< when `numeric`: no resolver round trip
  std::uint16_t port = 80;
  std::string host_header;  ///< "example.com:8080" as written in the URL
  std::string key;          ///< pool key "host:port", host lower-cased
  std::string target;       ///< "/path?query"
};

Error UrlError(std::string detail) { return Error(ErrorCode::kUpstreamUnavailable, std::move(detail)); }

Target ParseTarget(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  // The URL itself may carry secrets in its query, so details name the part at fault, not the whole URL.
  if (!parsed) throw UrlError("malformed URL: " + parsed.error().message());
  urls::url_view u = *parsed;
  if (u.scheme_id() != urls::scheme::http && u.scheme_id() != urls::scheme::https)
    throw UrlError("unsupported URL scheme '" + std::string(u.scheme()) + "' (http:// and https:// are supported)");
  if (u.has_userinfo()) throw UrlError("credentials in the URL are not supported");
  Target t;
  t.tls = u.scheme_id() == urls::scheme::https;
  if (t.tls) t.port = 443;
  switch (u.host_type()) {
    case urls::host_type::ipv4:
      t.numeric = true;
      t.address = asio::ip::address_v4(u.host_ipv4_address().to_uint());
      break;
    case urls::host_type::ipv6:
      t.numeric = true;
      t.address = asio::ip::address_v6(u.host_ipv6_address().to_bytes());
      break;
    case urls::host_type::name:
      t.host = u.host_name();
      if (t.host.empty()) throw UrlError("URL has no host");
      break;
    default:
      throw UrlError("URL has no usable host");
  }
  if (u.has_port() && !u.port().empty()) {
    t.port = u.port_number();
    if (t.port == 0) throw UrlError("invalid port '" + std::string(u.port()) + "' in URL");
  }
  t.host_header = std::string(u.encoded_host());
  if (t.port != (t.tls ? 443 : 80)) t.host_header += ":" + std::to_string(t.port);
  // Keyed on the decoded, lower-cased name so spellings of one host share connections.
  std::string host = t.numeric ? t.address.to_string() : t.host;
  if (t.address.is_v6()) host = "[" + host + "]";
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  t.key = (t.tls ? "https://" : "") + host + ":" + std::to_string(t.port);
  t.target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
  if (u.has_query()) t.target += "?" + std::string(u.encoded_query());
  return t;
}

std::optional<bhttp::verb> ToVerb(Method m) {
  switch (m) {
    case Method::kGet:
      return bhttp::verb::get;
    case Method::kHead:
      return bhttp::verb::head;
    case Method::kPost:
      return bhttp::verb::post;
    case Method::kPut:
      return bhttp::verb::put;
    case Method::kPatch:
      return bhttp::verb::patch;
    case Method::kDelete:
      return bhttp::verb::delete_;
    case Method::kOptions:
      return bhttp::verb::options;
    case Method::kOther:
      break;
  }
  return std::nullopt;
}

bool Idempotent(Method m) {
  return m == Method::kGet || m == Method::kHead || m == Method::kPut || m == Method::kDelete || m == Method::kOptions;
}

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Beast 1.81 writes header bytes verbatim: a CR/LF in a value would let a caller (or data it forwards) inject
// headers or a second request, so reject it before anything is sent.
void CheckHeader(std::string_view name, std::string_view value) {
  bool ok = !name.empty();
  for (char c : name) ok = ok && IsTokenChar(static_cast<unsigned char>(c));
  for (char c : value) ok = ok && c != '\r' && c != '\n' && c != '\0';
  if (!ok) throw Error(ErrorCode::kInternal, "invalid outgoing header '" + std::string(name.substr(0, 64)) + "'");
}

Error DeadlineError(const Target& t, std::string_view step) {
  return Error(ErrorCode::kDeadlineExceeded, "deadline exceeded while " + std::string(step) + " " + t.key);
}

Error UpstreamError(const Target& t, std::string_view step, const boost::system::error_code& ec) {
  return Error(ErrorCode::kUpstreamUnavailable, std::string(step) + " " + t.key + " failed: " + ec.message());
}

// The peer closed (or reset) the connection: on a reused connection this is the server's idle timeout racing
// our request, not a broken server.
bool PeerClosed(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == bhttp::error::end_of_stream;
}

// True when a pooled connection still looks usable: nothing to read and no FIN/RST queued. Catching a close
// here, before any byte is sent, makes reconnecting safe even for POST.
bool StillOpen(beast::tcp_stream& stream) {
  auto& socket = stream.socket();  // for TLS: a pending close_notify counts as readable, and the stream is dropped
  if (!socket.is_open()) return false;
  boost::system::error_code ec, ignored;
  char byte = 0;
  socket.non_blocking(true, ec);
  if (ec) return false;
  socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  socket.non_blocking(false, ignored);
  // Readable bytes on an idle connection are an answer to nothing: the stream is out of sync, drop it too.
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

// One connection: plain TCP or TLS over TCP.
struct Conn {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct Client::Impl {
  Impl(asio::io_context& ioc, ClientOptions o) : executor(ioc.get_executor()), options(std::move(o)) {}

  struct IdleStream {
    std::unique_ptr<Conn> stream;
    Clock::time_point since;
  };

  asio::any_io_executor executor;
  ClientOptions options;
  std::unordered_map<std::string, std::vector<IdleStream>> idle;  ///< per host:port; back() = most recent
  std::size_t idle_count = 0;
  bool closed = false;                      ///< the Client is gone: calls still in flight must not refill the pool
  std::unique_ptr<asio::ssl::context> tls;  ///< built on the first https call

  asio::ssl::context& Tls() {
    if (tls) return *tls;
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);  // Debian: /etc/ssl/certs (ca-certificates)
    if (!options.ca_file.empty()) {
      ctx->load_verify_file(options.ca_file, ec);
      if (ec) throw Error(ErrorCode::kInternal, "cannot read the CA file " + options.ca_file + ": " + ec.message());
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
    tls = std::move(ctx);
    return *tls;
  }

  // LIFO: the most recently used connection is the likeliest to still be open on the server side.
  std::unique_ptr<Conn> TakeIdle(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    auto now = Clock::now();
    std::unique_ptr<Conn> found;
    while (!list.empty() && !found) {
      IdleStream entry = std::move(list.back());
      list.pop_back();
      --idle_count;
      if (now - entry.since > options.idle_timeout) {
        // Everything below is older still.
        idle_count -= list.size();
        list.clear();
        break;
      }
      if (StillOpen(entry.stream->tcp())) found = std::move(entry.stream);
    }
    if (list.empty()) idle.erase(it);
    return found;
  }

  void PutIdle(const std::string& key, std::unique_ptr<Conn> stream) {
    if (closed || options.max_idle_per_host == 0) return;
    stream->tcp().expires_never();
    auto& list = idle[key];
    if (list.size() >= options.max_idle_per_host) {
      // Drop the oldest: it is the one most likely to hit the server's idle timeout first.
      list.erase(list.begin());
      --idle_count;
    }
    list.push_back(IdleStream{std::move(stream), Clock::now()});
    ++idle_count;
  }

  void Clear() {
    idle.clear();
    idle_count = 0;
  }
};

namespace {

using Message = bhttp::request<bhttp::string_body>;

asio::awaitable<std::vector<tcp::endpoint>> Resolve(asio::any_io_executor executor, const Target& t,
                                                    Deadline deadline) {
  std::vector<tcp::endpoint> endpoints;
  if (t.numeric) {
    endpoints.emplace_back(t.address, t.port);
    co_return endpoints;
  }
  // The resolver has no timeout of its own: a timer cancels it. The handler owns the resolver through the
  // shared_ptr, so it stays valid even if the timer fires after this frame is gone.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor, deadline);
  timer.async_wait([resolver](const boost::system::error_code& ec) {
    if (!ec) resolver->cancel();
  });
  auto [ec, results] =
      co_await resolver->async_resolve(t.host, std::to_string(t.port), tcp::resolver::numeric_service, kTuple);
  timer.cancel();
  if (ec == asio::error::operation_aborted || (ec && Clock::now() >= deadline)) throw DeadlineError(t, "resolving");
  if (ec) throw UpstreamError(t, "resolving", ec);
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  if (endpoints.empty()) throw Error(ErrorCode::kUpstreamUnavailable, "no address for " + t.key);
  co_return endpoints;
}

// Peer verification for `t`: the certificate must name the host (or the IP address) we asked for; SNI for names.
void VerifyPeerAs(TlsStream& s, const Target& t) {
  SSL* ssl = s.native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  bool ok = t.numeric ? X509_VERIFY_PARAM_set1_ip_asc(param, t.address.to_string().c_str()) == 1
                      : X509_VERIFY_PARAM_set1_host(param, t.host.c_str(), t.host.size()) == 1 &&
                            SSL_set_tlsext_host_name(ssl, t.host.c_str()) == 1;
  if (!ok) throw Error(ErrorCode::kInternal, "cannot set up TLS verification for " + t.key);
}

asio::awaitable<std::unique_ptr<Conn>> Connect(Client::Impl& impl, const std::vector<tcp::endpoint>& endpoints,
                                               const Target& t, Deadline deadline) {
  auto conn = std::make_unique<Conn>();
  if (t.tls) {
    conn->tls = std::make_unique<TlsStream>(impl.executor, impl.Tls());
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(impl.executor);
  }
  beast::tcp_stream& tcp_stream = conn->tcp();
  tcp_stream.expires_at(deadline);
  auto [ec, endpoint] = co_await tcp_stream.async_connect(endpoints, kTuple);
  if (ec == beast::error::timeout) throw DeadlineError(t, "connecting to");
  if (ec) throw UpstreamError(t, "connecting to", ec);
  boost::system::error_code ignored;
  tcp_stream.socket().set_option(tcp::no_delay(true), ignored);
  if (t.tls) {
    VerifyPeerAs(*conn->tls, t);
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec == beast::error::timeout) throw DeadlineError(t, "the TLS handshake with");
    if (hec) throw UpstreamError(t, "the TLS handshake with", hec);
  }
  co_return conn;
}

struct Outcome {
  bool closed_before_answer = false;  ///< the peer went away before any byte of the answer: maybe retryable
  std::string reason;
  bool keep_alive = false;
  ClientResponse response;
};

// One request/response on an open connection (a tcp_stream or a TLS stream over one).
template <typename Stream>
asio::awaitable<Outcome> Exchange(Stream& stream, Message& msg, const Target& t, Deadline deadline,
                                  std::size_t max_response_bytes) {
  Outcome out;
  auto remaining = Remaining(deadline);
  if (remaining.count() <= 0) throw DeadlineError(t, "calling");
  // Recomputed per attempt so the callee's budget matches what is really left.
  msg.set("X-Deadline-Ms", std::to_string(remaining.count()));
  beast::get_lowest_layer(stream).expires_at(deadline);
  auto [wec, written] = co_await bhttp::async_write(stream, msg, kTuple);
  if (wec == beast::error::timeout) throw DeadlineError(t, "sending to");
  if (wec) {
    if (!PeerClosed(wec) && wec != asio::ssl::error::stream_truncated) throw UpstreamError(t, "sending to", wec);
    out.closed_before_answer = true;
    out.reason = wec.message();
    co_return out;
  }

  // The first bytes are read on their own so that "closed before answering" (safe to retry for idempotent
  // methods) is told apart from a truncated or garbled answer (never retried).
  beast::flat_buffer buffer;
  auto [fec, first] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes), kTuple);
  if (fec == beast::error::timeout) throw DeadlineError(t, "waiting for");
  if (fec) {
    if (!PeerClosed(fec) && fec != asio::ssl::error::stream_truncated) throw UpstreamError(t, "reading from", fec);
    out.closed_before_answer = true;
    out.reason = fec.message();
    co_return out;
  }
  buffer.commit(first);

  bool head = msg.method() == bhttp::verb::head;
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kResponseHeaderLimit);
    parser.body_limit(static_cast<std::uint64_t>(max_response_bytes));
    if (head) parser.skip(true);  // a HEAD answer announces a length but carries no body
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (ec == beast::error::timeout) throw DeadlineError(t, "reading from");
    if (ec == bhttp::error::body_limit)
      throw Error(ErrorCode::kUpstreamUnavailable,
                  "response from " + t.key + " exceeds " + std::to_string(max_response_bytes) + " bytes");
    if (ec) throw UpstreamError(t, "reading the answer from", ec);
    auto& res = parser.get();
    int status = res.result_int();
    if (status >= 100 && status < 200 && status != 101) continue;  // interim answers precede the real one
    out.response.status = status;
    out.response.headers.reserve(16);
    for (const auto& f : res) out.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.response.body = std::move(res.body());
    // Bytes past the answer mean the connection is out of step with us: never pool it.
    out.keep_alive = res.keep_alive() && buffer.size() == 0;
    co_return out;
  }
}

Message BuildMessage(bhttp::verb verb, const Target& t, ClientRequest& request) {
  Message msg{verb, t.target, 11};
  msg.set(bhttp::field::host, t.host_header);
  msg.set(bhttp::field::user_agent, "okada");
  for (const auto& [name, value] : request.headers) {
    CheckHeader(name, value);
    // Framing and the deadline are ours to state; a caller's copy could contradict what is actually sent.
    if (IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding") || IEquals(name, "X-Deadline-Ms"))
      continue;
    if (IEquals(name, "Host") || IEquals(name, "User-Agent")) {
      msg.set(name, value);
    } else {
      msg.insert(name, value);
    }
  }
  if (!request.request_id.empty()) {
    CheckHeader("X-Request-Id", request.request_id);
    msg.set("X-Request-Id", request.request_id);
  }
  bool expects_body = verb == bhttp::verb::post || verb == bhttp::verb::put || verb == bhttp::verb::patch;
  if (!request.body.empty() || expects_body) msg.content_length(request.body.size());
  msg.body() = std::move(request.body);
  return msg;
}

asio::awaitable<ClientResponse> SendRequest(std::shared_ptr<Client::Impl> impl, ClientRequest request) {
  Target target = ParseTarget(request.url);
  auto verb = ToVerb(request.method);
  if (!verb) throw Error(ErrorCode::kInternal, "unsupported HTTP method for the client");
  Message msg = BuildMessage(*verb, target, request);
  Deadline deadline = request.deadline;
  if (Clock::now() >= deadline) throw DeadlineError(target, "calling");

  std::vector<tcp::endpoint> endpoints;  // resolved at most once per call
  for (int attempt = 0;; ++attempt) {
    // A retry always takes a fresh connection: other pooled ones are likely just as stale.
    std::unique_ptr<Conn> stream;
    if (attempt == 0) stream = impl->TakeIdle(target.key);
    bool reused = stream != nullptr;
    if (!stream) {
      if (endpoints.empty()) endpoints = co_await Resolve(impl->executor, target, deadline);
      stream = co_await Connect(*impl, endpoints, target, deadline);
    }
    Outcome out;
    if (stream->tls) {
      out = co_await Exchange(*stream->tls, msg, target, deadline, impl->options.max_response_bytes);
    } else {
      out = co_await Exchange(*stream->plain, msg, target, deadline, impl->options.max_response_bytes);
    }
    if (!out.closed_before_answer) {
      if (out.keep_alive) impl->PutIdle(target.key, std::move(stream));
      co_return std::move(out.response);
    }
    // The server may have processed a request it never answered, so only idempotent methods go again.
    if (reused && attempt == 0 && Idempotent(request.method)) {
      log::Debug("http_client.retry",
                 {{"upstream", target.key}, {"method", ToString(request.method)}, {"error", out.reason}});
      continue;
    }
    std::string detail = "connection to " + target.key + " closed before the answer: " + out.reason;
    if (reused && !Idempotent(request.method))
      detail += " (" + std::string(ToString(request.method)) + " is not retried)";
    throw Error(ErrorCode::kUpstreamUnavailable, detail);
  }
}

}  // namespace

Client::Client(asio::io_context& ioc, ClientOptions options) : impl_(std::make_shared<Impl>(ioc, options)) {}

Client::~Client() {
  // Calls still in flight keep Impl alive; close the idle connections now rather than when the last one ends.
  impl_->closed = true;
  impl_->Clear();
}

asio::awaitable<ClientResponse> Client::Send(ClientRequest request) { return SendRequest(impl_, std::move(request)); }

std::size_t Client::idle_connections() const noexcept { return impl_->idle_count; }

}  // namespace okada::http
