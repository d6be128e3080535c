// What the volume activation tests set up with real processes: a licet-server with the lab catalog
// (the vendor), licet-volume hosts activated with a host key, dnsmasq serving SRV records on a
// loopback port, and client installations with the public Standard GVLK.
#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "server_process.h"

namespace licet::testing {

inline const std::string kCliDir = std::string(LICET_CLI_DIR) + "/";
inline const std::string kServerBin = LICET_SERVER_BIN;
inline const std::string kVolumeBin = LICET_VOLUME_BIN;
// Microsoft's published GVLK for Windows Server 2022 Standard, as the lab catalog lists it.
inline const std::string kStandardGvlk = "VDYBN-27WPP-V4HQT-9VMD4-VMK7H";

inline CliResult Cli(const std::string& name, const std::vector<std::string>& args,
                     const std::filesystem::path& root, std::vector<std::string> env = {}) {
  env.push_back("LICET_ROOT=" + root.string());
  return RunProgram(kCliDir + name, args, env);
}

inline CliResult Volume(const std::vector<std::string>& args) {
  return RunProgram(kVolumeBin, args);
}

inline nlohmann::json HostStatus(const std::filesystem::path& data) {
  const CliResult r = Volume({"status", "--data", data.string(), "--json"});
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return nlohmann::json::parse(r.out, nullptr, false);
}

/// A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both).
inline int FreeDnsPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len);
    const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool ok = ::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const int port = ntohs(a.sin_port);
    ::close(udp);
    ::close(tcp);
    if (ok) return port;
  }
  return 0;
}

/// dnsmasq on 127.0.0.1:port, authoritative for `domain` (unknown names there are NXDOMAIN).
class Dnsmasq {
 public:
  struct Srv {
    std::string target;  // host name in the domain
    int port = 0;
    int priority = 0;
    int weight = 0;
  };

  /// `extra_hosts`: more names in `domain` that resolve to 127.0.0.1 without an SRV record.
  Dnsmasq(const std::string& domain, const std::vector<Srv>& records,
          const std::vector<std::string>& extra_hosts = {})
      : port_(FreeDnsPort()) {
    std::vector<std::string> args = {"dnsmasq",
                                     "--keep-in-foreground",
                                     "--conf-file=/dev/null",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--pid-file=",
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     fmt::format("--port={}", port_),
                                     fmt::format("--local=/{}/", domain),
                                     "--local=/_tcp/"};
    for (const Srv& r : records) {
      args.push_back(fmt::format("--srv-host=_vlmcs._tcp.{},{}.{},{},{},{}", domain, r.target,
                                 domain, r.port, r.priority, r.weight));
      args.push_back(fmt::format("--host-record={}.{},127.0.0.1", r.target, domain));
    }
    for (const std::string& h : extra_hosts)
      args.push_back(fmt::format("--host-record={}.{},127.0.0.1", h, domain));
    process_ = std::make_unique<ServerProcess>(kDnsmasqBin, args, /*wait_for_line=*/false);
    // Wait until it accepts on its port.
    for (int i = 0; i < 100 && !Listening(); ++i) ::usleep(20000);
  }

  [[nodiscard]] std::string server() const { return fmt::format("127.0.0.1:{}", port_); }
  [[nodiscard]] bool Listening() const {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    return ok;
  }

  static inline const std::string kDnsmasqBin = "/usr/sbin/dnsmasq";

 private:
  int port_;
  std::unique_ptr<ServerProcess> process_;
};

/// The vendor: licet-server with the lab catalog on loopback, and a host key (CSVLK).
class Vendor {
 public:
  explicit Vendor(const TempDir& dir) : data_(dir.path() / "vendor") {
    const CliResult init = RunProgram(kServerBin, {"init", "--catalog", "windows-server-2022",
                                                   "--data", data_.string(), "--lab"});
    EXPECT_EQ(init.exit_status, 0) << init.both();
    const CliResult keys =
        RunProgram(kServerBin, {"keys", "generate", "--data", data_.string(), "--edition",
                                "ServerStandard", "--channel", "Volume:CSVLK", "--count", "1"});
    EXPECT_EQ(keys.exit_status, 0) << keys.both();
    host_key_ = keys.out.substr(0, 29);
    server_ = std::make_unique<ServerProcess>(kServerBin, data_);
  }
  [[nodiscard]] const std::string& host_key() const { return host_key_; }
  [[nodiscard]] std::string url() const { return server_->url(); }

