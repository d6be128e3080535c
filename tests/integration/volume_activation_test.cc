// Volume activation with real processes: licet-server activates licet-volume hosts with a host key;
// GVLK clients (the `licet` binary) reach them pinned or through SRV records served by dnsmasq.
// Threshold, priority, weight, failover, every error code of the issue, a rogue host, a replayed
// reply, a cloned CMID, and renewal and expiry walked through with the lab clocks.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "licet/core/atomic_file.h"
#include "licet/core/volume_protocol.h"
#include "volume_fixture.h"

namespace licet {
namespace {

using nlohmann::json;
using testing::Ato;
using testing::Cli;
using testing::CliResult;
using testing::Dnsmasq;
using testing::ErrorCodeOf;
using testing::Events;
using testing::GvlkMachine;
using testing::Host;
using testing::TempDir;
using testing::Vendor;

std::vector<std::vector<std::string>> Pinned(const Host& host) {
  return {{"/skms", host.address()}};
}

std::string LicenseStatus(const std::filesystem::path& root) {
  const json j = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, root).out, nullptr, false);
  return j.is_object() ? j.value("license_status", std::string("?")) : "?";
}

TEST(VolumeActivation, TheFifthServerInstallationReachesTheThreshold) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  std::vector<std::filesystem::path> machines;
  for (int i = 1; i <= 4; ++i) {
    machines.push_back(GvlkMachine(dir, fmt::format("m{}", i), Pinned(host)));
    const CliResult r = Ato(machines.back());
    EXPECT_EQ(r.exit_status, 1);
    EXPECT_EQ(ErrorCodeOf(r), "0xC004F038") << r.both();
    EXPECT_NE(r.out.find(fmt::format("count is {}", i)), std::string::npos) << r.out;
  }
  machines.push_back(GvlkMachine(dir, "m5", Pinned(host)));
  const CliResult fifth = Ato(machines.back());
  ASSERT_EQ(fifth.exit_status, 0) << fifth.both();
  EXPECT_EQ(json::parse(fifth.out).value("count", 0), 5);
  // The four that were refused now activate, and nobody raises the count twice.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Ato(machines[static_cast<size_t>(i)]).exit_status, 0);
  EXPECT_EQ(host.count(), 5);
  EXPECT_EQ(LicenseStatus(machines[0]), "licensed");
  const json status = testing::HostStatus(host.data());
  EXPECT_EQ(status.value("threshold", 0), 5);
  // Events 12289 on the client; 12290 on the host for every request.
  EXPECT_FALSE(Events(machines[0], 12289).empty());
  host.Stop();  // the host writes its request log every second and on the way out
  StatusOr<std::string> host_events = ReadWholeFile(host.data() / "events.jsonl");
  ASSERT_TRUE(host_events.ok());
  EXPECT_GE(std::count(host_events->begin(), host_events->end(), '\n'), 9);
  EXPECT_NE(host_events->find("\"id\":12290"), std::string::npos);
}

TEST(VolumeActivation, TheCountSurvivesAHostKilledWithSigkill) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  for (int i = 1; i <= 3; ++i) (void)Ato(GvlkMachine(dir, fmt::format("m{}", i), Pinned(host)));
  host.Stop(SIGKILL);
  EXPECT_EQ(host.count(), 3);
  host.Start();
  const std::filesystem::path m4 = GvlkMachine(dir, "m4", Pinned(host));
  const CliResult r = Ato(m4);
  EXPECT_NE(r.out.find("count is 4"), std::string::npos) << r.both();
}

// A usage error exits 2 with what was wrong, as licet's do; --help exits 0.
TEST(VolumeActivation, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& usage :
       {std::vector<std::string>{"--no-such-flag"}, std::vector<std::string>{"serve"},
        std::vector<std::string>{"sai", "--data", "/nonexistent"}}) {
    const CliResult r = testing::Volume(usage);
    EXPECT_EQ(r.exit_status, 2) << r.both();
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(testing::Volume({"--help"}).exit_status, 0);
}

