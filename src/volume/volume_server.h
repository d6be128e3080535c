// The volume host's TCP listener (Boost.Asio): reads request frames, answers each with one reply
// frame, in order. Clients may pipeline; the replies to everything read in one go leave in one
// write, after the journal records they depend on are written (VolumeService::Flush). A
// malformed frame gets an error reply and the connection is closed; an idle connection is closed
// after 30 seconds. A ticker thread calls VolumeService::Tick every second.
//
//   auto server = VolumeServer::Start({.host = "0.0.0.0", .port = 1688}, service).value();
//   server->Wait();
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "licet/core/status.h"
#include "volume_service.h"

namespace licet::volume {

struct VolumeServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 1688;  // 0 picks a free port
  int threads = 0;            // 0: one per core
};

class VolumeServer {
 public:
  /// Binds and starts. Errors: kIoError (cannot bind, naming the address and the reason).
  [[nodiscard]] static StatusOr<std::unique_ptr<VolumeServer>> Start(
      const VolumeServerOptions& options, VolumeService& service);
  virtual ~VolumeServer() = default;
  [[nodiscard]] virtual std::uint16_t port() const = 0;
  /// Blocks until Stop().
  virtual void Wait() = 0;
  /// Stops accepting and serving; safe from any thread, more than once.
  virtual void Stop() = 0;
};

}  // namespace licet::volume
