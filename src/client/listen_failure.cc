// ListenFailure (listen_failure.h).
#include "listen_failure.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace licet {

Status ListenFailure(std::string_view host, std::uint16_t port, int error_number,
                     std::uint16_t example_port) {
  std::string fix;
  switch (error_number) {
    case EADDRINUSE:
      fix = fmt::format(
          "Another program listens on port {} (ss -ltnp shows which): stop it, or choose another "
          "port, e.g. --listen {}:{}",
          port, host, port == example_port ? example_port + 1 : example_port);
      break;
    case EADDRNOTAVAIL:
      fix = fmt::format(
          "{} is not an address of this machine: listen on 127.0.0.1 (this machine only), "
          "0.0.0.0 (every interface) or an address ip -brief address lists, e.g. --listen "
          "127.0.0.1:{}",
          host, port);
      break;
    case EACCES:
      fix = fmt::format(
          "Ports below 1024 need privileges: choose one of 1024 or above, e.g. --listen {}:{}",
          host, example_port);
      break;
    default:
      fix = fmt::format(
          "Listen on an address of this machine and a port no other program uses, e.g. --listen "
          "127.0.0.1:{}",
          example_port);
  }
  return Status(ErrorCode::kIoError,
                fmt::format("cannot listen on {}:{}: {}", host, port, std::strerror(error_number)),
                std::move(fix));
}

}  // namespace licet
