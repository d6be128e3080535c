// Volume host figures (bench/run-volume-bench runs them; results in bench/RESULTS.md):
//   --sign-rate                     raw Ed25519 signatures per second on one core (the baseline)
//   --renewals --port P [--clients N] [--depth D] [--seconds S]
//                                   renewals per second against a running licet-volume host: N
//                                   simulated clients (one connection each, D requests in flight)
//   --memory [--cmids N]            host memory per known client: the CMID table's heap growth
//                                   with N distinct CMIDs, in bytes per CMID
#include <arpa/inet.h>
#include <fmt/format.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "client_table.h"
#include "licet/core/encoding.h"
#include "licet/core/hardware_binding.h"
#include "licet/core/volume_protocol.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

int SignRate(double seconds) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  unsigned char message[64] = {1}, signature[crypto_sign_BYTES];
  std::uint64_t n = 0;
  const auto start = Clock::now();
  while (Seconds(Clock::now() - start) < seconds) {
    for (int i = 0; i < 256; ++i, ++n) {
      message[0] = static_cast<unsigned char>(n);
      crypto_sign_detached(signature, nullptr, message, sizeof message, sk);
    }
  }
  fmt::print("{:.0f} signatures/s\n", static_cast<double>(n) / Seconds(Clock::now() - start));
  return 0;
}

std::string RequestFrame(int client) {
  std::uint8_t nonce[16];
  randombytes_buf(nonce, sizeof nonce);
  licet::HardwareValues machine;  // each client a machine of its own
  for (std::size_t c = 0; c < machine.size(); ++c)
    machine[c] = fmt::format("bench-{}-{}", client, c);
  const licet::volume::VolumeRequest r{
      .product_id = "windows-server-2022",
      .product_version = 20348,
      .activation_id = "173600d8-bb91-42b6-9169-778e731271cb",  // Server Standard GVLK SKU
      .edition = "ServerStandard",
      .cmid = licet::RandomUuid(),
      .hardware_id = licet::HardwareBinding::FromValues(machine).ToString(),
      .machine_name = fmt::format("bench-{}", client),
      .license_status = "licensed",
      .client_time = licet::SystemClock().Now(),
      .nonce = licet::HexEncode(nonce)};
  return licet::volume::EncodeFrame(licet::volume::FrameKind::kRequest,
                                    licet::volume::SerializeVolumeRequest(r));
}

struct Client {
  int fd = -1;
  std::string frame;
  std::string in;
  int in_flight = 0;
};

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Consumes whole reply frames from c.in; returns how many, or -1 on a refusal or garbage.
int TakeReplies(Client& c, std::uint64_t& refused) {
  int n = 0;
  std::size_t off = 0;
  while (c.in.size() - off >= licet::volume::kFrameHeaderSize) {
    auto h = licet::volume::DecodeFrameHeader(std::string_view(c.in).substr(off),
                                              licet::volume::FrameKind::kReply);
    if (!h.ok()) return -1;
    const std::size_t total = licet::volume::kFrameHeaderSize + h->payload_size;
    if (c.in.size() - off < total) break;
    if (c.in.compare(off + licet::volume::kFrameHeaderSize, 9, "{\"grant\":") != 0) ++refused;
    off += total;
    ++n;
  }
  c.in.erase(0, off);
  return n;
}

int Renewals(int port, int clients, int depth, double seconds) {
  std::vector<Client> all(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i) {
    all[static_cast<std::size_t>(i)].fd = Connect(port);
    if (all[static_cast<std::size_t>(i)].fd < 0) {
      fmt::print(stderr, "cannot connect to 127.0.0.1:{}\n", port);
      return 1;
    }
    all[static_cast<std::size_t>(i)].frame = RequestFrame(i);
  }
  std::vector<pollfd> fds(all.size());
  std::uint64_t done = 0, refused = 0;
  const auto run = [&](double for_seconds, bool count) {
    for (Client& c : all) {
      std::string burst;
      for (int d = c.in_flight; d < depth; ++d) burst += c.frame;
      if (!burst.empty()) (void)!::write(c.fd, burst.data(), burst.size());
      c.in_flight = depth;
    }
    const auto start = Clock::now();
    char buf[65536];
    while (Seconds(Clock::now() - start) < for_seconds) {
      for (std::size_t i = 0; i < all.size(); ++i) fds[i] = {all[i].fd, POLLIN, 0};
      if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (std::size_t i = 0; i < all.size(); ++i) {
        if ((fds[i].revents & POLLIN) == 0) continue;
        Client& c = all[i];
        const ssize_t n = ::read(c.fd, buf, sizeof buf);
        if (n <= 0) return false;
        c.in.append(buf, static_cast<std::size_t>(n));
        const int replies = TakeReplies(c, refused);
        if (replies < 0) return false;
        if (count) done += static_cast<std::uint64_t>(replies);
        std::string burst;
        for (int r = 0; r < replies; ++r) burst += c.frame;
        if (!burst.empty()) (void)!::write(c.fd, burst.data(), burst.size());
      }
    }
    return true;
  };
  // Warm-up: every client is counted, so the host is past its threshold and grants.
  if (!run(1.0, false)) {
    fmt::print(stderr, "the host closed a connection\n");
    return 1;
  }
  refused = 0;
  const auto start = Clock::now();
  if (!run(seconds, true)) return 1;
  const double elapsed = Seconds(Clock::now() - start);
  fmt::print("{:.0f} renewals/s ({} clients, {} in flight each, {} refused)\n",
             static_cast<double>(done) / elapsed, clients, depth, refused);
  return refused == 0 ? 0 : 1;
}

int Memory(int cmids) {
  const auto heap = [] { return mallinfo2().uordblks; };
  auto table = licet::volume::ClientTable::InMemory(std::chrono::days(30));
  std::vector<licet::volume::Cmid> ids(static_cast<std::size_t>(cmids));
  for (auto& id : ids) randombytes_buf(id.data(), id.size());
  const std::size_t before = heap();
  const licet::TimePoint now = licet::SystemClock().Now();
  for (std::size_t i = 0; i < ids.size(); ++i) table->Record(ids[i], i, now);
  const std::size_t after = heap();
  fmt::print("{} CMIDs counted ({}): {:.1f} bytes per CMID (heap +{:.1f} MiB)\n", cmids,
             table->Count(now), static_cast<double>(after - before) / cmids,
             static_cast<double>(after - before) / (1 << 20));
  return table->Count(now) == static_cast<std::uint32_t>(cmids) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  CLI::App app{"Volume host benchmarks (see bench/run-volume-bench)"};
  bool sign = false, renewals = false, memory = false;
  int port = 0, clients = 64, depth = 4, cmids = 1'000'000;
  double seconds = 5;
  app.add_flag("--sign-rate", sign, "Raw Ed25519 sign rate, one core");
  app.add_flag("--renewals", renewals, "Renewals per second against --port");
  app.add_flag("--memory", memory, "Bytes per CMID in the host's table");
  app.add_option("--port", port, "The host's port on 127.0.0.1");
  app.add_option("--clients", clients, "Simulated clients (connections)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--depth", depth, "Requests in flight per client")->check(CLI::Range(1, 64));
  app.add_option("--seconds", seconds, "Measurement time");
  app.add_option("--cmids", cmids, "CMIDs for --memory")->check(CLI::Range(1, 50'000'000));
  CLI11_PARSE(app, argc, argv);
  if (sign) return SignRate(seconds);
  if (renewals) return Renewals(port, clients, depth, seconds);
  if (memory) return Memory(cmids);
  fmt::print(stderr, "choose --sign-rate, --renewals or --memory\n");
  return 2;
}
