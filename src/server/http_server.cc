// Boost.Beast is the only HTTP dependency; exceptions from Asio stay inside this file.
#include "http_server.h"

#include <fmt/format.h>
#include <pthread.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "licet/core/quote.h"
#include "listen_failure.h"

namespace licet::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxHeaderBytes = 16 << 10;  // a request line and its headers

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: plain (Stream = beast::tcp_stream) or TLS (Stream = TlsStream).
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket socket, asio::ssl::context* tls, const HttpHandler& handler,
          std::size_t max_body)
      : stream_(MakeStream(std::move(socket), tls)), handler_(handler), max_body_(max_body) {}

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec)
                                  self->Read();  // a failed handshake just drops the connection
                              });
    } else {
      Read();
    }
  }

 private:
  static Stream MakeStream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(kMaxHeaderBytes);
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec) {
      // Oversized or malformed: answer once in JSON, then close.
      const bool body_too_big = ec == http::error::body_limit;
      const bool headers_too_big = ec == http::error::header_limit;
      const std::string msg =
          body_too_big ? fmt::format("the request's body is larger than {} bytes", max_body_)
          : headers_too_big
              ? fmt::format("the request's headers are larger than {} bytes", kMaxHeaderBytes)
              : fmt::format("the request is not valid HTTP/1.1 ({})", ec.message());
      HttpResponse r{
          .status = body_too_big || headers_too_big ? 413 : 400,
          .content_type = "application/json",
          .body = fmt::format(
              R"({{"error":{{"code":"0x80070057","symbol":"E_INVALIDARG","message":"{}",)"
              R"("remedy":"Send one HTTP/1.1 request as docs/api/openapi.yaml describes it"}}}})",
              msg)};
      return Write(std::move(r), /*keep_alive=*/false);
    }
    const http::request<http::string_body>& req = parser_->get();
    HttpRequest request{.method = std::string(req.method_string()),
                        .target = std::string(req.target()),
                        .authorization = std::string(req[http::field::authorization]),
                        .body = req.body()};
    const bool keep_alive = req.keep_alive();
    // The handler may answer later from another thread (a durable commit): the write is posted back
    // onto this connection's strand.
    HttpResponder respond = [self = this->shared_from_this(), keep_alive](HttpResponse r) {
      asio::post(self->stream_.get_executor(), [self, r = std::move(r), keep_alive]() mutable {
        self->Write(std::move(r), keep_alive);
      });
    };
    try {
      handler_(request, respond);
    } catch (const std::exception&) {
      respond(
          {.status = 500,
           .content_type = "application/json",
           .body =
               R"({"error":{"code":"0x80004005","symbol":"E_FAIL","message":"internal error"}})"});
    }
  }

  void Write(HttpResponse r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "licet-server");
    res->set(http::field::content_type, r.content_type);
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kIdleTimeout);
    http::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->Close();
          self->Read();
        });
  }

  void Close() {
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpHandler& handler_;
  std::size_t max_body_;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(int threads, HttpHandler handler, std::size_t max_body)
      : ioc_(threads),
        acceptor_(ioc_),
        handler_(std::move(handler)),
        max_body_(max_body),
        threads_(threads) {}

  ~BeastServer() override {
    Stop();
    Join();
  }

  // Loads the certificate chain and key; TLS 1.2 or later. Errors: kInvalidArgument naming the
  // file.
  Status EnableTls(const std::string& cert_file, const std::string& key_file) {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    tls_->use_certificate_chain_file(cert_file, ec);
    if (ec)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("cannot load the TLS certificate {}: {}", cert_file, ec.message()));
    tls_->use_private_key_file(key_file, asio::ssl::context::pem, ec);
    if (ec)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("cannot load the TLS key {}: {}", key_file, ec.message()));
    return OkStatus();
  }

  Status Bind(const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} is not an IP address", QuoteInput(host)));
    const tcp::endpoint ep(address, port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ListenFailure(host, port, ec.value(), /*example_port=*/8080);
    Accept();
    for (int i = 0; i < threads_; ++i) {
      pool_.emplace_back([this] {
        pthread_setname_np(pthread_self(), "licet-http");
        ioc_.run();
      });
    }
    return OkStatus();
  }

  std::uint16_t port() const override { return acceptor_.local_endpoint().port(); }

  void Wait() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return stopped_; });
  }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      if (!stopped_) {
        stopped_ = true;
        ioc_.stop();
      }
    }
    cv_.notify_all();
  }

  void Join() override {
    std::lock_guard lock(join_mu_);
    for (std::thread& t : pool_) {
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    }
  }

 private:
  void Accept() {
    acceptor_.async_accept(
        asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
          if (ec) {
            // fall through to keep accepting
          } else if (tls_) {
            std::make_shared<Session<TlsStream>>(std::move(socket), &*tls_, handler_, max_body_)
                ->Start();
          } else {
            std::make_shared<Session<beast::tcp_stream>>(std::move(socket), nullptr, handler_,
                                                         max_body_)
                ->Start();
          }
          if (acceptor_.is_open()) Accept();
        });
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  HttpHandler handler_;
  std::optional<asio::ssl::context> tls_;
  std::size_t max_body_;
  int threads_;
  std::vector<std::thread> pool_;
  std::mutex mu_;
  std::mutex join_mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                        HttpHandler handler) {
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto server = std::make_unique<BeastServer>(threads, std::move(handler), options.max_body_bytes);
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    LICET_RETURN_IF_ERROR(server->EnableTls(options.tls_cert_file, options.tls_key_file));
  }
  LICET_RETURN_IF_ERROR(server->Bind(options.host, options.port));
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace licet::server
