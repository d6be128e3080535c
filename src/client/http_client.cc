#include "http_client.h"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace licet::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Url {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

StatusOr<Url> ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return Status(ErrorCode::kInvalidArgument, fmt::format("'{}' is not an http:// URL", url),
                  "licet config set activation-url http://HOST:PORT");
  }
  std::string rest = url.substr(kScheme.size());
  Url u;
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
    return Status(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a valid URL", url));
  }
  return u;
}

}  // namespace

StatusOr<HttpReply> PostJson(const std::string& url, const std::string& json_body,
                             std::chrono::seconds timeout) {
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
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(endpoints, ec);
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
    stream.expires_after(timeout);
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
    if (ec)
      return Status(ErrorCode::kServerProtocol,
                    fmt::format("the answer from {} is not valid HTTP: {}", where, ec.message()));
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return HttpReply{.status = static_cast<int>(parser.get().result_int()),
                     .body = parser.get().body()};
  } catch (const std::exception& e) {
    return Status(ErrorCode::kServerUnreachable,
                  fmt::format("talking to {} failed: {}", where, e.what()));
  }
}

}  // namespace licet::client
