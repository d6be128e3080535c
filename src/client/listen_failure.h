// The error licet-server and licet-volume give when they cannot listen on --listen HOST:PORT, with
// the fix for its cause: a port another program holds, an address that is not this machine's, a
// privileged port.
//
//   if (ec) return ListenFailure(host, port, ec.value(), /*example_port=*/8080);
#pragma once

#include <cstdint>
#include <string_view>

#include "licet/core/status.h"

namespace licet {

/// kIoError "cannot listen on HOST:PORT: <strerror>", fixed by what `error_number` (an errno
/// value, as bind and listen set it) calls for; `example_port` is the program's usual port.
[[nodiscard]] Status ListenFailure(std::string_view host, std::uint16_t port, int error_number,
                                   std::uint16_t example_port);

}  // namespace licet
