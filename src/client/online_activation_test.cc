#include "online_activation.h"

#include <gtest/gtest.h>

#include "client_test_util.h"
#include "key_installation.h"
#include "licet/core/atomic_file.h"
#include "licet/core/license_token.h"

namespace licet::client {
namespace {

using testing::kStart;
using testing::LabKey;
using testing::MustCreate;
using testing::TempRoot;

SigningKey LabRootKey() {
  const StatusOr<std::string> text =
      ReadWholeFile(std::string(LICET_CATALOG_DIR) + "/keys/licet-lab-root-2026.secret");
  LICET_CHECK(text.ok(), "lab root key");
  return *ParseSecretKeyFile(*text);
}

// A token as licet-server would issue it for `inst` answering nonce "n1".
LicenseClaims ClaimsFor(const Installation& inst) {
  return LicenseClaims{.issuer_key_id = "licet-lab-root-2026",
                       .product_id = inst.catalog().product().id,
                       .cmid = inst.record().cmid,
                       .activation_id = inst.record().key->activation_id,
                       .edition = inst.record().edition,
                       .channel = "Retail",
                       .hardware_id = HardwareId(inst),
                       .partial_key = inst.record().key->partial,
                       .method = "online",
                       .nonce = "n1",
                       .issued_at = kStart,
                       .expires_at = std::nullopt,
                       .renew_after = std::nullopt};
}

class TokenCheckTest : public ::testing::Test {
 protected:
  TokenCheckTest() : clock_(kStart), inst_(MustCreate(root_.path(), clock_, "ServerStandard")) {
    LICET_CHECK(
        InstallProductKey(inst_, LabKey(inst_.catalog(), "ServerStandard", Channel::kRetail)).ok(),
        "key");
  }
  Status Check(const LicenseClaims& claims, const SigningKey& key = LabRootKey()) {
    return CheckTokenForInstallation(inst_, IssueLicenseToken(claims, key), "n1");
  }
  TempRoot root_;
  FakeClock clock_;
  Installation inst_;
};

TEST_F(TokenCheckTest, GenuineTokenIsAccepted) { EXPECT_TRUE(Check(ClaimsFor(inst_)).ok()); }

TEST_F(TokenCheckTest, FlippedBitIsRefused) {
  std::string token = IssueLicenseToken(ClaimsFor(inst_), LabRootKey());
  for (size_t pos = 12; pos < token.size(); pos += 17) {
    std::string altered = token;
    altered[pos] = altered[pos] == 'x' ? 'y' : 'x';
    EXPECT_EQ(CheckTokenForInstallation(inst_, altered, "n1").code(), ErrorCode::kTokenInvalid)
        << pos;
  }
}

TEST_F(TokenCheckTest, AnotherMachinesTokenIsRefused) {
  LicenseClaims c = ClaimsFor(inst_);
  c.hardware_id = "0123456789abcdef0123456789abcdef";
  const Status s = Check(c);
  EXPECT_EQ(s.code(), ErrorCode::kTokenInvalid);
  EXPECT_NE(s.message().find("another machine"), std::string_view::npos) << s;
  c = ClaimsFor(inst_);
  c.cmid = "e890d484-0da0-4e09-a24b-38c81a765680";
  EXPECT_NE(Check(c).message().find("another installation"), std::string_view::npos);
}

TEST_F(TokenCheckTest, ReplayedTokenForAnotherRequestIsRefused) {
  LicenseClaims c = ClaimsFor(inst_);
  c.nonce = "an-older-request";
  const Status s = Check(c);
  EXPECT_EQ(s.code(), ErrorCode::kTokenInvalid);
  EXPECT_NE(s.message().find("nonce"), std::string_view::npos) << s;
}

TEST_F(TokenCheckTest, TokenOfAnotherSkuOrSignerIsRefused) {
  LicenseClaims c = ClaimsFor(inst_);
  c.activation_id = "0f66a143-c99b-4a4a-8a4f-feda89d6761d";
  EXPECT_EQ(Check(c).code(), ErrorCode::kTokenInvalid);
  EXPECT_EQ(Check(ClaimsFor(inst_), SigningKey::Generate("licet-lab-root-2026")).code(),
            ErrorCode::kTokenInvalid);
}

TEST_F(TokenCheckTest, ActivationNeedsAKeyAndNoPendingChange) {
  ASSERT_TRUE(UninstallProductKey(inst_).ok());
  EXPECT_EQ(ActivateOnline(inst_).status().code(), ErrorCode::kProductKeyNotInstalled);
  ASSERT_TRUE(InstallProductKey(inst_, "VDYBN-27WPP-V4HQT-9VMD4-VMK7H").ok());
  EXPECT_EQ(ActivateOnline(inst_).status().code(), ErrorCode::kNotSupported)
      << "a GVLK goes to a volume host";
}

TEST_F(TokenCheckTest, UnknownServerNameIs0x80072EE7) {
  inst_.record().activation_url = "http://licet-test-no-such-host.invalid:8080";
  const StatusOr<OnlineActivationResult> r = ActivateOnline(inst_);
  EXPECT_EQ(r.status().code(), ErrorCode::kNameNotResolved) << r.status();
  EXPECT_NE(r.status().message().find("licet-test-no-such-host.invalid"), std::string_view::npos);
}

}  // namespace
}  // namespace licet::client
