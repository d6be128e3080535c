#include "install_record.h"

#include <gtest/gtest.h>

#include "store_seal.h"

namespace licet::client {
namespace {

InstallRecord Sample() {
  InstallRecord r;
  r.product_id = "p";
  r.vendor_key_id = "k";
  r.vendor_public_key = "AAAA";
  r.cmid = "e890d484-0da0-4e09-a24b-38c81a765680";
  r.installed_at = r.evaluation_started_at = r.grace_started_at = r.trusted_time =
      *ParseIso8601("2026-01-01T00:00:00Z");
  r.edition = "ServerStandard";
  r.features = {"IIS"};
  r.key = InstalledKey{
      .key = "K", .partial = "VMK7H", .activation_id = "a", .channel = Channel::kVolumeGvlk};
  r.activation = ActivationRecord{.method = "volume",
                                  .activated_at = r.installed_at,
                                  .expires_at = r.installed_at + std::chrono::days(180),
                                  .token = "t"};
  r.pending = PendingChange{.edition = "ServerDatacenter",
                            .key = std::nullopt,
                            .rearm = true,
                            .staged_at = r.installed_at,
                            .backup_id = "1"};
  r.rearm_remaining = 3;
  r.volume = {
      .host = "kms.contoso.local", .port = 1688, .domain = "contoso.local", .host_caching = false};
  r.lab_clock_offset_seconds = 86400;
  return r;
}

TEST(InstallRecordTest, RoundTrips) {
  const InstallRecord r = Sample();
  const StatusOr<InstallRecord> back = ParseRecord(SerializeRecord(r), "t");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(SerializeRecord(*back), SerializeRecord(r));
  EXPECT_EQ(back->key->channel, Channel::kVolumeGvlk);
  EXPECT_EQ(*back->pending->edition, "ServerDatacenter");
  EXPECT_EQ(back->volume.host, "kms.contoso.local");
}

TEST(InstallRecordTest, DamageIsStoreCorruptNeverAThrow) {
  const std::string good = SerializeRecord(Sample());
  std::vector<std::string> bad = {
      "", "{", "null", "[]", "{\"format\": 1}", good.substr(0, good.size() / 2)};
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"rearm_remaining\": 3"), 20, "\"rearm_remaining\": \"x\"");
  bad.push_back(wrong_type);
  std::string future = good;
  future.replace(future.find("\"format\": 2"), 11, "\"format\": 9");
  bad.push_back(future);
  std::string bad_channel = good;
  bad_channel.replace(bad_channel.find("Volume:GVLK"), 11, "Volume:XXXX");
  bad.push_back(bad_channel);
  std::string bad_time = good;
  bad_time.replace(bad_time.find("2026-01-01T00:00:00Z"), 20, "yesterday");
  bad.push_back(bad_time);
  for (const std::string& text : bad) {
    EXPECT_EQ(ParseRecord(text, "t").status().code(), ErrorCode::kStoreCorrupt)
        << text.substr(0, 60);
  }
}

}  // namespace
}  // namespace licet::client

namespace licet::client {
namespace {

TEST(StoreSealTest, AnyEditedByteBreaksTheSealAndTheSealItselfCannotBeReused) {
  const InstallRecord r = Sample();
  const std::string text = SerializeRecord(r);
  const StatusOr<InstallRecord> back = ParseRecord(text, "t");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->seal.size(), 64u);
  EXPECT_TRUE(StoreSealMatches(text, back->seal, r.cmid, r.vendor_public_key));
  // The seal is keyed by the CMID: the same bytes under another installation do not match.
  EXPECT_FALSE(StoreSealMatches(text, back->seal, "another-cmid", r.vendor_public_key));
  // One edited character anywhere (here: every 37th) breaks it.
  for (std::size_t i = 0; i < text.size(); i += 37) {
    std::string edited = text;
    edited[i] = edited[i] == '1' ? '2' : '1';
    const StatusOr<InstallRecord> e = ParseRecord(edited, "t");
    if (!e.ok()) continue;  // no longer JSON: kStoreCorrupt, also refused
    EXPECT_FALSE(StoreSealMatches(edited, e->seal, e->cmid, e->vendor_public_key)) << i;
  }
  // An edited evaluation start with the old seal left in place.
  std::string later = text;
  later.replace(later.find("2026-01-01T00:00:00Z"), 20, "2026-06-01T00:00:00Z");
  EXPECT_FALSE(StoreSealMatches(later, back->seal, r.cmid, r.vendor_public_key));
}

}  // namespace
}  // namespace licet::client

namespace licet::client {
namespace {

TEST(InstallRecordTest, NumbersOutOfRangeOrNotIntegersAreStoreCorruptNotUndefinedBehaviour) {
  const std::string good = SerializeRecord(Sample());
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"rearm_remaining\": 3", "\"rearm_remaining\": 2.1e85"},
           {"\"rearm_remaining\": 3", "\"rearm_remaining\": -1"},
           {"\"port\": 1688", "\"port\": 70000"},
           {"\"lab_clock_offset_seconds\": 86400",
            "\"lab_clock_offset_seconds\": 9223372036854775807"},
           {"\"phone_nonce\": 0", "\"phone_nonce\": 1.8e123"},
           {"\"evaluation_days\": 180", "\"evaluation_days\": 1e300"},
       }) {
    std::string bad = good;
    const std::size_t at = bad.find(from);
    ASSERT_NE(at, std::string::npos) << "not in the sample: " << from;
    bad.replace(at, from.size(), to);
    EXPECT_EQ(ParseRecord(bad, "t").status().code(), ErrorCode::kStoreCorrupt) << to;
  }
}

}  // namespace
}  // namespace licet::client