// A host's failures name licet-volume commands to fix them, not the client's (licet install,
// slui).
TEST(VolumeActivation, HostFailuresNameLicetVolumeFixes) {
  TempDir dir;
  const std::string data = (dir.path() / "kms").string();
  CliResult r = testing::Volume({"init", "--data", data, "--catalog", "nosuch"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("Fix: licet-volume init --data " + data), std::string::npos) << r.err;
  ASSERT_EQ(
      testing::Volume({"init", "--data", data, "--catalog", "windows-server-2022"}).exit_status, 0);
  r = testing::Volume({"activate", "--data", data, "--host-key", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
                       "--server", "http://127.0.0.1:9"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xA1CE0010"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("licet-volume activate --data " + data), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("slui"), std::string::npos) << r.err;
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: the fix says so, not "a free port".
  r = testing::Volume({"serve", "--data", data, "--listen", "192.0.2.1:1688"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("192.0.2.1 is not an address of this machine"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--listen 127.0.0.1:1688"), std::string::npos) << r.err;
}

TEST(VolumeActivation, AnUnactivatedHostRefusesWithC004F041) {
  TempDir dir;
  Host host(dir, "kms1", nullptr);
  const CliResult r = Ato(GvlkMachine(dir, "m1", Pinned(host)));
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F041") << r.both();
  EXPECT_FALSE(testing::HostStatus(host.data()).value("activated", true));
}

TEST(VolumeActivation, ClocksApartAreRefusedWithC004F06C) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  const std::filesystem::path m = GvlkMachine(dir, "m1", Pinned(host));
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "5h"}, m).exit_status, 0);
  const CliResult r = Ato(m);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F06C") << r.both();
  EXPECT_EQ(host.count(), 0);  // a skewed request is not counted
}

TEST(VolumeActivation, ANewerProductThanTheCertificateAllowsIsRefusedWithC004F042) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  // The same lab product one version later, signed with the lab's published root key.
  StatusOr<std::string> text =
      ReadWholeFile(std::filesystem::path(LICET_CATALOG_DIR) / "windows-server-2022.toml");
  ASSERT_TRUE(text.ok());
  std::string body(CatalogBody(*text));
  const std::size_t at = body.find("version = 20348");
  ASSERT_NE(at, std::string::npos);
  body.replace(at, 15, "version = 26100");
  const std::filesystem::path newer = dir.path() / "windows-server-2025-lab.toml";
  ASSERT_TRUE(WriteFileAtomically(newer, body).ok());
  const CliResult sign = Cli(
      "licet",
      {"catalog", "sign", newer.string(), "--key",
       (std::filesystem::path(LICET_CATALOG_DIR) / "keys" / "licet-lab-root-2026.secret").string()},
      dir.path() / "unused");
  ASSERT_EQ(sign.exit_status, 0) << sign.both();
  const std::filesystem::path root = dir.path() / "m1";
  ASSERT_EQ(
      Cli("licet", {"install", "--catalog", newer.string(), "--edition", "ServerStandard"}, root)
          .exit_status,
      0);
  ASSERT_EQ(Cli("slmgr", {"/ipk", testing::kStandardGvlk}, root).exit_status, 0);
  ASSERT_EQ(Cli("slmgr", {"/skms", host.address()}, root).exit_status, 0);
  const CliResult r = Ato(root);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F042") << r.both();
  EXPECT_NE(r.out.find("up to 20348"), std::string::npos) << r.out;
}

TEST(VolumeActivation, ACloneWithTheSameCmidDoesNotRaiseTheCountAndDoctorSaysRearm) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  const std::filesystem::path original = GvlkMachine(dir, "original", Pinned(host));
  (void)Ato(original);
  // An image copied without generalizing: same CMID, another machine.
  const std::filesystem::path clone = dir.path() / "clone";
  std::filesystem::copy(original, clone, std::filesystem::copy_options::recursive);
  const CliResult r = Ato(clone);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F038") << r.both();
  EXPECT_EQ(host.count(), 1);
  const CliResult doctor = Cli("licet", {"doctor"}, clone);
  EXPECT_NE(doctor.out.find("cloned without being generalized"), std::string::npos) << doctor.out;
  EXPECT_NE(doctor.out.find("slmgr /rearm"), std::string::npos) << doctor.out;
  // The fix: a rearm gives the clone its own CMID, which the host then counts.
  ASSERT_EQ(Cli("slmgr", {"/rearm"}, clone).exit_status, 0);
  ASSERT_EQ(Cli("licet", {"restart"}, clone).exit_status, 0);
  (void)Ato(clone);
  EXPECT_EQ(host.count(), 2);
  EXPECT_EQ(Cli("licet", {"doctor"}, clone).out.find("cloned"), std::string::npos);
}

// Brings `host` to the threshold with machines that are not used afterwards.
void FillToThreshold(const TempDir& dir, const Host& host, const std::string& prefix) {
  for (int i = 1; i <= 4; ++i)
    (void)Ato(GvlkMachine(dir, fmt::format("{}{}", prefix, i), Pinned(host)));
}