 private:
  std::filesystem::path data_;
  std::string host_key_;
  std::unique_ptr<ServerProcess> server_;
};

/// A volume host: its data directory (initialised and activated) and, while running, its process.
class Host {
 public:
  Host(const TempDir& dir, const std::string& name, const Vendor* vendor)
      : data_(dir.path() / name) {
    std::vector<std::string> args = {"init", "--data", data_.string(), "--catalog",
                                     "windows-server-2022"};
    if (vendor != nullptr) {
      args.insert(args.end(), {"--host-key", vendor->host_key(), "--server", vendor->url()});
    }
    const CliResult r = Volume(args);
    EXPECT_EQ(r.exit_status, 0) << r.both();
    Start();
  }
  void Start() {
    process_ = std::make_unique<ServerProcess>(
        kVolumeBin, std::vector<std::string>{kVolumeBin, "serve", "--data", data_.string(),
                                             "--listen", fmt::format("127.0.0.1:{}", port_)});
    port_ = process_->port();
    EXPECT_GT(port_, 0) << process_->first_line();
  }
  void Stop(int sig = SIGTERM) {
    if (process_) process_->Kill(sig);
    process_.reset();
  }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string address() const { return fmt::format("127.0.0.1:{}", port_); }
  [[nodiscard]] const std::filesystem::path& data() const { return data_; }
  [[nodiscard]] int count() const { return HostStatus(data_).value("count", -1); }

 private:
  std::filesystem::path data_;
  int port_ = 0;
  std::unique_ptr<ServerProcess> process_;
};

/// A ServerStandard installation at dir/name with `key` installed.
inline std::filesystem::path StandardMachine(const TempDir& dir, const std::string& name,
                                             const std::string& key) {
  const std::filesystem::path root = dir.path() / name;
  const CliResult install =
      Cli("licet", {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandard"},
          root);
  EXPECT_EQ(install.exit_status, 0) << install.both();
  const CliResult ipk = Cli("slmgr", {"/ipk", key}, root);
  EXPECT_EQ(ipk.exit_status, 0) << ipk.both();
  return root;
}

/// A ServerStandard installation with the public GVLK. `setup` are slmgr/config commands.
inline std::filesystem::path GvlkMachine(const TempDir& dir, const std::string& name,
                                         const std::vector<std::vector<std::string>>& slmgr = {},
                                         const std::string& dns_server = "") {
  const std::filesystem::path root = StandardMachine(dir, name, kStandardGvlk);
  if (!dns_server.empty()) {
    EXPECT_EQ(Cli("licet", {"config", "set", "dns-server", dns_server}, root).exit_status, 0);
  }
  for (const auto& args : slmgr) {
    const CliResult r = Cli("slmgr", args, root);
    EXPECT_EQ(r.exit_status, 0) << r.both();
  }
  return root;
}

/// `slmgr /ato` under --json.
inline CliResult Ato(const std::filesystem::path& root, std::vector<std::string> env = {}) {
  return Cli("licet", {"--json", "slmgr", "/ato"}, root, std::move(env));
}

/// The installation's events with this ID (a JSON array; null when the output is not JSON).
inline nlohmann::json Events(const std::filesystem::path& root, int id) {
  const nlohmann::json j = nlohmann::json::parse(
      Cli("licet", {"--json", "events", "--id", std::to_string(id)}, root).out, nullptr, false);
  return j.is_object() ? j.value("events", nlohmann::json()) : nlohmann::json();
}

/// The error code a failed command printed under --json.
inline std::string ErrorCodeOf(const CliResult& r) {
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "(no JSON error: " + r.both() + ")";
  return j["error"].value("code", "");
}

}  // namespace licet::testing
