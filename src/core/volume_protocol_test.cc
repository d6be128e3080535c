#include "licet/core/volume_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace licet::volume {
namespace {

VolumeRequest SampleRequest() {
  return VolumeRequest{.product_id = "windows-server-2022",
                       .product_version = 20348,
                       .activation_id = "173600d8-bb91-42b6-9169-778e731271cb",
                       .edition = "ServerStandard",
                       .cmid = "584a2a2c-8cfd-4170-8ada-8d91c29b2552",
                       .hardware_id = "hw2.01234567.-.89abcdef.-.01234567.89abcdef",
                       .machine_name = "srv01",
                       .license_status = "initial_grace",
                       .client_time = TimePoint(Seconds(1'800'000'000)),
                       .nonce = "00112233445566778899aabbccddeeff"};
}

struct Chain {
  SigningKey vendor = SigningKey::Generate("vendor");
  SigningKey host = SigningKey::Generate("host-1");
  std::string certificate;
  Chain() {
    certificate = IssueHostCertificate({.issuer_key_id = vendor.key_id,
                                        .product_id = "windows-server-2022",
                                        .host_id = "h",
                                        .host_public_key = host.public_key,
                                        .skus = {"173600d8-bb91-42b6-9169-778e731271cb"},
                                        .max_version = 20348,
                                        .nonce = "n",
                                        .issued_at = TimePoint(Seconds(1'800'000'000)),
                                        .expires_at = TimePoint(Seconds(1'900'000'000))},
                                       vendor);
  }
};

LicenseClaims GrantClaims() {
  return LicenseClaims{.issuer_key_id = "host-1",
                       .product_id = "windows-server-2022",
                       .cmid = "584a2a2c-8cfd-4170-8ada-8d91c29b2552",
                       .activation_id = "173600d8-bb91-42b6-9169-778e731271cb",
                       .edition = "ServerStandard",
                       .channel = "Volume:GVLK",
                       .hardware_id = "hw2.01234567.-.89abcdef.-.01234567.89abcdef",
                       .method = "volume",
                       .nonce = "00112233445566778899aabbccddeeff",
                       .issued_at = TimePoint(Seconds(1'800'000'000)),
                       .expires_at = TimePoint(Seconds(1'815'552'000)),
                       .renew_after = TimePoint(Seconds(1'800'604'800))};
}

TEST(VolumeFrame, HeaderRoundTripsAndRejectsWhatIsNotAFrame) {
  const std::string frame = EncodeFrame(FrameKind::kRequest, "{}");
  StatusOr<FrameHeader> h = DecodeFrameHeader(frame, FrameKind::kRequest);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->payload_size, 2u);
  EXPECT_EQ(DecodeFrameHeader(frame, FrameKind::kReply).status().code(),
            ErrorCode::kServerProtocol);
  EXPECT_FALSE(DecodeFrameHeader("LVOL", FrameKind::kRequest).ok());  // truncated
  std::string bad = frame;
  bad[0] = 'X';
  EXPECT_FALSE(DecodeFrameHeader(bad, FrameKind::kRequest).ok());
  bad = frame;
  bad[4] = 2;  // a future version
  EXPECT_NE(DecodeFrameHeader(bad, FrameKind::kRequest).status().message().find("version 2"),
            std::string_view::npos);
  bad = frame;
  bad[7] = 1;  // reserved
  EXPECT_FALSE(DecodeFrameHeader(bad, FrameKind::kRequest).ok());
  // Size limits: empty and over 4 KiB requests are refused before anything is read.
  EXPECT_FALSE(DecodeFrameHeader(EncodeFrame(FrameKind::kRequest, ""), FrameKind::kRequest).ok());
  const auto big = EncodeFrameHeader(FrameKind::kRequest, kMaxRequestPayload + 1);
  EXPECT_FALSE(DecodeFrameHeader({big.data(), big.size()}, FrameKind::kRequest).ok());
}

TEST(VolumeRequest, RoundTripsAndNamesTheBadField) {
  const VolumeRequest r = SampleRequest();
  StatusOr<VolumeRequest> back = ParseVolumeRequest(SerializeVolumeRequest(r));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->cmid, r.cmid);
  EXPECT_EQ(back->client_time, r.client_time);
  EXPECT_EQ(back->product_version, 20348u);
  const auto with = [&](const char* field, nlohmann::json value) {
    nlohmann::json j = nlohmann::json::parse(SerializeVolumeRequest(r));
    j[field] = std::move(value);
    return ParseVolumeRequest(j.dump());
  };
  for (const auto& [field, value] :
       std::vector<std::pair<const char*, nlohmann::json>>{{"cmid", "not-a-uuid"},
                                                           {"hw", "xyz"},
                                                           {"nonce", 42},
                                                           {"machine", std::string(64, 'a')},
                                                           {"machine", "two words"},
                                                           {"version", -1},
                                                           {"version", 1ull << 33},
                                                           {"client_time", "yesterday"},
                                                           {"sku", nullptr}}) {
    StatusOr<VolumeRequest> bad = with(field, value);
    ASSERT_FALSE(bad.ok()) << field;
    EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(field), std::string_view::npos) << bad.status().message();
  }
  EXPECT_FALSE(ParseVolumeRequest("[1,2,3]").ok());
  EXPECT_FALSE(ParseVolumeRequest("{").ok());
}

TEST(VolumeReply, AGrantVerifiesUpToTheVendorKey) {
  Chain chain;
  const std::string token = IssueGrant(GrantClaims(), {.count = 7, .renewal_minutes = 10080},
                                       chain.host, VolumeFooter(chain.host, chain.certificate));
  StatusOr<VerifiedReply> v = ParseReply(GrantPayload(token), chain.vendor.public_key);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_TRUE(v->grant);
  EXPECT_EQ(v->grant->cmid, GrantClaims().cmid);
  EXPECT_EQ(v->grant_facts.count, 7u);
  EXPECT_EQ(v->certificate.max_version, 20348u);
  // Another vendor's key: the certificate is refused.
  const SigningKey other = SigningKey::Generate("other");
  EXPECT_EQ(ParseReply(GrantPayload(token), other.public_key).status().code(),
            ErrorCode::kTokenInvalid);
  // A flipped character anywhere in the token is refused.
  for (std::size_t i = 10; i < token.size(); i += 37) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(ParseReply(GrantPayload(tampered), chain.vendor.public_key).ok()) << i;
  }
}

TEST(VolumeReply, AHostKeyTheCertificateDoesNotNameCannotSign) {
  Chain chain;
  const SigningKey impostor = SigningKey::Generate("host-1");
  const std::string token =
      IssueGrant(GrantClaims(), {}, impostor, VolumeFooter(impostor, chain.certificate));
  StatusOr<VerifiedReply> v = ParseReply(GrantPayload(token), chain.vendor.public_key);
  EXPECT_EQ(v.status().code(), ErrorCode::kTokenInvalid);
  EXPECT_NE(v.status().message().find("certified host key"), std::string_view::npos);
}

TEST(VolumeReply, ADenialIsSignedAndCanNeverPassAsALicense) {
  Chain chain;
  const VolumeDenial d{.result = ErrorCode::kVolumeCountTooLow,
                       .message = "count 3",
                       .count = 3,
                       .threshold = 5,
                       .cmid = "c",
                       .nonce = "n",
                       .host_time = TimePoint(Seconds(1'800'000'000)),
                       .retry_minutes = 120};
  const std::string token = IssueDenial(d, chain.host, VolumeFooter(chain.host, chain.certificate));
  StatusOr<VerifiedReply> v = ParseReply(DenialPayload(token), chain.vendor.public_key);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_TRUE(v->denial);
  EXPECT_EQ(v->denial->result, ErrorCode::kVolumeCountTooLow);
  EXPECT_EQ(v->denial->count, 3u);
  // The same token presented as a grant fails: denials are signed under another assertion.
  EXPECT_FALSE(ParseReply(GrantPayload(token), chain.vendor.public_key).ok());
  EXPECT_FALSE(VerifyVolumeToken(token, chain.vendor.public_key).ok());
}

TEST(VolumeReply, AnUnsignedErrorComesBackAsTheHostsCodeAndGarbageAsAProtocolError) {
  const Status s =
      ParseReply(ErrorPayload(Status(ErrorCode::kVolumeHostNotActivated, "no")), {}).status();
  EXPECT_EQ(s.code(), ErrorCode::kVolumeHostNotActivated);
  EXPECT_EQ(ParseReply("{\"error\":{\"code\":\"0x12345678\"}}", {}).status().code(),
            ErrorCode::kServerProtocol);
  EXPECT_EQ(ParseReply("{\"error\":{\"code\":\"0x00000000\"}}", {}).status().code(),
            ErrorCode::kServerProtocol);
  EXPECT_EQ(ParseReply("{}", {}).status().code(), ErrorCode::kServerProtocol);
  EXPECT_EQ(ParseReply("\xff\xfe", {}).status().code(), ErrorCode::kServerProtocol);
  EXPECT_EQ(ParseReply("{\"grant\":\"v4.public.AAAA\"}", {}).status().code(),
            ErrorCode::kTokenInvalid);
}

}  // namespace
}  // namespace licet::volume