TEST(VolumeActivation, RenewalAndExpiryWithTheLabClocks) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  FillToThreshold(dir, host, "filler");
  const std::filesystem::path m = GvlkMachine(dir, "m", Pinned(host));
  ASSERT_EQ(Ato(m).exit_status, 0);
  // Not due yet: the agent does nothing.
  CliResult agent = Cli("licet", {"--json", "agent", "--once"}, m);
  ASSERT_EQ(agent.exit_status, 0) << agent.both();
  EXPECT_FALSE(json::parse(agent.out).value("attempted", true));
  // Seven days and an hour later on both clocks: the agent renews.
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "169h"}, m).exit_status, 0);
  ASSERT_EQ(testing::Volume({"lab", "clock", "advance", "169h", "--data", host.data().string()})
                .exit_status,
            0);
  ::usleep(1'300'000);  // the host re-reads its settings every second
  agent = Cli("licet", {"--json", "agent", "--once"}, m);
  ASSERT_EQ(agent.exit_status, 0) << agent.both();
  EXPECT_TRUE(json::parse(agent.out).value("attempted", false));
  const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, m).out);
  EXPECT_EQ(dlv.value("license_status", ""), "licensed");
  // The host goes away; 181 days later the activation has expired: out-of-tolerance grace...
  host.Stop();
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "181d"}, m).exit_status, 0);
  EXPECT_EQ(LicenseStatus(m), "out_of_tolerance_grace");
  agent = Cli("licet", {"--json", "agent", "--once"}, m);
  EXPECT_EQ(ErrorCodeOf(agent), "0xC004F074") << agent.both();
  // ...and 30 days after that, Notification.
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "31d"}, m).exit_status, 0);
  EXPECT_EQ(LicenseStatus(m), "notification");
}

TEST(VolumeActivation, SaiAndSriOnTheHostReachTheClientsAndStatusCountsRequests) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  FillToThreshold(dir, host, "filler");
  const std::string data = host.data().string();
  EXPECT_EQ(testing::Volume({"sri", "--data", data, "60"}).exit_status, 0);
  EXPECT_EQ(testing::Volume({"sai", "--data", data, "30"}).exit_status, 0);
  EXPECT_NE(testing::Volume({"sri", "--data", data, "5"}).exit_status, 0);  // below 15 minutes
  ::usleep(1'300'000);  // the running host re-reads host.json every second
  const std::filesystem::path m = GvlkMachine(dir, "m", Pinned(host));
  ASSERT_EQ(Ato(m).exit_status, 0);
  const std::string dlv = Cli("slmgr", {"/dlv"}, m).out;
  EXPECT_NE(dlv.find("Renewal interval: 60 minutes"), std::string::npos) << dlv;
  EXPECT_NE(dlv.find("Activation interval: 30 minutes"), std::string::npos) << dlv;
  host.Stop();  // writes the last figures
  const json status = testing::HostStatus(host.data());
  EXPECT_EQ(status.value("requests", 0), 5);
  EXPECT_EQ(status.value("failed_requests", 0), 4);
  EXPECT_EQ(status["by_license_status"].value("initial_grace", 0), 5);
  EXPECT_EQ(status["by_result"].value("0xC004F038", 0), 4);
  EXPECT_EQ(status.value("renewal_interval_minutes", 0), 60);
}

TEST(VolumeActivation, TheLongRunningAgentRenewsWhenDueAndStopsOnSigterm) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  FillToThreshold(dir, host, "filler");
  const std::filesystem::path m = GvlkMachine(dir, "m", Pinned(host));
  ASSERT_EQ(Ato(m).exit_status, 0);
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "169h"}, m).exit_status, 0);
  ASSERT_EQ(testing::Volume({"lab", "clock", "advance", "169h", "--data", host.data().string()})
                .exit_status,
            0);
  ::usleep(1'300'000);
  const std::size_t before = Events(m, 12289).size();
  {
    testing::ServerProcess agent(testing::kCliDir + "licet",
                                 {testing::kCliDir + "licet", "--root", m.string(), "agent"});
    EXPECT_NE(agent.first_line().find("licet agent"), std::string::npos) << agent.first_line();
    for (int i = 0; i < 100 && Events(m, 12289).size() == before; ++i) ::usleep(50'000);
    EXPECT_EQ(agent.Kill(SIGTERM), 0);  // a clean stop, not death by signal
  }
  EXPECT_EQ(Events(m, 12289).size(), before + 1);
  const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, m).out);
  EXPECT_EQ(dlv.value("license_status", ""), "licensed");
}

// A TCP listener on 127.0.0.1 answering each connection with `answer(request_frame)`.
class FakeHost {
 public:
  explicit FakeHost(std::function<std::string(const std::string&)> answer)
      : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::string in(volume::kFrameHeaderSize, '\0');
        std::size_t got = 0;
        while (got < in.size()) {
          const ssize_t n = ::read(c, in.data() + got, in.size() - got);
          if (n <= 0) break;
          got += static_cast<std::size_t>(n);
          if (got == volume::kFrameHeaderSize && in.size() == volume::kFrameHeaderSize) {
            StatusOr<volume::FrameHeader> h =
                volume::DecodeFrameHeader(in, volume::FrameKind::kRequest);
            if (h.ok()) in.resize(in.size() + h->payload_size);
          }
        }
        const std::string reply = answer_(in);
        (void)!::write(c, reply.data(), reply.size());
        ::close(c);
      }
    });
  }
  ~FakeHost() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] std::string address() const { return fmt::format("127.0.0.1:{}", port_); }

 private:
  std::function<std::string(const std::string&)> answer_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// Forwards one request to `to` and returns the reply frame (for the replay test).
