// Exceptions from Asio stay inside this file.
#include "volume_server.h"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "licet/core/quote.h"
#include "licet/core/volume_protocol.h"
#include "listen_failure.h"

namespace licet::volume {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::size_t kReadChunk = 16 << 10;

// One client connection: read what arrives, answer every whole frame in it, write, read again.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, VolumeService& service)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), service_(service) {}

  void Start() {
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    Read();
  }

 private:
  void Read() {
    timer_.expires_after(kIdleTimeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->socket_.close();  // idle: the pending read fails and the connection ends
    });
    const std::size_t used = in_.size();
    in_.resize(used + kReadChunk);
    socket_.async_read_some(asio::buffer(in_.data() + used, kReadChunk),
                            [self = shared_from_this(), used](error_code ec, std::size_t n) {
                              self->in_.resize(used + (ec ? 0 : n));
                              self->OnRead(ec);
                            });
  }

  void OnRead(error_code ec) {
    timer_.cancel();
    if (ec) return;  // closed, reset or timed out
    bool close_after = false;
    std::size_t off = 0;
    while (in_.size() - off >= kFrameHeaderSize) {
      const std::string_view rest(in_.data() + off, in_.size() - off);
      StatusOr<FrameHeader> header = DecodeFrameHeader(rest, FrameKind::kRequest);
      if (!header.ok()) {
        // Garbage cannot be resynchronised: answer once, then close.
        AppendReply(ErrorPayload(
            Status(ErrorCode::kInvalidArgument, std::string(header.status().message()))));
        close_after = true;
        off = in_.size();
        break;
      }
      if (rest.size() < kFrameHeaderSize + header->payload_size) break;  // wait for the rest
      AppendReply(service_.Handle(rest.substr(kFrameHeaderSize, header->payload_size)));
      off += kFrameHeaderSize + header->payload_size;
    }
    in_.erase(0, off);
    if (out_.empty()) return Read();
    // The replies acknowledge counted CMIDs: their journal records go out first.
    if (Status s = service_.Flush(); !s.ok()) {
      out_.clear();
      AppendReply(ErrorPayload(s));
      close_after = true;
    }
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), close_after](error_code write_ec, std::size_t) {
                        self->out_.clear();
                        if (!write_ec && !close_after) self->Read();
                      });
  }

  void AppendReply(const std::string& payload) {
    const auto header =
        EncodeFrameHeader(FrameKind::kReply, static_cast<std::uint32_t>(payload.size()));
    out_.append(header.data(), header.size());
    out_.append(payload);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  VolumeService& service_;
  std::string in_;
  std::string out_;
};

class AsioVolumeServer final : public VolumeServer {
 public:
  AsioVolumeServer(int threads, VolumeService& service)
      : ioc_(threads), acceptor_(ioc_), service_(service), threads_(threads) {}

  ~AsioVolumeServer() override {
    Stop();
    for (std::thread& t : pool_) {
      if (t.joinable()) t.join();
    }
    if (ticker_.joinable()) ticker_.join();
  }

  Status Bind(const std::string& host, std::uint16_t port) {
    error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} is not an IP address", QuoteInput(host)));
    const tcp::endpoint ep(address, port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ListenFailure(host, port, ec.value(), /*example_port=*/1688);
    Accept();
    for (int i = 0; i < threads_; ++i) pool_.emplace_back([this] { ioc_.run(); });
    ticker_ = std::thread([this] { Tick(); });
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
      if (stopped_) return;
      stopped_ = true;
      ioc_.stop();
    }
    cv_.notify_all();
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Connection>(std::move(socket), service_)->Start();
      if (acceptor_.is_open()) Accept();
    });
  }

  // Durability and settings once a second, off the I/O threads (fdatasync may take a while).
  void Tick() {
    std::unique_lock lock(mu_);
    while (!stopped_) {
      lock.unlock();
      service_.Tick();
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopped_; });
    }
    lock.unlock();
    service_.Tick();  // last flush on the way out
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  VolumeService& service_;
  int threads_;
  std::vector<std::thread> pool_;
  std::thread ticker_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<VolumeServer>> VolumeServer::Start(const VolumeServerOptions& options,
                                                            VolumeService& service) {
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto server = std::make_unique<AsioVolumeServer>(threads, service);
  LICET_RETURN_IF_ERROR(server->Bind(options.host, options.port));
  return std::unique_ptr<VolumeServer>(std::move(server));
}

}  // namespace licet::volume
