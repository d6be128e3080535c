// licet_loadgen: a small HTTP/1.1 load generator for licet-server (keep-alive connections, one
// thread each), reporting requests/s and latency percentiles as JSON. Also measures the raw Ed25519
// sign rate of one core, the baseline the activation rate is compared with. Used by
// bench/run-server-bench.
//   licet_loadgen --port P --path /healthz [--connections 32] [--seconds 5]
//   licet_loadgen --port P --path /v1/activations --key MAK --edition ServerStandard
//       [--client-length-ids]
//   licet_loadgen --sign-rate [--seconds 2]
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::string path = "/healthz";
  std::string key;
  std::string edition = "ServerStandard";
  int connections = 32;
  double seconds = 5;
  bool sign_rate = false;
  bool client_length_ids = false;
};

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one HTTP response (headers + Content-Length body); returns the status or -1.
int ReadResponse(int fd, std::string& buf) {
  buf.clear();
  char chunk[16384];
  size_t header_end = std::string::npos;
  size_t need = 0;
  while (true) {
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const size_t cl = buf.find("Content-Length: ");
        need = header_end + 4 +
               (cl != std::string::npos && cl < header_end ? std::stoul(buf.substr(cl + 16)) : 0);
      }
    }
    if (header_end != std::string::npos && buf.size() >= need) break;
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return -1;
    buf.append(chunk, static_cast<size_t>(n));
  }
  return std::stoi(buf.substr(9, 3));
}

void RunLoad(const Options& o) {
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::mutex mu;
  std::vector<double> latencies_us;
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      const int fd = Connect(o.port);
      if (fd < 0) {
        ++errors;
        return;
      }
      std::string buf;
      for (long i = 0; !stop; ++i) {
        std::string req;
        if (o.key.empty()) {
          req = fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", o.path);
        } else {
          const std::string id = fmt::format("bench-{}-{}-{}", ::getpid(), c, i);
          // Short IDs, or (--client-length-ids) padded to what licet's own client sends: a UUID
          // CMID, a hardware binding of ~55 characters, a 32-hex nonce.
          const bool full = o.client_length_ids;
          const std::string body = fmt::format(
              R"({{"product_key":"{}","edition":"{}","cmid":"{:0>{}}","hardware_id":"{:0>{}}","nonce":"{:0>{}}"}})",
              o.key, o.edition, id, full ? 36 : 0, id, full ? 55 : 0,
              full ? std::to_string(i) : "n", full ? 32 : 0);
          req = fmt::format(
              "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
              "application/json\r\nContent-Length: {}\r\n\r\n{}",
              o.path, body.size(), body);
        }
        const auto t0 = Clock::now();
        if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size()) ||
            ReadResponse(fd, buf) != 200) {
          ++errors;
          break;
        }
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      ::close(fd);
      std::lock_guard lock(mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  }
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto pct = [&](double p) {
    return latencies_us.empty() ? 0.0
                                : latencies_us[static_cast<size_t>(
                                      p * static_cast<double>(latencies_us.size() - 1))];
  };
  std::cout
      << fmt::format(
             R"({{"path":"{}","connections":{},"requests":{},"errors":{},"rps":{:.0f},"p50_us":{:.0f},"p99_us":{:.0f}}})",
             o.path, o.connections, latencies_us.size(), errors.load(),
             static_cast<double>(latencies_us.size()) / elapsed, pct(0.50), pct(0.99))
      << "\n";
}

void RunSignRate(const Options& o) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES],
      sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  unsigned char msg[400] = {};
  long n = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  while (Clock::now() < end) {
    for (int i = 0; i < 100; ++i, ++n) {
      msg[0] = static_cast<unsigned char>(n);
      crypto_sign_detached(sig, nullptr, msg, sizeof msg, sk);
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << fmt::format(R"({{"ed25519_signs_per_second_one_core":{:.0f}}})",
                           static_cast<double>(n) / elapsed)
            << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  Options o;
  CLI::App app{"licet_loadgen: load for licet-server on loopback"};
  app.add_option("--port", o.port, "Server port on 127.0.0.1");
  app.add_option("--path", o.path, "Request path");
  app.add_option("--key", o.key,
                 "POST activations with this product key (unique CMID per request)");
  app.add_option("--edition", o.edition, "Edition for activations");
  app.add_option("--connections", o.connections, "Concurrent keep-alive connections");
  app.add_option("--seconds", o.seconds, "Duration");
  app.add_flag("--sign-rate", o.sign_rate, "Measure the raw Ed25519 sign rate instead");
  app.add_flag("--client-length-ids", o.client_length_ids,
               "Activation IDs as long as licet's client sends (default: short ones)");
  CLI11_PARSE(app, argc, argv);
  if (o.sign_rate) {
    RunSignRate(o);
  } else {
    RunLoad(o);
  }
  return 0;
}