std::string Forward(const std::string& frame, int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return {};
  (void)!::write(s, frame.data(), frame.size());
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  ::shutdown(s, SHUT_WR);
  while ((n = ::read(s, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(s);
  return out;
}

TEST(VolumeActivation, AHostWithASelfMadeCertificateIsRefused) {
  TempDir dir;
  // A rogue host: its "vendor" is a key of its own making, not the catalog's.
  const SigningKey rogue_vendor = SigningKey::Generate("licet-lab-root-2026");
  const SigningKey rogue_host = SigningKey::Generate("host-rogue");
  FakeHost rogue([&](const std::string& frame) {
    StatusOr<volume::VolumeRequest> req =
        volume::ParseVolumeRequest(std::string_view(frame).substr(volume::kFrameHeaderSize));
    if (!req.ok()) return std::string();
    HostCertificateClaims cert{.issuer_key_id = rogue_vendor.key_id,
                               .product_id = req->product_id,
                               .host_id = "rogue",
                               .host_public_key = rogue_host.public_key,
                               .skus = {req->activation_id},
                               .max_version = 99999,
                               .nonce = "x",
                               .issued_at = SystemClock().Now(),
                               .expires_at = SystemClock().Now() + std::chrono::days(365)};
    const LicenseClaims claims{.issuer_key_id = rogue_host.key_id,
                               .product_id = req->product_id,
                               .cmid = req->cmid,
                               .activation_id = req->activation_id,
                               .edition = req->edition,
                               .channel = "Volume:GVLK",
                               .hardware_id = req->hardware_id,
                               .method = "volume",
                               .nonce = req->nonce,
                               .issued_at = SystemClock().Now(),
                               .expires_at = SystemClock().Now() + std::chrono::days(180),
                               .renew_after = SystemClock().Now() + std::chrono::days(7)};
    return volume::EncodeFrame(
        volume::FrameKind::kReply,
        volume::GrantPayload(volume::IssueGrant(
            claims, {.count = 50}, rogue_host,
            volume::VolumeFooter(rogue_host, IssueHostCertificate(cert, rogue_vendor)))));
  });
  const std::filesystem::path m = GvlkMachine(dir, "m1", {{"/skms", rogue.address()}});
  const CliResult r = Ato(m);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F074") << r.both();
  EXPECT_NE(r.out.find("not the vendor's"), std::string::npos) << r.out;
  EXPECT_NE(LicenseStatus(m), "licensed");
  EXPECT_FALSE(Events(m, 12288).empty());
}

TEST(VolumeActivation, AReplayedReplyIsRefused) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  FillToThreshold(dir, host, "filler");
  // A man in the middle that answers every request with the first genuine reply it saw.
  std::string recorded;
  std::mutex mu;
  FakeHost replayer([&](const std::string& frame) {
    std::lock_guard lock(mu);
    if (recorded.empty()) recorded = Forward(frame, host.port());
    return recorded;
  });
  const std::filesystem::path m = GvlkMachine(dir, "m", {{"/skms", replayer.address()}});
  const CliResult first = Ato(m);
  ASSERT_EQ(first.exit_status, 0) << first.both();
  const CliResult replayed = Ato(m);
  EXPECT_EQ(ErrorCodeOf(replayed), "0xC004F074") << replayed.both();
  EXPECT_NE(replayed.out.find("replayed"), std::string::npos) << replayed.out;
}

TEST(VolumeActivation, GarbageOnPort1688GetsAnErrorAndTheHostKeepsServing) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  for (const std::string& junk :
       {std::string("GET / HTTP/1.1\r\n\r\n"), std::string("LVOL\x01\x01\0\0\xff\xff\xff\xff", 12),
        volume::EncodeFrame(volume::FrameKind::kRequest, "{\"cmid\": 3}"),
        volume::EncodeFrame(volume::FrameKind::kRequest, std::string(3000, '['))}) {
    const std::string reply = Forward(junk, host.port());
    ASSERT_GE(reply.size(), volume::kFrameHeaderSize) << "no answer to junk";
    StatusOr<volume::VerifiedReply> parsed =
        volume::ParseReply(reply.substr(volume::kFrameHeaderSize), {});
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << parsed.status().message();
  }
  EXPECT_EQ(Ato(GvlkMachine(dir, "m1", Pinned(host))).out.find("0xC004F038") != std::string::npos,
            true);
}

}  // namespace
}  // namespace licet
