// The host's parts without a network: the CMID table and its journal, the SRV record and its RFC
// 2136 message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "client_table.h"
#include "dns_update.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"

namespace licet::volume {
namespace {

constexpr Seconds kWindow = std::chrono::days(30);
const TimePoint kStart = TimePoint(Seconds(1'800'000'000));

Cmid NewCmid() { return *ParseCmid(RandomUuid()); }

class TempFile {
 public:
  TempFile() {
    char tmpl[] = "/tmp/licet-journal-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~TempFile() { std::filesystem::remove_all(dir_); }
  [[nodiscard]] std::filesystem::path path() const { return dir_ / "clients.journal"; }

 private:
  std::filesystem::path dir_;
};

TEST(CmidParsing, AcceptsUuidsOnly) {
  EXPECT_TRUE(ParseCmid("584a2a2c-8cfd-4170-8ada-8d91c29b2552"));
  EXPECT_FALSE(ParseCmid("584a2a2c-8cfd-4170-8ada-8d91c29b255"));
  EXPECT_FALSE(ParseCmid("584a2a2c-8cfd-4170-8ada-8d91c29b25522"));
  EXPECT_FALSE(ParseCmid("zz4a2a2c-8cfd-4170-8ada-8d91c29b2552"));
  EXPECT_EQ(HardwareFingerprint("hw2.00000001.-.-.-.-.-"),
            HardwareFingerprint("hw2.00000001.-.-.-.-.-"));
  EXPECT_NE(HardwareFingerprint("hw2.00000001.-.-.-.-.-"),
            HardwareFingerprint("hw2.00000002.-.-.-.-.-"));
}

TEST(ClientTable, CountsDistinctCmidsAndFlagsAClonedOne) {
  auto table = ClientTable::InMemory(kWindow);
  const Cmid a = NewCmid();
  EXPECT_EQ(table->Record(a, 1, kStart).count, 1u);
  EXPECT_EQ(table->Record(a, 1, kStart + Seconds(60)).count, 1u);     // a renewal
  const Sighting clone = table->Record(a, 2, kStart + Seconds(120));  // same CMID, other machine
  EXPECT_EQ(clone.count, 1u);
  EXPECT_TRUE(clone.duplicate);
  EXPECT_FALSE(table->Record(a, 1, kStart + Seconds(180)).duplicate);
  EXPECT_EQ(table->Record(NewCmid(), 3, kStart).count, 2u);
}

TEST(ClientTable, ForgetsMachinesNotSeenForThirtyDays) {
  auto table = ClientTable::InMemory(kWindow);
  const Cmid old = NewCmid();
  table->Record(old, 1, kStart);
  table->Record(NewCmid(), 2, kStart + std::chrono::days(20));
  EXPECT_EQ(table->Count(kStart + std::chrono::days(29)), 2u);
  EXPECT_EQ(table->Count(kStart + std::chrono::days(31)), 1u);
  EXPECT_EQ(table->Count(kStart + std::chrono::days(51)), 0u);
}

TEST(ClientTable, TheJournalKeepsTheCountAcrossARestartAndSkipsATornTail) {
  TempFile file;
  {
    auto table = ClientTable::Open(file.path(), kStart, kWindow);
    ASSERT_TRUE(table.ok()) << table.status().message();
    for (int i = 0; i < 5; ++i) (*table)->Record(NewCmid(), static_cast<std::uint64_t>(i), kStart);
    ASSERT_TRUE((*table)->Flush().ok());
    // No Sync(): a process kill after Flush() keeps the records (the page cache has them).
  }
  // A crash in the middle of a record leaves a torn tail.
  {
    std::ofstream out(file.path(), std::ios::app | std::ios::binary);
    out << "LVJ1torn";
  }
  auto table = ClientTable::Open(file.path(), kStart + Seconds(10), kWindow);
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ((*table)->Count(kStart + Seconds(10)), 5u);
  EXPECT_EQ(std::filesystem::file_size(file.path()), 5u * 40u);  // rewritten without the tail
  StatusOr<std::uint32_t> read_only = ClientTable::CountJournal(file.path(), kStart, kWindow);
  ASSERT_TRUE(read_only.ok());
  EXPECT_EQ(*read_only, 5u);
}

TEST(ClientTable, ADamagedRecordEndsTheUsableJournal) {
  TempFile file;
  {
    auto table = ClientTable::Open(file.path(), kStart, kWindow);
    ASSERT_TRUE(table.ok());
    for (int i = 0; i < 3; ++i) (*table)->Record(NewCmid(), 1, kStart);
    ASSERT_TRUE((*table)->Flush().ok());
  }
  StatusOr<std::string> bytes = ReadWholeFile(file.path());
  ASSERT_TRUE(bytes.ok());
  (*bytes)[45] ^= 0x40;  // inside the second record
  ASSERT_TRUE(WriteFileAtomically(file.path(), *bytes).ok());
  auto table = ClientTable::Open(file.path(), kStart, kWindow);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->Count(kStart), 1u);
}

TEST(ClientTable, StaleRecordsAreCompactedAway) {
  TempFile file;
  const Cmid a = NewCmid();
  {
    auto table = ClientTable::Open(file.path(), kStart, kWindow);
    ASSERT_TRUE(table.ok());
    for (int i = 0; i < 3000; ++i) (*table)->Record(a, 1, kStart + Seconds(i));
    ASSERT_TRUE((*table)->Sync().ok());
  }
  EXPECT_EQ(std::filesystem::file_size(file.path()), 3000u * 40u);
  auto table = ClientTable::Open(file.path(), kStart + Seconds(3000), kWindow);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(std::filesystem::file_size(file.path()), 40u);
  EXPECT_EQ((*table)->Count(kStart + Seconds(3000)), 1u);
}

TEST(SrvRecord, ZoneLineAndValidation) {
  SrvRecord r{.domain = "corp.example", .target = "kms1", .port = 1688};
  EXPECT_EQ(ZoneFileLine(r), "_vlmcs._tcp.corp.example. 3600 IN SRV 0 0 1688 kms1.corp.example.");
  r.target = "kms.other.example.";
  EXPECT_EQ(r.fqdn_target(), "kms.other.example");
  EXPECT_TRUE(ValidateSrvRecord(r).ok());
  for (const char* bad : {"", "a..b", "sp ace.example", "x.example!"}) {
    SrvRecord b = r;
    b.domain = bad;
    EXPECT_EQ(ValidateSrvRecord(b).code(), ErrorCode::kInvalidArgument) << bad;
  }
  SrvRecord long_label = r;
  long_label.target = std::string(64, 'a');
  EXPECT_FALSE(ValidateSrvRecord(long_label).ok());
}

TEST(SrvRecord, TheRfc2136MessageHasTheZoneAndOneSrvUpdate) {
  const SrvRecord r{
      .domain = "lab.test", .target = "kms1", .port = 1688, .priority = 1, .weight = 2, .ttl = 600};
  const std::vector<std::uint8_t> m = BuildSrvUpdate(r, 0x1234);
  ASSERT_GE(m.size(), 12u);
  EXPECT_EQ(m[0], 0x12);
  EXPECT_EQ(m[1], 0x34);
  EXPECT_EQ(m[2], 0x28);  // opcode UPDATE (5) << 3
  EXPECT_EQ(m[5], 1);     // one zone
  EXPECT_EQ(m[9], 1);     // one update
  // Zone: 3lab4test0, type SOA, class IN.
  const std::vector<std::uint8_t> zone = {3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 6, 0, 1};
  EXPECT_TRUE(std::equal(zone.begin(), zone.end(), m.begin() + 12));
  // The RDATA ends with priority, weight, port and the target's wire name.
  const std::vector<std::uint8_t> tail = {0, 1,   0,   2,   0x06, 0x98, 4,   'k', 'm', 's', '1',
                                          3, 'l', 'a', 'b', 4,    't',  'e', 's', 't', 0};
  EXPECT_TRUE(std::equal(tail.rbegin(), tail.rend(), m.rbegin()));
}

TEST(SrvRecord, PublishingToNobodyTimesOutWithTheServerNamed) {
  // A UDP port that nothing listens on: the kernel answers "connection refused" or nothing.
  const Status s = PublishSrvRecord({.domain = "lab.test", .target = "kms1", .port = 1688},
                                    "127.0.0.1:9", std::chrono::milliseconds(300));
  EXPECT_EQ(s.code(), ErrorCode::kDnsUpdateFailed);
  EXPECT_NE(s.message().find("127.0.0.1:9"), std::string_view::npos);
  EXPECT_EQ(PublishSrvRecord({.domain = "lab.test", .target = "kms1"}, "not-an-ip").code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace licet::volume
