#include "licet/core/paseto.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace licet::paseto {
namespace {

template <size_t N>
std::array<std::uint8_t, N> FromHex(const std::string& hex) {
  std::array<std::uint8_t, N> out{};
  size_t len = 0;
  LICET_CHECK(sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
                  len == N,
              "hex");
  return out;
}

// The official PASETO v4 vectors: 4-S-* must sign to the exact token and verify; 4-F-* must fail.
TEST(PasetoTest, OfficialV4PublicVectors) {
  std::ifstream in(std::string(LICET_SOURCE_DIR) + "/tests/testdata/paseto_v4.json");
  const nlohmann::json vectors = nlohmann::json::parse(in);
  int signed_checked = 0, failures_checked = 0;
  for (const nlohmann::json& t : vectors["tests"]) {
    if (!t.contains("public-key") || t["public-key"].is_null()) continue;
    const std::string token = t["token"];
    if (!token.starts_with("v4.public.") && !t["expect-fail"].get<bool>()) continue;
    const auto pk = FromHex<32>(t["public-key"]);
    const std::string implicit = t["implicit-assertion"];
    const StatusOr<Verified> v = VerifyV4Public(token, implicit, pk);
    if (t["expect-fail"].get<bool>()) {
      EXPECT_FALSE(v.ok()) << t["name"];
      ++failures_checked;
      continue;
    }
    ASSERT_TRUE(v.ok()) << t["name"] << ": " << v.status();
    EXPECT_EQ(v->payload, t["payload"].get<std::string>()) << t["name"];
    EXPECT_EQ(v->footer, t["footer"].get<std::string>()) << t["name"];
    const auto sk = FromHex<64>(t["secret-key"]);
    EXPECT_EQ(
        SignV4Public(t["payload"].get<std::string>(), t["footer"].get<std::string>(), implicit, sk),
        token)
        << t["name"];
    ++signed_checked;
  }
  EXPECT_GE(signed_checked, 3);
  EXPECT_GE(failures_checked, 1);
}

TEST(PasetoTest, TamperingIsTokenInvalid) {
  std::array<std::uint8_t, 32> pk{};
  std::array<std::uint8_t, 64> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  const std::string token = SignV4Public("{\"cmid\":\"x\"}", "{\"kid\":\"k\"}", "", sk);
  ASSERT_TRUE(VerifyV4Public(token, "", pk).ok());
  for (size_t pos = kV4PublicHeader.size(); pos < token.size(); pos += 3) {
    std::string altered = token;
    altered[pos] = altered[pos] == 'A' ? 'B' : 'A';
    EXPECT_EQ(VerifyV4Public(altered, "", pk).status().code(), ErrorCode::kTokenInvalid) << pos;
  }
  EXPECT_FALSE(VerifyV4Public(token.substr(0, 40), "", pk).ok());
  EXPECT_FALSE(VerifyV4Public("v3.public." + token.substr(10), "", pk).ok());
  EXPECT_FALSE(VerifyV4Public(token, "other implicit", pk).ok());
  EXPECT_EQ(*UnverifiedFooter(token), "{\"kid\":\"k\"}");
}

}  // namespace
}  // namespace licet::paseto
