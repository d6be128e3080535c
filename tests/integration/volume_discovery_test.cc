// Finding volume hosts through DNS: SRV records served by a real dnsmasq on loopback, looked up by
// the client with c-ares. Priority, weight, failover to the next host, host caching, the machine's
// search domain, no record (0x8007232B), every host down (0xC004F074), and publication (12293).
#include <gtest/gtest.h>

#include "licet/core/atomic_file.h"
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

std::filesystem::path DnsMachine(const TempDir& dir, const std::string& name, const Dnsmasq& dns,
                                 const std::string& domain = "lab.test") {
  return GvlkMachine(dir, name, {{"/skms-domain", domain}}, dns.server());
}

TEST(VolumeDiscovery, PriorityFirstThenFailoverToTheNextHostWhenOneStops) {
  TempDir dir;
  Vendor vendor(dir);
  Host primary(dir, "kms1", &vendor);
  Host backup(dir, "kms2", &vendor);
  Dnsmasq dns("lab.test", {{"kms1", primary.port(), 0, 100}, {"kms2", backup.port(), 10, 100}});
  ASSERT_TRUE(dns.Listening());
  // Five machines found the host through DNS: the priority-0 host counts them all.
  std::filesystem::path last;
  for (int i = 1; i <= 5; ++i) {
    last = DnsMachine(dir, fmt::format("m{}", i), dns);
    const CliResult r = Ato(last);
    EXPECT_EQ(r.exit_status, i == 5 ? 0 : 1) << r.both();
  }
  EXPECT_EQ(primary.count(), 5);
  EXPECT_EQ(backup.count(), 0);
  const json dlv = json::parse(Cli("licet", {"--json", "slmgr", "/dlv"}, last).out);
  EXPECT_EQ(dlv.value("license_status", ""), "licensed");
  // The primary stops: a new machine fails over to the backup, and says why the primary failed.
  primary.Stop();
  const std::filesystem::path late = DnsMachine(dir, "late", dns);
  const CliResult r = Ato(late);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F038") << r.both();  // the backup's verdict: count 1
  EXPECT_NE(r.out.find(fmt::format("kms2.lab.test:{}", backup.port())), std::string::npos) << r.out;
  EXPECT_EQ(backup.count(), 1);
  const json failures = Events(late, 12288);
  ASSERT_TRUE(failures.is_array());
  EXPECT_NE(failures.dump().find(fmt::format("kms1.lab.test:{}", primary.port())),
            std::string::npos)
      << failures.dump();
}

TEST(VolumeDiscovery, WeightSharesRequestsAmongEqualPriorities) {
  TempDir dir;
  Vendor vendor(dir);
  Host heavy(dir, "kms1", &vendor);
  Host light(dir, "kms2", &vendor);
  // Same priority; weight 65535 against 0: RFC 2782 picks the zero-weight host first with
  // probability 1/65536 per lookup.
  Dnsmasq dns("lab.test", {{"kms1", heavy.port(), 0, 65535}, {"kms2", light.port(), 0, 0}});
  for (int i = 1; i <= 6; ++i) {
    const std::filesystem::path m = GvlkMachine(
        dir, fmt::format("m{}", i), {{"/skms-domain", "lab.test"}, {"/ckhc"}}, dns.server());
    (void)Ato(m);
  }
  EXPECT_EQ(heavy.count(), 6);
  EXPECT_EQ(light.count(), 0);
}

TEST(VolumeDiscovery, NoSrvRecordIs8007232B) {
  TempDir dir;
  Dnsmasq dns("lab.test", {});
  const std::filesystem::path m = DnsMachine(dir, "m1", dns);
  const CliResult r = Ato(m);
  EXPECT_EQ(ErrorCodeOf(r), "0x8007232B") << r.both();
  EXPECT_NE(r.out.find("_vlmcs._tcp.lab.test"), std::string::npos) << r.out;
}

