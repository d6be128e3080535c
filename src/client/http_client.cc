#include "http_client.h"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "licet/core/quote.h"

namespace licet::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Url {
  bool tls = false;
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

StatusOr<Url> ParseUrl(const std::string& url) {
  Url u;
  std::string rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    u.tls = true;
    u.port = "443";
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not an http:// or https:// URL", QuoteInput(url)),
                  "licet config set activation-url https://HOST:PORT");
  }
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    u.path = rest.substr(slash);
    rest.resize(slash);
  }
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    u.port = rest.substr(colon + 1);
    rest.resize(colon);
  }
  u.host = rest;
  if (u.host.empty() || u.port.empty() ||
      u.port.find_first_not_of("0123456789") != std::string::npos) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a valid URL", QuoteInput(url)));
  }
  return u;
}

}  // namespace

namespace {

// Sends `req` and reads the reply over an established (plain or TLS) stream.
template <typename Stream>
StatusOr<HttpReply> Exchange(Stream& stream, const http::request<http::string_body>& req,
                             const std::string& where, std::chrono::seconds timeout) {
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(timeout);
  http::write(stream, req, ec);
  if (ec)
    return Status(ErrorCode::kServerUnreachable,
                  fmt::format("sending to {} failed: {}", where, ec.message()));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec == beast::error::timeout) {
    return Status(ErrorCode::kServerUnreachable,
                  fmt::format("the activation server at {} did not answer within {} s", where,
                              timeout.count()));
  }
  if (ec) {
    return Status(ErrorCode::kServerProtocol,
                  fmt::format("the answer from {} is not valid HTTP: {}", where, ec.message()));
  }
  return HttpReply{.status = static_cast<int>(parser.get().result_int()),
                   .body = parser.get().body()};
}

}  // namespace

StatusOr<HttpReply> PostJson(const std::string& url, const std::string& json_body,
                             std::chrono::seconds timeout, const std::string& ca_file) {
  LICET_ASSIGN_OR_RETURN(const Url u, ParseUrl(url));
  const std::string where = fmt::format("{}:{}", u.host, u.port);
  try {
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    beast::error_code ec;
    const auto endpoints = resolver.resolve(u.host, u.port, ec);
    if (ec) {
      return Status(ErrorCode::kNameNotResolved,
                    fmt::format("the activation server name {} could not be resolved ({})", u.host,
                                ec.message()));
    }
    beast::tcp_stream tcp(ioc);
    tcp.expires_after(timeout);
    tcp.connect(endpoints, ec);
    if (ec) {
      return Status(
          ErrorCode::kServerUnreachable,
          fmt::format("cannot connect to the activation server at {}: {}", where, ec.message()));
    }
    http::request<http::string_body> req(http::verb::post, u.path, 11);
    req.set(http::field::host, u.host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::user_agent, "licet/" LICET_VERSION);
    req.body() = json_body;
    req.prepare_payload();
    if (!u.tls) return Exchange(tcp, req, where, timeout);

    // HTTPS: the system's CAs (or `ca_file`), the server's name checked against its certificate.
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                    asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      ctx.load_verify_file(ca_file, ec);
    }
    if (ec)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("cannot load the CA file {}: {}", ca_file, ec.message()));
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
    // SNI carries names only, never IP literals (RFC 6066).
    beast::error_code not_ip;
    (void)asio::ip::make_address(u.host, not_ip);
    if (not_ip && SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                           TLSEXT_NAMETYPE_host_name, const_cast<char*>(u.host.c_str())) != 1) {
      return Status(ErrorCode::kServerUnreachable,
                    fmt::format("cannot set the TLS server name {}", u.host));
    }
    stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec) {
      return Status(
          ErrorCode::kServerUnreachable,
          fmt::format(
              "the TLS handshake with {} failed: {} (is its certificate trusted? licet config set "
              "ca-file PEM)",
              where, ec.message()));
    }
    return Exchange(stream, req, where, timeout);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kServerUnreachable,
                  fmt::format("talking to {} failed: {}", where, e.what()));
  }
}

Status ServerErrorStatus(const HttpReply& reply, const std::string& url) {
  const nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const nlohmann::json& e = j["error"];
    const std::string code = e.value("code", "");
    const ErrorInfo* info =
        code.size() == 10
            ? FindError(static_cast<std::uint32_t>(std::strtoul(code.c_str(), nullptr, 16)))
            : nullptr;
    if (info != nullptr) return Status(info->code, e.value("message", ""), e.value("remedy", ""));
  }
  return Status(ErrorCode::kServerProtocol,
                fmt::format("the activation server at {} answered HTTP {} without a Licet error",
                            url, reply.status));
}

}  // namespace licet::client