TEST(VolumeDiscovery, EveryHostDownIsC004F074WithOneEventPerHost) {
  TempDir dir;
  Vendor vendor(dir);
  Host a(dir, "kms1", &vendor);
  Host b(dir, "kms2", &vendor);
  Dnsmasq dns("lab.test", {{"kms1", a.port(), 0, 0}, {"kms2", b.port(), 5, 0}});
  a.Stop();
  b.Stop();
  const std::filesystem::path m = DnsMachine(dir, "m1", dns);
  const CliResult r = Ato(m);
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F074") << r.both();
  const json events = Events(m, 12288);
  ASSERT_TRUE(events.is_array());
  EXPECT_EQ(events.size(), 2u) << events.dump();
  const std::string text = events.dump();
  EXPECT_NE(text.find(fmt::format("kms1.lab.test:{}", a.port())), std::string::npos);
  EXPECT_NE(text.find(fmt::format("kms2.lab.test:{}", b.port())), std::string::npos);
  EXPECT_NE(text.find("Connection refused"), std::string::npos) << text;
}

TEST(VolumeDiscovery, TheMachinesSearchDomainIsUsedWhenNoDomainIsSet) {
  TempDir dir;
  Vendor vendor(dir);
  Host host(dir, "kms1", &vendor);
  Dnsmasq dns("corp.test", {{"kms1", host.port(), 0, 0}});
  const std::filesystem::path m = GvlkMachine(dir, "m1", {}, dns.server());
  // LOCALDOMAIN sets the search domain, as resolv.conf's "search" line does.
  const CliResult r = Ato(m, {"LOCALDOMAIN=corp.test"});
  EXPECT_EQ(ErrorCodeOf(r), "0xC004F038") << r.both();
  EXPECT_EQ(host.count(), 1);
}

TEST(VolumeDiscovery, TheCachedHostIsTriedFirstAndCkhcTurnsCachingOff) {
  TempDir dir;
  Vendor vendor(dir);
  Host first(dir, "kms1", &vendor);
  Host second(dir, "kms2", &vendor);
  for (int i = 1; i <= 4; ++i) {
    (void)Ato(GvlkMachine(dir, fmt::format("f{}", i), {{"/skms", first.address()}}));
  }
  Dnsmasq dns("lab.test", {{"kms1", first.port(), 0, 0}});
  const std::filesystem::path m = DnsMachine(dir, "m", dns);
  ASSERT_EQ(Ato(m).exit_status, 0);
  // The SRV record now names only the second host; the cached first host still answers first.
  Dnsmasq moved("lab.test", {{"kms2", second.port(), 0, 0}}, {"kms1"});
  ASSERT_EQ(Cli("licet", {"config", "set", "dns-server", moved.server()}, m).exit_status, 0);
  ASSERT_EQ(Ato(m).exit_status, 0);
  EXPECT_EQ(second.count(), 0);
  ASSERT_EQ(Cli("slmgr", {"/ckhc"}, m).exit_status, 0);
  (void)Ato(m);
  EXPECT_EQ(second.count(), 1);
}

TEST(VolumeDiscovery, DnsRecordPrintsTheSrvLineAndAFailedPublicationLogs12293) {
  TempDir dir;
  Host host(dir, "kms1", nullptr);
  const CliResult line = testing::Volume(
      {"dns-record", "--data", host.data().string(), "--domain", "corp.example", "--host", "kms1"});
  ASSERT_EQ(line.exit_status, 0) << line.both();
  EXPECT_EQ(line.out, "_vlmcs._tcp.corp.example. 3600 IN SRV 0 0 1688 kms1.corp.example.\n");
  // dnsmasq does not take dynamic updates: the publication fails, named, and event 12293 is logged.
  Dnsmasq dns("corp.example", {});
  const CliResult publish =
      testing::Volume({"dns-record", "--data", host.data().string(), "--domain", "corp.example",
                       "--host", "kms1", "--publish", dns.server()});
  EXPECT_EQ(publish.exit_status, 1) << publish.both();
  EXPECT_NE(publish.err.find("0xA1CE0013"), std::string::npos) << publish.err;
  StatusOr<std::string> events = ReadWholeFile(host.data() / "events.jsonl");
  ASSERT_TRUE(events.ok());
  EXPECT_NE(events->find("\"id\":12293"), std::string::npos) << *events;
  const json status = testing::HostStatus(host.data());
  EXPECT_NE(status.value("dns_last_result", "ok"), "ok");
  // A bad name never reaches the wire.
  EXPECT_EQ(testing::Volume({"dns-record", "--data", host.data().string(), "--domain",
                             "bad domain!", "--host", "kms1"})
                .exit_status,
            2);
}

}  // namespace
}  // namespace licet
